import { execFile } from 'node:child_process'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { TOOL_VERSION } from '../src/common/version.js'
import { repoRoot, tempDir } from './support/files.js'

const run = promisify(execFile)

test('dist/ is exactly what the bundler makes from src/ (users run dist, not src)', async () => {
  const fresh = await tempDir('dist')
  await run(process.execPath, [path.join(repoRoot, 'scripts/bundle.mjs'), fresh], { cwd: repoRoot })
  const names = (await readdir(fresh)).sort()
  expect((await readdir(path.join(repoRoot, 'dist'))).sort()).toEqual(names)
  for (const name of names) {
    const committed = await readFile(path.join(repoRoot, 'dist', name), 'utf8')
    const rebuilt = await readFile(path.join(fresh, name), 'utf8')
    if (committed !== rebuilt)
      throw new Error(`dist/${name} is stale: run 'npm run bundle' and commit dist/`)
  }
}, 120_000)

test('the tool version matches package.json', async () => {
  const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8'))
  expect(TOOL_VERSION).toBe(pkg.version)
})

test('action.yml runs the bundled entry points on node24', async () => {
  const action = await readFile(path.join(repoRoot, 'action.yml'), 'utf8')
  expect(action).toMatch(/using: node24/)
  expect(action).toMatch(/main: dist\/index\.js/)
  expect(action).toMatch(/post: dist\/post\.js/)
})

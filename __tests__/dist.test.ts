import { execFile } from 'node:child_process'
import { readFile, readdir, stat } from 'node:fs/promises'
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

test("package.json's bin runs as a program, as npx and npm's bin links run it", async () => {
  const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8'))
  const bin = path.join(repoRoot, pkg.bin['some-cabal2nix'])
  expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true)
  expect((await stat(bin)).mode & 0o111).toBe(0o111)
  // Through a shell, the way npx hands it over: without the shebang `sh` would parse the JavaScript.
  const { stdout } = await run('/bin/sh', ['-c', `"${bin}" --version`], {
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` }
  })
  expect(stdout.trim()).toBe(`some-cabal2nix ${TOOL_VERSION}`)
})

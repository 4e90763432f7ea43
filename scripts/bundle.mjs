// Bundles the four entry points into dist/. esbuild output is deterministic, so
// __tests__/dist.test.ts can rebundle into a temp dir and compare bytes with the committed dist/.
import { build } from 'esbuild'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const outdir = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'dist')

await build({
  absWorkingDir: root,
  entryPoints: {
    index: 'src/index.ts',
    post: 'src/post-entry.ts',
    cli: 'src/cli.ts',
    observer: 'src/observer-entry.ts'
  },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Prefer ESM builds: some dependencies' "main" is a UMD wrapper whose dynamic require()s esbuild cannot follow.
  mainFields: ['module', 'main'],
  splitting: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some toolkit dependencies are CommonJS and call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __scnCreateRequire } from 'node:module'; const require = __scnCreateRequire(import.meta.url);"
  }
})

// dist/cli.js is package.json's `bin`: npx and npm's bin links exec it directly, so it needs a
// shebang and the executable bit (git records the mode).
const cli = path.join(outdir, 'cli.js')
await writeFile(cli, `#!/usr/bin/env node\n${await readFile(cli, 'utf8')}`)
await chmod(cli, 0o755)

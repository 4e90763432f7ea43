// Builder of the some-cabal2nix batch derivation (nix/core.nix). Runs under Nix with no PATH:
// everything comes from the environment the derivation sets.
//
//   cli                 the bundled CLI (dist/cli.js, stored as *.mjs)
//   cabal2nix           absolute path of the cabal2nix executable
//   compiler            ghc-X.Y.Z (nixpkgs' haskellCompilerName)
//   hostConfig          cabal2nix --system (nixpkgs' hostPlatform.config)
//   overridesJSONPath   normalized overrides: { name: "version" | { path: "/nix/store/…" } }
//   allCabalHashes      the all-cabal-hashes tarball (absent when every package is local)
//   cabal2nixTimeout    seconds per cabal2nix run (optional)
//   out                 the output directory
//
// Local packages are linked under `./<name>` next to a rewritten overrides file, so neither the
// generated expressions nor manifest.json mention a store path: the output has no references.
import { copyFile, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

function required(name) {
  const value = process.env[name]
  if (!value) {
    process.stderr.write(`error: the some-cabal2nix builder needs $${name}\n`)
    process.exit(2)
  }
  return value
}

async function copyTree(from, to) {
  await mkdir(to, { recursive: true, mode: 0o755 })
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name)
    const target = path.join(to, entry.name)
    if (entry.isDirectory()) await copyTree(source, target)
    else await copyFile(source, target)
  }
}

const work = path.join(process.env.TMPDIR || os.tmpdir(), 'some-cabal2nix')
const input = path.join(work, 'input')
await mkdir(input, { recursive: true })

const requested = JSON.parse(await readFile(required('overridesJSONPath'), 'utf8'))
const overrides = {}
for (const [name, value] of Object.entries(requested)) {
  if (typeof value === 'string') {
    overrides[name] = value
  } else {
    await symlink(value.path, path.join(input, name))
    overrides[name] = { path: `./${name}` }
  }
}
const overridesFile = path.join(input, 'overrides.json')
await writeFile(overridesFile, `${JSON.stringify(overrides, null, 2)}\n`)

// NIX_BUILD_CORES=0 means "all of them".
const cores = Number.parseInt(process.env.NIX_BUILD_CORES ?? '', 10)
const jobs = Math.min(16, cores > 0 ? cores : os.availableParallelism())
const staging = path.join(work, 'batch')
const argv = [
  'build',
  '--overrides',
  overridesFile,
  '--out',
  staging,
  '--cabal2nix',
  required('cabal2nix'),
  '--compiler',
  required('compiler'),
  '--system',
  required('hostConfig'),
  '--jobs',
  String(jobs)
]
if (process.env.allCabalHashes) argv.push('--archive', process.env.allCabalHashes)
if (process.env.cabal2nixTimeout) argv.push('--timeout', process.env.cabal2nixTimeout)
const timingsFile = path.join(work, 'timings.json')
argv.push('--timings-file', timingsFile)

const { runCli } = await import(pathToFileURL(required('cli')).href)
const code = await runCli(argv)
if (code === 0) {
  // Copied, not renamed: the build directory and the store may be different file systems.
  await copyTree(staging, required('out'))
  // The Action's channel out of the build: one line in the build log (src/action/store.ts
  // timingsFromBuildLog reads it); the CLI itself prints no such line.
  process.stderr.write(`some-cabal2nix timings: ${(await readFile(timingsFile, 'utf8')).trim()}\n`)
}
process.exitCode = code

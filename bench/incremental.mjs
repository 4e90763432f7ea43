#!/usr/bin/env node
// Incremental Haskell builds: a full build of the 30-module chain project (testing/ghc-project.mjs)
// against an incremental build after an edit to one leaf module (Main, imported by no other
// module), both through the Nix library's opt-in and the stand-in of nixpkgs' Haskell builder
// (testing/nix/generic-builder.nix) with the machine's GHC (>= 9.4). Interleaved: every round
// writes a project Nix has never built (a new salt), builds it from zero (timed: the full build),
// edits Main and builds again from the first build's intermediates (timed: the incremental build).
// Only chain-app's derivation is timed; its dependency chain-dep is built before, untimed.
//
//   node bench/incremental.mjs [--runs N] [--weight W]
//
// Needs Nix and GHC >= 9.4 (Debian trixie or forky; on a bookworm host run it in a chroot:
// bash scripts/nix-chroot.sh run DIR -- node bench/incremental.mjs). Targets: the incremental
// build compiles <= 10 % of the modules and takes <= 0.3x the full build's wall time.
// Writes bench/results/incremental-latest.{json,md}.
import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { editLeaf, expectedOutput, initialModel, moduleCount, writeProject } from '../testing/ghc-project.mjs'
import { createNixEnv, findNix, makeCabal2nixPrefix, nodePrefix } from '../testing/nix/harness.mjs'
import { buildProject, collectIntermediates, findGhc, runApp } from '../testing/nix/ghc-harness.mjs'
import { fmtS, fmtX, summarize } from './lib/stats.mjs'
import { benchDir, bundleArchiveModule, gitRevision, repoRoot, workDir } from './lib/tools.mjs'

const { values: options } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, weight: { type: 'string', default: '4' } }
})
const runs = Number(options.runs)
const weight = Number(options.weight)

const nix = findNix()
const ghc = findGhc()
if (!nix.available || !ghc.incremental) {
  console.error(`bench/incremental.mjs needs Nix and GHC >= 9.4 (found: Nix ${nix.version ?? 'none'}, GHC ${ghc.version ?? 'none'})`)
  process.exit(2)
}

const root = path.join(workDir, `incremental-${process.pid}`)
await mkdir(root, { recursive: true })
const { readGhcProgress } = await import(
  await bundleArchiveModule({
    entry: path.join(repoRoot, 'src', 'common', 'ghc-progress.ts'),
    outfile: path.join(root, 'ghc-progress.bundle.mjs')
  })
)
const nixEnv = await createNixEnv(root)
const cabal2nix = await makeCabal2nixPrefix(path.join(root, 'cabal2nix'))
const common = { ghcVersion: ghc.version, cabal2nix, nodejs: nodePrefix(), incremental: 'auto' }

/** Builds chain-dep (untimed), then chain-app (timed); runs the program and checks what it prints. */
async function measure(label, model, previousIntermediates) {
  const projectDir = path.join(root, label)
  await writeProject(projectDir, model)
  const options = { ...common, projectDir, previousIntermediates, outLink: path.join(root, `result-${label}`) }
  const dep = await buildProject(nixEnv, { ...options, attrs: ['dep'] })
  if (!dep.ok) throw new Error(`${label}: chain-dep failed:\n${dep.stderr.slice(-3000)}`)
  const app = await buildProject(nixEnv, { ...options, attrs: ['app'] })
  if (!app.ok) throw new Error(`${label}: chain-app failed:\n${app.stderr.slice(-3000)}`)
  const output = await runApp(app.app)
  if (output !== expectedOutput(model)) throw new Error(`${label}: chain-app printed ${JSON.stringify(output)}`)
  const component = readGhcProgress(app.log).components.find(c => c.packageId === 'chain-app-1.0')
  return { seconds: app.ms / 1000, compiled: component?.compiled.length ?? 0, intermediates: app.intermediates }
}

const rounds = []
for (let i = 0; i < runs; i++) {
  const model = initialModel({ weight, salt: `bench ${randomBytes(6).toString('hex')}` })
  const full = await measure(`full-${i}`, model)
  const previous = await collectIntermediates(full.intermediates, path.join(root, `previous-${i}`))
  const incremental = await measure(`incremental-${i}`, editLeaf(model), previous)
  rounds.push({ full, incremental })
  console.log(
    `round ${i + 1}/${runs}: full ${fmtS(full.seconds)} s (${full.compiled} compiled), incremental ${fmtS(incremental.seconds)} s (${incremental.compiled} compiled)`
  )
}

const total = moduleCount(initialModel())
const full = summarize(rounds.map(r => r.full.seconds))
const incremental = summarize(rounds.map(r => r.incremental.seconds))
const compiled = {
  full: summarize(rounds.map(r => r.full.compiled)).median,
  incremental: summarize(rounds.map(r => r.incremental.compiled)).median
}
const timeRatio = summarize(rounds.map(r => r.incremental.seconds / r.full.seconds)).median
const moduleShare = compiled.incremental / total
const result = {
  date: new Date().toISOString(),
  revision: gitRevision(),
  machine: `${os.cpus().length} CPUs, load ${os.loadavg().map(l => l.toFixed(1)).join(' ')}`,
  nix: nix.version,
  ghc: ghc.version,
  runs,
  weight,
  modules: total,
  full,
  incremental,
  compiled,
  timeRatio,
  moduleShare,
  targets: { moduleShare: moduleShare <= 0.1, timeRatio: timeRatio <= 0.3 }
}

const table = [
  `Incremental Haskell build (chain-app, ${total} modules, weight ${weight}; GHC ${ghc.version}, ${nix.version}; ${result.machine}; ${runs} interleaved rounds, medians)`,
  '',
  '| build | modules compiled | wall time (min–max) | vs full |',
  '| --- | ---: | ---: | ---: |',
  `| full (no previous intermediates) | ${compiled.full} of ${total} | ${fmtS(full.median)} s (${fmtS(full.min)}–${fmtS(full.max)}) | 1.00× |`,
  `| incremental after a leaf edit | ${compiled.incremental} of ${total} | ${fmtS(incremental.median)} s (${fmtS(incremental.min)}–${fmtS(incremental.max)}) | ${fmtX(timeRatio)} |`,
  '',
  `Targets: <= 10 % of the modules (${(moduleShare * 100).toFixed(1)} %: ${result.targets.moduleShare ? 'met' : 'missed'}), <= 0.3x the full build's wall time (${fmtX(timeRatio)}: ${result.targets.timeRatio ? 'met' : 'missed'}).`,
  ''
].join('\n')
console.log(`\n${table}`)
await mkdir(path.join(benchDir, 'results'), { recursive: true })
await writeFile(path.join(benchDir, 'results', 'incremental-latest.json'), JSON.stringify(result, null, 2) + '\n')
await writeFile(path.join(benchDir, 'results', 'incremental-latest.md'), table)
await rm(root, { recursive: true, force: true })

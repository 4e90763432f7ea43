#!/usr/bin/env node
// Benchmarks at real scale: our batch against the nixpkgs path, GNU tar and the gunzip floor.
// `npm run bench` (not part of `npm test`); bench/README.md explains the parts and the options.
//
//   node bench/run.mjs [--quick] [--runs N] [--eval-runs N] [--eval-n N] [--seed N] [--scale F]
//                      [--baseline REF] [--node PATH]... [--skip nixpkgs,batch,nix,scaling,walk,profile]
//   node bench/run.mjs --render    (re-render the Markdown from bench/results/latest.json)
//
// Writes bench/results/<timestamp>.json, bench/results/latest.{json,md}, and regenerates the
// marked section of bench/README.md.
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { findNix } from '../testing/nix/harness.mjs'
import { actionNode } from '../testing/simulated-runner.mjs'
import { measureNixpkgsWay, measurePasses, prepareWanted } from './lib/archive-pass.mjs'
import { measureBatch } from './lib/batch.mjs'
import { measureEvaluation } from './lib/nix-eval.mjs'
import { profilePass } from './lib/profile.mjs'
import { judgeTargets, renderLatest, updateReadme } from './lib/report.mjs'
import {
  benchDir,
  bundleArchiveModule,
  bundleBaseline,
  ensureArchive,
  gitRevision,
  machineNotes,
  repoRoot,
  runChecked,
  workDir
} from './lib/tools.mjs'

const USAGE = `usage: node bench/run.mjs [options]   (npm run bench -- [options])
  --quick            a fast sanity run (~3 min): 3 runs, N = 1, 10, 100, (a) measured at N = 1 only,
                     batch at N = 30, evaluation at N = 10 once, scale 1/4 only for scaling
  --runs N           runs per measurement for parts 1, 2 and 4 (default 5; --quick 3)
  --eval-runs N      runs per row of the Nix evaluation (default 3; --quick 1)
  --eval-n N         overrides in the evaluated project (default 30; --quick 10)
  --seed N           archive generator seed (default 1)
  --scale F          size of the main archive (default 1 = ~18k packages, ~74 MB gzipped)
  --baseline REF     also measure src/builder/archive.ts as of git REF (before/after an optimisation)
  --node PATH        a Node binary to measure our pass with (repeatable; default: the Action's
                     Node 24 where installed, and the Node running this script)
  --skip LIST        comma-separated: nixpkgs (part 1a), batch, nix, scaling, walk, profile
  --render           only re-render latest.md and the README section from bench/results/latest.json`

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    'eval-runs': { type: 'string' },
    'eval-n': { type: 'string' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    baseline: { type: 'string' },
    node: { type: 'string', multiple: true },
    skip: { type: 'string', default: '' },
    render: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
})
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

const resultsDir = path.join(benchDir, 'results')
const readmeFile = path.join(benchDir, 'README.md')
const writeAtomically = async (file, text) => {
  await writeFile(`${file}.tmp`, text)
  await rename(`${file}.tmp`, file)
}
/** latest.md and the README section, from a result object. */
const render = async result => {
  const markdown = renderLatest(result)
  await writeAtomically(path.join(resultsDir, 'latest.md'), markdown)
  const readme = existsSync(readmeFile) ? await readFile(readmeFile, 'utf8') : '# Benchmarks\n'
  await writeAtomically(readmeFile, updateReadme(readme, result))
  return markdown
}
if (values.render) {
  // After a change to bench/lib/report.mjs: the same numbers, rendered again.
  await render(JSON.parse(await readFile(path.join(resultsDir, 'latest.json'), 'utf8')))
  process.stderr.write('rendered bench/results/latest.md and bench/README.md from latest.json\n')
  process.exit(0)
}

const positive = (name, raw, fallback) => {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`error: --${name} takes a positive number, not '${raw}'\n${USAGE}`)
    process.exit(2)
  }
  return n
}
const quick = values.quick
const skip = new Set(
  values.skip
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
)
const options = {
  quick,
  runs: Math.round(positive('runs', values.runs, quick ? 3 : 5)),
  evalRuns: Math.round(positive('eval-runs', values['eval-runs'], quick ? 1 : 3)),
  evalN: Math.round(positive('eval-n', values['eval-n'], quick ? 10 : 30)),
  seed: Math.round(positive('seed', values.seed, 1)),
  scale: positive('scale', values.scale, 1),
  ns: quick ? [1, 10, 100] : [1, 10, 30, 100],
  // (a) costs ~2.5 s per package; larger N are extrapolated from the per-package median.
  nixpkgsNs: quick ? [1] : [1, 10, 30],
  batchNs: quick ? [30] : [30, 100],
  scalingScales: quick ? [0.25] : [0.25, 0.5],
  scalingN: 100,
  scalingExtraNs: quick ? [] : [1000],
  baseline: values.baseline,
  gnuTar: true,
  gzip: true,
  walk: !quick && !skip.has('walk'),
  skip: [...skip]
}

const log = message => process.stderr.write(`${message}\n`)
const startedAt = new Date()
const started = performance.now()

// The Nodes to measure our pass with: the Action's runtime first (it is what the targets use).
const nodePaths = values.node?.length ? values.node : [...new Set([actionNode(), process.execPath])]
const nodes = []
for (const node of nodePaths) {
  const probe = await runChecked(node, ['-p', 'process.version + " " + process.versions.zlib'])
  const [version, zlib] = probe.stdout.trim().split(' ')
  if (nodes.some(n => n.version === version.replace(/^v/, ''))) continue
  nodes.push({
    label: `Node ${version.replace(/^v/, '')}`,
    path: node,
    version: version.replace(/^v/, ''),
    zlib
  })
}
const machine = machineNotes(nodes.map(n => n.path))

const runDir = path.join(workDir, 'tmp', `run-${process.pid}`)
await rm(runDir, { recursive: true, force: true })
await mkdir(runDir, { recursive: true })

log(
  `some-cabal2nix benchmark${quick ? ' (--quick)' : ''}: ${machine.cores} cores, ` +
    `${nodes.map(n => n.label).join(', ')}, ${machine.nix}`
)
const main = await ensureArchive({ seed: options.seed, scale: options.scale, log })
const archive = { file: main.file, index: main.index }

// Our pass, bundled from the working tree (and from --baseline REF for a before/after).
const currentBundle = await bundleArchiveModule({
  entry: path.join(repoRoot, 'src', 'builder', 'archive.ts'),
  outfile: path.join(workDir, 'archive-current.bundle.mjs')
})
const subjects = nodes.map(n => ({
  key: `ours|${n.label}`,
  title: `ours: extractMembers — ${n.label}${options.baseline ? ' (working tree)' : ''}`,
  node: n.path,
  nodeLabel: n.label,
  bundle: currentBundle
}))
if (options.baseline) {
  const base = await bundleBaseline(options.baseline)
  for (const n of nodes) {
    subjects.push({
      key: `base|${n.label}`,
      title: `ours as of ${options.baseline} (${base.short}), before — ${n.label}`,
      node: n.path,
      nodeLabel: n.label,
      bundle: base.outfile
    })
  }
}

const result = {
  version: 1,
  startedAt: startedAt.toISOString(),
  git: gitRevision(),
  options,
  machine,
  nodes,
  subjects: subjects.map(({ key, title, nodeLabel }) => ({ key, title, nodeLabel })),
  archive: main.meta
}

// ---- 1. the archive pass --------------------------------------------------------------------
log(`\n1. archive pass, N = ${options.ns.join(', ')}, ${options.runs} rounds`)
result.archivePass = {
  results: await measurePasses({
    archive,
    ns: options.ns,
    runs: options.runs,
    nodes: nodes.map(n => ({ label: n.label, node: n.path })),
    subjects,
    walk: options.walk,
    gnuTar: options.gnuTar,
    gzip: options.gzip,
    dir: runDir,
    log
  })
}
if (!skip.has('nixpkgs')) {
  log(
    `\n1a. the nixpkgs way in full for N = ${options.nixpkgsNs.join(', ')} (${options.runs} runs)`
  )
  result.archivePass.nixpkgs = {
    runs: options.runs,
    ...(await measureNixpkgsWay({
      archive,
      ns: options.nixpkgsNs,
      runs: options.runs,
      dir: runDir,
      log
    }))
  }
}

// ---- 2. the whole batch ---------------------------------------------------------------------
if (!skip.has('batch')) {
  log(`\n2. dist/cli.js build, N = ${options.batchNs.join(', ')}`)
  if (!existsSync(path.join(repoRoot, 'dist', 'cli.js'))) {
    throw new Error('dist/cli.js is missing: run npm run bundle')
  }
  result.batch = await measureBatch({
    archive,
    ns: options.batchNs,
    runs: options.runs,
    node: nodes[0].path,
    jobs: os.availableParallelism(),
    dir: runDir,
    log
  })
}

// ---- 3. evaluation with the real Nix --------------------------------------------------------
if (!skip.has('nix')) {
  const nix = findNix()
  if (!nix.available) {
    result.evaluation = { skipped: 'Nix is not installed (nix-instantiate is not on PATH)' }
  } else {
    log(`\n3. Nix evaluation, ${options.evalN} overrides, ${options.evalRuns} runs per row`)
    const evalDir = path.join(runDir, 'eval')
    await mkdir(evalDir, { recursive: true })
    try {
      result.evaluation = await measureEvaluation({
        archive,
        n: options.evalN,
        runs: options.evalRuns,
        nodePrefix: path.dirname(path.dirname(nodes[0].path)),
        dir: evalDir,
        log
      })
    } catch (error) {
      log(`  evaluation failed: ${error.message}`)
      result.evaluation = { skipped: `failed: ${error.message.split('\n')[0]}` }
    }
  }
}

// ---- 4. scaling -----------------------------------------------------------------------------
if (!skip.has('scaling')) {
  log(
    `\n4. scaling: archive sizes ${options.scalingScales.join(', ')} (N = ${options.scalingN}), ` +
      `N = ${options.scalingExtraNs.join(', ') || '–'}`
  )
  const primary = nodes[0]
  const onlyPrimary = {
    nodes: [{ label: primary.label, node: primary.path }],
    subjects: [subjects[0]],
    walk: false,
    gnuTar: false,
    gzip: false,
    runs: options.runs,
    dir: runDir,
    log
  }
  const bySize = []
  for (const scale of options.scalingScales) {
    const other = await ensureArchive({ seed: options.seed, scale, log })
    const r = await measurePasses({
      ...onlyPrimary,
      archive: { file: other.file, index: other.index },
      ns: [options.scalingN]
    })
    bySize.push({
      scale,
      archive: other.meta,
      floor: r[`floor|${primary.label}`],
      ours: r[`ours|${primary.label}|${options.scalingN}`]
    })
  }
  const p = result.archivePass.results
  if (options.ns.includes(options.scalingN)) {
    bySize.push({
      scale: options.scale,
      archive: main.meta,
      floor: p[`floor|${primary.label}`],
      ours: p[`ours|${primary.label}|${options.scalingN}`]
    })
  }
  const byN = options.ns.map(n => ({
    n,
    ours: p[`ours|${primary.label}|${n}`],
    floor: p[`floor|${primary.label}`]
  }))
  if (options.scalingExtraNs.length) {
    const r = await measurePasses({ ...onlyPrimary, archive, ns: options.scalingExtraNs })
    for (const n of options.scalingExtraNs) {
      byN.push({ n, ours: r[`ours|${primary.label}|${n}`], floor: r[`floor|${primary.label}`] })
    }
  }
  result.scaling = {
    sizeN: options.scalingN,
    bySize: bySize.sort((a, b) => a.scale - b.scale),
    byN
  }
}

// ---- where the time goes --------------------------------------------------------------------
if (!skip.has('profile')) {
  const n = Math.max(...options.ns.filter(x => x <= 100))
  const wanted = await prepareWanted(archive, n, runDir)
  result.profile = {
    n,
    ...(await profilePass({
      node: nodes[0].path,
      archiveFile: archive.file,
      wantedFile: wanted.wantedFile,
      bundle: currentBundle,
      dir: runDir
    }))
  }
}

// ---- results --------------------------------------------------------------------------------
result.machine.loadAverageAtEnd = os.loadavg().map(x => Number(x.toFixed(2)))
result.durationSeconds = Number(((performance.now() - started) / 1000).toFixed(1))
result.finishedAt = new Date().toISOString()
result.targets = judgeTargets(result)

await mkdir(resultsDir, { recursive: true })
const stamp = startedAt
  .toISOString()
  .replace(/:/g, '-')
  .replace(/\.\d+Z$/, 'Z')
const resultFile = `${stamp}${quick ? '-quick' : ''}.json`
const json = `${JSON.stringify(result, null, 2)}\n`
await writeAtomically(path.join(resultsDir, resultFile), json)
await writeAtomically(path.join(resultsDir, 'latest.json'), json)
const markdown = await render(result)
await rm(runDir, { recursive: true, force: true })

log(`\n${markdown}`)
log(
  `wrote bench/results/${resultFile}, bench/results/latest.{json,md} and bench/README.md ` +
    `(${(result.durationSeconds / 60).toFixed(1)} min)`
)
// Nothing is asserted: a missed target is a finding, not a failure.
for (const t of result.targets) {
  log(
    `  ${t.met === undefined ? 'n/a   ' : t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`
  )
}

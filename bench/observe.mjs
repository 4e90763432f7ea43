#!/usr/bin/env node
// The job's listener against a main build without it: a `nix build` of ~300 small derivations
// (half built, half substituted from a binary cache served on 127.0.0.1) with and without
// `json-log-path` pointing at dist/observer.js, interleaved round by round (the order alternates),
// medians; and the post step's time to read and classify the records. Nothing asserts: the
// target (≤ 2 % on the build's wall time) is reported as met or missed. Needs a Nix that knows
// json-log-path (2.34: run it in the forky chroot, see bench/README.md).
//
//   node bench/observe.mjs [--runs N] [--builds N] [--substitutes N] [--work-mb N]
//
// --work-mb N gives each built derivation some CPU work, as a compiler's (it hashes N MB of
// zeros): Nix's records per derivation stay the same, so the overhead shrinks with the work.
//   node bench/observe.mjs --render bench/results/observe-<timestamp>.json   (the table again)
//
// Writes bench/results/observe-<timestamp>.json and bench/results/observe-latest.md
// (observe-work-<N>mb-latest.md with --work-mb).
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'
import { createNixEnv } from '../testing/nix/harness.mjs'
import { startStaticServer } from '../testing/servers/static-server.mjs'
import { actionNode } from '../testing/simulated-runner.mjs'
import { fmtS, summarize } from './lib/stats.mjs'
import { benchDir, machineNotes, repoRoot, workDir } from './lib/tools.mjs'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    builds: { type: 'string', default: '150' },
    substitutes: { type: 'string', default: '150' },
    'work-mb': { type: 'string', default: '0' },
    render: { type: 'string' }
  }
})
const runs = Number(values.runs)
const builds = Number(values.builds)
const substitutes = Number(values.substitutes)
const workMb = Number(values['work-mb'])

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let stdout = ''
    child.stdout.on('data', c => (stdout += c))
    child.stderr.on('data', c => (stderr += c))
    child.on('error', reject)
    child.on('close', code => {
      const seconds = (performance.now() - started) / 1000
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed:\n${stderr}`))
      else resolve({ seconds, stdout, stderr })
    })
  })
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100

/**
 * CPU seconds from /proc: a process's own (utime + stime), or with `children` the ones of its
 * children it has waited for (cutime + cstime: nix, and the builders nix waited for). Unlike wall
 * time, CPU time hardly moves with the machine's load, so it shows the listener's cost on a busy box.
 */
function cpuSeconds(pid = 'self', { children = false } = {}) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number)
  return (children ? cutime + cstime : utime + stime) / TICKS_PER_SECOND
}

/** The post step's reading and classification, bundled from src/ so the bench times our code. */
async function bundleClassifier(dir) {
  const outfile = path.join(dir, 'classify.mjs')
  await build({
    stdin: {
      contents: `
        export { ObservationBuilder } from './src/action/observe/processes.ts'
        export { readRecords } from './src/action/observe/records.ts'
        export { observedMainBuild } from './src/action/observe/observed-audit.ts'
        export { observedMainBuildNode } from './src/action/observe/spans.ts'
      `,
      resolveDir: repoRoot,
      loader: 'ts'
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning'
  })
  return import(outfile)
}

const expression = `{ salt, substitutes, builds, workMb, part ? "main" }:
let
  mk = name: script: builtins.derivation {
    inherit name; system = builtins.currentSystem; builder = "/bin/sh";
    args = [ "-c" script ]; PATH = "/usr/bin:/bin";
  };
  cached = builtins.genList (i: mk "cached-\${toString i}" "head -c 20000 /dev/zero > $out") substitutes;
  work = if workMb == 0 then "" else "head -c \${toString workMb}000000 /dev/zero | sha256sum > /dev/null; ";
  fresh = builtins.genList (i: mk "fresh-\${toString i}-\${salt}" "\${work}echo \${toString i} > $out") builds;
in if part == "cached" then cached else mk "main-build-\${salt}" ''
  echo \${toString (map (d: d.outPath) (cached ++ fresh))} > /dev/null
  echo ok > $out
''
`

async function main() {
  await mkdir(workDir, { recursive: true })
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scn-bench-observe-'))
  const nixEnv = await createNixEnv(dir)
  const env = { ...nixEnv.env, NIX_CONFIG: undefined }
  delete env.NIX_CONFIG
  const file = path.join(dir, 'main-build.nix')
  await writeFile(file, expression)
  const flags = ['--extra-experimental-features', 'nix-command']
  const args = salt => [
    ...flags,
    'build',
    '--no-link',
    '-f',
    file,
    '--argstr',
    'salt',
    salt,
    '--arg',
    'substitutes',
    String(substitutes),
    '--arg',
    'builds',
    String(builds),
    '--arg',
    'workMb',
    String(workMb)
  ]
  const version = (await run('nix', ['--version'], env)).stdout.trim()

  // The substitutable half: built once, pushed to a binary cache served on 127.0.0.1.
  const cacheDir = path.join(dir, 'binary-cache')
  const cachedPaths = (
    await run('nix', [...args('seed'), '--argstr', 'part', 'cached', '--print-out-paths'], env)
  ).stdout
    .trim()
    .split('\n')
  await run('nix', [...flags, 'copy', '--to', `file://${cacheDir}`, ...cachedPaths], env)
  const server = await startStaticServer(cacheDir)
  // As on a runner: as many builds at once as there are cores.
  const substituterFlags = [
    '--option',
    'max-jobs',
    'auto',
    '--option',
    'substituters',
    server.url,
    '--option',
    'require-sigs',
    'false'
  ]
  const forget = () => run('nix', [...flags, 'store', 'delete', ...cachedPaths], env)

  const classifier = await bundleClassifier(dir)
  const observer = path.join(repoRoot, 'dist', 'observer.js')
  const node = actionNode()
  const timings = {
    without: [],
    with: [],
    cpuWithout: [],
    cpuWith: [],
    cpuListener: [],
    classifyMs: [],
    records: []
  }
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? ['without', 'with'] : ['with', 'without']
    for (const mode of order) {
      await forget()
      const salt = `${Date.now()}-${round}-${mode}`
      if (mode === 'without') {
        const cpuBefore = cpuSeconds('self', { children: true })
        const { seconds } = await run('nix', [...args(salt), ...substituterFlags], env)
        timings.without.push(seconds)
        timings.cpuWithout.push(cpuSeconds('self', { children: true }) - cpuBefore)
        continue
      }
      const socket = path.join(dir, `l-${round}.sock`)
      const records = path.join(dir, `l-${round}.records`)
      const listener = spawn(node, [observer, socket, records, '3600000'], { stdio: 'ignore' })
      for (let i = 0; i < 250 && !(await exists(socket)); i++) await sleep(20)
      const cpuBefore = cpuSeconds('self', { children: true })
      const listenerBefore = cpuSeconds(listener.pid)
      const { seconds } = await run('nix', [...args(salt), ...substituterFlags], {
        ...env,
        NIX_CONFIG: `json-log-path = ${socket}\ntrace-import-from-derivation = true`
      })
      timings.with.push(seconds)
      timings.cpuWith.push(cpuSeconds('self', { children: true }) - cpuBefore)
      timings.cpuListener.push(cpuSeconds(listener.pid) - listenerBefore)
      listener.kill('SIGTERM')
      await new Promise(resolve => listener.once('exit', resolve))
      const started = performance.now()
      const builder = new classifier.ObservationBuilder()
      let lines = 0
      for await (const event of classifier.readRecords(records)) {
        builder.add(event)
        lines++
      }
      const mainBuild = classifier.observedMainBuild(
        builder.finish(),
        { outPath: '/nix/store/00000000000000000000000000000000-some-cabal2nix' },
        { startMs: 0, endMs: Number.MAX_SAFE_INTEGER }
      )
      classifier.observedMainBuildNode(mainBuild.processes, {
        window: { startMs: 0, endMs: Date.now() }
      })
      timings.classifyMs.push(performance.now() - started)
      timings.records.push({
        lines,
        builds: mainBuild.built.length,
        substitutions: mainBuild.substituted.length
      })
      await rm(records, { force: true })
    }
  }
  await server.stop()

  const stamp = new Date()
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d+Z$/, 'Z')
  const result = {
    stamp,
    nix: version,
    runs,
    builds,
    substitutes,
    workMb,
    machine: await machineNotes([node]),
    loadAverageAtEnd: os.loadavg().map(x => Number(x.toFixed(2))),
    without: summarize(timings.without),
    with: summarize(timings.with),
    cpu: {
      without: summarize(timings.cpuWithout),
      with: summarize(timings.cpuWith),
      listener: summarize(timings.cpuListener)
    },
    classify: summarize(timings.classifyMs.map(ms => ms / 1000)),
    records: timings.records
  }
  const md = renderMarkdown(result)
  await mkdir(path.join(benchDir, 'results'), { recursive: true })
  await writeFile(
    path.join(benchDir, 'results', `observe-${stamp}.json`),
    JSON.stringify(result, null, 2) + '\n'
  )
  const latest = workMb ? `observe-work-${workMb}mb-latest.md` : 'observe-latest.md'
  await writeFile(path.join(benchDir, 'results', latest), md)
  console.log(md)
  await rm(dir, { recursive: true, force: true })
}

/** The table, from a result (also `node bench/observe.mjs --render FILE.json`). */
function renderMarkdown(result) {
  const { without, classify } = result
  const withListener = result.with
  const overhead = (withListener.median / without.median - 1) * 100
  // Round by round: the two runs of a round saw the same load on a shared machine.
  const paired = summarize(withListener.values.map((v, i) => v / without.values[i]))
  const pairedOverhead = (paired.median - 1) * 100
  const last = result.records.at(-1)
  const load = [result.machine.loadAverageAtStart, result.loadAverageAtEnd]
    .filter(Boolean)
    .map(l => l[0])
  return [
    `## The job's listener: overhead on the main build (${result.nix})`,
    '',
    `\`node bench/observe.mjs --runs ${result.runs} --builds ${result.builds} --substitutes ${result.substitutes}${result.workMb ? ` --work-mb ${result.workMb}` : ''}\`, ${result.stamp}: a \`nix build\` of ${result.builds} built${result.workMb ? ` (each hashing ${result.workMb} MB)` : ''} and ${result.substitutes} substituted derivations (HTTP binary cache on 127.0.0.1, \`max-jobs = auto\`) and one on top, ${result.runs} runs each, interleaved (the order alternates). Load average (1 min) at start and end: ${load.join(', ')} on ${result.machine.cores} cores.`,
    '',
    '| main build | median | min | max |',
    '|---|---|---|---|',
    `| without the listener | ${fmtS(without.median)} s | ${fmtS(without.min)} s | ${fmtS(without.max)} s |`,
    `| with the listener (json-log-path) | ${fmtS(withListener.median)} s | ${fmtS(withListener.min)} s | ${fmtS(withListener.max)} s |`,
    `| ratio with / without, round by round | ${paired.median.toFixed(3)} | ${paired.min.toFixed(3)} | ${paired.max.toFixed(3)} |`,
    '',
    `Overhead on the median wall time: **${overhead.toFixed(2)} %**; median of the per-round ratios: **${pairedOverhead.toFixed(2)} %** (target ≤ 2 %: ${pairedOverhead <= 2 ? 'met' : 'not shown by this run'}).`,
    '',
    ...renderCpu(result),
    `The post step's reading and classification of one run's records (${last.lines} records; ${last.builds} builds and ${last.substitutions} substitutions found): median ${(classify.median * 1000).toFixed(0)} ms (min ${(classify.min * 1000).toFixed(0)}, max ${(classify.max * 1000).toFixed(0)}).`,
    ''
  ].join('\n')
}

/**
 * CPU seconds, which a loaded machine hardly changes: what nix and its builders used with and
 * without json-log-path, and what the listener used. Older results have no `cpu`.
 */
function renderCpu(result) {
  if (!result.cpu) return []
  const { cpu } = result
  const extra = cpu.with.median - cpu.without.median + cpu.listener.median
  const share = (extra / cpu.without.median) * 100
  return [
    '| CPU time | median | min | max |',
    '|---|---|---|---|',
    `| nix and its builders, without the listener | ${fmtS(cpu.without.median)} s | ${fmtS(cpu.without.min)} s | ${fmtS(cpu.without.max)} s |`,
    `| nix and its builders, with json-log-path | ${fmtS(cpu.with.median)} s | ${fmtS(cpu.with.min)} s | ${fmtS(cpu.with.max)} s |`,
    `| the listener | ${fmtS(cpu.listener.median)} s | ${fmtS(cpu.listener.min)} s | ${fmtS(cpu.listener.max)} s |`,
    '',
    `CPU the observation adds (nix's extra plus the listener's) against the build's own: **${share.toFixed(2)} %**. Where the build is CPU-bound this bounds the wall-time overhead on a quiet machine; unlike wall time it hardly moves with the load of a shared one.`,
    ''
  ]
}

async function exists(file) {
  return import('node:fs/promises').then(fs =>
    fs.stat(file).then(
      () => true,
      () => false
    )
  )
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

if (values.render) {
  const result = JSON.parse(await readFile(values.render, 'utf8'))
  const md = renderMarkdown(result)
  await writeFile(path.join(benchDir, 'results', 'observe-latest.md'), md)
  console.log(md)
} else await main()

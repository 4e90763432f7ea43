// Plumbing for bench/run.mjs: timed child processes, the generated archives (cached in
// bench/.work/ by seed and scale), on-the-fly bundles of src/builder/archive.ts, and the machine notes.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { generateFullSizeArchive } from '../../testing/archives.mjs'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const benchDir = path.join(repoRoot, 'bench')
export const workDir = path.join(benchDir, '.work')
const passChild = path.join(benchDir, 'lib', 'pass-child.mjs')

/**
 * Runs a command to completion and times it from spawn to exit. Never throws for a non-zero exit.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, stdoutTo?: string, timeoutMs?: number }} [options]
 *   stdoutTo: a file to send stdout to (e.g. /dev/null) instead of collecting it
 * @returns {Promise<{ code: number | null, seconds: number, stdout: string, stderr: string }>}
 */
export function runTimed(command, args, { cwd, env, stdoutTo, timeoutMs = 3_600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const fd = stdoutTo ? openSync(stdoutTo, 'w') : undefined
    const started = performance.now()
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', fd ?? 'pipe', 'pipe']
    })
    const out = []
    const err = []
    child.stdout?.on('data', c => out.push(c))
    child.stderr.on('data', c => err.push(c))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', error => {
      clearTimeout(timer)
      if (fd !== undefined) closeSync(fd)
      reject(error)
    })
    child.on('close', code => {
      const seconds = (performance.now() - started) / 1000
      clearTimeout(timer)
      if (fd !== undefined) closeSync(fd)
      resolve({
        code,
        seconds,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8')
      })
    })
  })
}

/** Like runTimed, but a non-zero exit is an error. */
export async function runChecked(command, args, options) {
  const result = await runTimed(command, args, options)
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code}:\n${result.stderr.slice(-2000)}`
    )
  }
  return result
}

/**
 * One archive pass in a fresh Node process (bench/lib/pass-child.mjs).
 * @param {string} node the Node binary
 * @param {'zlib' | 'ours' | 'walk'} method
 * @param {string[]} args
 * @returns {Promise<{ seconds: number, cpuSeconds: number, entries?: number, stoppedEarly?: boolean }>}
 */
export async function passInChild(node, method, args) {
  const result = await runChecked(node, [passChild, method, ...args], { cwd: repoRoot })
  return JSON.parse(result.stdout.trim().split('\n').pop())
}

/** Wall time of a command whose output goes to /dev/null. */
export async function timeCommand(command, args, options = {}) {
  const result = await runChecked(command, args, { stdoutTo: '/dev/null', ...options })
  return result.seconds
}

/** A fresh empty directory under bench/.work/tmp (removed by the caller). */
export async function scratchDir(prefix) {
  await mkdir(path.join(workDir, 'tmp'), { recursive: true })
  return mkdtemp(path.join(workDir, 'tmp', `${prefix}-`))
}

/**
 * The generated full-size archive for (seed, scale), generated on first use and kept in
 * bench/.work/. Returns its path, its index and what the generator reported.
 * @param {{ seed: number, scale: number, log: (s: string) => void }} opts
 */
export async function ensureArchive({ seed, scale, log }) {
  await mkdir(workDir, { recursive: true })
  const base = `all-cabal-hashes-seed${seed}-scale${scale}`
  const file = path.join(workDir, `${base}.tar.gz`)
  const metaFile = path.join(workDir, `${base}.meta.json`)
  if (!existsSync(file) || !existsSync(`${file}.index.json`) || !existsSync(metaFile)) {
    log(`generating the full-size archive (seed ${seed}, scale ${scale}) into bench/.work/ …`)
    const partial = path.join(workDir, `${base}.partial.tar.gz`)
    const generated = await generateFullSizeArchive({ outFile: partial, seed, scale })
    // Members as GNU tar lists them (directories included, not the pax global header).
    const listing = spawnSync('/bin/sh', ['-c', `tar -tzf '${partial}' | wc -l`], {
      encoding: 'utf8'
    })
    const members = Number(listing.stdout.trim())
    await rename(`${partial}.index.json`, `${file}.index.json`)
    await rename(partial, file)
    const meta = {
      seed,
      scale,
      topLevel: generated.topLevel,
      packageCount: generated.packageCount,
      versionCount: generated.versionCount,
      unpackedBytes: generated.unpackedBytes,
      tarBytes: generated.tarBytes,
      gzippedBytes: generated.gzippedBytes,
      members,
      generationSeconds: Number(generated.seconds.toFixed(1))
    }
    await writeFile(metaFile, `${JSON.stringify(meta, null, 2)}\n`)
    log(
      `  ${generated.packageCount} packages, ${(generated.gzippedBytes / 1048576).toFixed(1)} MB, ${generated.seconds.toFixed(1)} s`
    )
  }
  const index = JSON.parse(await readFile(`${file}.index.json`, 'utf8'))
  const meta = JSON.parse(await readFile(metaFile, 'utf8'))
  return { file, index, meta }
}

/**
 * Bundles src/builder/archive.ts (or the same file from another checkout) into one ESM file that plain
 * .mjs can import. The banner keeps ESLint off the generated code.
 * @param {{ entry: string, outfile: string }} opts
 */
export async function bundleArchiveModule({ entry, outfile }) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    nodePaths: [path.join(repoRoot, 'node_modules')],
    logLevel: 'warning',
    banner: {
      js: "/* eslint-disable */\nimport { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);"
    }
  })
  return outfile
}

/**
 * src/ as of a git revision, for a before/after comparison (`--baseline REF`), bundled.
 * @param {string} ref
 */
export async function bundleBaseline(ref) {
  const rev = spawnSync('git', ['rev-parse', '--short', ref], { cwd: repoRoot, encoding: 'utf8' })
  if (rev.status !== 0) throw new Error(`--baseline: no git revision '${ref}'`)
  const short = rev.stdout.trim()
  // Outside the repository, so neither ESLint nor tsc sees a second copy of src/.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scn-bench-baseline-'))
  try {
    const archive = spawnSync('/bin/sh', ['-c', `git archive ${short} src | tar -x -C '${dir}'`], {
      cwd: repoRoot,
      encoding: 'utf8'
    })
    if (archive.status !== 0) throw new Error(`git archive ${short} failed: ${archive.stderr}`)
    // The archive pass moved to src/builder/ in the layout change; older revisions have it in src/.
    const entry = [path.join(dir, 'src', 'builder', 'archive.ts'), path.join(dir, 'src', 'archive.ts')].find(f =>
      existsSync(f)
    )
    if (!entry) throw new Error(`--baseline: ${short} has no src/builder/archive.ts nor src/archive.ts`)
    const outfile = await bundleArchiveModule({
      entry,
      outfile: path.join(workDir, `archive-${short}.bundle.mjs`)
    })
    return { ref, short, outfile }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The first line a command prints for `args`, or undefined. */
function firstLine(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8' })
  if (r.error || r.status !== 0) return undefined
  return r.stdout.split('\n')[0].trim()
}

/** What the results depend on, read at run time. @param {string[]} nodes */
export function machineNotes(nodes) {
  const cpus = os.cpus()
  let nix
  const nixLine = firstLine('nix-instantiate', ['--version'])
  if (nixLine) nix = nixLine
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: nodes.map(n => ({ path: n, version: firstLine(n, ['--version']) ?? 'unknown' })),
    nix: nix ?? 'not installed',
    gnuTar: firstLine('tar', ['--version']) ?? 'not installed',
    gzip: firstLine('gzip', ['--version']) ?? 'not installed',
    zlib: process.versions.zlib,
    loadAverageAtStart: os.loadavg().map(x => Number(x.toFixed(2)))
  }
}

/** The git revision the benchmark ran on, with `+dirty` when the tree has changes. */
export function gitRevision() {
  const head = firstLine('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']) ?? 'unknown'
  const status = spawnSync('git', ['-C', repoRoot, 'status', '--porcelain', '--', 'src'], {
    encoding: 'utf8'
  })
  return status.stdout.trim() ? `${head}+dirty(src)` : head
}

/** @param {string} file */
export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

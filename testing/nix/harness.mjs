// Helpers for running the real Nix against the test project (testing/nix/project.nix): a private
// Nix configuration per run, the cabal2nix test double as a package prefix, binary-cache keys,
// and parsing what Nix printed. Used by __tests__/support/nix.ts and bench/measure-eval.mjs.
//
// Nix commands run asynchronously on purpose: a binary cache served from this same process
// (testing/servers/static-server.mjs) must keep answering while Nix waits on it.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cabal2nixDouble, findCabal2nix } from '../cabal2nix.mjs'

export { cabal2nixDouble }

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const projectNix = path.join(repoRoot, 'testing', 'nix', 'project.nix')
export const projectTemplate = path.join(repoRoot, 'testing', 'nix', 'project')

/**
 * @typedef {{ root: string, confDir: string, env: NodeJS.ProcessEnv }} NixEnv
 * @typedef {{ code: number | null, timedOut: boolean, stdout: string, stderr: string, ms: number }} RunResult
 * @typedef {'nixpkgs' | 'overlay' | 'for' | 'user-overlay' | 'drop-in' | 'flake'} ProjectMode
 * @typedef {{ mode: ProjectMode, archive: string, archiveName?: string, cabal2nix: string,
 *   nodejs: string, projectDir?: string, overrides?: string, compilerName?: string,
 *   extraHackage?: string, materialized?: string, checkMaterialization?: 'true' | 'false',
 *   withDrvPaths?: 'true' | 'false', options?: Record<string, string>, incremental?: string,
 *   previousIntermediates?: string, attr?: string,
 *   readOnly?: boolean, store?: string, substituters?: string, trustedPublicKeys?: string,
 *   timeoutMs?: number }} EvalProjectOptions
 * @typedef {RunResult & { json: unknown, builds: string[],
 *   substituted: { path: string, from: string }[] }} EvalProjectResult
 */

/**
 * Whether Nix (nix-instantiate, nix-build, nix-store, nix) can be run, and which version.
 * @returns {{ available: boolean, version?: string }}
 */
export function findNix() {
  const probe = spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) return { available: false }
  return { available: true, version: probe.stdout.trim() }
}

/**
 * A private Nix configuration under `root`: single-user, no sandbox (the test builders use host
 * tools), no substituters unless a command asks for one, no negative narinfo caching, and a
 * private XDG_CACHE_HOME so nothing is remembered between runs.
 * @param {string} root
 * @returns {Promise<NixEnv>}
 */
export async function createNixEnv(root) {
  const confDir = path.join(root, 'nix-conf')
  const cacheHome = path.join(root, 'xdg-cache')
  await mkdir(confDir, { recursive: true })
  await mkdir(cacheHome, { recursive: true })
  await writeFile(
    path.join(confDir, 'nix.conf'),
    [
      'experimental-features = nix-command flakes',
      'sandbox = false',
      'build-users-group =',
      'substituters =',
      'narinfo-cache-negative-ttl = 0',
      'narinfo-cache-positive-ttl = 0',
      ''
    ].join('\n')
  )
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, NIX_CONF_DIR: confDir, XDG_CACHE_HOME: cacheHome, NIX_PATH: '' }
  delete env.NIX_REMOTE
  return { root, confDir, env }
}

/**
 * Runs a command; never throws for a non-zero exit.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, timeoutMs?: number, cwd?: string }} [options]
 * @returns {Promise<RunResult>}
 */
export function run(command, args, { env = process.env, timeoutMs = 300_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    /** @type {Buffer[]} */
    const out = []
    /** @type {Buffer[]} */
    const err = []
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', chunk => out.push(chunk))
    child.stderr.on('data', chunk => err.push(chunk))
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', code => {
      clearTimeout(timer)
      resolve({
        code,
        timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - started
      })
    })
  })
}

/** A package prefix for the running Node (`<prefix>/bin/node`), as the Nix library expects. */
export function nodePrefix() {
  const exec = process.execPath
  if (path.basename(exec) === 'node' && path.basename(path.dirname(exec)) === 'bin') {
    return path.dirname(path.dirname(exec))
  }
  throw new Error(`cannot use ${exec} as a Node.js package prefix (expected <prefix>/bin/node)`)
}

/**
 * `<dir>/bin/cabal2nix`: a shell wrapper (Nix builders have no PATH) around the real cabal2nix
 * (see testing/cabal2nix.mjs), or around the test double with `{ double: true }` for failure
 * modes. With `logFile`, every run appends `<name> <version>` to it, read from the `.cabal` (or
 * package.yaml) it was given, so tests can count cabal2nix runs wherever they happen.
 * @param {string} dir
 * @param {{ logFile?: string, double?: boolean }} [options]
 */
export async function makeCabal2nixPrefix(dir, { logFile, double = false } = {}) {
  await mkdir(path.join(dir, 'bin'), { recursive: true })
  const wrapper = path.join(dir, 'bin', 'cabal2nix')
  const lines = ['#!/bin/sh']
  if (double || !findCabal2nix().real) {
    if (logFile)
      lines.push(`CABAL2NIX_TEST_DOUBLE_LOG='${logFile}'`, 'export CABAL2NIX_TEST_DOUBLE_LOG')
    lines.push(`exec '${process.execPath}' '${cabal2nixDouble}' "$@"`, '')
  } else {
    if (logFile) {
      // Builders have no PATH: the wrapper names its tools by absolute path.
      const [ls, sed, head, tr] = ['ls', 'sed', 'head', 'tr'].map(absoluteTool)
      lines.push(
        'for last in "$@"; do :; done',
        `if [ "$last" = . ]; then f=$(${ls} ./*.cabal package.yaml 2>/dev/null | ${head} -n 1); else f=$last; fi`,
        // Cabal field names are case-insensitive; values may follow spaces and end in CR.
        `field() { ${sed} -n "s/^$1[[:space:]]*:[[:space:]]*//Ip" "$f" | ${head} -n 1 | ${tr} -d '\\r '; }`,
        `[ -n "$f" ] && [ "$last" != --version ] && echo "$(field name) $(field version)" >> '${logFile}'`
      )
    }
    lines.push(`exec '${findCabal2nix().command}' "$@"`, '')
  }
  await writeFile(wrapper, lines.join('\n'))
  await chmod(wrapper, 0o755)
  return dir
}

/** @param {string} name */
function absoluteTool(name) {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.trim().startsWith('/') ? r.stdout.trim() : `/usr/bin/${name}`
}

/** Lines `<name> <version>` the wrapper logged (one per cabal2nix run). @param {string} logFile */
export async function readCabal2nixLog(logFile) {
  if (!existsSync(logFile)) return []
  return (await readFile(logFile, 'utf8')).split('\n').filter(Boolean)
}

/** A copy of testing/nix/project (overrides.nix, haskell-overlay.nix, my-lib/) that a test may edit. @param {string} dir */
export async function copyProject(dir) {
  await cp(projectTemplate, dir, { recursive: true })
  return dir
}

/** Derivations Nix built, from its `building '/nix/store/….drv'...` lines. @param {string} stderr */
export function builtDerivations(stderr) {
  return [...stderr.matchAll(/^building '(\/nix\/store\/[^']+\.drv)'/gm)].map(m => m[1])
}

/** Store paths Nix substituted, from its `copying path '…' from '…'` lines. @param {string} stderr */
export function substitutedPaths(stderr) {
  return [...stderr.matchAll(/^copying path '(\/nix\/store\/[^']+)' from '([^']+)'/gm)].map(m => ({
    path: m[1],
    from: m[2]
  }))
}

/** The first `error: …` line Nix printed (colours removed). @param {string} stderr */
export function firstNixError(stderr) {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes
  const clean = stderr.replace(/\x1b\[[0-9;]*m/g, '')
  return clean.split('\n').find(l => l.startsWith('error:'))
}

/**
 * Evaluates testing/nix/project.nix strictly to JSON.
 *   mode:        nixpkgs | overlay | for | user-overlay | drop-in | flake (see project.nix)
 *   attr:        what to evaluate (default: packages + derivers + batch)
 *   readOnly:    evaluate without writing to the store (only for attributes that build nothing)
 *   compilerName: the package set's compiler name (default ghc-9.8.4)
 *   extraHackage: JSON name → version the build still callHackage's outside the overrides
 *   incremental, previousIntermediates: the library's incremental opt-in (overlay and for modes)
 *   store, substituters, trustedPublicKeys: for evaluating in another store from a binary cache
 * @param {NixEnv} nixEnv
 * @param {EvalProjectOptions} options
 * @returns {Promise<EvalProjectResult>}
 */
export async function evalProject(nixEnv, options) {
  // Everything that is not a setting of this run is an argument of project.nix (--argstr).
  const {
    archiveName = 'all-cabal-hashes.tar.gz',
    options: nixOptions = {},
    attr,
    readOnly = false,
    store,
    substituters,
    trustedPublicKeys,
    timeoutMs,
    ...projectArguments
  } = options
  const args = [
    '--eval',
    '--strict',
    '--json',
    readOnly ? '--readonly-mode' : '--read-write-mode',
    projectNix
  ]
  if (attr) args.push('-A', attr)
  const strings = { ...projectArguments, archiveName }
  for (const [name, value] of Object.entries(strings))
    if (value !== undefined) args.push('--argstr', name, value)
  if (store) args.push('--store', store)
  if (substituters !== undefined) args.push('--option', 'substituters', substituters)
  if (trustedPublicKeys !== undefined)
    args.push('--option', 'trusted-public-keys', trustedPublicKeys)
  for (const [name, value] of Object.entries(nixOptions)) args.push('--option', name, value)
  const result = await run('nix-instantiate', args, { env: nixEnv.env, timeoutMs })
  // Check the exit code first: on an error the JSON on stdout can be partial.
  const json = result.code === 0 ? JSON.parse(result.stdout) : undefined
  return {
    ...result,
    json,
    builds: builtDerivations(result.stderr),
    substituted: substitutedPaths(result.stderr)
  }
}

/**
 * A binary-cache signing key pair (Nix 2.8: nix-store --generate-binary-cache-key).
 * @param {NixEnv} nixEnv @param {string} dir @param {string} [name]
 */
export async function generateCacheKey(nixEnv, dir, name = 'some-cabal2nix-test-1') {
  await mkdir(dir, { recursive: true })
  const secretKeyFile = path.join(dir, 'secret-key')
  const publicKeyFile = path.join(dir, 'public-key')
  const result = await run(
    'nix-store',
    ['--generate-binary-cache-key', name, secretKeyFile, publicKeyFile],
    {
      env: nixEnv.env
    }
  )
  if (result.code !== 0)
    throw new Error(`nix-store --generate-binary-cache-key failed: ${result.stderr}`)
  return { secretKeyFile, publicKey: (await readFile(publicKeyFile, 'utf8')).trim() }
}

/**
 * `nix copy --to file://DIR?compression=zstd&secret-key=KEY PATHS…`: a real, signed binary cache.
 * @param {NixEnv} nixEnv @param {string} cacheDir @param {string} secretKeyFile
 * @param {readonly string[]} paths
 */
export async function copyToBinaryCache(nixEnv, cacheDir, secretKeyFile, paths) {
  const result = await run(
    'nix',
    ['copy', '--to', `file://${cacheDir}?compression=zstd&secret-key=${secretKeyFile}`, ...paths],
    { env: nixEnv.env }
  )
  if (result.code !== 0) throw new Error(`nix copy failed: ${result.stderr}`)
  return result
}

// Building the incremental-build test project (testing/ghc-project.mjs) with the real Nix and the
// machine's GHC (testing/nix/ghc-project.nix), and reading what GHC did from the build log.
// Used by __tests__/incremental-ghc.test.ts and bench/incremental.mjs.
import { spawnSync } from 'node:child_process'
import { cp, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot, run } from './harness.mjs'

/**
 * @typedef {import('./harness.mjs').NixEnv} NixEnv
 * @typedef {import('./harness.mjs').RunResult} RunResult
 * @typedef {{ pname: string, version: string, ghcVersion: string, resumed: boolean,
 *   reason: string | null, intermediatesDir: string }} IncrementalInfo
 *   passthru.someCabal2nixIncremental of a package (nix/incremental.nix)
 * @typedef {{ projectDir: string, ghcVersion: string, cabal2nix: string, nodejs: string,
 *   incremental?: string | null, previousIntermediates?: string, nixpkgsSwitches?: boolean,
 *   outLink: string, attrs?: ('app' | 'dep')[] }} ProjectBuildOptions
 * @typedef {RunResult & ({ ok: false } | { ok: true, app: string, log: string,
 *   incremental: (IncrementalInfo | null)[] | undefined, intermediates: string[] })} ProjectBuild
 */

export const ghcProjectNix = path.join(repoRoot, 'testing', 'nix', 'ghc-project.nix')

/** GHC 9.4 is the first to decide recompilation by content hashes, which incremental builds need. */
export const INCREMENTAL_GHC = [9, 4]

/** The machine's GHC (/usr/bin/ghc, what the stand-in builder runs), and whether it is new enough. */
/** @returns {{ available: boolean, version?: string, incremental: boolean }} */
export function findGhc() {
  const probe = spawnSync('/usr/bin/ghc', ['--numeric-version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) return { available: false, incremental: false }
  const version = probe.stdout.trim()
  const [major, minor] = version.split('.').map(Number)
  const incremental =
    major > INCREMENTAL_GHC[0] || (major === INCREMENTAL_GHC[0] && minor >= INCREMENTAL_GHC[1])
  return { available: true, version, incremental }
}

/** @returns {string} */
export function debianSuite() {
  const r = spawnSync('/bin/sh', ['-c', '. /etc/os-release && echo "${VERSION_CODENAME:-}"'], {
    encoding: 'utf8'
  })
  return r.status === 0 ? r.stdout.trim() : ''
}

/**
 * nix-build of the project's app and dependency (or of `attrs`); `app` is the first one's out path.
 * @param {NixEnv} nixEnv @param {ProjectBuildOptions} options @returns {Promise<ProjectBuild>}
 */
export async function buildProject(nixEnv, options) {
  const args = projectArgs(options)
  const attrs = (options.attrs ?? ['app', 'dep']).flatMap(a => ['-A', a])
  const build = await run(
    'nix-build',
    [ghcProjectNix, ...attrs, '--out-link', options.outLink, ...args],
    {
      env: nixEnv.env,
      timeoutMs: 1_800_000
    }
  )
  if (build.code !== 0) return { ...build, ok: false }
  const info = await run(
    'nix-instantiate',
    ['--eval', '--strict', '--json', ghcProjectNix, '-A', 'incremental', ...args],
    {
      env: nixEnv.env
    }
  )
  const intermediates = await run(
    'nix-instantiate',
    ['--eval', '--strict', '--json', ghcProjectNix, '-A', 'intermediates', ...args],
    { env: nixEnv.env }
  )
  const [app] = build.stdout.trim().split('\n')
  return {
    ...build,
    ok: true,
    app,
    log: build.stderr,
    incremental: info.code === 0 ? JSON.parse(info.stdout) : undefined,
    intermediates: intermediates.code === 0 ? JSON.parse(intermediates.stdout) : []
  }
}

/** @param {ProjectBuildOptions} options @returns {string[]} */
function projectArgs({
  projectDir,
  ghcVersion,
  cabal2nix,
  nodejs,
  incremental,
  previousIntermediates,
  nixpkgsSwitches
}) {
  const args = ['--argstr', 'projectDir', projectDir, '--argstr', 'ghcVersion', ghcVersion]
  args.push('--argstr', 'cabal2nix', cabal2nix, '--argstr', 'nodejs', nodejs)
  if (incremental != null) args.push('--argstr', 'incremental', incremental)
  if (previousIntermediates) args.push('--argstr', 'previousIntermediates', previousIntermediates)
  if (nixpkgsSwitches) args.push('--arg', 'nixpkgsSwitches', 'true')
  return args
}

/**
 * What the Action lays out before a build: the union of `intermediates` outputs in one directory
 * (share/haskell/<ghc>/<pname>-<version>/dist/build each), writable, outside the store.
 */
/** @param {string[]} storePaths @param {string} dir @returns {Promise<string>} */
export async function collectIntermediates(storePaths, dir) {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  for (const p of storePaths) await cp(p, dir, { recursive: true, force: true })
  spawnSync('chmod', ['-R', 'u+w', dir])
  return dir
}

/** Runs the built program and returns what it printed. */
/** @param {string} appOut @returns {Promise<string>} */
export async function runApp(appOut) {
  const r = await run(path.join(appOut, 'bin', 'chain-app'), [])
  if (r.code !== 0) throw new Error(`chain-app exited with ${r.code}: ${r.stderr}`)
  return r.stdout
}

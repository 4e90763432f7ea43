/**
 * Post step, incremental builds: find the `intermediates` outputs the main build produced (the
 * audit knows which derivations it built), say per package what the build resumed from and how
 * many modules GHC compiled (its `[n of m] Compiling` lines in the build log) in how long (the
 * audit's time of its derivation) against the last full build, save the new intermediates under a
 * new key, with the last full build's time, when they changed and are not too big, and delete this
 * branch's superseded entries of the package. Never fails the job: every problem is one warning.
 */
import * as core from '@actions/core'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { errorMessage } from '../../common/errors.js'
import { readGhcProgress } from '../../common/ghc-progress.js'
import { derivationEnv, type MainBuildAudit } from '../audit.js'
import { saveBatch } from '../cache.js'
import { writeCacheEntry } from '../cache-entry.js'
import type { IncrementalState } from '../state.js'
import type { NixStore } from '../store.js'
import { deleteSupersededEntries } from './cache-cleanup.js'
import {
  compiledFor,
  describeOutcome,
  lastFullBuildMsAfter,
  plannedOutcome,
  type BuildTime,
  type PackageOutcome
} from './outcome.js'
import { intermediatesKey } from './plan.js'

export interface SaveIntermediatesOptions {
  state: IncrementalState
  audit: MainBuildAudit
  store: NixStore
  signingKey?: string
  maxBytes: number
  githubToken?: string
  /** Where the new entries are written before they are saved. */
  workDir: string
  env?: NodeJS.ProcessEnv
}

interface BuiltPackage {
  drvPath: string
  version: string
  /** Its `intermediates` output; undefined when the derivation has none (not opted in, GHC < 9.4). */
  intermediates?: string
  resumed: boolean
  build: BuildTime
}

type Package = IncrementalState['packages'][number]

/** The derivation of `pname` the main build built (with an `intermediates` output, when any has one). */
async function builtPackage(
  audit: MainBuildAudit,
  pname: string
): Promise<BuiltPackage | undefined> {
  if (audit.status !== 'ok') return undefined
  const pattern = new RegExp(`^${pname.replace(/[-.]/g, '\\$&')}-(\\d+(?:\\.\\d+)*)$`)
  let withoutIntermediates: BuiltPackage | undefined
  for (const built of audit.built) {
    const m = pattern.exec(built.name)
    if (!m) continue
    const aterm = await readFile(built.drvPath, 'utf8').catch(() => undefined)
    if (aterm === undefined) continue
    const env = derivationEnv(aterm)
    const found = {
      drvPath: built.drvPath,
      version: m[1],
      build: { startMs: built.startMs, endMs: built.endMs },
      // The library hands the previous build over as `<pname>-<version>-previous-intermediates`.
      resumed: aterm.includes(`-${pname}-${m[1]}-previous-intermediates"`)
    }
    if (env.intermediates) return { ...found, intermediates: env.intermediates }
    withoutIntermediates ??= found
  }
  return withoutIntermediates
}

/** Why a build that could have resumed did not, from what was restored. */
async function fullBuildReason(pkg: Package, ghcVersion: string, version: string): Promise<string> {
  // The main step's reasons first (the `incremental` output's), then what only the build tells.
  const planned = plannedOutcome(pkg)
  if (!planned.resumes) return planned.reason
  const { pname } = pkg
  const dirs = await readdir(
    path.join(pkg.restored!.outPath, 'share', 'haskell', ghcVersion)
  ).catch(() => [])
  const previous = dirs.filter(d => d.startsWith(`${pname}-`)).map(d => d.slice(pname.length + 1))
  if (previous.length > 0 && !previous.includes(version))
    return `version ${previous.join(', ')} → ${version}`
  return 'the build did not take the previous intermediates'
}

/** What the package's build did: resumed from where, or why not; modules compiled; its time. */
async function outcomeOf(
  store: NixStore,
  state: IncrementalState,
  pkg: Package,
  built: BuiltPackage
): Promise<PackageOutcome> {
  const log = await store.buildLog(built.drvPath)
  const counts =
    log === undefined
      ? undefined
      : compiledFor(readGhcProgress(log), `${pkg.pname}-${built.version}`)
  if (built.resumed && pkg.restored?.origin)
    return {
      kind: 'incremental',
      pname: pkg.pname,
      origin: pkg.restored.origin,
      compiled: counts?.compiled ?? 0,
      modules: counts?.modules,
      build: built.build,
      lastFullBuildMs: pkg.restored.lastFullBuildMs
    }
  return {
    kind: 'full',
    pname: pkg.pname,
    reason: await fullBuildReason(pkg, state.ghcVersion, built.version),
    compiled: counts?.compiled,
    modules: counts?.modules,
    build: built.build
  }
}

export interface SavedIntermediates {
  /** For the log, the summary and the comment. */
  lines: string[]
  /** One per package the main build built, for the trace. */
  outcomes: PackageOutcome[]
}

export async function saveIntermediates(
  options: SaveIntermediatesOptions
): Promise<SavedIntermediates> {
  const { state, audit, store } = options
  const env = options.env ?? process.env
  const lines: string[] = []
  const outcomes: PackageOutcome[] = []
  if (audit.status !== 'ok') {
    return {
      lines: [
        `incremental: cannot tell what the main build produced (${audit.reason}); nothing saved`
      ],
      outcomes
    }
  }
  for (const pkg of state.packages) {
    const built = await builtPackage(audit, pkg.pname)
    if (!built || (!built.intermediates && !pkg.reason)) {
      lines.push(
        `${pkg.pname}: not built by the main build with an intermediates output; nothing to save`
      )
      continue
    }
    const outcome = await outcomeOf(store, state, pkg, built)
    outcomes.push(outcome)
    lines.push(describeOutcome(outcome))
    const { intermediates } = built
    if (intermediates && !pkg.reason)
      lines.push(await saveOne(options, pkg, { ...built, intermediates }, outcome, env))
  }
  return { lines, outcomes }
}

async function saveOne(
  options: SaveIntermediatesOptions,
  pkg: Package,
  built: BuiltPackage & { intermediates: string },
  outcome: PackageOutcome,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const { store } = options
  if (pkg.restored && (await sameContents(store, pkg.restored.outPath, built.intermediates)))
    return `${pkg.pname}: intermediates unchanged; not saved again`
  const bytes = await store.narSize(built.intermediates)
  if (bytes !== undefined && bytes > options.maxBytes) {
    const message = `${pkg.pname}: intermediates are ${(bytes / 1e6).toFixed(1)} MB, over intermediates-max-size (${(options.maxBytes / 1e6).toFixed(1)} MB); not saved`
    core.warning(message)
    return message
  }
  const key = intermediatesKey(pkg.keyPrefix, {
    id: env.GITHUB_RUN_ID || String(Date.now()),
    attempt: env.GITHUB_RUN_ATTEMPT || '1'
  })
  const origin = {
    branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || 'unknown',
    sha: env.GITHUB_SHA || 'unknown',
    runNumber: env.GITHUB_RUN_NUMBER || '?'
  }
  // The path restore-step.ts restores to: the Actions cache only matches entries saved from the same paths.
  const dir = path.join(options.workDir, 'entries', pkg.pname)
  try {
    await writeCacheEntry(
      store,
      dir,
      {
        key,
        outPath: built.intermediates,
        packages: [],
        origin,
        lastFullBuildMs: lastFullBuildMsAfter(outcome)
      },
      options.signingKey
    )
  } catch (error) {
    const message = `${pkg.pname}: could not write the intermediates entry (${errorMessage(error)}); not saved`
    core.warning(message)
    return message
  }
  const saved = await saveBatch(dir, key)
  if (saved.warning) {
    core.warning(saved.warning)
    return `${pkg.pname}: not saved (${saved.warning})`
  }
  return `${pkg.pname}: saved ${key}${await cleanup(options, pkg.keyPrefix, key, env)}`
}

/** Deletes this branch's older entries of the package; returns what to add to the line. */
async function cleanup(
  options: SaveIntermediatesOptions,
  keyPrefix: string,
  keep: string,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const [owner, repo] = (env.GITHUB_REPOSITORY || '').split('/')
  if (!options.githubToken || !owner || !repo || !env.GITHUB_REF) return ''
  const outcome = await deleteSupersededEntries({
    token: options.githubToken,
    baseUrl: env.GITHUB_API_URL,
    owner,
    repo,
    ref: env.GITHUB_REF,
    keyPrefix,
    keep
  })
  if (outcome.kind === 'notice') {
    core.notice(outcome.message)
    return ''
  }
  if (outcome.kind === 'warning') {
    core.warning(outcome.message)
    return ''
  }
  return outcome.keys.length > 0
    ? `; deleted ${outcome.keys.length} superseded entr${outcome.keys.length === 1 ? 'y' : 'ies'}`
    : ''
}

/**
 * Whether a build left the intermediates it resumed from as they were (a library nothing of which
 * recompiled): the same path, or another path with the same NAR hash. Saving those again would
 * upload the same bytes under a new key.
 */
async function sameContents(store: NixStore, restored: string, built: string): Promise<boolean> {
  if (restored === built) return true
  const infos = await store.pathInfo([restored, built])
  const hashOf = (p: string) => infos.find(i => i.path === p)?.narHash
  return hashOf(restored) !== undefined && hashOf(restored) === hashOf(built)
}

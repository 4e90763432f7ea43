/**
 * What an incremental package's build did, as data and as text: the main step's plan per package
 * (resumes from which entry, or why not: the `incremental` output), the post step's outcome (modules
 * GHC compiled, the build's time against the last full build's: the report line and the trace
 * span). Pure.
 */
import type { GhcProgress } from '../../common/ghc-progress.js'
import { formatDuration } from '../report/markdown.js'
import type { IncrementalState } from '../state.js'
import type { SpanNode } from '../trace.js'

/** Where a restored entry came from, as saved beside it. */
export interface IntermediatesOrigin {
  branch: string
  sha: string
  runNumber: string
}

/** The first GHC that decides recompilation by content hashes; older ones compare file times. */
export const MINIMUM_GHC: readonly [number, number] = [9, 4]

export function recompilesByHash(ghcVersion: string): boolean {
  const [major, minor] = ghcVersion.split('.').map(Number)
  if (!Number.isInteger(major) || !Number.isInteger(minor)) return false
  return major > MINIMUM_GHC[0] || (major === MINIMUM_GHC[0] && minor >= MINIMUM_GHC[1])
}

/** The Nix library's reason (nix/incremental.nix), word for word. */
export function fileTimesReason(ghcVersion: string): string {
  return `GHC ${ghcVersion} recompiles by file times; incremental builds need GHC ${MINIMUM_GHC.join('.')} or newer`
}

export const FIRST_BUILD = 'first build (no previous intermediates)'
export const NOT_TRUSTED = 'entry not trusted'

type PlannedPackage = IncrementalState['packages'][number]

/** The main step's view of one package: `incremental` output, one entry. */
export type PlannedOutcome =
  | { resumes: true; from: { branch: string; sha: string; run: string }; key: string }
  | { resumes: true; from: null; key: string }
  | { resumes: false; reason: string }

export function plannedOutcome(pkg: PlannedPackage): PlannedOutcome {
  if (pkg.reason) return { resumes: false, reason: pkg.reason }
  if (pkg.untrusted) return { resumes: false, reason: NOT_TRUSTED }
  if (!pkg.restored) return { resumes: false, reason: FIRST_BUILD }
  const { origin, key } = pkg.restored
  return origin
    ? {
        resumes: true,
        from: { branch: origin.branch, sha: origin.sha.slice(0, 7), run: origin.runNumber },
        key
      }
    : { resumes: true, from: null, key }
}

/** The `incremental` output: package name → its planned outcome. */
export function incrementalOutput(state: IncrementalState | undefined): string {
  if (!state) return '{}'
  return JSON.stringify(Object.fromEntries(state.packages.map(p => [p.pname, plannedOutcome(p)])))
}

/** The package's build in the main build, as the audit timed it. */
export interface BuildTime {
  /** Epoch ms; undefined when the audit could not tell (a log file without a birth time). */
  startMs?: number
  endMs: number
}

interface Counts {
  compiled?: number
  modules?: number
  build?: BuildTime
}

export type PackageOutcome =
  | (Counts & {
      kind: 'incremental'
      pname: string
      origin: IntermediatesOrigin
      compiled: number
      /** The restored entry's record of the last full build's time. */
      lastFullBuildMs?: number
    })
  | (Counts & { kind: 'full'; pname: string; reason: string })

export function buildMs(outcome: { build?: BuildTime }): number | undefined {
  const { build } = outcome
  return build?.startMs === undefined ? undefined : Math.max(0, build.endMs - build.startMs)
}

/** What the next entry records as the last full build's time: its own, or carried forward. */
export function lastFullBuildMsAfter(outcome: PackageOutcome): number | undefined {
  return outcome.kind === 'full' ? buildMs(outcome) : outcome.lastFullBuildMs
}

function compiledText(outcome: Counts): string {
  if (outcome.compiled === undefined) return ''
  const total = outcome.modules === undefined ? '' : ` of ${outcome.modules}`
  const ms = buildMs(outcome)
  return `compiled ${outcome.compiled}${total} modules${ms === undefined ? '' : ` in ${formatDuration(ms)}`}`
}

/** One line per package: what the build resumed from, how much GHC compiled and how long it took, or why it built from zero. */
export function describeOutcome(outcome: PackageOutcome): string {
  const compiled = compiledText(outcome)
  if (outcome.kind === 'full')
    return `${outcome.pname}: full build: ${outcome.reason}${compiled ? ` (${compiled})` : ''}`
  const { origin } = outcome
  const last =
    outcome.lastFullBuildMs === undefined
      ? ''
      : `; the last full build took ${formatDuration(outcome.lastFullBuildMs)}`
  return `${outcome.pname}: incremental from ${originText(origin)}: ${compiled || 'compiled 0 modules'}${last}`
}

function originText(origin: IntermediatesOrigin): string {
  return `${origin.branch} @ ${origin.sha.slice(0, 7)} (run ${origin.runNumber})`
}

/** Modules compiled for a package, over its components in a build log; undefined when the log has none of it. */
export function compiledFor(
  progress: GhcProgress,
  packageId: string
): { compiled: number; modules?: number } | undefined {
  const components = progress.components.filter(c => c.packageId === packageId)
  if (components.length === 0) return undefined
  const compiled = components.reduce((n, c) => n + c.compiled.length, 0)
  const known = components.every(c => c.modules !== undefined)
  return known
    ? { compiled, modules: components.reduce((n, c) => n + (c.modules ?? 0), 0) }
    : { compiled }
}

/**
 * One span per package, for the main build's span: over the package's build when the audit timed
 * it, else over the whole main build.
 */
export function outcomeSpans(
  outcomes: PackageOutcome[],
  window: { startMs: number; endMs: number }
): SpanNode[] {
  const clamp = (ms: number) => Math.min(window.endMs, Math.max(window.startMs, ms))
  return outcomes.map(o => {
    const ms = buildMs(o)
    const lastFull = o.kind === 'incremental' ? o.lastFullBuildMs : ms
    const attributes: NonNullable<SpanNode['attributes']> = {
      'some_cabal2nix.incremental.package': o.pname,
      'some_cabal2nix.incremental.mode': o.kind,
      ...(o.kind === 'full'
        ? { 'some_cabal2nix.incremental.reason': o.reason }
        : { 'some_cabal2nix.incremental.from': originText(o.origin) }),
      ...(o.compiled !== undefined
        ? { 'some_cabal2nix.incremental.modules_compiled': o.compiled }
        : {}),
      ...(o.modules !== undefined ? { 'some_cabal2nix.incremental.modules_total': o.modules } : {}),
      ...(ms !== undefined ? { 'some_cabal2nix.incremental.duration_ms': ms } : {}),
      ...(lastFull !== undefined
        ? { 'some_cabal2nix.incremental.last_full_build_ms': lastFull }
        : {})
    }
    const timed = o.build?.startMs !== undefined
    return {
      name: `incremental ${o.pname}`,
      startMs: timed ? clamp(o.build!.startMs!) : window.startMs,
      endMs: timed ? clamp(o.build!.endMs) : window.endMs,
      attributes
    }
  })
}

/**
 * Stage "audit": what the main build (the steps between our main step and our post step) built
 * and substituted. Observed (observe/): the job's own Nix processes reported every build and
 * substitution to our listener, in ms. Inferred, where that is not available: from the evidence
 * Nix leaves behind on every version from 2.8 to 2.34:
 *   - one build log per built derivation under $NIX_LOG_DIR/drvs/<2>/<rest>.drv[.bz2]; the file's
 *     birth time and mtime bracket the build;
 *   - a registrationTime (seconds) per valid path in `nix path-info --all --json` (read through
 *     store.ts, whose parser knows both of its forms).
 * The pure functions here classify that evidence; audit-evidence.ts reads it. Missing evidence is
 * a reason, never a guess. The audit as text is report/audit-text.ts.
 */
import path from 'node:path'
import type { PathInfo } from './store/path-info.js'

/** `ifd-other`: an import from derivation that is not Hackage's (known only when observed). */
export type DerivationKind = 'ifd' | 'batch' | 'ifd-other' | 'other'

export interface BuiltDerivation {
  drvPath: string
  name: string
  kind: DerivationKind
  /** Epoch ms: the log's birth time, when the file system records one. */
  startMs?: number
  /** Epoch ms: the log's last write. */
  endMs: number
}

export interface SubstitutedPath {
  path: string
  name: string
  kind: DerivationKind
  /** Epoch ms: the start when observed, else the registration (Nix records whole seconds). */
  atMs: number
  /** Epoch ms, when observed. */
  endMs?: number
  /** Observed: the bytes Nix reported moving; inferred: the NAR size. */
  narSize?: number
}

/** How the audit knows: every Nix process of the job reported to us, or Nix's logs afterwards. */
export type AuditEvidence = { mode: 'observed' } | { mode: 'inferred'; reason: string }

export interface OtherIfd {
  name: string
  drvPath: string
  ms: number
}

/** What the job's Nix processes reported (observe/observed-audit.ts), ready to classify. */
export interface ObservedFindings {
  built: BuiltDerivation[]
  substituted: SubstitutedPath[]
  otherIfds: OtherIfd[]
  evaluationMs: number
}

export interface Straggler {
  package: string
  /** Undefined for a local package (callCabal2nix). */
  version?: string
  /** Derivation names: `all-cabal-hashes-component-…`, `cabal2nix-…`. */
  derivations: string[]
  ms: number
  fix: string
}

export interface OtherBatch {
  path: string
  /** Why it is not ours, when its derivation tells (compiler, system, revision, …). */
  reasons: string[]
}

export type MainBuildAudit =
  | {
      status: 'ok'
      evidence: AuditEvidence
      windowStartMs: number
      windowEndMs: number
      overrides: number
      built: BuiltDerivation[]
      substituted: SubstitutedPath[]
      stragglers: Straggler[]
      otherBatches: OtherBatch[]
      /** Imports from derivations that are not Hackage's (observed only). */
      otherIfds: OtherIfd[]
      /** The main build's Nix processes outside builds and substitutions (observed only). */
      evaluationMs?: number
    }
  | { status: 'unknown'; reason: string }

export interface OurBatch {
  drvPath?: string
  outPath: string
  overridesFile?: string
  overrides: number
}

// ---------------------------------------------------------------------------------------------
// Names, log paths, derivations
// ---------------------------------------------------------------------------------------------

/** `/nix/store/<hash>-<name>` → `<name>` (with `.drv` removed). */
export function storeName(storePath: string): string {
  return path
    .basename(storePath)
    .replace(/^[a-z0-9]{32}-/, '')
    .replace(/\.drv$/, '')
}

/** `<logDir>/drvs/ab/cdef…-name.drv.bz2` → `<storeDir>/abcdef…-name.drv`, or undefined. */
export function drvPathOfLog(file: string, storeDir = '/nix/store'): string | undefined {
  const base = path.basename(file).replace(/\.bz2$/, '')
  const prefix = path.basename(path.dirname(file))
  if (!base.endsWith('.drv') || prefix.length !== 2) return undefined
  const whole = prefix + base
  return /^[a-z0-9]{32}-./.test(whole) ? `${storeDir}/${whole}` : undefined
}

const VERSION = /^\d+(\.\d+)*$/

/** `aeson-2.3.2.0` → { aeson, 2.3.2.0 }; `my-lib` (local, no version) → { my-lib }. */
export function splitPackageId(id: string): { package: string; version?: string } {
  const dash = id.lastIndexOf('-')
  if (dash > 0 && VERSION.test(id.slice(dash + 1)))
    return { package: id.slice(0, dash), version: id.slice(dash + 1) }
  return { package: id }
}

export type IfdName = { step: 'cabal2nix' | 'component'; package: string; version?: string }

/** nixpkgs' per-package IFD derivations: `cabal2nix-NAME[-VERSION]`, `all-cabal-hashes-component-NAME-VERSION`. */
export function ifdOf(name: string): IfdName | undefined {
  for (const [prefix, step] of [
    ['all-cabal-hashes-component-', 'component'],
    ['cabal2nix-', 'cabal2nix']
  ] as const) {
    if (name.startsWith(prefix) && name.length > prefix.length)
      return { step, ...splitPackageId(name.slice(prefix.length)) }
  }
  return undefined
}

export function isBatchName(name: string, ours?: string): boolean {
  return name === ours || name === 'some-cabal2nix' || name.endsWith('-some-cabal2nix')
}

export function kindOf(name: string, ourBatchName?: string): DerivationKind {
  if (ifdOf(name)) return 'ifd'
  return isBatchName(name, ourBatchName) ? 'batch' : 'other'
}

/** The environment of a `.drv` file (ATerm `Derive(…,[("k","v"),…])`): its last list of pairs. */
export function derivationEnv(aterm: string): Record<string, string> {
  const env: Record<string, string> = {}
  const start = aterm.lastIndexOf(',[(')
  if (start < 0) return env
  const pair = /\("((?:[^"\\]|\\.)*)","((?:[^"\\]|\\.)*)"\)/g
  const unescape = (s: string) =>
    s.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c)
  for (const m of aterm.slice(start).matchAll(pair)) env[unescape(m[1])] = unescape(m[2])
  return env
}

function packagesOf(overridesJSON: string | undefined): Record<string, string> | undefined {
  if (overridesJSON === undefined) return undefined
  try {
    const value = JSON.parse(overridesJSON) as Record<string, unknown>
    return Object.fromEntries(
      Object.entries(value).map(([n, v]) => [n, typeof v === 'string' ? v : 'local'])
    )
  } catch {
    return undefined
  }
}

function packageListDifference(ours: string | undefined, theirs: string | undefined): string {
  const a = packagesOf(ours)
  const b = packagesOf(theirs)
  if (!a || !b) return 'another package list'
  const parts = [
    ...Object.keys(b)
      .filter(n => !(n in a))
      .map(n => `+${n}`),
    ...Object.keys(a)
      .filter(n => !(n in b))
      .map(n => `-${n}`),
    ...Object.keys(a)
      .filter(n => n in b && a[n] !== b[n])
      .map(n => `${n} ${b[n]} (ours ${a[n]})`)
  ]
  const shown = parts.slice(0, 3).join(', ')
  return `another package list (${shown}${parts.length > 3 ? `, … ${parts.length - 3} more` : ''})`
}

/** Why another batch derivation is not ours, from the two environments (empty when nothing tells). */
export function batchDifferences(
  ours: Record<string, string>,
  theirs: Record<string, string>
): string[] {
  const reasons: string[] = []
  const differs = (key: string) => ours[key] !== undefined && ours[key] !== theirs[key]
  if (differs('compiler')) reasons.push(`compiler ${theirs.compiler ?? '?'}, ours ${ours.compiler}`)
  if (differs('hostConfig'))
    reasons.push(`system ${theirs.hostConfig ?? '?'}, ours ${ours.hostConfig}`)
  if (differs('system')) reasons.push(`build system ${theirs.system ?? '?'}, ours ${ours.system}`)
  if (differs('cli') || differs('args'))
    reasons.push('another some-cabal2nix revision (its builder differs)')
  if (differs('allCabalHashes')) reasons.push('another all-cabal-hashes')
  if (differs('cabal2nix')) reasons.push('another cabal2nix')
  if (differs('builder')) reasons.push('another Node.js')
  if (differs('overridesJSON'))
    reasons.push(packageListDifference(ours.overridesJSON, theirs.overridesJSON))
  return reasons
}

function fixFor(pkg: string, version: string | undefined, overridesFile: string): string {
  return version === undefined
    ? `add \`${pkg} = ./path/to/${pkg};\` to ${overridesFile}`
    : `add \`${pkg} = "${version}";\` to ${overridesFile}`
}

function durationOf(d: BuiltDerivation): number {
  return d.startMs === undefined ? 0 : Math.max(0, d.endMs - d.startMs)
}

function substitutionMs(s: SubstitutedPath): number {
  return s.endMs === undefined ? 0 : Math.max(0, s.endMs - s.atMs)
}

/** Groups the IFD derivations by package: one straggler per package, with its fix. */
export function stragglersOf(
  built: BuiltDerivation[],
  substituted: SubstitutedPath[],
  overridesFile = 'the overrides file'
): Straggler[] {
  const byPackage = new Map<string, Straggler>()
  const add = (name: string, ms: number) => {
    const ifd = ifdOf(name)
    if (!ifd) return
    const key = `${ifd.package}\0${ifd.version ?? ''}`
    const entry = byPackage.get(key) ?? {
      package: ifd.package,
      version: ifd.version,
      derivations: [],
      ms: 0,
      fix: fixFor(ifd.package, ifd.version, overridesFile)
    }
    entry.derivations.push(name)
    entry.ms += ms
    byPackage.set(key, entry)
  }
  for (const d of built) add(d.name, durationOf(d))
  for (const s of substituted) add(s.name, substitutionMs(s))
  return [...byPackage.values()].sort((a, b) => a.package.localeCompare(b.package))
}

export interface Evidence {
  /** Build logs written in the window. */
  built: BuiltDerivation[]
  /** Paths registered in the window. */
  registered: PathInfo[]
  /** `.drv` environments by path, for the batches to compare. */
  envs: Record<string, Record<string, string>>
}

/** The audit from the log-file evidence: pure. */
export function auditFrom(
  evidence: Evidence,
  ours: OurBatch,
  window: { startMs: number; endMs: number },
  reason = 'not observed'
): MainBuildAudit {
  const ourName = storeName(ours.outPath)
  const built = evidence.built
    .filter(d => d.drvPath !== ours.drvPath)
    .map(d => ({ ...d, kind: kindOf(d.name, ourName) }))
    .sort((a, b) => (a.startMs ?? a.endMs) - (b.startMs ?? b.endMs))
  const builtDrvs = new Set(built.map(d => d.drvPath))
  // A substitution: a new path that is neither added (content-addressed sources, .drv files) nor
  // the output of a build above, nor built here without a log (ultimate).
  const substituted: SubstitutedPath[] = evidence.registered
    .filter(
      i =>
        i.path !== ours.outPath &&
        !i.path.endsWith('.drv') &&
        !i.ca &&
        !i.ultimate &&
        !(i.deriver && builtDrvs.has(i.deriver))
    )
    .map(i => ({
      path: i.path,
      name: storeName(i.path),
      kind: kindOf(storeName(i.path), ourName),
      atMs: (i.registrationTime ?? 0) * 1000,
      narSize: i.narSize
    }))
    .sort((a, b) => a.atMs - b.atMs)
  return okAudit({ built, substituted, otherIfds: [] }, evidence.envs, ours, window, {
    mode: 'inferred',
    reason
  })
}

/** The audit from what the job's Nix processes reported: pure. */
export function auditFromObserved(
  observed: ObservedFindings,
  envs: Evidence['envs'],
  ours: OurBatch,
  window: { startMs: number; endMs: number }
): MainBuildAudit {
  return okAudit(observed, envs, ours, window, { mode: 'observed' })
}

/** What either mode found, classified the same way. */
function okAudit(
  found: Omit<ObservedFindings, 'evaluationMs'> & { evaluationMs?: number },
  envs: Evidence['envs'],
  ours: OurBatch,
  window: { startMs: number; endMs: number },
  evidence: AuditEvidence
): MainBuildAudit {
  const ourEnv = ours.drvPath ? envs[ours.drvPath] : undefined
  const otherBatches: OtherBatch[] = [
    ...found.built.filter(d => d.kind === 'batch').map(d => d.drvPath),
    ...found.substituted.filter(s => s.kind === 'batch').map(s => s.path)
  ].map(p => {
    const theirs = envs[p]
    return { path: p, reasons: ourEnv && theirs ? batchDifferences(ourEnv, theirs) : [] }
  })
  return {
    status: 'ok',
    evidence,
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
    overrides: ours.overrides,
    built: found.built,
    substituted: found.substituted,
    stragglers: stragglersOf(found.built, found.substituted, ours.overridesFile),
    otherBatches,
    otherIfds: found.otherIfds,
    ...(found.evaluationMs !== undefined ? { evaluationMs: found.evaluationMs } : {})
  }
}

export interface BuildFigures {
  built: number
  builtMs: number
  longest?: { name: string; ms: number }
  substituted: number
  substitutedBytes: number
  /** 0 when inferred: registration times have no duration. */
  substitutedMs: number
  ifdMs: number
}

export function buildFigures(audit: Extract<MainBuildAudit, { status: 'ok' }>): BuildFigures {
  let longest: BuildFigures['longest']
  for (const d of audit.built) {
    const ms = durationOf(d)
    if (!longest || ms > longest.ms) longest = { name: d.name, ms }
  }
  return {
    built: audit.built.length,
    builtMs: audit.built.reduce((sum, d) => sum + durationOf(d), 0),
    longest,
    substituted: audit.substituted.length,
    substitutedBytes: audit.substituted.reduce((sum, s) => sum + (s.narSize ?? 0), 0),
    substitutedMs: audit.substituted.reduce((sum, s) => sum + substitutionMs(s), 0),
    ifdMs:
      audit.built
        .filter(d => d.kind === 'ifd' || d.kind === 'ifd-other')
        .reduce((sum, d) => sum + durationOf(d), 0) +
      audit.substituted.filter(s => s.kind === 'ifd').reduce((sum, s) => sum + substitutionMs(s), 0)
  }
}

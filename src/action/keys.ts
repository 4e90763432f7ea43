/**
 * Cache keys and package-list diffs: small pure functions. The exact key is the batch's evaluated
 * drvPath, so an exact hit is always the right batch; the prefix finds the newest other batch,
 * only to report what changed in the package list.
 */
import { createHash } from 'node:crypto'
import type { ManifestPackage } from '../builder/batch.js'
import type { PlanJsonEntry } from '../builder/plan.js'

export interface KeyInputs {
  prefix: string
  /** Runner OS and architecture: batches are per system. */
  platform: string
  /**
   * The batch's evaluated derivation. It is what the batch is (package list, local .cabal files,
   * archive, cabal2nix, compiler, the builder itself), wherever those were set: `flake.nix`, a
   * file the installable imports, `flake.lock`. A different batch can never hit this entry.
   */
  drvPath: string
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Stable JSON: object keys sorted, so the same inputs always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Every batch of this prefix and platform: restored on a miss only to diff the package lists. */
export function restoreKeyPrefix(inputs: Pick<KeyInputs, 'prefix' | 'platform'>): string {
  return `${inputs.prefix}-${inputs.platform}-`
}

export function batchCacheKey(inputs: KeyInputs): string {
  const digest = sha256(canonicalJson({ drvPath: inputs.drvPath }))
  return `${restoreKeyPrefix(inputs)}${digest.slice(0, 32)}`
}

export interface PackageChange {
  name: string
  from?: string
  to?: string
}

export interface PackageDiff {
  added: PackageChange[]
  removed: PackageChange[]
  bumped: PackageChange[]
  unchanged: number
}

function describeEntry(entry: PlanJsonEntry | ManifestPackage): string {
  return 'version' in entry ? entry.version : `path ${entry.path}`
}

export function diffPackages(
  previous: ReadonlyArray<PlanJsonEntry | ManifestPackage>,
  current: ReadonlyArray<PlanJsonEntry | ManifestPackage>
): PackageDiff {
  const before = new Map(previous.map(p => [p.name, describeEntry(p)]))
  const after = new Map(current.map(p => [p.name, describeEntry(p)]))
  const diff: PackageDiff = { added: [], removed: [], bumped: [], unchanged: 0 }
  for (const [name, to] of after) {
    const from = before.get(name)
    if (from === undefined) diff.added.push({ name, to })
    else if (from !== to) diff.bumped.push({ name, from, to })
    else diff.unchanged++
  }
  for (const [name, from] of before) if (!after.has(name)) diff.removed.push({ name, from })
  const byName = (a: PackageChange, b: PackageChange) => (a.name < b.name ? -1 : 1)
  diff.added.sort(byName)
  diff.removed.sort(byName)
  diff.bumped.sort(byName)
  return diff
}

export function isEmptyDiff(diff: PackageDiff): boolean {
  return diff.added.length + diff.removed.length + diff.bumped.length === 0
}

export function summarizeDiff(diff: PackageDiff): string {
  if (isEmptyDiff(diff)) return 'no package changes'
  const parts = [
    ...diff.added.map(c => `+${c.name} ${c.to}`),
    ...diff.removed.map(c => `-${c.name} ${c.from}`),
    ...diff.bumped.map(c => `${c.name} ${c.from} → ${c.to}`)
  ]
  return parts.join(', ')
}

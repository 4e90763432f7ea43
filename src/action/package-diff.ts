/**
 * What changed in the package list since the batch found in the Actions cache: a small pure
 * function, for the log, the `diff` output and the report.
 */
import type { ManifestPackage } from '../builder/batch.js'
import type { PlanJsonEntry } from '../builder/plan.js'

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

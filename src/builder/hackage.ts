/** Hackage naming rules and "did you mean" helpers, shared by planning and extraction. */

// A package name is dash-separated words of letters and digits; no word may be all digits.
const PACKAGE_NAME = /^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*$/
// Cabal versions: dot-separated numbers, no leading zeros, at most 9 digits each (Cabal >= 2.0).
const VERSION = /^(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8}))*$/

export function isValidPackageName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && PACKAGE_NAME.test(name)
}

export function isValidVersion(version: string): boolean {
  return version.length <= 100 && VERSION.test(version)
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1
    const y = pb[i] ?? -1
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/** The versions that sort right around the requested one (up to three on each side). */
export function nearestVersions(requested: string, existing: Iterable<string>, each = 3): string[] {
  const sorted = [...new Set(existing)].filter(isValidVersion).sort(compareVersions)
  let at = sorted.findIndex(v => compareVersions(v, requested) > 0)
  if (at < 0) at = sorted.length
  return sorted.slice(Math.max(0, at - each), at + each)
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]
}

/** Package names close to a misspelt one: same letters ignoring case, or a couple of edits away. */
export function similarPackageNames(
  requested: string,
  existing: Iterable<string>,
  max = 3
): string[] {
  const lower = requested.toLowerCase()
  const scored: Array<[number, string]> = []
  for (const name of existing) {
    if (name === requested) continue
    const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase())
    if (distance <= Math.max(1, Math.min(3, Math.floor(requested.length / 4)))) {
      scored.push([distance, name])
    }
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1))
  return scored.slice(0, max).map(([, name]) => name)
}

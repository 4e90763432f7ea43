// Version numbers as Hackage packages number their releases, and Haskell's version order.
/** @import { Rng } from './rng.mjs' */

/** @param {number[]} v */
export function vstr(v) {
  return v.join('.')
}

/** Successive versions for a package. @param {Rng} r @param {number} count @returns {string[]} */
export function versionSeries(r, count) {
  const width = r.chance(0.55) ? 4 : r.chance(0.7) ? 3 : 2
  let v = width === 4 ? [0, 1, 0, 0] : width === 3 ? [0, 1, 0] : [0, 1]
  if (r.chance(0.2)) v = [1, 0, 0, 0].slice(0, width)
  const out = [vstr(v)]
  while (out.length < count) {
    const x = r.float()
    let pos =
      x < 0.55
        ? width - 1
        : x < 0.85
          ? Math.max(0, width - 2)
          : x < 0.96
            ? Math.min(1, width - 1)
            : 0
    if (r.chance(0.05) && width < 4 && v.length < 5) {
      v = [...v, 1]
    } else {
      v = v.slice(0, width)
      while (v.length < width) v.push(0)
      v[pos]++
      for (pos++; pos < width; pos++) v[pos] = 0
    }
    out.push(vstr(v))
  }
  return out
}

/** @param {string} a @param {string} b Haskell version order. */
export function compareVersionStrings(a, b) {
  const x = a.split('.').map(Number)
  const y = b.split('.').map(Number)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (i >= x.length) return -1
    if (i >= y.length) return 1
    if (x[i] !== y[i]) return x[i] - y[i]
  }
  return 0
}

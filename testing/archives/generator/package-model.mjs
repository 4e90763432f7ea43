// A generated package's description, evolving a little from one version to the next.
/** @import { Rng } from './rng.mjs' */
import {
  BENCH_DEPS,
  CAMEL_NAMES,
  CATEGORIES,
  CORE_DEPS,
  EXTENSIONS,
  FIRST_NAMES,
  GHCS,
  LAST_NAMES,
  LICENSES,
  MODULE_WORDS,
  NAME_WORDS,
  TEST_DEPS,
  WORDS
} from './vocabulary.mjs'

/** @param {Rng} r @param {[string, number][]} weighted */
function weightedPick(r, weighted) {
  let total = 0
  for (const [, w] of weighted) total += w
  let x = r.float() * total
  for (const [v, w] of weighted) {
    x -= w
    if (x < 0) return v
  }
  return weighted[weighted.length - 1][0]
}

export const VALID_NAME = /^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*$/

/** @param {Rng} r @returns {string} */
export function generateName(r) {
  const x = r.float()
  let name
  if (x < 0.05) {
    name = r.pick(CAMEL_NAMES)
    if (r.chance(0.85))
      name +=
        r.pick(['', '2', 'X', 'Lib', 'Utils', 'Extra', 'Core']) + r.pick(CAMEL_NAMES).slice(0, 4)
  } else if (x < 0.09) {
    const w = () => {
      const s = r.zipf(NAME_WORDS, 1.5)
      return s[0].toUpperCase() + s.slice(1)
    }
    name = w() + w()
  } else {
    const n = x < 0.3 ? 1 : x < 0.82 ? 2 : x < 0.97 ? 3 : 4
    const parts = []
    for (let i = 0; i < n; i++) parts.push(r.zipf(NAME_WORDS, 1.6))
    if (n === 1 && r.chance(0.5))
      parts.push(
        r.pick([
          'core',
          'types',
          'th',
          'extra',
          'compat',
          'instances',
          'lens',
          'aeson',
          'conduit',
          'client',
          'server'
        ])
      )
    if (r.chance(0.06)) parts.unshift('hs')
    name = parts.join('-')
  }
  if (r.chance(0.04)) name += String(1 + r.int(9))
  return name
}

/** @param {string} name */
function moduleRoot(name) {
  const words = name.split('-').filter(w => w !== 'hs')
  if (words.length === 0) words.push(name)
  return words.map(w => (/^[0-9]/.test(w) ? 'M' : w[0].toUpperCase()) + w.slice(1)).join('.')
}

/** @param {Rng} r @param {number} count */
function sentence(r, count) {
  const words = []
  for (let i = 0; i < count; i++) words.push(r.zipf(WORDS, 1.6))
  words[0] = words[0][0].toUpperCase() + words[0].slice(1)
  return `${words.join(' ')}.`
}

/** Wrap words at `width` columns. @param {string} text @param {number} width */
function wrap(text, width) {
  const out = []
  let line = ''
  for (const w of text.split(' ')) {
    if (line.length + w.length + 1 > width && line) {
      out.push(line)
      line = w
    } else line = line ? `${line} ${w}` : w
  }
  if (line) out.push(line)
  return out
}

/**
 * A package's evolving description: rendered once per version, mutated a little between versions.
 * @typedef {{ name: string, user: string, author: string, email: string, license: string,
 *   category: string, synopsis: string, paras: string[][], modules: string[], otherModules: string[],
 *   deps: { name: string, lo: number[], hi: number[], style: number }[],
 *   exes: { name: string, deps: string[] }[], tests: { name: string, deps: string[], tool: boolean }[],
 *   benches: { name: string, deps: string[] }[], flags: { name: string, desc: string, def: boolean }[],
 *   exts: string[], tested: number, testedCount: number, cabalVersion: number, col: number,
 *   title: boolean, leadingComma: boolean, common: boolean, windowsDep: boolean, extraFiles: string[],
 *   copyrightYear: number }} Model
 */

export const CABAL_VERSIONS = [
  '>= 1.6',
  '>= 1.8',
  '>= 1.10',
  '1.12',
  '2.0',
  '2.2',
  '2.4',
  '3.0',
  '3.4'
]

/** @param {Rng} r @param {string} name @param {string[]} names @returns {Model} */
export function newModel(r, name, names) {
  const first = r.pick(FIRST_NAMES)
  const last = r.pick(LAST_NAMES)
  const user = `${first}${last}`.toLowerCase().slice(0, 4 + r.int(8))
  const root = moduleRoot(name)
  const size = r.lognormal(0, 0.75) // the package's "bigness"
  const nMods = Math.max(1, Math.min(220, Math.round(8 * size * size + r.int(5))))
  const modules = [root]
  for (let i = 1; i < nMods; i++) {
    const depth = 1 + r.int(3)
    const parts = [root]
    for (let j = 0; j < depth; j++) parts.push(r.zipf(MODULE_WORDS, 1.4))
    modules.push(parts.join('.'))
  }
  const otherModules = []
  for (let i = 0, n = r.int(Math.ceil(nMods / 4)); i < n; i++)
    otherModules.push(`${root}.Internal.${r.zipf(MODULE_WORDS)}`)
  const depCount = Math.max(1, Math.min(60, Math.round(2 + 3 * size + r.int(4))))
  /** @type {Model['deps']} */
  const deps = [{ name: 'base', lo: [4, 5 + r.int(14)], hi: [5], style: 0 }]
  const seen = new Set(['base', name])
  for (let i = 0; i < depCount * 2 && deps.length < depCount; i++) {
    const d = r.chance(0.7) ? r.zipf(CORE_DEPS, 1.5) : r.pick(names)
    if (seen.has(d)) continue
    seen.add(d)
    const lo = [r.int(3), r.int(20)]
    if (r.chance(0.4)) lo.push(r.int(10))
    deps.push({ name: d, lo, hi: [lo[0], lo[1] + 1 + r.int(3)], style: r.int(4) })
  }
  const paras = []
  for (let i = 0, n = 1 + Math.floor(r.lognormal(0.35, 0.6) * size); i < Math.min(n, 12); i++) {
    const sentences = []
    for (let j = 0, m = 1 + r.int(4); j < m; j++) sentences.push(sentence(r, 6 + r.int(16)))
    paras.push(wrap(sentences.join(' '), 66 + r.int(10)))
  }
  const hasExe = r.chance(0.22)
  const exes = []
  if (hasExe)
    for (let i = 0, n = 1 + (r.chance(0.15) ? 1 + r.int(3) : 0); i < n; i++)
      exes.push({
        name: i === 0 ? name : `${name}-${r.pick(MODULE_WORDS).toLowerCase()}`,
        deps: deps.slice(0, 1 + r.int(4)).map(d => d.name)
      })
  const tests = []
  if (r.chance(0.62)) {
    for (let i = 0, n = r.chance(0.2) ? 2 : 1; i < n; i++) {
      const td = new Set(['base', name])
      for (let j = 0, m = 1 + r.int(4); j < m; j++) td.add(r.zipf(TEST_DEPS, 1.5))
      for (let j = 0, m = r.int(4); j < m; j++) td.add(deps[r.int(deps.length)].name)
      tests.push({
        name: i === 0 ? `${name}-test` : 'doctests',
        deps: [...td],
        tool: td.has('hspec') && r.chance(0.6)
      })
    }
  }
  const benches = []
  if (r.chance(0.18))
    benches.push({
      name: `${name}-bench`,
      deps: ['base', name, r.pick(BENCH_DEPS), ...deps.slice(1, 1 + r.int(3)).map(d => d.name)]
    })
  /** @type {Model['flags']} */
  const flags = []
  for (let i = 0, n = r.chance(0.3) ? 1 + r.int(3) : 0; i < n; i++)
    flags.push({
      name: r.pick([
        'dev',
        'developer',
        'examples',
        'pedantic',
        'debug',
        'fast',
        'portable',
        'pkg-config',
        'bundled',
        'werror',
        'old-time',
        'network-uri'
      ]),
      desc: sentence(r, 4 + r.int(10)),
      def: r.chance(0.3)
    })
  const exts = []
  for (let i = 0, n = r.chance(0.5) ? r.int(8) : 0; i < n; i++) exts.push(r.zipf(EXTENSIONS, 1.3))
  const tested = 4 + r.int(12)
  return {
    name,
    user,
    author: `${first} ${last}`,
    email: `${user}@${r.pick(['gmail.com', 'example.org', 'posteo.net', 'fastmail.com', 'users.noreply.github.com', 'haskell.org'])}`,
    license: weightedPick(r, /** @type {[string, number][]} */ (LICENSES)),
    category: r.chance(0.25) ? `${r.pick(CATEGORIES)}, ${r.pick(CATEGORIES)}` : r.pick(CATEGORIES),
    synopsis: sentence(r, 3 + r.int(9)).replace(/\.$/, r.chance(0.5) ? '' : '.'),
    paras,
    modules,
    otherModules,
    deps,
    exes,
    tests,
    benches,
    flags: flags.filter((f, i) => flags.findIndex(g => g.name === f.name) === i),
    exts: [...new Set(exts)],
    tested,
    testedCount: 1 + r.int(5),
    cabalVersion: r.int(6),
    col: r.pick([14, 16, 17, 18, 19, 20]),
    title: r.chance(0.15),
    leadingComma: r.chance(0.5),
    common: r.chance(0.25),
    windowsDep: r.chance(0.06),
    extraFiles: [
      'README.md',
      ...(r.chance(0.7) ? ['CHANGELOG.md'] : []),
      ...(r.chance(0.2) ? ['cbits/*.h', 'include/*.h'] : []),
      ...(r.chance(0.15) ? ['test/data/*.json'] : [])
    ],
    copyrightYear: 2008 + r.int(17)
  }
}

/** Small drift between consecutive versions. @param {Rng} r @param {Model} m @param {string[]} names */
export function evolve(r, m, names) {
  for (const d of m.deps) {
    if (d.name !== 'base' && r.chance(0.12)) d.hi = [d.hi[0], d.hi[1] + 1]
  }
  if (r.chance(0.25)) m.deps[0].hi = [5]
  if (r.chance(0.18))
    m.modules.push(`${moduleRoot(m.name)}.${r.zipf(MODULE_WORDS)}.${r.zipf(MODULE_WORDS)}`)
  if (r.chance(0.06) && m.deps.length < 60) {
    const n = r.chance(0.7) ? r.zipf(CORE_DEPS, 1.5) : r.pick(names)
    if (!m.deps.some(d => d.name === n) && n !== m.name)
      m.deps.push({
        name: n,
        lo: [r.int(3), r.int(10)],
        hi: [r.int(3), 10 + r.int(5)],
        style: r.int(4)
      })
  }
  if (r.chance(0.1) && m.tested + m.testedCount < GHCS.length) m.testedCount++
  if (r.chance(0.05) && m.cabalVersion < CABAL_VERSIONS.length - 1) m.cabalVersion++
  if (r.chance(0.08)) m.paras.push(wrap(sentence(r, 6 + r.int(16)), 70))
  if (r.chance(0.04)) m.synopsis = sentence(r, 3 + r.int(9))
  if (r.chance(0.14)) {
    // A bigger release: documentation rewritten, part of the module tree reorganised.
    m.paras = m.paras.map(() =>
      wrap(`${sentence(r, 6 + r.int(16))} ${sentence(r, 6 + r.int(16))}`, 66 + r.int(10))
    )
    const root = moduleRoot(m.name)
    m.modules = m.modules.map((mod, i) =>
      i > 0 && r.chance(0.3) ? `${root}.${r.zipf(MODULE_WORDS, 1.2)}.${r.pick(MODULE_WORDS)}` : mod
    )
    m.synopsis = sentence(r, 3 + r.int(9))
  }
}

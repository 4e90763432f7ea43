// A package model rendered as the .cabal and .json files all-cabal-hashes holds.
import { createHash } from 'node:crypto'

/** @import { Model } from './package-model.mjs' */
import { CABAL_VERSIONS } from './package-model.mjs'
import { GHCS, SPDX_LICENSES } from './vocabulary.mjs'
import { vstr } from './versions.mjs'

/**
 * @param {Model['deps'][number]} d
 * @param {boolean} caret whether the spec version allows `^>=` (Cabal 2.0 and later; cabal2nix
 *   rejects the whole file otherwise)
 */
function depText(d, caret) {
  switch (d.style === 2 && !caret ? 0 : d.style) {
    case 0:
      return `${d.name} >=${vstr(d.lo)} && <${vstr(d.hi)}`
    case 1:
      return `${d.name} >= ${vstr(d.lo)} && < ${vstr(d.hi)}`
    case 2:
      return `${d.name} ^>=${vstr(d.lo)}`
    default:
      return d.name
  }
}

/**
 * @param {Model} m
 * @param {string} version
 * @param {number} revision
 * @param {boolean} crlf
 */
export function renderCabal(m, version, revision, crlf) {
  const L = []
  const key = (/** @type {string} */ k) =>
    m.title ? k.replace(/(^|-)([a-z])/g, (_s, a, b) => a + b.toUpperCase()) : k
  const f = (/** @type {string} */ k, /** @type {string} */ v) => {
    const head = `${key(k)}:`
    L.push(head.length >= m.col ? `${head} ${v}` : head.padEnd(m.col) + v)
  }
  const cv = CABAL_VERSIONS[m.cabalVersion]
  const modern = m.cabalVersion >= 5
  const caret = m.cabalVersion >= CABAL_VERSIONS.indexOf('2.0')
  // Cabal refuses two components of one name; random executable names can repeat.
  const componentNames = new Set()
  const firstOfItsName = (/** @type {{ name: string }} */ c) =>
    !componentNames.has(c.name) && componentNames.add(c.name)
  const exes = m.exes.filter(firstOfItsName)
  const tests = m.tests.filter(firstOfItsName)
  const benches = m.benches.filter(firstOfItsName)
  const list = (
    /** @type {string} */ indent,
    /** @type {string} */ k,
    /** @type {string[]} */ items,
    commas = true
  ) => {
    if (items.length === 0) return
    if (items.length === 1) {
      L.push(`${indent}${key(k)}: ${items[0]}`)
      return
    }
    L.push(`${indent}${key(k)}:`)
    if (!commas) items.forEach(it => L.push(`${indent}    ${it}`))
    else if (m.leadingComma)
      items.forEach((it, i) => L.push(`${indent}  ${i === 0 ? '  ' : ', '}${it}`))
    else items.forEach((it, i) => L.push(`${indent}    ${it}${i < items.length - 1 ? ',' : ''}`))
  }
  if (modern) f('cabal-version', cv)
  f('name', m.name)
  f('version', version)
  if (revision > 0) L.push(`x-revision: ${revision}`)
  f('synopsis', m.synopsis)
  L.push(`${key('description')}:`)
  m.paras.forEach((p, i) => {
    if (i > 0) L.push('  .')
    for (const line of p) L.push(`  ${line}`)
  })
  f('homepage', `https://github.com/${m.user}/${m.name}#readme`)
  f('bug-reports', `https://github.com/${m.user}/${m.name}/issues`)
  f(
    'license',
    modern ? (SPDX_LICENSES[m.license] ?? m.license) : /-/.test(m.license) ? 'BSD3' : m.license
  )
  f('license-file', 'LICENSE')
  f('author', m.author)
  f('maintainer', m.email)
  f('copyright', `${m.copyrightYear}-${m.copyrightYear + 1 + (version.length % 5)} ${m.author}`)
  f('category', m.category)
  f('build-type', 'Simple')
  if (!modern) f('cabal-version', cv)
  const tested = GHCS.slice(m.tested, m.tested + m.testedCount).map(g => `GHC == ${g}`)
  if (tested.length) f('tested-with', tested.join(', '))
  L.push(`${key('extra-source-files')}:`)
  for (const x of m.extraFiles) L.push(`    ${x}`)
  L.push(
    '',
    'source-repository head',
    '  type:     git',
    `  location: https://github.com/${m.user}/${m.name}`
  )
  for (const fl of m.flags) {
    L.push(
      '',
      `flag ${fl.name}`,
      `  description: ${fl.desc}`,
      `  default:     ${fl.def ? 'True' : 'False'}`,
      '  manual:      True'
    )
  }
  const common = m.common && m.cabalVersion >= 5
  if (common)
    L.push(
      '',
      'common warnings',
      '  ghc-options: -Wall -Wcompat -Widentities -Wincomplete-record-updates'
    )
  L.push('', 'library')
  if (common) L.push('  import:           warnings')
  list('  ', 'exposed-modules', m.modules, false)
  list('  ', 'other-modules', m.otherModules, false)
  L.push('  hs-source-dirs:   src')
  list(
    '  ',
    'build-depends',
    m.deps.map(d => depText(d, caret))
  )
  if (m.exts.length) list('  ', 'default-extensions', m.exts, false)
  L.push('  default-language: Haskell2010')
  if (!common) L.push('  ghc-options:      -Wall')
  if (m.windowsDep)
    L.push(
      '  if os(windows)',
      '    build-depends: Win32 >=2.5 && <2.15',
      '  else',
      '    build-depends: unix >=2.7 && <2.9'
    )
  for (const fl of m.flags.slice(0, 1)) L.push(`  if flag(${fl.name})`, '    ghc-options: -Werror')
  for (const e of exes) {
    L.push('', `executable ${e.name}`)
    if (common) L.push('  import:           warnings')
    L.push('  main-is:          Main.hs', '  hs-source-dirs:   app')
    list('  ', 'build-depends', [...new Set([...e.deps, m.name])])
    L.push(
      '  default-language: Haskell2010',
      '  ghc-options:      -threaded -rtsopts -with-rtsopts=-N'
    )
  }
  for (const t of tests) {
    L.push('', `test-suite ${t.name}`)
    if (common) L.push('  import:           warnings')
    L.push(
      '  type:             exitcode-stdio-1.0',
      `  main-is:          ${t.name === 'doctests' ? 'doctests.hs' : 'Spec.hs'}`,
      '  hs-source-dirs:   test'
    )
    list('  ', 'build-depends', t.deps)
    if (t.tool) L.push('  build-tool-depends: hspec-discover:hspec-discover')
    L.push('  default-language: Haskell2010')
  }
  for (const b of benches) {
    L.push(
      '',
      `benchmark ${b.name}`,
      '  type:             exitcode-stdio-1.0',
      '  main-is:          Bench.hs',
      '  hs-source-dirs:   bench'
    )
    list('  ', 'build-depends', [...new Set(b.deps)])
    L.push('  default-language: Haskell2010', '  ghc-options:      -O2')
  }
  L.push('')
  return L.join(crlf ? '\r\n' : '\n')
}

/** @param {string} name @param {string} version @param {string} seedTag @param {boolean} newStyle @param {number} size */
export function renderJson(name, version, seedTag, newStyle, size) {
  const input = `${seedTag}/${name}/${version}`
  const h = (/** @type {string} */ alg, /** @type {string} */ salt) =>
    createHash(alg).update(salt).update(input).digest('hex')
  const md5 = h('md5', '')
  const sha1 = h('sha1', '')
  const sha256 = h('sha256', '')
  const sha512 = h('sha512', '')
  const skein = h('sha512', 'skein')
  const id = `${name}-${version}`
  const locations = newStyle
    ? [
        `https://hackage.haskell.org/package/${id}.tar.gz`,
        `https://hackage-mirror.haskell.foundation/package/${id}.tar.gz`
      ]
    : [
        `https://hackage.haskell.org/package/${id}/${id}.tar.gz`,
        `https://s3.amazonaws.com/hackage.fpcomplete.com/package/${id}.tar.gz`
      ]
  return `{"package-hashes":{"MD5":"${md5}","SHA1":"${sha1}","SHA256":"${sha256}","SHA512":"${sha512}","Skein512_512":"${skein}"},"package-locations":${JSON.stringify(locations)},"package-size":${size}}`
}

#!/usr/bin/env node
/**
 * cabal2nix TEST DOUBLE — not the real cabal2nix.
 *
 * The real cabal2nix (a Haskell program) cannot be installed on every machine the tests run on, so
 * this script stands in for it. It honours the command line nixpkgs uses
 * (`pkgs/development/haskell-modules/make-package-set.nix`):
 *
 *   cabal2nix --compiler=ghc-X.Y.Z --system=x86_64-unknown-linux-gnu --sha256=<hex> /path/name.cabal
 *   cabal2nix --compiler=ghc-X.Y.Z --system=x86_64-unknown-linux-gnu .          (local directory)
 *
 * and prints a Nix expression shaped like the real one (formal arguments, `mkDerivation { … }`,
 * `revision` / `editedCabalFile` for revised packages, dependency lists per component, license).
 * The `.cabal` parser is deliberately rough but deterministic: sections, `common` stanzas with
 * `import:`, and `if`/`elif`/`else` conditionals evaluated against `--compiler`, `--system` and flag
 * defaults, so the output differs by compiler and platform the way real output can.
 * `editedCabalFile` is the SHA-256 of the RAW `.cabal` bytes (CRLF included) in Nix base32, as
 * real cabal2nix computes it.
 *
 * It never touches the network and never writes to $HOME.
 *
 * Fault knobs for tests (environment):
 *   CABAL2NIX_TEST_DOUBLE_FAIL=a,b      exit 1 with `cabal2nix: simulated failure for <name>`
 *   CABAL2NIX_TEST_DOUBLE_HANG=a,b      never exit (until killed)
 *   CABAL2NIX_TEST_DOUBLE_GARBAGE=a,b   print `this is not a nix expression`, exit 0
 *   CABAL2NIX_TEST_DOUBLE_LOG=/file     append `<name> <version>` per invocation
 * Entries match a package name (`zlib`) or a name-version (`zlib-0.7.1.1`).
 */
import { createHash } from 'node:crypto'
import { appendFileSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { setInterval } from 'node:timers'
import { fileURLToPath } from 'node:url'

export const VERSION_LINE = 'cabal2nix 2.19.1 (some-cabal2nix test double)'

/** Nix's base32 alphabet (no e, o, t, u). */
const NIX_BASE32_CHARS = '0123456789abcdfghijklmnpqrsvwxyz'

/**
 * Encode bytes the way Nix prints hashes in base32 (`nix hash to-base32`): least significant
 * 5-bit group of the whole byte string last, characters emitted from the most significant group.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function nixBase32(bytes) {
  const len = Math.floor((bytes.length * 8 - 1) / 5) + 1
  let out = ''
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5
    const i = b >> 3
    const j = b & 7
    const c = (bytes[i] >> j) | (i >= bytes.length - 1 ? 0 : bytes[i + 1] << (8 - j))
    out += NIX_BASE32_CHARS[c & 0x1f]
  }
  return out
}

class UsageError extends Error {}

/** @param {string} message @returns {never} */
function die(message, code = 1) {
  process.stderr.write(`cabal2nix: ${message}\n`)
  process.exit(code)
}

const HELP = `${VERSION_LINE}

Usage: cabal2nix --compiler=ghc-X.Y.Z --system=TRIPLE [--sha256=HASH] [--flag=FLAG]...
                 [--no-check] [--no-haddock] [--jailbreak] FILE.cabal|DIRECTORY

This is a TEST DOUBLE for cabal2nix: it reads local .cabal files (or an hpack package.yaml)
and never uses the network.
`

/**
 * @typedef {{ compiler?: string, system?: string, sha256?: string, flags: string[],
 *   noCheck: boolean, noHaddock: boolean, jailbreak: boolean, hpack: boolean, target?: string }} Options
 */

/** @param {string[]} argv @returns {Options | 'version' | 'help'} */
function parseArgs(argv) {
  /** @type {Options} */
  const opts = { flags: [], noCheck: false, noHaddock: false, jailbreak: false, hpack: false }
  const withValue = new Set(['--compiler', '--system', '--sha256', '--flag', '-f'])
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--version') return 'version'
    if (arg === '--help' || arg === '-h') return 'help'
    if (arg === '--') {
      for (const rest of argv.slice(i + 1)) setTarget(rest)
      break
    }
    if (arg.startsWith('-') && arg !== '-') {
      let name = arg
      /** @type {string | undefined} */
      let value
      const eq = arg.indexOf('=')
      if (arg.startsWith('--') && eq > 0) {
        name = arg.slice(0, eq)
        value = arg.slice(eq + 1)
      } else if (arg.startsWith('-f') && arg.length > 2 && !arg.startsWith('--')) {
        name = '-f'
        value = arg.slice(2)
      }
      if (withValue.has(name)) {
        if (value === undefined) {
          if (i + 1 >= argv.length) throw new UsageError(`option ${name} needs a value`)
          value = argv[++i]
        }
        switch (name) {
          case '--compiler':
            opts.compiler = value
            break
          case '--system':
            opts.system = value
            break
          case '--sha256':
            // nixpkgs' haskellSrc2nix passes an empty --sha256= for local sources; cabal2nix ignores it.
            opts.sha256 = value === '' ? undefined : value
            break
          default:
            opts.flags.push(value)
        }
        continue
      }
      if (value !== undefined) throw new UsageError(`option ${name} takes no value`)
      switch (name) {
        case '--no-check':
          opts.noCheck = true
          break
        case '--no-haddock':
          opts.noHaddock = true
          break
        case '--jailbreak':
          opts.jailbreak = true
          break
        case '--hpack':
          opts.hpack = true
          break
        default:
          throw new UsageError(`unknown option ${arg}`)
      }
      continue
    }
    setTarget(arg)
  }
  return opts

  /** @param {string} t */
  function setTarget(t) {
    if (opts.target !== undefined) throw new UsageError(`unexpected extra argument ${t}`)
    opts.target = t
  }
}

// ---------------------------------------------------------------------------------------------
// .cabal parsing

/**
 * @typedef {{ kind: 'field', name: string, value: string }} Field
 * @typedef {{ kind: 'section', header: string, children: Item[] }} Section
 * @typedef {Field | Section} Item
 */

/** @param {string} text @returns {Item[]} */
export function parseCabal(text) {
  const lines = []
  for (const raw of text.split(/\r?\n|\r/)) {
    const expanded = raw.replace(/\t/g, '        ')
    const trimmed = expanded.trim()
    if (trimmed === '' || trimmed.startsWith('--')) continue
    if (trimmed === '{' || trimmed === '}') continue
    lines.push({ indent: expanded.length - expanded.trimStart().length, text: trimmed })
  }
  return block(lines, 0, lines.length)
}

/**
 * @param {{indent: number, text: string}[]} lines
 * @param {number} from
 * @param {number} to
 * @returns {Item[]}
 */
function block(lines, from, to) {
  /** @type {Item[]} */
  const items = []
  let i = from
  while (i < to) {
    const head = lines[i]
    let j = i + 1
    while (j < to && lines[j].indent > head.indent) j++
    const m = /^([A-Za-z0-9_.-]+)\s*:(.*)$/.exec(head.text)
    if (m) {
      const value = [m[2], ...lines.slice(i + 1, j).map(l => l.text)].join('\n').trim()
      items.push({ kind: 'field', name: m[1].toLowerCase(), value })
    } else {
      items.push({ kind: 'section', header: head.text, children: block(lines, i + 1, j) })
    }
    i = j
  }
  return items
}

/** @param {Item[]} items @param {string} name */
function field(items, name) {
  for (const it of items) if (it.kind === 'field' && it.name === name) return it.value
  return undefined
}

/** @param {string} header */
function sectionKeyword(header) {
  const m = /^(\S+)\s*(.*)$/.exec(header)
  return m ? { kw: m[1].toLowerCase(), arg: m[2].trim() } : { kw: header.toLowerCase(), arg: '' }
}

/** @param {string} v @returns {number[]} */
function versionParts(v) {
  return v.split('.').map(x => Number.parseInt(x, 10))
}

/** @param {number[]} a @param {number[]} b */
function compareVersions(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) return -1
    if (i >= b.length) return 1
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
  }
  return 0
}

/**
 * Does `version` satisfy a Cabal version range (`>= 8.2 && < 9 || == 9.0.*`, `^>= 1.2`, `-any`)?
 * @param {number[]} version
 * @param {string} range
 * @returns {boolean}
 */
function inRange(version, range) {
  const r = range.trim()
  if (r === '' || r === '-any') return true
  if (r === '-none') return false
  return r.split('||').some(alt =>
    alt.split('&&').every(atomRaw => {
      const atom = atomRaw
        .trim()
        .replace(/^\(|\)$/g, '')
        .trim()
      const m = /^(\^>=|==|>=|<=|>|<)\s*([0-9][0-9.]*)(\.\*)?$/.exec(atom)
      if (!m) throw new Error(`cannot parse version range: ${range}`)
      const want = versionParts(m[2].replace(/\.$/, ''))
      const c = compareVersions(version, want)
      switch (m[1]) {
        case '==':
          return m[3] ? compareVersions(version.slice(0, want.length), want) === 0 : c === 0
        case '>=':
          return c >= 0
        case '<=':
          return c <= 0
        case '>':
          return c > 0
        case '<':
          return c < 0
        default: {
          // ^>= x.y.z  ==  >= x.y.z && < x.(y+1)
          const upper = want.length >= 2 ? [want[0], want[1] + 1] : [want[0] + 1]
          return c >= 0 && compareVersions(version, upper) < 0
        }
      }
    })
  )
}

/**
 * @typedef {{ os: string, arch: string, compiler: string, compilerVersion: number[],
 *   flags: Map<string, boolean> }} Env
 */

const OS_ALIASES = /** @type {Record<string, string>} */ ({
  mingw32: 'windows',
  win32: 'windows',
  cygwin32: 'windows',
  darwin: 'osx',
  macos: 'osx'
})
const ARCH_ALIASES = /** @type {Record<string, string>} */ ({
  amd64: 'x86_64',
  x86: 'i386',
  i686: 'i386',
  arm64: 'aarch64',
  powerpc64le: 'ppc64le'
})

/** @param {string} system */
function platformOf(system) {
  const s = system.toLowerCase()
  let os = 'linux'
  if (/mingw|windows|win32|cygwin/.test(s)) os = 'windows'
  else if (/darwin|apple|macos/.test(s)) os = 'osx'
  else if (/freebsd/.test(s)) os = 'freebsd'
  else if (/openbsd/.test(s)) os = 'openbsd'
  else if (/netbsd/.test(s)) os = 'netbsd'
  else if (/ghcjs|javascript/.test(s)) os = 'ghcjs'
  else if (/wasi/.test(s)) os = 'wasi'
  const archRaw = s.split('-')[0]
  return { os, arch: ARCH_ALIASES[archRaw] ?? archRaw }
}

/**
 * Evaluate a Cabal condition (`os(windows) && !flag(x) || impl(ghc >= 9.4)`).
 * @param {string} cond
 * @param {Env} env
 * @returns {boolean}
 */
function evalCondition(cond, env) {
  /** @type {{ op?: string, value?: boolean }[]} */
  const tokens = []
  const re = /\s*(?:(&&|\|\||!|\(|\))|([A-Za-z]+)\s*\(([^()]*)\)|(true|false|True|False))/y
  let pos = 0
  while (pos < cond.length) {
    if (/^\s*$/.test(cond.slice(pos))) break
    re.lastIndex = pos
    const m = re.exec(cond)
    if (!m) throw new Error(`cannot parse condition: ${cond}`)
    pos = re.lastIndex
    if (m[1]) tokens.push({ op: m[1] })
    else if (m[2]) tokens.push({ value: test(m[2].toLowerCase(), m[3].trim()) })
    else tokens.push({ value: m[4].toLowerCase() === 'true' })
  }
  let k = 0
  const peek = () => tokens[k]
  /** @returns {boolean} */
  const orExpr = () => {
    let v = andExpr()
    while (peek()?.op === '||') {
      k++
      const r = andExpr()
      v = v || r
    }
    return v
  }
  /** @returns {boolean} */
  const andExpr = () => {
    let v = notExpr()
    while (peek()?.op === '&&') {
      k++
      const r = notExpr()
      v = v && r
    }
    return v
  }
  /** @returns {boolean} */
  const notExpr = () => {
    if (peek()?.op === '!') {
      k++
      return !notExpr()
    }
    const t = tokens[k++]
    if (!t) throw new Error(`cannot parse condition: ${cond}`)
    if (t.op === '(') {
      const v = orExpr()
      if (tokens[k++]?.op !== ')') throw new Error(`unbalanced parentheses in condition: ${cond}`)
      return v
    }
    if (t.value === undefined) throw new Error(`cannot parse condition: ${cond}`)
    return t.value
  }
  const result = orExpr()
  if (k !== tokens.length) throw new Error(`cannot parse condition: ${cond}`)
  return result

  /** @param {string} fn @param {string} arg */
  function test(fn, arg) {
    switch (fn) {
      case 'os': {
        const o = arg.toLowerCase()
        return (OS_ALIASES[o] ?? o) === env.os
      }
      case 'arch': {
        const a = arg.toLowerCase()
        return (ARCH_ALIASES[a] ?? a) === env.arch
      }
      case 'impl': {
        const m = /^([A-Za-z]+)\s*(.*)$/.exec(arg)
        if (!m || m[1].toLowerCase() !== env.compiler) return false
        return inRange(env.compilerVersion, m[2])
      }
      case 'flag':
        return env.flags.get(arg.toLowerCase()) ?? false
      default:
        throw new Error(`unknown condition ${fn}(${arg})`)
    }
  }
}

/**
 * @typedef {{ haskell: Set<string>, system: Set<string>, pkgconfig: Set<string>, tools: Set<string> }} Deps
 */

/** @returns {Deps} */
function emptyDeps() {
  return { haskell: new Set(), system: new Set(), pkgconfig: new Set(), tools: new Set() }
}

/** @param {string} value @returns {string[]} names from a comma-separated dependency list */
function depNames(value) {
  const out = []
  for (const entry of value.replace(/\{[^}]*\}/g, '').split(',')) {
    const m = /^\s*([A-Za-z0-9][A-Za-z0-9_+-]*)/.exec(entry)
    if (m) out.push(m[1])
  }
  return out
}

/** System library names (`extra-libraries`) → nixpkgs attributes, as cabal2nix maps a few. */
const SYSTEM_LIBS = /** @type {Record<string, string | null>} */ ({
  z: 'zlib',
  pq: 'libpq',
  X11: 'libX11',
  Xext: 'libXext',
  Xrandr: 'libXrandr',
  Xinerama: 'libXinerama',
  Xrender: 'libXrender',
  Xft: 'libXft',
  Xss: 'libXScrnSaver',
  icuuc: 'icu',
  icui18n: 'icu',
  icudata: 'icu',
  crypto: 'openssl',
  ssl: 'openssl',
  gcc: null,
  'stdc++': null,
  'c++': 'libcxx',
  'c++abi': 'libcxxabi',
  m: null,
  pthread: null,
  rt: null,
  dl: null
})
const PKGCONFIG_LIBS = /** @type {Record<string, string>} */ ({
  'icu-i18n': 'icu',
  'icu-uc': 'icu',
  libpq: 'libpq',
  sdl2: 'SDL2',
  x11: 'libX11'
})

const NIX_IDENT = /^[A-Za-z_][A-Za-z0-9_'-]*$/

/**
 * @param {Item[]} items
 * @param {Env} env
 * @param {Deps} acc
 * @param {Map<string, Item[]>} commons
 * @param {number} depth
 */
function collect(items, env, acc, commons, depth = 0) {
  if (depth > 32) throw new Error('common stanzas import each other in a cycle')
  let chainTaken = true // whether an earlier branch of the current if/elif chain ran
  for (const it of items) {
    if (it.kind === 'field') {
      chainTaken = true
      switch (it.name) {
        case 'build-depends':
          for (const n of depNames(it.value)) acc.haskell.add(n)
          break
        case 'pkgconfig-depends':
          for (const n of depNames(it.value)) acc.pkgconfig.add(PKGCONFIG_LIBS[n] ?? n)
          break
        case 'extra-libraries':
          for (const n of it.value.split(/[\s,]+/).filter(Boolean)) {
            const mapped = n in SYSTEM_LIBS ? SYSTEM_LIBS[n] : n
            if (mapped && NIX_IDENT.test(mapped)) acc.system.add(mapped)
          }
          break
        case 'build-tool-depends':
          for (const n of depNames(it.value)) acc.tools.add(n)
          break
        case 'build-tools':
          for (const n of depNames(it.value)) if (n !== 'hsc2hs') acc.tools.add(n)
          break
        case 'import':
          for (const name of it.value.split(/[\s,]+/).filter(Boolean)) {
            const common = commons.get(name.toLowerCase())
            if (!common) throw new Error(`unknown common stanza ${name}`)
            collect(common, env, acc, commons, depth + 1)
          }
          break
        default:
      }
      continue
    }
    const { kw, arg } = sectionKeyword(it.header)
    if (kw === 'if') {
      chainTaken = evalCondition(arg, env)
      if (chainTaken) collect(it.children, env, acc, commons, depth)
    } else if (kw === 'elif') {
      if (!chainTaken) {
        chainTaken = evalCondition(arg, env)
        if (chainTaken) collect(it.children, env, acc, commons, depth)
      }
    } else if (kw === 'else') {
      if (!chainTaken) collect(it.children, env, acc, commons, depth)
      chainTaken = true
    } else {
      throw new Error(`unexpected section "${it.header}" inside a component`)
    }
  }
}

const LICENSES = /** @type {Record<string, string>} */ ({
  bsd2: 'lib.licenses.bsd2',
  'bsd-2-clause': 'lib.licenses.bsd2',
  bsd3: 'lib.licenses.bsd3',
  'bsd-3-clause': 'lib.licenses.bsd3',
  mit: 'lib.licenses.mit',
  isc: 'lib.licenses.isc',
  'apache-2.0': 'lib.licenses.asl20',
  'apache-2': 'lib.licenses.asl20',
  'mpl-2.0': 'lib.licenses.mpl20',
  'gpl-2': 'lib.licenses.gpl2Only',
  'gpl-2.0-only': 'lib.licenses.gpl2Only',
  'gpl-2.0-or-later': 'lib.licenses.gpl2Plus',
  'gpl-3': 'lib.licenses.gpl3Only',
  'gpl-3.0-only': 'lib.licenses.gpl3Only',
  'gpl-3.0-or-later': 'lib.licenses.gpl3Plus',
  'lgpl-2.1': 'lib.licenses.lgpl21Only',
  'lgpl-2.1-only': 'lib.licenses.lgpl21Only',
  'lgpl-3': 'lib.licenses.lgpl3Only',
  'lgpl-3.0-only': 'lib.licenses.lgpl3Only',
  'agpl-3': 'lib.licenses.agpl3Only',
  publicdomain: 'lib.licenses.publicDomain',
  unlicense: 'lib.licenses.unlicense',
  cc0: 'lib.licenses.cc0',
  'cc0-1.0': 'lib.licenses.cc0',
  zlib: 'lib.licenses.zlib'
})

/** @param {string} s */
function nixString(s) {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${')}"`
}

/** @param {string} a @param {string} b */
function byNixOrder(a, b) {
  const la = a.toLowerCase()
  const lb = b.toLowerCase()
  if (la !== lb) return la < lb ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** @param {string} name @param {Iterable<string>} values @returns {string[]} */
function listAttr(name, values) {
  const items = [...new Set(values)].sort(byNixOrder)
  if (items.length === 0) return []
  const oneLine = `  ${name} = [ ${items.join(' ')} ];`
  if (oneLine.length <= 80) return [oneLine]
  const out = [`  ${name} = [`]
  let line = '   '
  for (const item of items) {
    if (line.length + 1 + item.length > 79 && line.length > 3) {
      out.push(line)
      line = '   '
    }
    line += ` ${item}`
  }
  out.push(line, '  ];')
  return out
}

/** @param {string[]} args */
function formals(args) {
  const all = ['mkDerivation', ...[...new Set(args)].sort(byNixOrder)]
  const oneLine = `{ ${all.join(', ')} }:`
  if (oneLine.length <= 80) return oneLine
  const lines = []
  let line = '{'
  all.forEach((a, i) => {
    const piece = i === 0 ? ` ${a}` : `, ${a}`
    if (line.length + piece.length > 78 && i > 0) {
      lines.push(line)
      line = `,${piece.slice(1)}`
    } else line += piece
  })
  lines.push(line, '}:')
  return lines.join('\n')
}

/**
 * @typedef {{ name: string, version: string, revision: number, license?: string,
 *   synopsis?: string, homepage?: string, hasLibrary: boolean, hasExecutable: boolean,
 *   components: Record<'setup'|'library'|'executable'|'test'|'benchmark', Deps>,
 *   hpack: boolean }} PackageDescription
 */

/**
 * @param {string} text
 * @param {Env} env
 * @returns {PackageDescription}
 */
export function describeCabal(text, env) {
  const items = parseCabal(text)
  const name = field(items, 'name')
  const version = field(items, 'version')
  if (!name || !version) throw new Error('no name or version field (is this a .cabal file?)')
  if (!/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/.test(name)) throw new Error(`invalid package name ${name}`)
  if (!/^[0-9]+(\.[0-9]+)*$/.test(version)) throw new Error(`invalid version ${version}`)
  const revision = Number.parseInt(field(items, 'x-revision') ?? '0', 10) || 0

  // Flag defaults, overridden below by --flag. Cabal's default for a flag is True.
  for (const it of items) {
    if (it.kind !== 'section') continue
    const { kw, arg } = sectionKeyword(it.header)
    if (kw === 'flag') {
      const d = (field(it.children, 'default') ?? 'true').toLowerCase()
      const key = arg.toLowerCase()
      if (!env.flags.has(key)) env.flags.set(key, d === 'true')
    }
  }
  /** @type {Map<string, Item[]>} */
  const commons = new Map()
  for (const it of items) {
    if (it.kind !== 'section') continue
    const { kw, arg } = sectionKeyword(it.header)
    if (kw === 'common') commons.set(arg.toLowerCase(), it.children)
  }

  const components = {
    setup: emptyDeps(),
    library: emptyDeps(),
    executable: emptyDeps(),
    test: emptyDeps(),
    benchmark: emptyDeps()
  }
  let hasLibrary = false
  let hasExecutable = false
  for (const it of items) {
    if (it.kind !== 'section') continue
    const { kw } = sectionKeyword(it.header)
    /** @type {keyof typeof components | undefined} */
    let target
    if (kw === 'library' || kw === 'foreign-library') {
      target = 'library'
      hasLibrary = true
    } else if (kw === 'executable') {
      target = 'executable'
      hasExecutable = true
    } else if (kw === 'test-suite') target = 'test'
    else if (kw === 'benchmark') target = 'benchmark'
    else if (kw === 'custom-setup') {
      const setupDeps = field(it.children, 'setup-depends')
      if (setupDeps) for (const n of depNames(setupDeps)) components.setup.haskell.add(n)
      continue
    }
    if (target) collect(it.children, env, components[target], commons)
  }
  // Legacy flat format (containers 0.1.0.0): library fields at the top level.
  if (field(items, 'exposed-modules') !== undefined) hasLibrary = true
  const topLevelFields = items.filter(
    it =>
      it.kind === 'field' &&
      ['build-depends', 'pkgconfig-depends', 'extra-libraries', 'build-tools'].includes(it.name)
  )
  if (topLevelFields.length > 0) {
    collect(
      topLevelFields,
      env,
      hasLibrary || !hasExecutable ? components.library : components.executable,
      commons
    )
    if (!hasExecutable) hasLibrary = true
  }
  for (const c of Object.values(components)) c.haskell.delete(name)

  return {
    name,
    version,
    revision,
    license: field(items, 'license'),
    synopsis: field(items, 'synopsis'),
    homepage: field(items, 'homepage'),
    hasLibrary,
    hasExecutable,
    components,
    hpack: false
  }
}

/** Top-level scalar fields and the `dependencies:` list of an hpack package.yaml. */
/** @param {string} text @returns {PackageDescription} */
function describeHpack(text) {
  /** @type {Record<string, string>} */
  const top = {}
  const deps = new Set()
  let inDeps = false
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#/.test(raw) || raw.trim() === '') continue
    const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$/.exec(raw)
    if (m) {
      inDeps = m[1] === 'dependencies'
      top[m[1]] = m[2].replace(/^["']|["']$/g, '').trim()
      if (inDeps && m[2].trim().startsWith('[')) {
        for (const n of depNames(m[2].replace(/[[\]]/g, ''))) deps.add(n)
      }
      continue
    }
    const item = /^\s*-\s*(.*)$/.exec(raw)
    if (inDeps && item && /^\s{0,2}-/.test(raw)) {
      for (const n of depNames(item[1].replace(/^["']|["']$/g, ''))) deps.add(n)
    } else if (!/^\s/.test(raw)) inDeps = false
  }
  if (!top.name || !top.version) throw new Error('package.yaml has no top-level name or version')
  const library = emptyDeps()
  for (const d of deps) library.haskell.add(d)
  library.haskell.delete(top.name)
  library.tools.add('hpack')
  return {
    name: top.name,
    version: top.version,
    revision: 0,
    license: top.license,
    synopsis: top.synopsis,
    homepage: top.homepage || (top.github ? `https://github.com/${top.github}#readme` : undefined),
    hasLibrary: true,
    hasExecutable: false,
    components: {
      setup: emptyDeps(),
      library,
      executable: emptyDeps(),
      test: emptyDeps(),
      benchmark: emptyDeps()
    },
    hpack: true
  }
}

/**
 * @param {PackageDescription} pkg
 * @param {{ src: { sha256: string } | { path: string }, editedCabalFile?: string,
 *   flags: string[], noCheck: boolean, noHaddock: boolean, jailbreak: boolean }} extra
 */
export function renderNix(pkg, extra) {
  const c = pkg.components
  const args = []
  for (const comp of Object.values(c)) {
    args.push(...comp.haskell, ...comp.system, ...comp.pkgconfig, ...comp.tools)
  }
  args.push('lib')
  const body = [`  pname = ${nixString(pkg.name)};`, `  version = ${nixString(pkg.version)};`]
  if ('sha256' in extra.src) body.push(`  sha256 = ${nixString(extra.src.sha256)};`)
  else body.push(`  src = ${extra.src.path};`)
  if (pkg.revision > 0 && extra.editedCabalFile) {
    body.push(`  revision = "${pkg.revision}";`, `  editedCabalFile = "${extra.editedCabalFile}";`)
  }
  if (extra.flags.length > 0) {
    body.push(
      ...listAttr(
        'configureFlags',
        extra.flags.map(f => nixString(`-f${f}`))
      )
    )
  }
  if (pkg.hasExecutable) {
    body.push(`  isLibrary = ${pkg.hasLibrary};`, '  isExecutable = true;')
  }
  body.push(...listAttr('setupHaskellDepends', c.setup.haskell))
  for (const [key, prefix] of /** @type {const} */ ([
    ['library', 'library'],
    ['executable', 'executable'],
    ['test', 'test'],
    ['benchmark', 'benchmark']
  ])) {
    body.push(...listAttr(`${prefix}HaskellDepends`, c[key].haskell))
    body.push(...listAttr(`${prefix}SystemDepends`, c[key].system))
    body.push(...listAttr(`${prefix}PkgconfigDepends`, c[key].pkgconfig))
    body.push(...listAttr(`${prefix}ToolDepends`, c[key].tools))
  }
  if (pkg.hpack) body.push('  prePatch = "hpack";')
  if (extra.noHaddock) body.push('  doHaddock = false;')
  if (extra.jailbreak) body.push('  jailbreak = true;')
  if (extra.noCheck) body.push('  doCheck = false;')
  if (pkg.homepage) body.push(`  homepage = ${nixString(pkg.homepage.split(/\s+/)[0])};`)
  if (pkg.synopsis)
    body.push(`  description = ${nixString(pkg.synopsis.replace(/\s+/g, ' ').trim())};`)
  const lic = pkg.license ? LICENSES[pkg.license.toLowerCase()] : undefined
  body.push(`  license = ${lic ?? (pkg.license ? nixString(pkg.license) : '"unknown"')};`)
  return `${formals(args)}\nmkDerivation {\n${body.join('\n')}\n}\n`
}

/** @param {string} target */
function nixPathLiteral(target) {
  let p = target.replace(/\/+$/, '')
  if (p === '' || p === '.') return './.'
  if (p === '..') return './..'
  if (!p.startsWith('/') && !p.startsWith('./') && !p.startsWith('../')) p = `./${p}`
  return p
}

/** @param {string} list @param {string} name @param {string} version */
function knobMatches(list, name, version) {
  if (!list) return false
  const wanted = list.split(',').map(s => s.trim())
  return wanted.includes(name) || wanted.includes(`${name}-${version}`) || wanted.includes('*')
}

function main() {
  /** @type {ReturnType<typeof parseArgs>} */
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (e) {
    if (e instanceof UsageError) die(`${e.message}\nTry --help.`)
    throw e
  }
  if (opts === 'version') {
    process.stdout.write(`${VERSION_LINE}\n`)
    return
  }
  if (opts === 'help') {
    process.stdout.write(HELP)
    return
  }
  if (opts.target === undefined) die('missing argument: a .cabal file or a directory')
  if (!opts.compiler) die('--compiler=ghc-X.Y.Z required (nixpkgs always passes it; test double)')
  if (!opts.system) die('--system=TRIPLE required (nixpkgs always passes it; test double)')
  const cm = /^(ghc|ghcjs)-([0-9]+(?:\.[0-9]+)*)$/.exec(opts.compiler)
  if (!cm) die(`invalid --compiler ${opts.compiler} (expected ghc-X.Y.Z)`)
  const target = opts.target
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) || target.startsWith('cabal://')) {
    die(`${target}: network access is not available (test double reads local files only)`)
  }
  const { os, arch } = platformOf(opts.system)
  /** @type {Env} */
  const env = { os, arch, compiler: cm[1], compilerVersion: versionParts(cm[2]), flags: new Map() }
  for (const f of opts.flags) {
    for (const one of f.split(/[\s,]+/).filter(Boolean)) {
      if (one.startsWith('-')) env.flags.set(one.slice(1).toLowerCase(), false)
      else env.flags.set(one.replace(/^\+/, '').toLowerCase(), true)
    }
  }

  let st
  try {
    st = statSync(target)
  } catch {
    die(`${target}: does not exist`)
  }

  /** @type {PackageDescription} */
  let pkg
  /** @type {string | undefined} */
  let edited
  /** @type {{ sha256: string } | { path: string }} */
  let src
  try {
    if (st.isDirectory()) {
      const entries = readdirSync(target).sort()
      const cabals = entries.filter(e => e.endsWith('.cabal'))
      if (cabals.length > 1)
        throw new Error(`found more than one .cabal file: ${cabals.join(', ')}`)
      if (cabals.length === 1 && !opts.hpack) {
        const bytes = readFileSync(path.join(target, cabals[0]))
        pkg = describeCabal(bytes.toString('utf8'), env)
        edited = nixBase32(createHash('sha256').update(bytes).digest())
      } else if (entries.includes('package.yaml')) {
        pkg = describeHpack(readFileSync(path.join(target, 'package.yaml'), 'utf8'))
      } else {
        throw new Error('no .cabal file or package.yaml found')
      }
      src = opts.sha256 ? { sha256: opts.sha256 } : { path: nixPathLiteral(target) }
    } else {
      if (!opts.sha256) die('--sha256 required offline (test double)')
      const bytes = readFileSync(target)
      pkg = describeCabal(bytes.toString('utf8'), env)
      edited = nixBase32(createHash('sha256').update(bytes).digest())
      src = { sha256: opts.sha256 }
    }
    if (
      opts.sha256 !== undefined &&
      !/^([0-9a-f]{64}|[0-9abcdfghijklmnpqrsvwxyz]{52})$/.test(opts.sha256)
    ) {
      throw new Error(
        `invalid --sha256 ${opts.sha256} (expected 64 hex digits or 52 base32 digits)`
      )
    }
  } catch (e) {
    die(`${target}: ${e instanceof Error ? e.message : String(e)}`)
  }

  const logFile = process.env.CABAL2NIX_TEST_DOUBLE_LOG
  if (logFile) appendFileSync(logFile, `${pkg.name} ${pkg.version}\n`)
  const knob = (/** @type {string} */ k) => knobMatches(process.env[k] ?? '', pkg.name, pkg.version)
  if (knob('CABAL2NIX_TEST_DOUBLE_FAIL')) die(`simulated failure for ${pkg.name}`)
  if (knob('CABAL2NIX_TEST_DOUBLE_HANG')) {
    setInterval(() => {}, 1 << 30)
    return
  }
  if (knob('CABAL2NIX_TEST_DOUBLE_GARBAGE')) {
    process.stdout.write('this is not a nix expression\n')
    return
  }
  process.stdout.write(
    renderNix(pkg, {
      src,
      editedCabalFile: edited,
      flags: opts.flags.flatMap(f => f.split(/[\s,]+/).filter(Boolean)),
      noCheck: opts.noCheck,
      noHaddock: opts.noHaddock,
      jailbreak: opts.jailbreak
    })
  )
}

/** Run only when executed, so the helpers above can be imported by tests. */
function invokedDirectly() {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (invokedDirectly()) main()

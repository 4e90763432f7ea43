#!/usr/bin/env node
/**
 * Test archives shaped like the all-cabal-hashes GitHub tarball.
 *
 * Layout (as github.com/commercialhaskell/all-cabal-hashes/archive/<rev>.tar.gz has it): a pax
 * global header carrying `comment=<rev>`, then ONE top-level directory `all-cabal-hashes-<rev>/`,
 * under it `<pkg>/`, `<pkg>/<ver>/`, `<pkg>/<ver>/<pkg>.cabal`, `<pkg>/<ver>/<pkg>.json` and
 * `<pkg>/preferred-versions`, with a directory entry for every directory, members in byte order
 * of their paths (which is git's tree order). Everything is deterministic: mtime 0, uid/gid 0,
 * uname/gname root, mode 0644 for files and 0755 for directories.
 *
 *  - buildSampleArchive: the 24 real package versions in testing/fixtures/all-cabal-hashes-sample,
 *    byte for byte (CRLF files stay CRLF).
 *  - buildArchiveFromEntries: arbitrary members, for hostile-archive tests (traversal names, links,
 *    long names as pax or GNU records, oversized members, raw bytes).
 *  - generateFullSizeArchive: a seeded generator of a full-size archive (~18k packages, ~134k
 *    versions, ~520 MB of member data, ~75 MB gzipped at scale 1) that also contains the 24 real
 *    fixture versions, streamed to disk.
 *
 * CLI:
 *   node testing/archives.mjs sample OUT.tar.gz [--rev R] [--no-gzip]
 *   node testing/archives.mjs full OUT.tar.gz [--seed N] [--scale F] [--packages N] [--rev R]
 */
import { createHash } from 'node:crypto'
import { accessSync, constants as fsConstants, createWriteStream, existsSync } from 'node:fs'
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PassThrough, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { setImmediate } from 'node:timers'
import { createGzip } from 'node:zlib'
import tar from 'tar-stream'

/** @typedef {Partial<import('tar-stream').Header> & { name: string, pax?: Record<string, string> }} TarHeader */

const HERE = path.dirname(fileURLToPath(import.meta.url))
const EPOCH = new Date(0)
const FILE_MODE = 0o644
const DIR_MODE = 0o755
const OWNER = { uid: 0, gid: 0, uname: 'root', gname: 'root' }

/** The fixture directory: `$ALL_CABAL_HASHES_SAMPLE_DIR`, else `testing/fixtures/all-cabal-hashes-sample`. */
export function sampleDirectory() {
  return (
    process.env.ALL_CABAL_HASHES_SAMPLE_DIR ||
    path.resolve(HERE, 'fixtures', 'all-cabal-hashes-sample')
  )
}

// ---------------------------------------------------------------------------------------------
// Raw tar records (tar-stream cannot write pax global headers or GNU long-name records).

/** @param {Buffer} buf @param {number} off @param {number} len @param {number} value */
function writeOctal(buf, off, len, value) {
  const s = value.toString(8).padStart(len - 1, '0')
  if (s.length > len - 1) throw new Error(`value ${value} does not fit a ${len}-byte tar field`)
  buf.write(s, off, 'ascii')
  buf[off + len - 1] = 0
}

const TYPEFLAGS = /** @type {Record<string, string>} */ ({
  file: '0',
  link: '1',
  symlink: '2',
  'character-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
  'contiguous-file': '7',
  'pax-header': 'x',
  'pax-global-header': 'g',
  'gnu-long-path': 'L',
  'gnu-long-link-path': 'K'
})

/**
 * Encode one 512-byte ustar header block verbatim (no long-name handling: names over 100 bytes
 * are truncated, which is what GNU long-name records are for).
 * @param {{ name: string, size?: number, type?: string, mode?: number, mtime?: number,
 *   linkname?: string, uid?: number, gid?: number, uname?: string, gname?: string, gnu?: boolean,
 *   prefix?: string }} h
 *   prefix: the ustar prefix field (up to 155 bytes; readers join it to `name` with a `/`)
 * @returns {Buffer}
 */
export function tarHeader(h) {
  const buf = Buffer.alloc(512)
  Buffer.from(h.name, 'utf8').copy(buf, 0, 0, 100)
  if (h.prefix) Buffer.from(h.prefix, 'utf8').copy(buf, 345, 0, 155)
  writeOctal(buf, 100, 8, h.mode ?? (h.type === 'directory' ? DIR_MODE : FILE_MODE))
  writeOctal(buf, 108, 8, h.uid ?? 0)
  writeOctal(buf, 116, 8, h.gid ?? 0)
  writeOctal(buf, 124, 12, h.size ?? 0)
  writeOctal(buf, 136, 12, h.mtime ?? 0)
  buf.fill(0x20, 148, 156)
  const flag = TYPEFLAGS[h.type ?? 'file']
  if (!flag) throw new Error(`unknown tar entry type ${h.type}`)
  buf.write(flag, 156, 'ascii')
  if (h.linkname) Buffer.from(h.linkname, 'utf8').copy(buf, 157, 0, 100)
  if (h.gnu) buf.write('ustar  \0', 257, 'ascii')
  else buf.write('ustar\u000000', 257, 'ascii')
  buf.write(h.uname ?? 'root', 265, 'ascii')
  buf.write(h.gname ?? 'root', 297, 'ascii')
  writeOctal(buf, 329, 8, 0)
  writeOctal(buf, 337, 8, 0)
  return sealTarHeader(buf)
}

/**
 * Writes a header block's checksum (over the block with the checksum field as spaces), e.g.
 * after changing fields of a tarHeader() to make a hostile archive.
 * @param {Buffer} buf
 */
export function sealTarHeader(buf) {
  buf.fill(0x20, 148, 156)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += buf[i]
  buf.write(sum.toString(8).padStart(6, '0'), 148, 'ascii')
  buf[154] = 0
  buf[155] = 0x20
  return buf
}

/** @param {number} n */
function padding(n) {
  return Buffer.alloc((512 - (n % 512)) % 512)
}

/**
 * A pax record list (`"<len> key=value\n"`…) as tar wants it.
 * @param {Record<string, string>} fields
 */
export function paxRecords(fields) {
  let out = ''
  for (const [k, v] of Object.entries(fields)) {
    const body = ` ${k}=${v}\n`
    let len = Buffer.byteLength(body) + 1
    while (String(len).length + Buffer.byteLength(body) !== len) len++
    out += `${len}${body}`
  }
  return Buffer.from(out, 'utf8')
}

/**
 * The pax global header GitHub (git archive) puts first: `pax_global_header`, type `g`,
 * `comment=<commit>`.
 * @param {string} comment
 */
export function paxGlobalHeader(comment) {
  const body = paxRecords({ comment })
  return Buffer.concat([
    tarHeader({
      name: 'pax_global_header',
      type: 'pax-global-header',
      size: body.length,
      mode: 0o666
    }),
    body,
    padding(body.length)
  ])
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * @typedef {{ name: string, type?: 'file'|'directory'|'symlink'|'link', body?: Buffer|string,
 *   size?: number, linkname?: string, pax?: Record<string, string>, mode?: number,
 *   longName?: 'gnu', raw?: undefined }} ArchiveEntry
 * @typedef {{ raw: Buffer, name?: undefined }} RawEntry
 */

/**
 * Open a tar(.gz) writer. `add` resolves once the member has been handed on (backpressure).
 * @param {{ outFile: string, gzip?: boolean, level?: number, globalComment?: string }} opts
 */
function openTarWriter({ outFile, gzip = true, level = 6, globalComment }) {
  const pack = tar.pack()
  let tarBytes = 0
  // tar-stream emits a chunk per header and per body; coalesce them so zlib (one thread-pool job
  // per write) and the file see large writes.
  /** @type {Buffer[]} */
  let batch = []
  let batched = 0
  const counter = new Transform({
    writableHighWaterMark: 1 << 20,
    readableHighWaterMark: 1 << 20,
    transform(chunk, _enc, cb) {
      tarBytes += chunk.length
      batch.push(chunk)
      batched += chunk.length
      if (batched >= 1 << 18) {
        const out = Buffer.concat(batch, batched)
        batch = []
        batched = 0
        cb(null, out)
      } else cb()
    },
    flush(cb) {
      cb(null, batched > 0 ? Buffer.concat(batch, batched) : undefined)
    }
  })
  const compressor = gzip ? createGzip({ level }) : new PassThrough()
  const done = pipeline(/** @type {any} */ (pack), counter, compressor, createWriteStream(outFile))
  /** @type {unknown} */
  let failure
  done.catch(e => {
    failure = e
  })
  if (globalComment !== undefined) pack.push(paxGlobalHeader(globalComment))

  /** @param {Buffer} bytes */
  const pushRaw = async bytes => {
    if (failure) throw failure
    if (!pack.push(bytes)) await new Promise(resolve => setImmediate(resolve))
  }

  /**
   * @param {TarHeader} header
   * @param {Buffer | null} body
   */
  const add = (header, body) =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure)
      const cb = (/** @type {Error | null | undefined} */ err) =>
        err ? reject(err) : resolve(undefined)
      if (body) pack.entry(header, body, cb)
      else pack.entry(header, cb)
    })

  /** Stream `size` filler bytes as one member's body. @param {TarHeader} header @param {number} size */
  const addFiller = (header, size) =>
    new Promise((resolve, reject) => {
      const sink = pack.entry({ ...header, size }, err => (err ? reject(err) : resolve(undefined)))
      const chunk = Buffer.alloc(64 * 1024, 0x78)
      let left = size
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length)
          left -= n
          if (!sink.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            sink.once('drain', pump)
            return
          }
        }
        ;/** @type {any} */ (sink).end()
      }
      pump()
    })

  const finish = async () => {
    pack.finalize()
    await done
    return { tarBytes }
  }
  const abort = async (/** @type {unknown} */ e) => {
    pack.destroy(e instanceof Error ? e : new Error(String(e)))
    await done.catch(() => {})
  }
  return { add, addFiller, pushRaw, finish, abort }
}

/** @param {string} p */
function pathKey(p) {
  return Buffer.from(p, 'utf8')
}

/** @param {string} a @param {string} b */
function byteOrder(a, b) {
  return Buffer.compare(pathKey(a), pathKey(b))
}

/**
 * Read the fixture tree: `<pkg>/<ver>/<pkg>.{cabal,json}` and `<pkg>/preferred-versions`.
 * @param {string} dir
 * @returns {Promise<{ files: { rel: string, body: Buffer }[], packages: { name: string, version: string }[] }>}
 */
async function readFixtures(dir) {
  /** @type {{ rel: string, body: Buffer }[]} */
  const files = []
  /** @type {{ name: string, version: string }[]} */
  const packages = []
  for (const pkg of (await readdir(dir, { withFileTypes: true })).filter(d => d.isDirectory())) {
    const pdir = path.join(dir, pkg.name)
    for (const ent of await readdir(pdir, { withFileTypes: true })) {
      if (ent.isFile() && ent.name === 'preferred-versions') {
        files.push({
          rel: `${pkg.name}/preferred-versions`,
          body: await readFile(path.join(pdir, ent.name))
        })
      } else if (ent.isDirectory()) {
        const cabal = path.join(pdir, ent.name, `${pkg.name}.cabal`)
        const json = path.join(pdir, ent.name, `${pkg.name}.json`)
        if (!existsSync(cabal) || !existsSync(json)) continue
        files.push({
          rel: `${pkg.name}/${ent.name}/${pkg.name}.cabal`,
          body: await readFile(cabal)
        })
        files.push({ rel: `${pkg.name}/${ent.name}/${pkg.name}.json`, body: await readFile(json) })
        packages.push({ name: pkg.name, version: ent.name })
      }
    }
  }
  if (packages.length === 0) throw new Error(`no package versions found under ${dir}`)
  packages.sort((a, b) => byteOrder(`${a.name}/${a.version}/`, `${b.name}/${b.version}/`))
  return { files, packages }
}

/**
 * Every member path (directories with a trailing `/`) for a set of files, in archive order.
 * @param {string} topLevel
 * @param {string[]} rels
 */
function withDirectories(topLevel, rels) {
  const all = new Set([`${topLevel}/`])
  for (const rel of rels) {
    const parts = rel.split('/')
    for (let i = 1; i < parts.length; i++) all.add(`${topLevel}/${parts.slice(0, i).join('/')}/`)
    all.add(`${topLevel}/${rel}`)
  }
  return [...all].sort(byteOrder)
}

/**
 * The 24 real fixture versions as an all-cabal-hashes tarball, byte-exact.
 * @param {{ outFile: string, rev?: string, fixturesDir?: string, gzip?: boolean }} opts
 * @returns {Promise<{ outFile: string, topLevel: string, packages: { name: string, version: string }[] }>}
 */
export async function buildSampleArchive({
  outFile,
  rev = 'sample',
  fixturesDir = sampleDirectory(),
  gzip = true
}) {
  const topLevel = `all-cabal-hashes-${rev}`
  const { files, packages } = await readFixtures(fixturesDir)
  const bodies = new Map(files.map(f => [`${topLevel}/${f.rel}`, f.body]))
  const w = openTarWriter({ outFile, gzip, globalComment: rev })
  try {
    for (const member of withDirectories(topLevel, [...files.map(f => f.rel)])) {
      if (member.endsWith('/')) {
        await w.add(
          { name: member, type: 'directory', mode: DIR_MODE, mtime: EPOCH, ...OWNER },
          null
        )
      } else {
        const body = /** @type {Buffer} */ (bodies.get(member))
        await w.add(
          {
            name: member,
            type: 'file',
            mode: FILE_MODE,
            mtime: EPOCH,
            size: body.length,
            ...OWNER
          },
          body
        )
      }
    }
    await w.finish()
  } catch (e) {
    await w.abort(e)
    throw e
  }
  return { outFile, topLevel, packages }
}

/**
 * An archive of exactly the given members, in the given order. `body` wins over `size`; a file
 * with `size` and no `body` gets `size` filler bytes (for oversized-member tests). `pax` adds pax
 * records (tar-stream also switches to pax by itself for names that ustar cannot hold);
 * `longName: 'gnu'` writes a GNU `././@LongLink` record instead. `{ raw }` entries are copied
 * verbatim into the tar stream.
 * @param {{ outFile: string, entries: (ArchiveEntry | RawEntry)[], gzip?: boolean, globalComment?: string }} opts
 * @returns {Promise<{ outFile: string }>}
 */
export async function buildArchiveFromEntries({ outFile, entries, gzip = true, globalComment }) {
  const w = openTarWriter({ outFile, gzip, globalComment })
  try {
    for (const e of entries) {
      if (e.raw) {
        await w.pushRaw(e.raw)
        continue
      }
      const entry = /** @type {ArchiveEntry} */ (e)
      const type = entry.type ?? 'file'
      const body = entry.body === undefined ? undefined : Buffer.from(entry.body)
      if (entry.longName === 'gnu') {
        await w.pushRaw(gnuEntry(entry, type, body))
        continue
      }
      /** @type {TarHeader} */
      const header = {
        name: entry.name,
        type,
        mode: entry.mode ?? (type === 'directory' ? DIR_MODE : FILE_MODE),
        mtime: EPOCH,
        ...OWNER
      }
      if (entry.linkname !== undefined) header.linkname = entry.linkname
      if (entry.pax) header.pax = entry.pax
      if (type === 'file' && body === undefined && entry.size) await w.addFiller(header, entry.size)
      else await w.add(header, type === 'file' ? (body ?? Buffer.alloc(0)) : null)
    }
    await w.finish()
  } catch (err) {
    await w.abort(err)
    throw err
  }
  return { outFile }
}

/**
 * @param {ArchiveEntry} entry
 * @param {string} type
 * @param {Buffer | undefined} body
 */
function gnuEntry(entry, type, body) {
  const parts = []
  const longRecord = (/** @type {string} */ text, /** @type {string} */ kind) => {
    const data = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)])
    parts.push(
      tarHeader({ name: '././@LongLink', type: kind, size: data.length, gnu: true }),
      data,
      padding(data.length)
    )
  }
  if (Buffer.byteLength(entry.name) > 100) longRecord(entry.name, 'gnu-long-path')
  if (entry.linkname && Buffer.byteLength(entry.linkname) > 100)
    longRecord(entry.linkname, 'gnu-long-link-path')
  const data = type === 'file' ? (body ?? Buffer.alloc(entry.size ?? 0, 0x78)) : Buffer.alloc(0)
  parts.push(
    tarHeader({
      name: entry.name,
      type,
      size: data.length,
      mode: entry.mode,
      linkname: entry.linkname,
      gnu: true
    }),
    data,
    padding(data.length)
  )
  return Buffer.concat(parts)
}

// ---------------------------------------------------------------------------------------------
// Seeded full-size generator

/** sfc32 seeded through splitmix32: small, fast, and identical on every platform. */
class Rng {
  /** @param {number} seed */
  constructor(seed) {
    let s = seed >>> 0
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = split()
    this.b = split()
    this.c = split()
    this.d = split()
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  float() {
    return this.u32() / 4294967296
  }

  /** @param {number} n */
  int(n) {
    return Math.floor(this.float() * n)
  }

  /** @param {number} p */
  chance(p) {
    return this.float() < p
  }

  /** @template T @param {readonly T[]} arr @returns {T} */
  pick(arr) {
    return arr[this.int(arr.length)]
  }

  /** Biased towards the front of `arr` (word-frequency-like). @template T @param {readonly T[]} arr @param {number} [skew] @returns {T} */
  zipf(arr, skew = 2.2) {
    return arr[Math.floor(arr.length * Math.pow(this.float(), skew))]
  }

  normal() {
    const u = 1 - this.float()
    const v = this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** @param {number} mu @param {number} sigma */
  lognormal(mu, sigma) {
    return Math.exp(mu + sigma * this.normal())
  }
}

const NAME_WORDS =
  `data text http json web servant lens yaml parser parsec monad stm async conduit pipes
streaming vector array hash crypto sql postgres mysql sqlite redis mongo aws amazonka google azure
cloud wai warp yesod snap scotty spock hspec tasty quickcheck test bench binary cereal bytes string
utf8 unicode time clock date random uuid uri url network socket tls xml html css blaze lucid markdown
pandoc template th generic generics deriving free comonad profunctor category algebra linear matrix
numeric math stats plot chart diagrams graphics gl opengl sdl gtk qt reflex dom jsaddle frontend api
client server rest graphql grpc proto protobuf thrift avro kafka amqp zmq mqtt log logging logger katip
config env options cli cmd shell process unix posix filepath directory fs io effect effects polysemy
fused eff extensible records vinyl row hkd barbies optics microlens units dimensional money decimal
scientific integer natural bits bitvec compact memo cache lru pool resource exceptions safe errors
either validation these semialign witherable containers map set graph tree trie heap queue deque
sequence list nonempty zipper stream fold foldl lazy strict deepseq parallel concurrent distributed
actor raft db persistent esqueleto beam opaleye selda hasql squeal migration schema codec compression
zlib lzma zstd bzip tar zip archive image juicy pixel color font audio midi music sound video game
engine physics neural tensor nlp language lang compiler interpreter llvm jit asm bytecode wasm js elm
idris agda smt sat sbv prover logic lambda calculus type types kind singletons dependent ghc cabal stack
hackage nix docker kubernetes github gitlab git darcs bot irc slack discord telegram email smtp imap
mime csv excel pdf latex svg png jpeg gif geo gis osm bio chem finance trading bitcoin ledger calendar
cron scheduler job worker retry timeout rate limit circuit metrics prometheus ekg tracing monitor health
dns websockets oauth jwt ldap auth password bcrypt sodium rsa aes sha blake murmur xxhash bloom sketch
histogram simd gpu cuda accelerate repa massive fft ode solver control transformers prelude classy
relude rio foundation extra utils util tools kit core common internal instances orphans compat lib
framework toolkit helpers plus simple tiny mini micro fast quick pure native bindings ffi hs haskell
arrow applicative functor traversable foldable semigroup monoid bifunctors contravariant distributive
kan adjunctions recursion schemes fix machines coroutine continuation cont reader writer state rws
bound unbound names syntax pretty printer doc ansi terminal vty brick tui curses readline haskeline
repl notebook ihaskell jupyter doctest hedgehog smallcheck leancheck validity genvalidity hunit golden
inspection weigh gauge criterion bench2 profiling prof heapview ghcide hls lsp ide hoogle haddock
stylish ormolu fourmolu hlint refactor rename exact print annotations source location span diff patch
merge ot crdt sync replication event sourcing cqrs saga workflow pipeline dag batch etl spark flink
hadoop hdfs parquet arrow2 orc feather hdf5 netcdf fits astro quantum qubit circuitq crypto2 hmac hkdf
pbkdf2 scram sasl kerberos tor onion p2p dht gossip torrent ipfs libp2p ssh sftp ftp telnet serial usb
bluetooth can modbus gpio i2c spi arduino raspberry embedded rtos kernel os boot uefi elf dwarf pe macho`
    .split(/\s+/)
    .filter(Boolean)

const CAMEL_NAMES =
  `HTTP HUnit QuickCheck Cabal GLUT OpenGL HaXml HDBC HStringTemplate HaTeX Diff Glob
ListLike MissingH MonadRandom ObjectName SHA StateVar Win32 X11 Xauth AC BNFC Chart FontyFruity
GenericPretty HaRe HsOpenSSL HsYAML IfElse JuicyPixels LambdaHack MemoTrie NumInstances OpenAL
PSQueue RSA SafeSemaphore Stream TypeCompose ValueSupply YampaSynth Yampa attoparsecX cassava`
    .split(/\s+/)
    .filter(Boolean)

const CORE_DEPS =
  `base bytestring text containers mtl transformers aeson vector unordered-containers deepseq
filepath directory time process hashable template-haskell lens stm async exceptions random network
http-client http-types attoparsec parsec megaparsec scientific primitive semigroups data-default
optparse-applicative array binary ghc-prim split safe conduit resourcet unliftio monad-control
transformers-base profunctors free tagged case-insensitive yaml wai warp servant utf8-string
base64-bytestring cryptonite memory zlib streaming-commons old-time pretty syb haskell-src-exts
blaze-builder blaze-html persistent microlens mmorph contravariant semigroupoids comonad bifunctors
th-abstraction generic-deriving uuid-types time-compat base-compat base-orphans integer-gmp
network-uri http-conduit tls x509 data-default-class vector-algorithms dlist hashtables parallel
QuickCheck`
    .split(/\s+/)
    .filter(Boolean)

const TEST_DEPS = [
  'hspec',
  'QuickCheck',
  'tasty',
  'tasty-hunit',
  'tasty-quickcheck',
  'HUnit',
  'hedgehog',
  'doctest',
  'tasty-golden',
  'quickcheck-instances',
  'hspec-core',
  'temporary',
  'silently'
]
const BENCH_DEPS = ['criterion', 'tasty-bench', 'gauge', 'deepseq', 'weigh']

const WORDS =
  `the a of to and for is in this library that with package provides data type functions can be
an are as it on by which from types use using or not haskell you instance instances support also more
module class simple based implementation interface all its these other such values value used when
only into see function new example efficient if we has have one will than some may set well so each
time list support like string structure over high level pure fast safe monad monadic operations most
way both any supports common generic binding bindings allows parsing parser pretty printing network
protocol server client api web json encoding decoding format user users version versions compatible
compatibility under about between without provide written small large number error errors handling
make makes different same first two many our also make given provided defined representation
representations including includes code see documentation tutorial examples further information please
report bugs issue tracker github repository details changes changelog release notes build builds tests
testing test suite benchmark benchmarks performance memory streaming lazy strict text bytes sequence
map maps sets keys key arrays vector vectors matrix numeric numbers integer integers floating point
precision unicode utf characters character encoding file files directory paths path system process
processes thread threads concurrency concurrent parallel effects effect transformer transformers stack
stacks lift lifting class classes typeclass typeclasses deriving generics template derive record records
field fields lens lenses optics prism traversal fold folds applicative functor functors category theory
algebra algebraic law laws property properties check checking quickcheck random generation generator
generators shrinking configuration config options command line arguments environment variables logging
log messages output input reading writing reader writer state monads exception exceptions resource
resources safely handle handles socket sockets connection connections pool pooling database databases
query queries sql schema migrations table tables row rows column columns transaction transactions cache
caching hash hashing crypto cryptographic secure security key signature signatures certificate tls ssl
http https request requests response responses header headers body status routes routing handler
handlers middleware application applications framework frameworks wai warp servant type-level types
kinds constraint constraints dependent singletons proof proofs compile compiler compilation ghc plugin
plugins extension extensions language pragma pragmas syntax tree trees graph graphs node nodes edge
edges algorithm algorithms search sort sorting order ordering compare comparison equality hashable
serialization serialize deserialize binary cereal store storable pointer pointers foreign ffi c library
libraries wrapper wrappers low-level high-level idiomatic lightweight minimal complete full featured
experimental stable deprecated maintained unmaintained replacement alternative faster slower boxed
unboxed mutable immutable persistent ephemeral pure impure strictness laziness evaluation thunk
thunks space leak leaks profile profiling optimise optimised optimized inline inlining specialise
rewrite rules fusion stream streams chunk chunks incremental resumable backtracking combinators
combinator parsers lexer lexing tokens token grammar grammars abstract concrete syntax ast expression
expressions statement statements term terms variable variables binding scope scopes environment`
    .split(/\s+/)
    .filter(Boolean)

const MODULE_WORDS =
  `Types Internal Class Instances Parser Pretty Lens TH Unsafe Util Utils Monad Trans Core Base
Common Config Options Server Client Handler Handlers API Encode Decode Builder Lazy Strict Text Char8
Stream Streaming Pure IO Effect Effects Error Errors Exception Exceptions Log Logger Time Random Hash
Map Set Seq Tree Graph Array Vector Mutable Unboxed Storable Primitive Generic Generics Deriving Orphans
Compat Prelude Syntax Lexer Token Eval Interpreter Compiler Optimise Codegen Backend Frontend Render
Style Layout Widget Event Events Signal Network Socket Connection Pool Query Schema Migration Table
Record Field Fields Version Unicode Encoding Serialise Binary Json Yaml Xml Html Css Url Http Request
Response Header Headers Status Route Routing Session Auth Token Crypto Cipher Key Sign Verify`
    .split(/\s+/)
    .filter(Boolean)

const FIRST_NAMES =
  'Alice Bob Carol David Erik Fatima Gabriel Hana Ivan Julia Kenji Lars Maria Nikolai Olga Pedro Qing Rosa Sven Tomas Ulla Viktor Wei Ximena Yusuf Zoe Andres Bartosz Chiara Dmitri Emma Felix Greta Hiroshi Ines Jakub Kira Leon Mateo Nora Oskar Paula Rafael Sofia Theo'.split(
    ' '
  )
const LAST_NAMES =
  'Anderson Bergstrom Castillo Dubois Eriksen Fischer Garcia Hoffmann Ivanov Jensen Kowalski Lindqvist Moreau Nakamura Olsen Petrov Quinn Rossi Schmidt Tanaka Urban Varga Weber Xu Yilmaz Zimmermann Novak Costa Horvat Kuznetsov Silva Brown Smith Wilson Taylor Martin Lefebvre Romano Sato Kim Park Chen Wang Li'.split(
    ' '
  )
const LICENSES = [
  ['BSD3', 30],
  ['MIT', 22],
  ['BSD-3-Clause', 14],
  ['Apache-2.0', 5],
  ['GPL-3', 4],
  ['MIT', 4],
  ['GPL-2', 2],
  ['LGPL-2.1', 2],
  ['MPL-2.0', 2],
  ['ISC', 2],
  ['BSD2', 2],
  ['GPL-3.0-only', 2],
  ['PublicDomain', 1],
  ['AGPL-3', 1],
  ['OtherLicense', 1],
  ['LGPL-3', 1],
  ['BSD-2-Clause', 2]
]
/** Cabal 2.2 and later take SPDX expressions only; the legacy names above, as SPDX. */
const SPDX_LICENSES = /** @type {Record<string, string>} */ ({
  BSD3: 'BSD-3-Clause',
  BSD2: 'BSD-2-Clause',
  'GPL-2': 'GPL-2.0-only',
  'GPL-3': 'GPL-3.0-only',
  'LGPL-2.1': 'LGPL-2.1-only',
  'LGPL-3': 'LGPL-3.0-only',
  'AGPL-3': 'AGPL-3.0-only',
  PublicDomain: 'LicenseRef-PublicDomain',
  OtherLicense: 'LicenseRef-OtherLicense'
})
const CATEGORIES =
  'Data Web Network Text Control Development Testing System Database Parsing Math Graphics Concurrency Cryptography Language Compilers/Interpreters Codec Console Game Sound Distributed Computing FFI Generics Algorithms Bioinformatics Finance Utils JSON Logging Streaming Template Haskell Types Serialization Natural Language Processing Machine Learning'.split(
    ' '
  )
const EXTENSIONS =
  'OverloadedStrings ScopedTypeVariables TypeApplications DeriveGeneric DeriveFunctor LambdaCase RankNTypes FlexibleContexts FlexibleInstances MultiParamTypeClasses GADTs DataKinds KindSignatures TypeFamilies BangPatterns RecordWildCards TupleSections GeneralizedNewtypeDeriving DerivingStrategies DeriveAnyClass StandaloneDeriving ConstraintKinds PolyKinds DefaultSignatures CPP TemplateHaskell QuasiQuotes NamedFieldPuns MultiWayIf ViewPatterns PatternSynonyms'.split(
    ' '
  )
const GHCS = [
  '7.0.4',
  '7.4.2',
  '7.6.3',
  '7.8.4',
  '7.10.3',
  '8.0.2',
  '8.2.2',
  '8.4.4',
  '8.6.5',
  '8.8.4',
  '8.10.7',
  '9.0.2',
  '9.2.8',
  '9.4.8',
  '9.6.6',
  '9.8.4',
  '9.10.1',
  '9.12.2'
]

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

const VALID_NAME = /^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*$/

/** @param {Rng} r @returns {string} */
function generateName(r) {
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

/** @param {number[]} v */
function vstr(v) {
  return v.join('.')
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

const CABAL_VERSIONS = ['>= 1.6', '>= 1.8', '>= 1.10', '1.12', '2.0', '2.2', '2.4', '3.0', '3.4']

/** @param {Rng} r @param {string} name @param {string[]} names @returns {Model} */
function newModel(r, name, names) {
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
function evolve(r, m, names) {
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
function renderCabal(m, version, revision, crlf) {
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
  f('license', modern ? (SPDX_LICENSES[m.license] ?? m.license) : /-/.test(m.license) ? 'BSD3' : m.license)
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
  list('  ', 'build-depends', m.deps.map(d => depText(d, caret)))
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
function renderJson(name, version, seedTag, newStyle, size) {
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

/** Successive versions for a package. @param {Rng} r @param {number} count @returns {string[]} */
function versionSeries(r, count) {
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

/**
 * A seeded, deterministic, full-size all-cabal-hashes archive, streamed to `outFile`, with a
 * `<outFile>.index.json` sidecar listing every package and its versions. `scale` multiplies the
 * package count (0.25 / 0.5 / 1 for benchmarks; tiny values for tests). The 24 real fixture
 * versions are included byte-exact.
 * @param {{ outFile: string, seed?: number, scale?: number, packages?: number, rev?: string,
 *   fixturesDir?: string, level?: number }} opts
 * @returns {Promise<{ outFile: string, indexFile: string, topLevel: string, packageCount: number,
 *   versionCount: number, unpackedBytes: number, tarBytes: number, gzippedBytes: number, seconds: number }>}
 */
export async function generateFullSizeArchive({
  outFile,
  seed = 1,
  scale = 1,
  packages = 18000,
  rev,
  fixturesDir = sampleDirectory(),
  level = 6
}) {
  const started = process.hrtime.bigint()
  const r = new Rng(seed)
  const seedTag = `seed=${seed}`
  const revision =
    rev ??
    createHash('sha1')
      .update(`some-cabal2nix full-size archive seed=${seed} scale=${scale} packages=${packages}`)
      .digest('hex')
  const topLevel = `all-cabal-hashes-${revision}`
  const fixtures = await readFixtures(fixturesDir)
  const fixtureNames = new Set(fixtures.packages.map(p => p.name))
  const fixtureLower = new Set([...fixtureNames].map(n => n.toLowerCase()))

  const wanted = Math.max(0, Math.round(packages * scale) - fixtureNames.size)
  const generated = new Set()
  const lower = new Set(fixtureLower)
  let attempts = 0
  while (generated.size < wanted) {
    if (++attempts > wanted * 50 + 1000)
      throw new Error('could not generate enough distinct package names')
    const n = generateName(r)
    if (!VALID_NAME.test(n) || lower.has(n.toLowerCase())) continue
    lower.add(n.toLowerCase())
    generated.add(n)
  }
  const generatedNames = [...generated]
  const allNames = [...generatedNames, ...fixtureNames].sort((a, b) => byteOrder(`${a}/`, `${b}/`))

  /** @type {Map<string, { rel: string, body: Buffer }[]>} */
  const fixtureFiles = new Map()
  for (const f of fixtures.files) {
    const pkg = f.rel.split('/')[0]
    const list = fixtureFiles.get(pkg) ?? []
    list.push(f)
    fixtureFiles.set(pkg, list)
  }

  const w = openTarWriter({ outFile, gzip: true, level, globalComment: revision })
  let unpackedBytes = 0
  let versionCount = 0
  /** @type {{ name: string, versions: string[] }[]} */
  const index = []
  const dir = async (/** @type {string} */ name) =>
    w.add({ name, type: 'directory', mode: DIR_MODE, mtime: EPOCH, ...OWNER }, null)
  const file = async (/** @type {string} */ name, /** @type {Buffer} */ body) => {
    unpackedBytes += body.length
    await w.add(
      { name, type: 'file', mode: FILE_MODE, mtime: EPOCH, size: body.length, ...OWNER },
      body
    )
  }
  try {
    await dir(`${topLevel}/`)
    for (const name of allNames) {
      const fx = fixtureFiles.get(name)
      if (fx) {
        const members = withDirectories(
          topLevel,
          fx.map(f => f.rel)
        ).slice(1)
        const bodies = new Map(fx.map(f => [`${topLevel}/${f.rel}`, f.body]))
        for (const m of members) {
          const body = bodies.get(m)
          if (body) await file(m, body)
          else await dir(m)
        }
        const versions = fixtures.packages
          .filter(p => p.name === name)
          .map(p => p.version)
          .sort(compareVersionStrings)
        versionCount += versions.length
        index.push({ name, versions })
        continue
      }
      const count = Math.max(1, Math.min(400, Math.floor(r.lognormal(1.44, 1.05) + 0.35)))
      const versions = versionSeries(r, count)
      const model = newModel(r, name, generatedNames)
      /** @type {{ version: string, cabal: Buffer, json: Buffer }[]} */
      const rendered = []
      const newStyleFrom = r.chance(0.5) ? Math.floor(count * r.float()) : count
      const baseSize = Math.round(r.lognormal(9.6, 1.1))
      versions.forEach((v, i) => {
        if (i > 0) evolve(r, model, generatedNames)
        const rev = r.chance(0.14) ? 1 + (r.chance(0.25) ? 1 + r.int(3) : 0) : 0
        const crlf = rev > 0 && r.chance(0.85)
        rendered.push({
          version: v,
          cabal: Buffer.from(renderCabal(model, v, rev, crlf), 'utf8'),
          json: Buffer.from(
            renderJson(name, v, seedTag, i >= newStyleFrom, baseSize + i * 97 + r.int(2000)),
            'utf8'
          )
        })
      })
      rendered.sort((a, b) => byteOrder(`${a.version}/`, `${b.version}/`))
      await dir(`${topLevel}/${name}/`)
      for (const v of rendered) {
        await dir(`${topLevel}/${name}/${v.version}/`)
        await file(`${topLevel}/${name}/${v.version}/${name}.cabal`, v.cabal)
        await file(`${topLevel}/${name}/${v.version}/${name}.json`, v.json)
      }
      if (count > 2 && r.chance(0.09)) {
        const bad = versions[1 + r.int(count - 2)]
        await file(
          `${topLevel}/${name}/preferred-versions`,
          Buffer.from(`${name} <${bad} || >${bad}`, 'utf8')
        )
      }
      versionCount += count
      index.push({ name, versions })
    }
    const { tarBytes } = await w.finish()
    const gzippedBytes = (await stat(outFile)).size
    const indexFile = `${outFile}.index.json`
    const summary = {
      topLevel,
      rev: revision,
      seed,
      scale,
      packageCount: index.length,
      versionCount
    }
    await writeFile(indexFile, `${JSON.stringify({ ...summary, packages: index })}\n`)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    return {
      outFile,
      indexFile,
      topLevel,
      packageCount: index.length,
      versionCount,
      unpackedBytes,
      tarBytes,
      gzippedBytes,
      seconds
    }
  } catch (e) {
    await w.abort(e)
    throw e
  }
}

/**
 * The real cabal2nix, which every generated .cabal file must satisfy: `$CABAL2NIX`, else a
 * `cabal2nix` on PATH, else `../shared/cabal2nix/bin/cabal2nix` beside the repository.
 * Undefined when there is none.
 * @returns {string | undefined}
 */
export function realCabal2nix() {
  const candidates = [
    process.env.CABAL2NIX,
    ...(process.env.PATH ?? '')
      .split(':')
      .filter(Boolean)
      .map(dir => path.join(dir, 'cabal2nix')),
    path.resolve(HERE, '..', '..', 'shared', 'cabal2nix', 'bin', 'cabal2nix')
  ]
  return candidates.find(file => {
    if (!file) return false
    try {
      accessSync(file, fsConstants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/**
 * N packages (each at its latest version) spread evenly across the archive's alphabet.
 * @param {{ packages: { name: string, versions: string[] }[] } | { name: string, versions: string[] }[]} indexJson
 *   the parsed `<archive>.index.json` (or just its `packages` array)
 * @param {number} n
 * @returns {{ name: string, version: string }[]}
 */
export function pickSpread(indexJson, n) {
  const list = Array.isArray(indexJson) ? indexJson : indexJson.packages
  const pkgs = list
    .filter(p => p.versions.length > 0)
    .sort((a, b) => byteOrder(`${a.name}/`, `${b.name}/`))
  const count = Math.max(0, Math.min(Math.floor(n), pkgs.length))
  /** @type {{ name: string, version: string }[]} */
  const out = []
  for (let i = 0; i < count; i++) {
    const p = pkgs[Math.floor(((i + 0.5) * pkgs.length) / count)]
    const version = [...p.versions].sort(compareVersionStrings)[p.versions.length - 1]
    out.push({ name: p.name, version })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: node testing/archives.mjs sample OUT.tar.gz [--rev R] [--no-gzip]
       node testing/archives.mjs full OUT.tar.gz [--seed N] [--scale F] [--packages N] [--rev R]`

/** @param {string[]} argv */
async function cli(argv) {
  const [cmd, outFile, ...rest] = argv
  /** @type {Record<string, string | boolean>} */
  const opts = {}
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a)
    if (!m) throw new Error(`unexpected argument ${a}\n${USAGE}`)
    if (m[1] === 'no-gzip') opts.noGzip = true
    else if (m[2] !== undefined) opts[m[1]] = m[2]
    else if (i + 1 < rest.length) opts[m[1]] = rest[++i]
    else throw new Error(`--${m[1]} needs a value\n${USAGE}`)
  }
  const num = (/** @type {string} */ k, /** @type {number} */ d) => {
    if (opts[k] === undefined) return d
    const v = Number(opts[k])
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`)
    return v
  }
  if (!outFile || (cmd !== 'sample' && cmd !== 'full')) throw new Error(USAGE)
  const started = process.hrtime.bigint()
  if (cmd === 'sample') {
    const allowed = new Set(['rev', 'noGzip'])
    for (const k of Object.keys(opts))
      if (!allowed.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`)
    const res = await buildSampleArchive({
      outFile,
      rev: typeof opts.rev === 'string' ? opts.rev : undefined,
      gzip: !opts.noGzip
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const bytes = (await stat(outFile)).size
    console.log(
      JSON.stringify({
        outFile: res.outFile,
        topLevel: res.topLevel,
        versionCount: res.packages.length,
        bytes,
        seconds
      })
    )
  } else {
    const allowed = new Set(['seed', 'scale', 'packages', 'rev'])
    for (const k of Object.keys(opts))
      if (!allowed.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`)
    const res = await generateFullSizeArchive({
      outFile,
      seed: num('seed', 1),
      scale: num('scale', 1),
      packages: num('packages', 18000),
      rev: typeof opts.rev === 'string' ? opts.rev : undefined
    })
    console.log(JSON.stringify(res))
  }
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (invoked) {
  cli(process.argv.slice(2)).catch(e => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  })
}

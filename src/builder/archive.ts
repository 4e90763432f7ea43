/**
 * Stage 2, fetch/extract: one streaming pass over the all-cabal-hashes archive that picks exactly
 * `<top>/<pkg>/<ver>/<pkg>.cabal` and `.json` for the requested packages, byte for byte, and stops
 * reading as soon as all of them are found. Nothing from the archive is ever written to disk here,
 * so hostile member names (`../x`, absolute paths, links) cannot escape anywhere.
 */
import { createReadStream } from 'node:fs'
import { open, readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { createGunzip, type ZlibOptions } from 'node:zlib'
import { BatchError, errorMessage } from '../common/errors.js'
import { nearestVersions, similarPackageNames } from './hackage.js'
import { TarWalk } from './tar-walk.js'

export type ArchiveSource =
  | { kind: 'tarball'; location: string }
  | { kind: 'url'; location: string }
  | { kind: 'directory'; location: string }

export interface WantedPackage {
  name: string
  version: string
}

export interface ExtractedPackage {
  name: string
  version: string
  /** The raw `.cabal` bytes, CRLF and all: cabal2nix hashes them for editedCabalFile. */
  cabal: Buffer
  /** Hex SHA256 of the source tarball, from the `.json` next to the `.cabal`. */
  sha256: string
}

export interface ArchivePass {
  /** `all-cabal-hashes-<rev>`: names the archive revision without hashing 76 MB. */
  topLevel: string
  packages: ExtractedPackage[]
  compressedBytesRead: number
  entriesSeen: number
  stoppedEarly: boolean
}

export interface ArchiveProgress {
  compressedBytesRead: number
  totalBytes?: number
}

export interface ExtractOptions {
  /** Called at most about every tenth of the archive (or every 8 MB when the size is unknown). */
  onProgress?: (progress: ArchiveProgress) => void
}

/** No real `.cabal` or `.json` comes near this; a larger member is a broken or hostile archive. */
export const MAX_MEMBER_BYTES = 4 * 1024 * 1024

export function classifyArchiveSource(location: string): ArchiveSource {
  if (/^https?:\/\//i.test(location)) return { kind: 'url', location }
  return { kind: 'tarball', location }
}

/** Like classifyArchiveSource, but looks at the file system to tell directories from tarballs. */
export async function resolveArchiveSource(location: string): Promise<ArchiveSource> {
  const guess = classifyArchiveSource(location)
  if (guess.kind === 'url') return guess
  try {
    const info = await stat(location)
    return info.isDirectory() ? { kind: 'directory', location } : guess
  } catch {
    throw new BatchError('archive', `archive ${location} does not exist`, {
      hint: 'pass --archive with a .tar.gz, an unpacked directory or an http(s) URL'
    })
  }
}

function archiveError(source: ArchiveSource, problem: string, hint?: string): BatchError {
  return new BatchError('archive', `archive ${source.location} ${problem}`, {
    hint: hint ?? 'fetch the all-cabal-hashes archive again; nothing was built'
  })
}

function describeStreamError(error: Error): string {
  const message = error.message
  const code = (error as NodeJS.ErrnoException).code
  if (
    code === 'Z_BUF_ERROR' ||
    /unexpected end of file/i.test(message) ||
    /Unexpected end of data/.test(message)
  ) {
    return 'is truncated (it ends in the middle of the data)'
  }
  if (code === 'Z_DATA_ERROR' && /header/i.test(message))
    return 'is not a gzip file (incorrect header)'
  if (code === 'Z_DATA_ERROR') return `is corrupt (gzip: ${message})`
  if (/Invalid tar header|Unknown archive format|Invalid header/.test(message))
    return `is corrupt (not a valid tar stream: ${message})`
  return `could not be read (${message})`
}

function sha256FromJson(source: ArchiveSource, member: string, bytes: Buffer): string {
  let hash: unknown
  try {
    const data = JSON.parse(bytes.toString('utf8')) as { 'package-hashes'?: { SHA256?: unknown } }
    hash = data['package-hashes']?.SHA256
  } catch {
    throw archiveError(source, `has a corrupt member ${member} (not JSON)`)
  }
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) {
    throw archiveError(source, `member ${member} has no package-hashes.SHA256`)
  }
  return hash.toLowerCase()
}

interface Found {
  cabal?: Buffer
  json?: Buffer
}

/** Turns what the pass did not find into one error naming every missing package and near matches. */
function missingPackagesError(
  missing: WantedPackage[],
  versionsSeen: Map<string, Set<string>>,
  packageNames: Iterable<string>,
  source: ArchiveSource,
  topLevel: string
): BatchError {
  const names = [...packageNames]
  const details = missing.map(({ name, version }) => {
    const versions = versionsSeen.get(name)
    if (versions && versions.size > 0) {
      return `${name} ${version}: no such version; nearest that exist: ${nearestVersions(version, versions).join(', ')}`
    }
    const similar = similarPackageNames(name, names)
    return `${name} ${version}: no package '${name}' in the archive${similar.length ? ` (did you mean ${similar.join(', ')}?)` : ''}`
  })
  const headline =
    missing.length === 1
      ? `${missing[0].name} ${missing[0].version} is not in ${topLevel}`
      : `${missing.length} packages are not in ${topLevel}`
  return new BatchError('missing-packages', headline, {
    details: missing.length === 1 ? details.map(d => d.slice(d.indexOf(':') + 2)) : details,
    hint: `fix the versions in the overrides file, or use a newer all-cabal-hashes than ${source.location}`
  })
}

function finish(
  wanted: WantedPackage[],
  found: Map<string, Found>,
  source: ArchiveSource,
  topLevel: string,
  versionsSeen: Map<string, Set<string>>,
  packageNames: Iterable<string>
): ExtractedPackage[] {
  const missing = wanted.filter(w => !found.get(w.name)?.cabal)
  if (missing.length > 0)
    throw missingPackagesError(missing, versionsSeen, packageNames, source, topLevel)
  return wanted.map(({ name, version }) => {
    const entry = found.get(name) as Found
    const jsonName = `${name}/${version}/${name}.json`
    if (!entry.json)
      throw archiveError(source, `has ${name}/${version}/${name}.cabal but no ${jsonName}`)
    return {
      name,
      version,
      cabal: entry.cabal as Buffer,
      sha256: sha256FromJson(source, jsonName, entry.json)
    }
  })
}

async function openTarballStream(
  source: ArchiveSource
): Promise<{ stream: Readable; totalBytes?: number }> {
  if (source.kind === 'url') {
    let response: Response
    try {
      response = await fetch(source.location)
    } catch (error) {
      throw archiveError(
        source,
        `could not be downloaded (${errorMessage(error)})`,
        'check the URL and the network'
      )
    }
    if (!response.ok || !response.body) {
      throw archiveError(
        source,
        `could not be downloaded (HTTP ${response.status})`,
        'check the URL'
      )
    }
    const length = Number(response.headers.get('content-length'))
    return {
      stream: Readable.fromWeb(
        response.body as import('node:stream/web').ReadableStream<Uint8Array>
      ),
      totalBytes: Number.isFinite(length) && length > 0 ? length : undefined
    }
  }
  const info = await stat(source.location)
  return {
    stream: createReadStream(source.location, { highWaterMark: 1024 * 1024 }),
    totalBytes: info.size
  }
}

/** A tar that was never gzipped (or was gunzipped) is not "corrupt": say what it is. */
async function refusePlainTar(source: ArchiveSource): Promise<void> {
  const handle = await open(source.location, 'r')
  const head = Buffer.alloc(262)
  try {
    await handle.read(head, 0, head.length, 0)
  } finally {
    await handle.close()
  }
  if (head.subarray(257, 262).toString('latin1') === 'ustar') {
    throw archiveError(
      source,
      'is a plain tar file, not gzip-compressed',
      `gzip it (gzip -k ${source.location}), or unpack it (tar -xf) and pass the directory`
    )
  }
}

/** An unpacked all-cabal-hashes has `<package>/<version>/<package>.cabal` (and `preferred-versions`). */
async function looksLikeUnpackedArchive(root: string): Promise<boolean> {
  const entries = await readdir(root, { withFileTypes: true })
  for (const entry of entries.filter(e => e.isDirectory()).slice(0, 20)) {
    const inside = await readdir(path.join(root, entry.name), { withFileTypes: true })
    if (inside.some(e => e.name === 'preferred-versions' || e.isDirectory())) return true
  }
  return false
}

const SLASH = 0x2f
const DOT = 0x2e

/** bytes[from, from + other.length) equals other. */
function bytesEqual(bytes: Buffer, from: number, other: Buffer): boolean {
  for (let i = 0; i < other.length; i++) if (bytes[from + i] !== other[i]) return false
  return true
}

async function extractFromTarball(
  source: ArchiveSource,
  wanted: WantedPackage[],
  options: ExtractOptions
): Promise<ArchivePass> {
  const wantedVersion = new Map(wanted.map(w => [w.name, w.version]))
  const found = new Map<string, Found>()
  const versionsSeen = new Map<string, Set<string>>()
  const packageNames = new Set<string>()
  let remaining = wanted.length * 2
  let topLevel: string | undefined
  // `<top>/` and the package directory of the member before, as bytes: most members are told
  // apart from the wanted ones by comparing these, without making a string.
  let prefix = Buffer.alloc(0)
  let lastPackage = Buffer.alloc(256)
  let lastPackageLength = 0
  let lastVersion: string | undefined
  let compressedBytesRead = 0
  // The member whose body the walk delivers next.
  let bodyOf: { pkg: string; which: 'cabal' | 'json' } | undefined

  /** Decides on every member; returns true for the ones to copy out. */
  const member = (walk: TarWalk): boolean => {
    const bytes = walk.pathBytes
    const length = walk.pathLength
    const start = length >= 2 && bytes[0] === DOT && bytes[1] === SLASH ? 2 : 0
    if (topLevel === undefined) {
      const name = walk.path().slice(start)
      const top = name.split('/')[0]
      if (name.startsWith('/') || top === '..' || top === '.' || top === '') {
        throw archiveError(source, `starts with an unsafe member name '${walk.path()}'`)
      }
      topLevel = top
      prefix = Buffer.from(`${top}/`)
    }
    if (length - start < prefix.length || !bytesEqual(bytes, start, prefix)) {
      const name = walk.path().slice(start)
      if (name === topLevel) return false
      throw archiveError(
        source,
        `has more than one top-level directory ('${topLevel}/' and '${name.split('/')[0]}/')`,
        'expected the all-cabal-hashes layout all-cabal-hashes-<rev>/<pkg>/<ver>/<pkg>.cabal'
      )
    }
    const pkgStart = start + prefix.length
    let pkgEnd = pkgStart
    while (pkgEnd < length && bytes[pkgEnd] !== SLASH) pkgEnd++
    // Members come grouped by package, so the wanted Map and the names Set are only consulted
    // for the first member of each (~18k times instead of ~414k).
    const pkgLength = pkgEnd - pkgStart
    if (
      pkgLength !== lastPackageLength ||
      !bytesEqual(bytes, pkgStart, lastPackage.subarray(0, pkgLength))
    ) {
      if (pkgLength > lastPackage.length) lastPackage = Buffer.alloc(pkgLength)
      bytes.copy(lastPackage, 0, pkgStart, pkgEnd)
      lastPackageLength = pkgLength
      const pkg = bytes.toString('utf8', pkgStart, pkgEnd)
      lastVersion = wantedVersion.get(pkg)
      if (pkg !== '') packageNames.add(pkg)
    }
    const version = lastVersion
    if (version === undefined || pkgEnd === length) return false

    // A member of a wanted package: rare enough for strings.
    const name = walk.path().slice(start)
    const pkg = name.slice(prefix.length, prefix.length + pkgLength)
    const slash = prefix.length + pkgLength
    const versionEnd = name.indexOf('/', slash + 1)
    if (versionEnd > 0) {
      let seen = versionsSeen.get(pkg)
      if (!seen) versionsSeen.set(pkg, (seen = new Set()))
      seen.add(name.slice(slash + 1, versionEnd))
    }
    const memberName = name.slice(prefix.length)
    const base = `${pkg}/${version}/${pkg}`
    const which =
      memberName === `${base}.cabal` ? 'cabal' : memberName === `${base}.json` ? 'json' : undefined
    if (!which) return false
    if (walk.type !== 'file' && walk.type !== 'contiguous-file') {
      const type = walk.type ?? `member of unknown type '${String.fromCharCode(walk.typeflag)}'`
      throw archiveError(
        source,
        `member ${memberName} is a ${type}, not a regular file; refusing it`
      )
    }
    if (walk.size > MAX_MEMBER_BYTES) {
      throw archiveError(
        source,
        `member ${memberName} is ${walk.size} bytes, far larger than any real ${which} file; refusing it`
      )
    }
    bodyOf = { pkg, which }
    return true
  }

  /** Keeps a wanted member's bytes; false once every member is found. */
  const body = (bytes: Buffer): boolean => {
    const { pkg, which } = bodyOf as { pkg: string; which: 'cabal' | 'json' }
    const slot = found.get(pkg) ?? {}
    if (slot[which] === undefined) remaining--
    slot[which] = bytes
    found.set(pkg, slot)
    return remaining > 0
  }

  if (source.kind === 'tarball') await refusePlainTar(source)
  const { stream, totalBytes } = await openTarballStream(source)
  // A few lines per pass, not thousands; small archives take too little time to need any.
  const progressStep = totalBytes ? Math.ceil(totalBytes / 10) : 8 * 1024 * 1024
  let nextProgress =
    totalBytes !== undefined && totalBytes < 16 * 1024 * 1024 ? Infinity : progressStep
  stream.on('data', (chunk: Buffer) => {
    compressedBytesRead += chunk.length
    if (options.onProgress && compressedBytesRead >= nextProgress) {
      nextProgress += progressStep
      options.onProgress({ compressedBytesRead, totalBytes })
    }
  })
  // Room for several inflated chunks, so zlib inflates the next ones on the thread pool while
  // this thread walks the current one (with the default, it waits for every read). Node's zlib
  // streams take stream options, which @types/node does not list.
  const gunzip = createGunzip({
    chunkSize: 1024 * 1024,
    readableHighWaterMark: 8 * 1024 * 1024
  } as ZlibOptions)
  // A read error surfaces where the inflated bytes are consumed, like a gzip error.
  stream.on('error', error => gunzip.destroy(error))
  const walk = new TarWalk({ member, body })
  try {
    for await (const chunk of stream.pipe(gunzip)) {
      if (!walk.write(chunk as Buffer)) break
    }
    walk.end()
  } catch (error) {
    if (error instanceof BatchError) throw error
    throw archiveError(source, describeStreamError(error as Error))
  } finally {
    stream.destroy()
    gunzip.destroy()
  }
  if (topLevel === undefined) throw archiveError(source, 'is empty (no members)')
  return {
    topLevel,
    packages: finish(wanted, found, source, topLevel, versionsSeen, packageNames),
    compressedBytesRead,
    entriesSeen: walk.membersSeen,
    stoppedEarly: walk.stopped
  }
}

/** An unpacked archive: either the `all-cabal-hashes-<rev>` directory itself or its parent. */
async function findDirectoryRoot(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true })
  const dirs = entries.filter(e => e.isDirectory())
  if (dirs.length === 1 && entries.length === 1) {
    const inner = path.join(dir, dirs[0].name)
    const innerEntries = await readdir(inner, { withFileTypes: true })
    if (innerEntries.some(e => e.isDirectory())) return inner
  }
  return dir
}

async function readMember(source: ArchiveSource, file: string): Promise<Buffer | undefined> {
  try {
    const info = await stat(file)
    if (!info.isFile()) return undefined
    if (info.size > MAX_MEMBER_BYTES) {
      throw archiveError(
        source,
        `member ${file} is ${info.size} bytes, far larger than any real .cabal or .json file`
      )
    }
    return await readFile(file)
  } catch (error) {
    if (error instanceof BatchError) throw error
    return undefined
  }
}

async function extractFromDirectory(
  source: ArchiveSource,
  wanted: WantedPackage[]
): Promise<ArchivePass> {
  const root = await findDirectoryRoot(source.location)
  const found = new Map<string, Found>()
  const versionsSeen = new Map<string, Set<string>>()
  for (const { name, version } of wanted) {
    const base = path.join(root, name, version, name)
    const cabal = await readMember(source, `${base}.cabal`)
    if (cabal) {
      found.set(name, { cabal, json: await readMember(source, `${base}.json`) })
    } else {
      const versions = await readdir(path.join(root, name)).catch(() => [] as string[])
      versionsSeen.set(name, new Set(versions.filter(v => v !== 'preferred-versions')))
    }
  }
  if (found.size === 0 && !(await looksLikeUnpackedArchive(root))) {
    throw archiveError(
      source,
      'is a directory, but not an unpacked all-cabal-hashes (no <package>/<version>/<package>.cabal in it)',
      'pass --archive the all-cabal-hashes .tar.gz, or the directory it was unpacked into'
    )
  }
  const needNames = [...versionsSeen.values()].some(v => v.size === 0)
  const packageNames = needNames ? await readdir(root) : []
  const topLevel = path.basename(root)
  return {
    topLevel,
    packages: finish(wanted, found, source, topLevel, versionsSeen, packageNames),
    compressedBytesRead: 0,
    entriesSeen: wanted.length * 2,
    stoppedEarly: true
  }
}

/** One pass over the archive for every requested package; throws one error listing all that are missing. */
export async function extractMembers(
  source: ArchiveSource,
  wanted: WantedPackage[],
  options: ExtractOptions = {}
): Promise<ArchivePass> {
  if (source.kind === 'directory') return extractFromDirectory(source, wanted)
  return extractFromTarball(source, wanted, options)
}

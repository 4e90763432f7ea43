/**
 * Stage 2, fetch/extract: one streaming pass over the all-cabal-hashes archive that picks exactly
 * `<top>/<pkg>/<ver>/<pkg>.cabal` and `.json` for the requested packages, byte for byte, and stops
 * reading as soon as all of them are found. Nothing from the archive is ever written to disk here,
 * so hostile member names (`../x`, absolute paths, links) cannot escape anywhere.
 */
import { createGunzip, type ZlibOptions } from 'node:zlib'
import { BatchError } from '../common/errors.js'
import { extractFromDirectory } from './archive-directory.js'
import {
  finish,
  MAX_MEMBER_BYTES,
  type ArchivePass,
  type ExtractOptions,
  type Found,
  type WantedPackage
} from './archive-members.js'
import {
  archiveError,
  describeStreamError,
  openTarballStream,
  refusePlainTar,
  type ArchiveSource
} from './archive-source.js'
import { TarWalk } from './tar-walk.js'

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

/** One pass over the archive for every requested package; throws one error listing all that are missing. */
export async function extractMembers(
  source: ArchiveSource,
  wanted: WantedPackage[],
  options: ExtractOptions = {}
): Promise<ArchivePass> {
  if (source.kind === 'directory') return extractFromDirectory(source, wanted)
  return extractFromTarball(source, wanted, options)
}

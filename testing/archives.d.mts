/** Types for testing/archives.mjs (all-cabal-hashes-shaped test tarballs). */

export interface PackageVersion {
  name: string
  version: string
}

export interface IndexedPackage {
  name: string
  versions: string[]
}

export interface ArchiveIndex {
  topLevel: string
  rev: string
  seed: number
  scale: number
  packageCount: number
  versionCount: number
  packages: IndexedPackage[]
}

export interface ArchiveEntry {
  name: string
  type?: 'file' | 'directory' | 'symlink' | 'link'
  body?: Buffer | string
  /** For a file without `body`: write this many filler bytes. */
  size?: number
  linkname?: string
  /** Extra pax records for this member. */
  pax?: Record<string, string>
  mode?: number
  /** Write the member with GNU `././@LongLink` records instead of ustar prefix / pax. */
  longName?: 'gnu'
  raw?: undefined
}

/** Bytes copied verbatim into the tar stream at this position. */
export interface RawEntry {
  raw: Buffer
  name?: undefined
}

export interface TarHeaderFields {
  name: string
  size?: number
  type?:
    | 'file'
    | 'link'
    | 'symlink'
    | 'character-device'
    | 'block-device'
    | 'directory'
    | 'fifo'
    | 'contiguous-file'
    | 'pax-header'
    | 'pax-global-header'
    | 'gnu-long-path'
    | 'gnu-long-link-path'
  mode?: number
  mtime?: number
  linkname?: string
  uid?: number
  gid?: number
  uname?: string
  gname?: string
  gnu?: boolean
  /** The ustar prefix field (up to 155 bytes); readers join it to `name` with a `/`. */
  prefix?: string
}

export interface FullSizeArchive {
  outFile: string
  indexFile: string
  topLevel: string
  packageCount: number
  versionCount: number
  /** Sum of member sizes (.cabal + .json + preferred-versions). */
  unpackedBytes: number
  /** Size of the uncompressed tar stream (headers and padding included). */
  tarBytes: number
  gzippedBytes: number
  seconds: number
}

export function sampleDirectory(): string

export function buildSampleArchive(opts: {
  outFile: string
  rev?: string
  fixturesDir?: string
  gzip?: boolean
}): Promise<{ outFile: string; topLevel: string; packages: PackageVersion[] }>

export function buildArchiveFromEntries(opts: {
  outFile: string
  entries: (ArchiveEntry | RawEntry)[]
  gzip?: boolean
  /** Write a leading pax global header with `comment=<globalComment>`, as GitHub archives have. */
  globalComment?: string
}): Promise<{ outFile: string }>

export function generateFullSizeArchive(opts: {
  outFile: string
  seed?: number
  scale?: number
  packages?: number
  rev?: string
  fixturesDir?: string
  level?: number
}): Promise<FullSizeArchive>

export function pickSpread(
  indexJson: ArchiveIndex | IndexedPackage[] | { packages: IndexedPackage[] },
  n: number
): PackageVersion[]

export function compareVersionStrings(a: string, b: string): number

export function tarHeader(fields: TarHeaderFields): Buffer

export function paxGlobalHeader(comment: string): Buffer

/** `"<len> key=value\n"` pax records for the given fields. */
export function paxRecords(fields: Record<string, string>): Buffer

/** Writes a header block's checksum, e.g. after changing fields of a tarHeader(). */
export function sealTarHeader(block: Buffer): Buffer

/** The real cabal2nix: `$CABAL2NIX`, else PATH, else `../shared/cabal2nix/bin/cabal2nix`; undefined if none. */
export function realCabal2nix(): string | undefined

/**
 * The tar reader of the archive pass. all-cabal-hashes has ~414k members and a batch wants 2N of
 * them, so this reads each 512-byte header in place from the inflated chunk it arrives in, hands
 * the member's path to the caller as bytes (no string unless the caller asks for one), skips
 * unwanted bodies by arithmetic and copies out only the bodies the caller asks for. No stream,
 * event or object is made per member.
 *
 * It reads what tar-stream reads, the way tar-stream reads it (the differential tests in
 * __tests__/tar-walk.test.ts hold it to that): ustar prefix + name, pax `x` headers (path and size
 * overrides; a global `g` header only supplies defaults for later `x` headers, as in tar-stream),
 * GNU long names (`L`/`N`, and `K` long link names, read and dropped), unsigned header checksums,
 * numeric fields after leading whitespace (as GNU tar), the ustar and GNU magics and nothing else, and it fails with tar-stream's error texts. One
 * difference: two zero blocks end the archive, as POSIX and GNU tar have it, where tar-stream
 * reads on.
 */

export type TarMemberType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'contiguous-file'

/** What the walk calls back with. A callback may throw; the walk is then unusable. */
export interface TarVisitor {
  /** Every member header (not the pax or GNU records before it); true asks for its body. */
  member(walk: TarWalk): boolean
  /** The body of the member `member` last asked for; false stops the walk after it. */
  body(bytes: Buffer): boolean
}

/**
 * A tar stream that cannot be read. The messages are tar-stream's, so a broken archive is
 * described in the same words whichever reader met it.
 */
export class TarFormatError extends Error {
  override name = 'TarFormatError'
}

export const TAR_ERRORS = {
  checksum: 'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?',
  unknownFormat: 'Invalid tar header: unknown format.',
  size: 'Invalid header',
  recordTooLarge: 'Header exceeds max size',
  truncated: 'Unexpected end of data'
} as const

const BLOCK = 512
/** tar-stream's bound on a pax or GNU long-name record; a larger one is a hostile archive. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024
const EMPTY = Buffer.alloc(0)

// Typeflag bytes.
const PAX = 0x78 // x
const PAX_GLOBAL = 0x67 // g
const GNU_LONG_PATH = 0x4c // L
const GNU_LONG_PATH_OLD = 0x4e // N
const GNU_LONG_LINK = 0x4b // K
const DIRECTORY = 0x35 // 5

const TYPES: Record<number, TarMemberType> = {
  0x00: 'file',
  0x30: 'file',
  0x31: 'link',
  0x32: 'symlink',
  0x33: 'character-device',
  0x34: 'block-device',
  0x35: 'directory',
  0x36: 'fifo',
  0x37: 'contiguous-file'
}

/** Padding after a body of `size` bytes (size & 511 is exact for any size below 2^53). */
function padding(size: number): number {
  return (BLOCK - (size & (BLOCK - 1))) & (BLOCK - 1)
}

/** Index of the first NUL in block[from, from + length), or from + length. */
function fieldEnd(block: Uint8Array, from: number, length: number): number {
  const end = from + length
  for (let i = from; i < end; i++) if (block[i] === 0) return i
  return end
}

/** C's isspace(): GNU tar skips these before a numeric field's digits (so does tar-stream's parseInt). */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)
}

/**
 * A numeric header field as GNU tar and tar-stream read it: octal after any leading whitespace
 * (older tars pad with spaces; a TAB reads the same), or base-256 when the high bit is set.
 */
function readNumber(block: Uint8Array, from: number, length: number): number {
  const end = from + length
  if (block[from] & 0x80) {
    const positive = block[from] === 0x80
    if (!positive && block[from] !== 0xff) return NaN
    let value = 0
    for (let i = from + 1; i < end; i++)
      value = value * 256 + (positive ? block[i] : 0xff - block[i])
    return positive ? value : -value
  }
  let i = from
  while (i < end && isSpace(block[i])) i++
  let stop = i
  while (stop < end && block[stop] !== 0x20) stop++
  while (i < stop && block[i] === 0) i++
  if (i === stop) return 0
  let value = 0
  let digits = 0
  for (; i < stop; i++, digits++) {
    const digit = block[i] - 0x30
    if (digit < 0 || digit > 7) break
    value = value * 8 + digit
  }
  return digits === 0 ? NaN : value
}

function isUstar(block: Uint8Array, at: number): boolean {
  return (
    block[at + 257] === 0x75 &&
    block[at + 258] === 0x73 &&
    block[at + 259] === 0x74 &&
    block[at + 260] === 0x61 &&
    block[at + 261] === 0x72
  )
}

/** `len key=value\n` records, read as tar-stream reads them (a malformed record ends the list). */
export function decodePaxRecords(records: Buffer): Map<string, string> {
  const result = new Map<string, string>()
  let rest = records
  while (rest.length > 0) {
    let space = 0
    while (space < rest.length && rest[space] !== 0x20) space++
    const length = parseInt(rest.subarray(0, space).toString('utf8'), 10)
    if (!length) return result
    const record = rest.subarray(space + 1, length - 1).toString('utf8')
    const equals = record.indexOf('=')
    if (equals === -1) return result
    result.set(record.slice(0, equals), record.slice(equals + 1))
    rest = rest.subarray(length)
  }
  return result
}

export class TarWalk {
  /** The current member's path, bytes [0, pathLength); overwritten by the next member. */
  pathBytes: Buffer = Buffer.alloc(1024)
  pathLength = 0
  /** The current member's type; undefined for a typeflag tar does not define. */
  type: TarMemberType | undefined
  typeflag = 0
  size = 0
  membersSeen = 0
  /** Two zero blocks were read: the archive is over, whatever follows. */
  endOfArchive = false
  /** The visitor asked to stop. */
  stopped = false

  private readonly visitor: TarVisitor
  private skip = 0
  private body: Buffer | null = null
  private bodyFilled = 0
  /** The typeflag of the pax or GNU record being read into `body`, or 0 for a member's body. */
  private recordType = 0
  private readonly header = Buffer.alloc(BLOCK)
  /** A 32-bit view of the last chunk's memory, for the header checksum. */
  private words: Uint32Array | null = null
  private headerFilled = 0
  private zeroBlocks = 0
  private longPath: string | null = null
  private pax: Map<string, string> | null = null
  private paxGlobal: Map<string, string> | null = null

  constructor(visitor: TarVisitor) {
    this.visitor = visitor
  }

  /** The current member's path as tar-stream would give it (UTF-8). */
  path(): string {
    return this.pathBytes.toString('utf8', 0, this.pathLength)
  }

  /** Feeds the next bytes of the tar stream; false once the walk is over (end or stop). */
  write(chunk: Buffer): boolean {
    const length = chunk.length
    let at = 0
    while (at < length && !this.stopped && !this.endOfArchive) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - at)
        this.skip -= n
        at += n
      } else if (this.body !== null) {
        const n = Math.min(this.body.length - this.bodyFilled, length - at)
        chunk.copy(this.body, this.bodyFilled, at, at + n)
        this.bodyFilled += n
        at += n
        if (this.bodyFilled === this.body.length) this.bodyDone()
      } else if (this.headerFilled === 0 && length - at >= BLOCK) {
        // The common case: the whole header is in this chunk, read it where it is.
        this.readHeader(chunk, at)
        at += BLOCK
      } else {
        const n = Math.min(BLOCK - this.headerFilled, length - at)
        chunk.copy(this.header, this.headerFilled, at, at + n)
        this.headerFilled += n
        at += n
        if (this.headerFilled === BLOCK) {
          this.headerFilled = 0
          this.readHeader(this.header, 0)
        }
      }
    }
    return !this.stopped && !this.endOfArchive
  }

  /** The tar stream has no more bytes: throws if it stopped inside a header, record or body. */
  end(): void {
    if (this.stopped || this.endOfArchive) return
    if (this.skip > 0 || this.body !== null || this.headerFilled > 0) {
      throw new TarFormatError(TAR_ERRORS.truncated)
    }
  }

  /** The unsigned byte sum of a header block, with the checksum field counted as spaces. */
  private headerSum(block: Buffer, at: number): number {
    const address = block.byteOffset + at
    if ((address & 3) === 0) {
      // Four bytes at a time: zlib fills whole 1 MiB buffers, so headers are 4-aligned in them.
      // Each 16-bit lane of `pairs` sums at most 2 × 126 bytes, so it cannot overflow.
      if (this.words === null || this.words.buffer !== block.buffer) {
        this.words = new Uint32Array(block.buffer, 0, block.buffer.byteLength >>> 2)
      }
      const words = this.words
      const first = address >>> 2
      let pairs = 0
      for (let i = first; i < first + 37; i++) {
        const word = words[i]
        pairs += (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff)
      }
      for (let i = first + 39; i < first + 128; i++) {
        const word = words[i]
        pairs += (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff)
      }
      return 8 * 0x20 + (pairs & 0xffff) + (pairs >>> 16)
    }
    let sum = 8 * 0x20
    for (let i = at; i < at + 148; i++) sum += block[i]
    for (let i = at + 156; i < at + BLOCK; i++) sum += block[i]
    return sum
  }

  private readHeader(block: Buffer, at: number): void {
    const sum = this.headerSum(block, at)
    if (sum === 8 * 0x20) {
      if (++this.zeroBlocks === 2) this.endOfArchive = true
      return
    }
    this.zeroBlocks = 0
    if (sum !== readNumber(block, at + 148, 8)) throw new TarFormatError(TAR_ERRORS.checksum)
    // ustar\0 "00" (POSIX, with a prefix field) or ustar\x20 " \0" (GNU, without one).
    const magic = block[at + 262]
    const posix = isUstar(block, at) && magic === 0
    const gnu =
      isUstar(block, at) && magic === 0x20 && block[at + 263] === 0x20 && block[at + 264] === 0
    if (!posix && !gnu) throw new TarFormatError(TAR_ERRORS.unknownFormat)

    const typeflag = block[at + 156]
    let size = readNumber(block, at + 124, 12)
    if (
      typeflag === PAX ||
      typeflag === PAX_GLOBAL ||
      typeflag === GNU_LONG_PATH ||
      typeflag === GNU_LONG_PATH_OLD ||
      typeflag === GNU_LONG_LINK
    ) {
      if (!(size >= 0)) throw new TarFormatError(TAR_ERRORS.size)
      if (size > MAX_RECORD_BYTES) throw new TarFormatError(TAR_ERRORS.recordTooLarge)
      this.recordType = typeflag
      this.startBody(size)
      return
    }

    if (this.longPath !== null) {
      this.setPath(this.longPath)
      this.longPath = null
    } else {
      let length = 0
      const path = this.pathBytes
      if (posix && block[at + 345] !== 0) {
        const prefixEnd = fieldEnd(block, at + 345, 155)
        for (let i = at + 345; i < prefixEnd; i++) path[length++] = block[i]
        path[length++] = 0x2f
      }
      const nameEnd = fieldEnd(block, at, 100)
      for (let i = at; i < nameEnd; i++) path[length++] = block[i]
      this.pathLength = length
    }
    if (this.pax !== null) {
      const paxPath = this.pax.get('path')
      if (paxPath) this.setPath(paxPath)
      const paxSize = this.pax.get('size')
      if (paxSize) size = parseInt(paxSize, 10)
      this.pax = null
    }
    if (!(size >= 0)) throw new TarFormatError(TAR_ERRORS.size)

    this.typeflag = typeflag
    this.type = TYPES[typeflag]
    this.size = size
    this.membersSeen++
    const wanted = this.visitor.member(this)
    // As in tar-stream, a directory has no body whatever its size field says.
    if (size === 0 || typeflag === DIRECTORY) {
      if (wanted && !this.visitor.body(EMPTY)) this.stopped = true
    } else if (wanted) {
      this.recordType = 0
      this.startBody(size)
    } else {
      this.skip = size + padding(size)
    }
  }

  private startBody(size: number): void {
    this.body = size === 0 ? EMPTY : Buffer.allocUnsafe(size)
    this.bodyFilled = 0
    if (size === 0) this.bodyDone()
  }

  private bodyDone(): void {
    const body = this.body as Buffer
    this.body = null
    this.skip = padding(body.length)
    switch (this.recordType) {
      case 0:
        if (!this.visitor.body(body)) this.stopped = true
        return
      case GNU_LONG_PATH:
      case GNU_LONG_PATH_OLD:
        this.longPath = body.toString('utf8', 0, fieldEnd(body, 0, body.length))
        break
      case PAX_GLOBAL:
        this.paxGlobal = decodePaxRecords(body)
        break
      case PAX:
        this.pax = new Map([...(this.paxGlobal ?? []), ...decodePaxRecords(body)])
        break
      // GNU_LONG_LINK: link targets are never needed, so the record is read and dropped.
    }
    this.recordType = 0
  }

  private setPath(path: string): void {
    const length = Buffer.byteLength(path)
    if (length > this.pathBytes.length) this.pathBytes = Buffer.alloc(length)
    this.pathLength = this.pathBytes.write(path, 0)
  }
}

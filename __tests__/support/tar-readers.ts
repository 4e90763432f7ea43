/**
 * Three readers of one tar stream, reporting in one shape so the tests can compare them: the
 * archive pass's TarWalk, tar-stream (what the pass used before, and the reference), and GNU tar
 * `--files-from` (what the some-cabal-hashes pattern runs). Plus an encoder for test archives in
 * every header style the pass must read.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tar from 'tar-stream'
import { TarWalk } from '../../src/builder/tar-walk.js'
import { paxGlobalHeader, paxRecords, tarHeader } from '../../testing/archives.mjs'

export interface MemberSeen {
  path: string
  /** tar-stream's name for the type; null for a typeflag tar does not define. */
  type: string | null
  size: number
}

export interface Reading {
  members: MemberSeen[]
  /** Bodies of the wanted members, in archive order. */
  bodies: [string, Buffer][]
  /** The error message, when the stream could not be read to its end. */
  error?: string
}

/** Cuts `bytes` into pieces of the given sizes, round and round. */
export function inPieces(bytes: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = []
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length])
    pieces.push(bytes.subarray(at, at + size))
    at += size
  }
  return pieces
}

export function readWithTarWalk(bytes: Buffer, wanted: Set<string>, sizes: number[]): Reading {
  const reading: Reading = { members: [], bodies: [] }
  let current = ''
  const walk = new TarWalk({
    member(w) {
      current = w.path()
      reading.members.push({ path: current, type: w.type ?? null, size: w.size })
      return wanted.has(current)
    },
    body(body) {
      reading.bodies.push([current, Buffer.from(body)])
      return true
    }
  })
  try {
    for (const piece of inPieces(bytes, sizes)) if (!walk.write(piece)) break
    walk.end()
  } catch (error) {
    reading.error = (error as Error).message
  }
  return reading
}

export function readWithTarStream(
  bytes: Buffer,
  wanted: Set<string>,
  sizes: number[]
): Promise<Reading> {
  const reading: Reading = { members: [], bodies: [] }
  const extract = tar.extract()
  return new Promise(resolve => {
    let settled = false
    const settle = (error?: Error) => {
      if (settled) return
      settled = true
      if (error) reading.error = error.message
      resolve(reading)
    }
    extract.on('error', settle)
    extract.on('finish', () => settle())
    extract.on('entry', (header, entry, next) => {
      // A stream cut short fails the entry too; the extract's own error says so already.
      entry.on('error', () => {})
      reading.members.push({ path: header.name, type: header.type, size: header.size ?? 0 })
      if (!wanted.has(header.name)) {
        // As the pass did with tar-stream: a directory's entry never ends when its size field
        // is not 0, so the next header is asked for without waiting for it.
        if (header.size) entry.resume()
        queueMicrotask(() => next())
        return
      }
      const chunks: Buffer[] = []
      entry.on('data', chunk => chunks.push(chunk as Buffer))
      entry.on('end', () => {
        reading.bodies.push([header.name, Buffer.concat(chunks)])
        next()
      })
    })
    for (const piece of inPieces(bytes, sizes)) extract.write(piece)
    extract.end(null)
  })
}

/** The wanted members GNU tar extracts (names it does not find are simply absent). */
export function readWithGnuTar(bytes: Buffer, wanted: string[]): Map<string, Buffer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scn-gnu-tar-'))
  try {
    writeFileSync(path.join(dir, 'archive.tar'), bytes)
    writeFileSync(path.join(dir, 'list'), wanted.map(name => `${name}\n`).join(''))
    const out = path.join(dir, 'out')
    spawnSync('mkdir', [out])
    const run = spawnSync(
      'tar',
      ['-xf', path.join(dir, 'archive.tar'), '-C', out, '--files-from', path.join(dir, 'list')],
      { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } }
    )
    // Exit 2 with "Not found in archive" is how GNU tar reports names that are not there; it
    // also says that it writes contiguous files as regular ones.
    const unexpected = run.stderr
      .split('\n')
      .filter(
        line =>
          line &&
          !/Not found in archive|Exiting with failure status|Extracting contiguous files/.test(line)
      )
    if (run.error || unexpected.length > 0) {
      throw new Error(`GNU tar failed: ${run.error?.message ?? unexpected.join('\n')}`)
    }
    const extracted = new Map<string, Buffer>()
    for (const name of wanted) {
      try {
        extracted.set(name, readFileSync(path.join(out, name)))
      } catch {
        // not in the archive
      }
    }
    return extracted
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export type HeaderStyle = 'ustar' | 'pax' | 'gnu'

export interface TestMember {
  path: string
  type: 'file' | 'contiguous-file' | 'directory' | 'symlink'
  body: Buffer
  style: HeaderStyle
  /** pax style: give the size only in the pax record (the header's size field says 0). */
  sizeInPax?: boolean
}

const BLOCK = 512
const zeros = (n: number) => Buffer.alloc(n)
const padded = (body: Buffer) =>
  Buffer.concat([body, zeros((BLOCK - (body.length % BLOCK)) % BLOCK)])

/** Splits a path into a ustar prefix and name, the way tar writers do, if it fits at all. */
function ustarSplit(name: string): { prefix?: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name }
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i)
    const rest = name.slice(i + 1)
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '')
      return { prefix, name: rest }
  }
  return undefined
}

/** A short name for the header itself when the real one is in a pax or GNU record. */
function placeholder(name: string): string {
  return Buffer.from(name)
    .subarray(0, 90)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '_')
}

/** One member in the given header style, records first. */
export function encodeMember(member: TestMember): Buffer {
  const { type, body } = member
  const size = type === 'file' || type === 'contiguous-file' ? body.length : 0
  const linkname = type === 'symlink' ? 'target' : undefined
  const split = member.style === 'ustar' ? ustarSplit(member.path) : undefined
  if (split) {
    return Buffer.concat([
      tarHeader({ ...split, type, size, linkname }),
      padded(body.subarray(0, size))
    ])
  }
  if (member.style === 'gnu') {
    const long = Buffer.concat([Buffer.from(member.path), zeros(1)])
    return Buffer.concat([
      tarHeader({ name: '././@LongLink', type: 'gnu-long-path', size: long.length, gnu: true }),
      padded(long),
      tarHeader({ name: placeholder(member.path), type, size, linkname, gnu: true }),
      padded(body.subarray(0, size))
    ])
  }
  const fields: Record<string, string> = { path: member.path }
  if (member.sizeInPax) fields.size = String(size)
  const records = paxRecords(fields)
  return Buffer.concat([
    tarHeader({ name: 'PaxHeaders/x', type: 'pax-header', size: records.length }),
    padded(records),
    tarHeader({
      name: placeholder(member.path),
      type,
      size: member.sizeInPax ? 0 : size,
      linkname
    }),
    padded(body.subarray(0, size))
  ])
}

/** A whole tar stream: optional GitHub-style global header, the members, the end blocks. */
export function encodeArchive(members: TestMember[], globalComment?: string): Buffer {
  return Buffer.concat([
    ...(globalComment === undefined ? [] : [paxGlobalHeader(globalComment)]),
    ...members.map(encodeMember),
    zeros(2 * BLOCK)
  ])
}

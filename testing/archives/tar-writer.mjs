// Writing tar(.gz) members as all-cabal-hashes has them: deterministic owner, mode and mtime,
// members in byte order of their paths (git's tree order).
import { createWriteStream } from 'node:fs'
import { PassThrough, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setImmediate } from 'node:timers'
import { createGzip } from 'node:zlib'
import tar from 'tar-stream'
import { DIR_MODE, FILE_MODE, padding, paxGlobalHeader, tarHeader } from './tar-records.mjs'

/** @typedef {Partial<import('tar-stream').Header> & { name: string, pax?: Record<string, string> }} TarHeader */

export const EPOCH = new Date(0)
export const OWNER = { uid: 0, gid: 0, uname: 'root', gname: 'root' }

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
export function openTarWriter({ outFile, gzip = true, level = 6, globalComment }) {
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
export function byteOrder(a, b) {
  return Buffer.compare(pathKey(a), pathKey(b))
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

// A read-only loopback HTTP file server, enough for Nix to substitute from a `file://` binary cache
// directory written by `nix copy --to file:///DIR` (nix-cache-info, *.narinfo, nar/*.nar.*,
// *.ls, log/...).
//
// - GET and HEAD only (405 otherwise, with `Allow: GET, HEAD`), unless started with
//   `{ writable: true }`: then PUT writes the body under the root (what `nix copy --to
//   http://…` does for every nix-cache-info, .narinfo and nar/ file), refusing paths that escape it.
// - Regular files only: 404 for anything missing, for directories (no listings) and for any path
//   that escapes the root (`..`, encoded `%2e%2e`, NUL bytes, symlinks pointing outside).
// - Content-Length is the file size; HEAD sends the headers without a body. Nix treats a 404 on a
//   .narinfo as "not in this cache", so plain 404s are what it expects.
//
// The server runs on the caller's event loop: start Nix with the async child_process API
// (execFile/spawn), never execFileSync, or the server cannot answer and Nix hangs. Checked with
// Nix 2.8: `nix copy --from http://127.0.0.1:PORT --store DIR PATH` fetches nix-cache-info,
// HEAD/GET on the .narinfo and GET on nar/*.nar.zst from it.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { listenOnLoopback, stopOnce } from './loopback.mjs'

const TYPES = {
  '.narinfo': 'text/x-nix-narinfo',
  '.nar': 'application/x-nix-nar',
  '.xz': 'application/x-xz',
  '.zst': 'application/zstd',
  '.bz2': 'application/x-bzip2',
  '.json': 'application/json',
  '.ls': 'application/json',
  '.txt': 'text/plain; charset=utf-8'
}

function contentType(/** @type {string} */ file) {
  if (path.basename(file) === 'nix-cache-info') return 'text/x-nix-cache-info'
  return TYPES[/** @type {keyof typeof TYPES} */ (path.extname(file))] ?? 'application/octet-stream'
}

/**
 * Serves `dir` read-only on 127.0.0.1 (random port).
 *
 * @param {string} dir
 * @param {{ writable?: boolean }} [options]
 */
export async function startStaticServer(dir, { writable = false } = {}) {
  const root = fs.realpathSync(path.resolve(dir))
  /** @type {Array<{ method: string, path: string, status: number, time: number }>} */
  const log = []

  /** @returns {string | undefined} the real path of a regular file inside root */
  function resolveFile(/** @type {string} */ rawPath) {
    let decoded
    try {
      decoded = decodeURIComponent(rawPath)
    } catch {
      return undefined
    }
    if (decoded.includes('\0')) return undefined
    const segments = decoded.split('/').filter(s => s !== '')
    if (segments.some(s => s === '..' || s === '.' || s.includes('\\'))) return undefined
    const candidate = path.join(root, ...segments)
    let real
    try {
      real = fs.realpathSync(candidate)
    } catch {
      return undefined
    }
    if (real !== root && !real.startsWith(root + path.sep)) return undefined
    try {
      if (!fs.statSync(real).isFile()) return undefined
    } catch {
      return undefined
    }
    return real
  }

  /** PUT: the body goes to root/PATH (directories made), 201 when written, 403 outside root. */
  function put(
    /** @type {string} */ rawPath,
    /** @type {import('node:http').IncomingMessage} */ req,
    /** @type {import('node:http').ServerResponse} */ res
  ) {
    let segments
    try {
      segments = decodeURIComponent(rawPath)
        .split('/')
        .filter(s => s !== '')
    } catch {
      segments = ['..']
    }
    if (
      segments.length === 0 ||
      segments.some(s => s === '..' || s === '.' || s.includes('\\') || s.includes('\0'))
    ) {
      req.resume()
      res.writeHead(403).end()
      return
    }
    const target = path.join(root, ...segments)
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => {
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, Buffer.concat(chunks))
      res.writeHead(201).end()
    })
  }

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]
    const record = { method: req.method ?? '', path: pathname, status: 0, time: Date.now() }
    log.push(record)
    res.on('finish', () => {
      record.status = res.statusCode
    })
    if (writable && req.method === 'PUT') return put(pathname, req, res)
    req.resume()

    const fail = (/** @type {number} */ status, /** @type {string} */ text, extra = {}) => {
      res.writeHead(status, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        ...extra
      })
      res.end(req.method === 'HEAD' ? undefined : text)
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return fail(405, 'method not allowed\n', { Allow: 'GET, HEAD' })
    }
    const file = resolveFile(pathname)
    if (!file) return fail(404, 'not found\n')

    let stat
    try {
      stat = fs.statSync(file)
    } catch {
      return fail(404, 'not found\n')
    }
    res.writeHead(200, {
      'Content-Type': contentType(file),
      'Content-Length': stat.size,
      'Last-Modified': stat.mtime.toUTCString(),
      'Cache-Control': 'no-cache'
    })
    if (req.method === 'HEAD') return res.end()
    const stream = fs.createReadStream(file)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  })

  return {
    url: await listenOnLoopback(server),
    stop: stopOnce(server),
    requests() {
      return log.map(r => ({ ...r }))
    }
  }
}

/** @typedef {Awaited<ReturnType<typeof startStaticServer>>} StaticServer */

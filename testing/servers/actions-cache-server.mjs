// A loopback stand-in for the GitHub Actions cache service, protocol v2, so tests can run the real
// @actions/cache (6.x) against it: real tar + zstd/gzip archives, real Azure Blob SDK uploads, real
// downloads, plus fault injection.
//
// What @actions/cache 6.3.0 does in v2 mode (read from node_modules/@actions/cache/lib):
// - internal/config.js: v2 is chosen when ACTIONS_CACHE_SERVICE_V2 is set and the server is not
//   GHES (GITHUB_SERVER_URL unset, github.com, *.ghe.com or *.localhost). The base URL is
//   ACTIONS_RESULTS_URL; internal/shared/cacheTwirpClient.js POSTs JSON to
//   new URL('/twirp/github.actions.results.api.v1.CacheService/<Method>', ACTIONS_RESULTS_URL)
//   with `Authorization: Bearer $ACTIONS_RUNTIME_TOKEN` (the token is required: without it the
//   client throws before any request).
// - Request bodies use proto field names (`key`, `version`, `restore_keys`, `size_bytes` as a
//   string int64); responses are parsed with protobuf-ts fromJson, which accepts proto names.
//   We answer with the snake_case names the real service sends (`signed_upload_url`, ...).
// - Error responses must be JSON (Twirp: {"code","msg"}): a non-JSON body is a SyntaxError, which
//   the client treats as retryable. 500/502/503/504 are retried (5 attempts, 3 s base back-off,
//   x1.5), 429 is never retried (it logs a rate-limit warning when Retry-After > 0 and throws
//   RateLimitError), other 4xx throw at once. A `msg` containing "insufficient usage" becomes a
//   UsageError. ECONNRESET/ECONNREFUSED/... become a NetworkError at once (no retry).
// - `version` is sha256(paths.join('|') + '|' + compressionMethod [+ '|windows-only'] + '|1.0');
//   the server only treats it as an opaque scope: lookups never cross versions.
// - Uploads: internal/uploadUtils.js uses `new BlobClient(signedUploadUrl).getBlockBlobClient()
//   .uploadFile(path, { blockSize: 64 MiB, concurrency: 8, maxSingleShotSize: 128 MiB })`, i.e. one
//   Put Blob for archives up to 128 MiB, otherwise Put Block (`comp=block&blockid=`) + Put Block
//   List (`comp=blocklist`, XML). For a host that is an IP address the SDK parses the URL
//   path-style (`/<account>/<container>/<blob>`), hence `/devstoreaccount1/upload/<id>`.
//   The SDK retries 500/503 and ECONNRESET (4 tries, delays 0 s, 4 s, 12 s).
// - Downloads: internal/cacheHttpClient.js only uses the Azure SDK / ranged downloads for hosts
//   ending in `.blob.core.windows.net`; for 127.0.0.1 it is one plain GET through
//   @actions/http-client (downloadCacheHttpClient), which checks the received size against
//   Content-Length but does not check the status code. HEAD and Range are served anyway.
//
// Lookup semantics follow GitHub's documented cache key matching: for the primary key, an exact
// match, then the newest entry whose key starts with it; then for each restore key in order, an
// exact match, then the newest prefix match. Only finalized entries with the same `version` count.
// Creating an entry whose key+version already exists (finalized, or reserved and not yet
// finalized) is refused with Twirp `already_exists` (HTTP 409), like the real service
// ("cache entry with the same key, version, and scope already exists").
//
// The servers run on the caller's event loop, so drive them from async code (or a child process
// started with the async child_process API), never from a synchronous child process call.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { URLSearchParams } from 'node:url'
import {
  connectionFaultsStop,
  copyFaults,
  listenOnLoopback,
  stopOnce,
  takeCounted,
  takeStatusFault
} from './loopback.mjs'

const SERVICE_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/'
const ACCOUNT = 'devstoreaccount1'
const UPLOAD_CONTAINER = 'upload'
const DOWNLOAD_CONTAINER = 'download'
const AZURE_API_VERSION = '2025-01-05'

/** HTTP status → Twirp error code (https://twitchtv.github.io/twirp/docs/spec_v7.html). */
/** @type {Record<number, string>} */
const TWIRP_CODES = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  408: 'deadline_exceeded',
  409: 'already_exists',
  412: 'failed_precondition',
  429: 'resource_exhausted',
  500: 'internal',
  501: 'unimplemented',
  503: 'unavailable'
}

/** HTTP status → Azure Storage error code, for injected blob faults. */
/** @type {Record<number, string>} */
const AZURE_CODES = {
  400: 'InvalidInput',
  403: 'AuthenticationFailed',
  404: 'BlobNotFound',
  409: 'BlobAlreadyExists',
  413: 'RequestBodyTooLarge',
  500: 'InternalError',
  503: 'ServerBusy'
}

/**
 * @typedef {number | { status: number, times?: number, message?: string }} StatusFault
 * @typedef {{
 *   createStatus?: StatusFault,
 *   finalizeStatus?: StatusFault,
 *   downloadUrlStatus?: StatusFault,
 *   blobUploadStatus?: StatusFault,
 *   downloadStatus?: StatusFault,
 *   rateLimit?: { retryAfterSeconds?: number, times?: number },
 *   delayMs?: number,
 *   truncateDownload?: boolean,
 *   corruptDownload?: boolean,
 *   down?: boolean,
 *   writeDenied?: boolean,
 *   readDenied?: boolean
 * }} ActionsCacheFaults
 * @typedef {{
 *   id: number, key: string, version: string, sizeBytes: number | null, finalized: boolean,
 *   createdAt: number, finalizedAt: number | null, reservedUntil: number,
 *   data: Buffer | null, blocks: Map<string, Buffer>
 * }} Entry
 */

/**
 * Starts the cache service on 127.0.0.1 (random port).
 *
 * @param {{
 *   token?: string,
 *   storageDir?: string,
 *   runnerTemp?: string,
 *   faults?: ActionsCacheFaults,
 *   reservationTtlMs?: number
 * }} [options]
 */
export async function startActionsCacheServer(options = {}) {
  const token = options.token ?? `runtime-${crypto.randomBytes(12).toString('hex')}`
  const secret = crypto.randomBytes(32)
  const reservationTtlMs = options.reservationTtlMs ?? 10 * 60 * 1000
  const storageDir = options.storageDir ? path.resolve(options.storageDir) : undefined
  const ownsRunnerTemp = options.runnerTemp === undefined
  const runnerTemp =
    options.runnerTemp ?? fs.mkdtempSync(path.join(os.tmpdir(), 'actions-cache-runner-temp-'))

  /** @type {Map<number, Entry>} */
  const entries = new Map()
  let nextId = 1
  /** @type {Array<{ method: string, path: string, status: number, time: number, rpc?: string, aborted?: boolean }>} */
  const log = []
  /** @type {ActionsCacheFaults} */
  let faults = {}
  setFaults(options.faults)

  /** Replaces every fault at once (`setFaults({})` clears them); counted faults are copied. */
  function setFaults(/** @type {ActionsCacheFaults | undefined} */ next) {
    faults = copyFaults(next)
  }

  if (storageDir) {
    fs.mkdirSync(storageDir, { recursive: true })
    const indexPath = path.join(storageDir, 'index.json')
    if (fs.existsSync(indexPath)) {
      /** @type {Array<{ id: number, key: string, version: string, sizeBytes: number, createdAt: number, finalizedAt: number }>} */
      const saved = JSON.parse(fs.readFileSync(indexPath, 'utf8'))
      for (const e of saved) {
        entries.set(e.id, {
          ...e,
          finalized: true,
          reservedUntil: 0,
          data: fs.readFileSync(path.join(storageDir, `${e.id}.blob`)),
          blocks: new Map()
        })
        nextId = Math.max(nextId, e.id + 1)
      }
    }
  }

  function persist(/** @type {Entry} */ entry) {
    if (!storageDir || !entry.data) return
    fs.writeFileSync(path.join(storageDir, `${entry.id}.blob`), entry.data)
    const index = [...entries.values()]
      .filter(e => e.finalized)
      .map(e => ({
        id: e.id,
        key: e.key,
        version: e.version,
        sizeBytes: e.sizeBytes,
        createdAt: e.createdAt,
        finalizedAt: e.finalizedAt
      }))
    fs.writeFileSync(path.join(storageDir, 'index.json'), JSON.stringify(index, null, 2))
  }

  function sign(
    /** @type {string} */ permission,
    /** @type {number} */ id,
    /** @type {string} */ expiry
  ) {
    return crypto
      .createHmac('sha256', secret)
      .update(`${permission}\n${id}\n${expiry}`)
      .digest('base64url')
  }

  function signedUrl(
    /** @type {string} */ container,
    /** @type {number} */ id,
    /** @type {string} */ permission
  ) {
    const expiry = new Date(Date.now() + 6 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z')
    const query = new URLSearchParams({
      sv: AZURE_API_VERSION,
      sr: 'b',
      sp: permission,
      se: expiry,
      sig: sign(permission, id, expiry)
    })
    return `${baseUrl}/${ACCOUNT}/${container}/${id}?${query}`
  }

  function checkSignature(
    /** @type {URL} */ url,
    /** @type {number} */ id,
    /** @type {string} */ permission
  ) {
    const expiry = url.searchParams.get('se') ?? ''
    const sig = url.searchParams.get('sig') ?? ''
    const expected = sign(permission, id, expiry)
    if (url.searchParams.get('sp') !== permission || sig.length !== expected.length) return false
    if (!crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return false
    return Date.parse(expiry) > Date.now()
  }

  /** Newest (most recently created) first, as GitHub orders partial matches. */
  function finalizedWithVersion(/** @type {string} */ version) {
    return [...entries.values()]
      .filter(e => e.finalized && e.version === version)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
  }

  function lookup(
    /** @type {string} */ key,
    /** @type {string[]} */ restoreKeys,
    /** @type {string} */ version
  ) {
    const candidates = finalizedWithVersion(version)
    for (const wanted of [key, ...restoreKeys]) {
      const exact = candidates.find(e => e.key === wanted)
      if (exact) return exact
      const prefix = candidates.find(e => e.key.startsWith(wanted))
      if (prefix) return prefix
    }
    return undefined
  }

  // ---- HTTP plumbing -------------------------------------------------------------------------

  function sendJson(
    /** @type {http.ServerResponse} */ res,
    /** @type {number} */ status,
    /** @type {unknown} */ body,
    extraHeaders = {}
  ) {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...extraHeaders
    })
    res.end(text)
  }

  function twirpError(
    /** @type {http.ServerResponse} */ res,
    /** @type {number} */ status,
    /** @type {string} */ msg,
    extraHeaders = {}
  ) {
    sendJson(res, status, { code: TWIRP_CODES[status] ?? 'unknown', msg }, extraHeaders)
  }

  function azureHeaders(/** @type {http.IncomingMessage} */ req) {
    return {
      'x-ms-request-id': crypto.randomUUID(),
      'x-ms-version': req.headers['x-ms-version'] ?? AZURE_API_VERSION,
      'x-ms-client-request-id': req.headers['x-ms-client-request-id'] ?? '',
      Date: new Date().toUTCString()
    }
  }

  function azureError(
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
    /** @type {number} */ status,
    /** @type {string} */ code,
    /** @type {string} */ message
  ) {
    const body =
      '\ufeff<?xml version="1.0" encoding="utf-8"?>' +
      `<Error><Code>${code}</Code><Message>${message}\nRequestId:${crypto.randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`
    const buf = Buffer.from(body, 'utf8')
    res.writeHead(status, {
      ...azureHeaders(req),
      'x-ms-error-code': code,
      'Content-Type': 'application/xml',
      'Content-Length': buf.length
    })
    res.end(req.method === 'HEAD' ? undefined : buf)
  }

  async function readBody(/** @type {http.IncomingMessage} */ req) {
    /** @type {Buffer[]} */
    const chunks = []
    for await (const chunk of req) chunks.push(/** @type {Buffer} */ (chunk))
    return Buffer.concat(chunks)
  }

  function etagOf(/** @type {Entry} */ entry) {
    return `"0x${(0x8dc0000000000000n + BigInt(entry.id)).toString(16).toUpperCase()}"`
  }

  // ---- Twirp service -------------------------------------------------------------------------

  async function handleTwirp(
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
    /** @type {string} */ rpc
  ) {
    if (req.method !== 'POST') return twirpError(res, 404, `unsupported method ${req.method}`)
    const raw = await readBody(req)
    const auth = req.headers.authorization ?? ''
    if (auth !== `Bearer ${token}`) return twirpError(res, 401, 'invalid or missing runtime token')
    const contentType = String(req.headers['content-type'] ?? '')
    if (!contentType.startsWith('application/json')) {
      return twirpError(res, 400, `unexpected Content-Type: ${contentType || '(none)'}`)
    }
    /** @type {Record<string, unknown>} */
    let body
    try {
      body = JSON.parse(raw.toString('utf8') || '{}')
    } catch {
      return twirpError(res, 400, 'the json request could not be decoded')
    }

    const limited = takeCounted(faults.rateLimit) ? faults.rateLimit : undefined
    if (limited) {
      const seconds = limited.retryAfterSeconds ?? 60
      return twirpError(res, 429, 'rate limit exceeded', { 'Retry-After': String(seconds) })
    }

    const faultName =
      rpc === 'CreateCacheEntry'
        ? 'createStatus'
        : rpc === 'FinalizeCacheEntryUpload'
          ? 'finalizeStatus'
          : rpc === 'GetCacheEntryDownloadURL'
            ? 'downloadUrlStatus'
            : undefined
    const injected = faultName ? takeStatusFault(faults[faultName]) : undefined
    if (injected)
      return twirpError(res, injected.status, injected.message ?? `injected ${rpc} fault`)

    const key = typeof body.key === 'string' ? body.key : ''
    const version = typeof body.version === 'string' ? body.version : ''

    switch (rpc) {
      case 'CreateCacheEntry': {
        if (!key || !version) return twirpError(res, 400, 'key and version are required')
        if (faults.writeDenied) {
          return sendJson(res, 200, {
            ok: false,
            signed_upload_url: '',
            message: 'cache write denied: token has no writable scopes'
          })
        }
        const now = Date.now()
        const clash = [...entries.values()].find(
          e => e.key === key && e.version === version && (e.finalized || e.reservedUntil > now)
        )
        if (clash) {
          return twirpError(
            res,
            409,
            'cache entry with the same key, version, and scope already exists'
          )
        }
        /** @type {Entry} */
        const entry = {
          id: nextId++,
          key,
          version,
          sizeBytes: null,
          finalized: false,
          createdAt: now,
          finalizedAt: null,
          reservedUntil: now + reservationTtlMs,
          data: null,
          blocks: new Map()
        }
        entries.set(entry.id, entry)
        return sendJson(res, 200, {
          ok: true,
          signed_upload_url: signedUrl(UPLOAD_CONTAINER, entry.id, 'cw'),
          message: ''
        })
      }
      case 'FinalizeCacheEntryUpload': {
        if (!key || !version) return twirpError(res, 400, 'key and version are required')
        const pending = [...entries.values()]
          .filter(e => e.key === key && e.version === version && !e.finalized)
          .sort((a, b) => b.id - a.id)[0]
        if (!pending) {
          const done = [...entries.values()].some(e => e.key === key && e.version === version)
          return done
            ? twirpError(
                res,
                409,
                'cache entry with the same key, version, and scope already exists'
              )
            : twirpError(res, 404, 'cache entry not found')
        }
        if (!pending.data) {
          return sendJson(res, 200, {
            ok: false,
            entry_id: '0',
            message: `no uploaded archive for cache entry with key ${key}`
          })
        }
        const sizeBytes = Number(body.size_bytes ?? 0)
        if (sizeBytes !== pending.data.length) {
          return sendJson(res, 200, {
            ok: false,
            entry_id: '0',
            message: `size mismatch: finalize says ${sizeBytes} bytes, uploaded ${pending.data.length}`
          })
        }
        pending.finalized = true
        pending.finalizedAt = Date.now()
        pending.sizeBytes = pending.data.length
        pending.blocks.clear()
        persist(pending)
        return sendJson(res, 200, { ok: true, entry_id: String(pending.id), message: '' })
      }
      case 'GetCacheEntryDownloadURL': {
        if (!key || !version) return twirpError(res, 400, 'key and version are required')
        if (faults.readDenied) {
          return twirpError(res, 403, 'cache read denied: token has no readable scopes')
        }
        const restoreKeys = Array.isArray(body.restore_keys)
          ? body.restore_keys.filter(k => typeof k === 'string')
          : []
        const hit = lookup(key, restoreKeys, version)
        if (!hit) return sendJson(res, 200, { ok: false, signed_download_url: '', matched_key: '' })
        return sendJson(res, 200, {
          ok: true,
          signed_download_url: signedUrl(DOWNLOAD_CONTAINER, hit.id, 'r'),
          matched_key: hit.key
        })
      }
      default:
        return twirpError(res, 404, `no handler for path "${SERVICE_PREFIX}${rpc}"`)
    }
  }

  // ---- Blob endpoints ------------------------------------------------------------------------

  async function handleUpload(
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
    /** @type {URL} */ url,
    /** @type {number} */ id
  ) {
    const body = await readBody(req)
    if (req.method !== 'PUT') {
      return azureError(
        req,
        res,
        405,
        'UnsupportedHttpVerb',
        "The resource doesn't support the specified HTTP verb."
      )
    }
    if (!checkSignature(url, id, 'cw')) {
      return azureError(req, res, 403, 'AuthenticationFailed', 'Signature did not match.')
    }
    const entry = entries.get(id)
    if (!entry)
      return azureError(
        req,
        res,
        404,
        'ContainerNotFound',
        'The specified container does not exist.'
      )
    if (entry.finalized) {
      return azureError(
        req,
        res,
        409,
        'BlobImmutable',
        'This blob is already committed and cannot be modified.'
      )
    }
    const injected = takeStatusFault(faults.blobUploadStatus)
    if (injected) {
      return azureError(
        req,
        res,
        injected.status,
        AZURE_CODES[injected.status] ?? 'InternalError',
        injected.message ?? 'Injected blob upload fault.'
      )
    }
    const comp = url.searchParams.get('comp')
    const headers = { ...azureHeaders(req), 'Content-Length': 0 }
    const md5 = crypto.createHash('md5').update(body).digest('base64')
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid')
      if (!blockId)
        return azureError(req, res, 400, 'InvalidQueryParameterValue', 'blockid is required.')
      entry.blocks.set(blockId, body)
      res.writeHead(201, {
        ...headers,
        'Content-MD5': md5,
        'x-ms-request-server-encrypted': 'true'
      })
      return res.end()
    }
    if (comp === 'blocklist') {
      const xml = body.toString('utf8')
      const ids = [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map(m => m[2])
      const missing = ids.filter(b => !entry.blocks.has(b))
      if (missing.length > 0) {
        return azureError(req, res, 400, 'InvalidBlockList', 'The specified block list is invalid.')
      }
      entry.data = Buffer.concat(ids.map(b => /** @type {Buffer} */ (entry.blocks.get(b))))
      entry.blocks.clear()
      res.writeHead(201, {
        ...headers,
        ETag: etagOf(entry),
        'Last-Modified': new Date().toUTCString(),
        'x-ms-request-server-encrypted': 'true'
      })
      return res.end()
    }
    if (comp)
      return azureError(
        req,
        res,
        400,
        'InvalidQueryParameterValue',
        `comp=${comp} is not supported.`
      )
    const blobType = req.headers['x-ms-blob-type']
    if (blobType !== 'BlockBlob') {
      return azureError(
        req,
        res,
        400,
        'MissingRequiredHeader',
        'x-ms-blob-type: BlockBlob is required.'
      )
    }
    entry.data = body
    res.writeHead(201, {
      ...headers,
      ETag: etagOf(entry),
      'Last-Modified': new Date().toUTCString(),
      'Content-MD5': md5,
      'x-ms-request-server-encrypted': 'true'
    })
    return res.end()
  }

  async function handleDownload(
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
    /** @type {URL} */ url,
    /** @type {number} */ id
  ) {
    await readBody(req)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return azureError(
        req,
        res,
        405,
        'UnsupportedHttpVerb',
        "The resource doesn't support the specified HTTP verb."
      )
    }
    if (!checkSignature(url, id, 'r')) {
      return azureError(req, res, 403, 'AuthenticationFailed', 'Signature did not match.')
    }
    const entry = entries.get(id)
    if (!entry || !entry.finalized || !entry.data) {
      return azureError(req, res, 404, 'BlobNotFound', 'The specified blob does not exist.')
    }
    const injected = takeStatusFault(faults.downloadStatus)
    if (injected) {
      return azureError(
        req,
        res,
        injected.status,
        AZURE_CODES[injected.status] ?? 'InternalError',
        injected.message ?? 'Injected download fault.'
      )
    }
    let data = entry.data
    if (faults.corruptDownload && data.length > 0) {
      data = Buffer.from(data)
      const start = Math.floor(data.length / 2)
      for (let i = start; i < Math.min(data.length, start + 64); i++) data[i] ^= 0xff
    }
    let start = 0
    let end = data.length - 1
    let status = 200
    const range = String(req.headers['x-ms-range'] ?? req.headers.range ?? '')
    /** @type {Record<string, string | string[] | number>} */
    const headers = {
      ...azureHeaders(req),
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: etagOf(entry),
      'Last-Modified': new Date(entry.finalizedAt ?? entry.createdAt).toUTCString(),
      'x-ms-blob-type': 'BlockBlob'
    }
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
      if (m && (m[1] !== '' || m[2] !== '')) {
        if (m[1] === '') {
          start = Math.max(0, data.length - Number(m[2]))
        } else {
          start = Number(m[1])
          if (m[2] !== '') end = Math.min(end, Number(m[2]))
        }
        if (start >= data.length || start > end) {
          res.writeHead(416, {
            ...headers,
            'Content-Range': `bytes */${data.length}`,
            'Content-Length': 0
          })
          return res.end()
        }
        status = 206
        headers['Content-Range'] = `bytes ${start}-${end}/${data.length}`
      }
    }
    const slice = data.subarray(start, end + 1)
    res.writeHead(status, { ...headers, 'Content-Length': slice.length })
    if (req.method === 'HEAD') return res.end()
    if (faults.truncateDownload) {
      const cut = slice.subarray(0, Math.floor(slice.length / 2))
      res.write(cut, () => {
        // Give the bytes a moment to leave the socket, then drop the connection mid-body.
        setTimeout(() => req.socket.destroy(), 20)
      })
      return
    }
    res.end(slice)
  }

  // ---- Server --------------------------------------------------------------------------------

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    /** @type {{ method: string, path: string, status: number, time: number, rpc?: string, aborted?: boolean }} */
    const record = { method: req.method ?? '', path: url.pathname, status: 0, time: Date.now() }
    if (url.pathname.startsWith(SERVICE_PREFIX)) {
      record.rpc = url.pathname.slice(SERVICE_PREFIX.length)
    }
    log.push(record)
    res.on('finish', () => {
      record.status = res.statusCode
    })
    res.on('close', () => {
      if (res.writableFinished) return
      record.aborted = true
      if (res.headersSent) record.status = res.statusCode
    })
    const handle = async () => {
      if (await connectionFaultsStop(req, res, faults)) return
      if (record.rpc !== undefined) return handleTwirp(req, res, record.rpc)
      const parts = url.pathname.split('/').filter(Boolean)
      if (parts.length === 3 && parts[0] === ACCOUNT && /^\d+$/.test(parts[2])) {
        if (parts[1] === UPLOAD_CONTAINER) return handleUpload(req, res, url, Number(parts[2]))
        if (parts[1] === DOWNLOAD_CONTAINER) return handleDownload(req, res, url, Number(parts[2]))
      }
      await readBody(req)
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('not found\n')
    }
    handle().catch(error => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ code: 'internal', msg: String(error?.message ?? error) }))
      } else {
        res.destroy()
      }
    })
  })

  const baseUrl = await listenOnLoopback(server)

  // What a caller must put in process.env before calling @actions/cache. ACTIONS_CACHE_URL is only
  // read by protocol v1; GITHUB_SERVER_URL pins github.com so a GHES value inherited from the
  // environment cannot force v1; ACTIONS_CACHE_MODE=write permits reads and writes whatever the
  // surrounding runner says; RUNNER_TEMP is where the library stages archives (without it, it
  // uses /home/actions/temp). GITHUB_WORKSPACE (tar's -C directory, default cwd) is the caller's.
  const env = {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: `${baseUrl}/`,
    ACTIONS_CACHE_URL: `${baseUrl}/`,
    ACTIONS_RUNTIME_TOKEN: token,
    GITHUB_SERVER_URL: 'https://github.com',
    ACTIONS_CACHE_MODE: 'write',
    RUNNER_TEMP: runnerTemp
  }

  return {
    url: baseUrl,
    token,
    env,
    stop: stopOnce(server, () => {
      if (ownsRunnerTemp) fs.rmSync(runnerTemp, { recursive: true, force: true })
    }),
    entries() {
      return [...entries.values()]
        .sort((a, b) => a.id - b.id)
        .map(e => ({
          id: e.id,
          key: e.key,
          version: e.version,
          sizeBytes: e.sizeBytes,
          finalized: e.finalized,
          createdAt: new Date(e.createdAt).toISOString(),
          finalizedAt: e.finalizedAt === null ? null : new Date(e.finalizedAt).toISOString()
        }))
    },
    entryData(/** @type {number} */ id) {
      const data = entries.get(id)?.data
      return data ? Buffer.from(data) : undefined
    },
    requests() {
      return log.map(r => ({ ...r }))
    },
    clearRequests() {
      log.length = 0
    },
    setFaults
  }
}

/** @typedef {Awaited<ReturnType<typeof startActionsCacheServer>>} ActionsCacheServer */

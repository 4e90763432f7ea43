/**
 * The loopback servers under testing/servers, proven against the real libraries:
 * - actions-cache-server: the real @actions/cache 6 (protocol v2: Twirp JSON + Azure Blob SDK
 *   upload + plain GET download, real tar + zstd/gzip), including what the library does when the
 *   service misbehaves;
 * - github-api-server: the real @actions/github Octokit (pagination, create, update, errors);
 * - static-server: plain HTTP semantics Nix relies on.
 *
 * @actions/cache runs in-process: it reads its configuration from process.env at call time
 * (config.ts, cacheUtils.getRuntimeToken, the Twirp client is built per call), so each test applies
 * the server's `env` and the suite restores the original environment afterwards. Its log lines go
 * to process.stdout as workflow commands (`::warning::…`), which `capture` records.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import * as cache from '@actions/cache'
import { getOctokit } from '@actions/github'
import { BlockBlobClient } from '@azure/storage-blob'
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  startActionsCacheServer,
  type ActionsCacheServer
} from '../testing/servers/actions-cache-server.mjs'
import {
  startGitHubApiServer,
  type GitHubApiServer
} from '../testing/servers/github-api-server.mjs'
import { spanTreeLines, type ReceivedSpan } from '../testing/servers/otlp-server.mjs'
import { startStaticServer, type StaticServer } from '../testing/servers/static-server.mjs'

const CACHE_ENV_NAMES = [
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'GITHUB_SERVER_URL',
  'ACTIONS_CACHE_MODE',
  'RUNNER_TEMP',
  'GITHUB_WORKSPACE'
]

interface Captured<T> {
  result?: T
  error?: unknown
  /** Everything written to stdout, split into lines. */
  lines: string[]
  warnings: string[]
  errors: string[]
  ms: number
}

/** Runs `fn` with process.stdout captured (the toolkit logs there) and never rethrows. */
async function capture<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  const chunks: string[] = []
  const original = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }) as typeof process.stdout.write
  const started = Date.now()
  let result: T | undefined
  let error: unknown
  try {
    result = await fn()
  } catch (e) {
    error = e
  } finally {
    process.stdout.write = original
  }
  const lines = chunks.join('').split(/\r?\n/)
  return {
    result,
    error,
    lines,
    warnings: lines.filter(l => l.startsWith('::warning::')).map(l => l.slice(11)),
    errors: lines.filter(l => l.startsWith('::error::')).map(l => l.slice(9)),
    ms: Date.now() - started
  }
}

/** The info-level lines (no workflow command, no echoed child-process command line). */
function infoLines(c: Captured<unknown>): string[] {
  return c.lines.filter(l => l !== '' && !l.startsWith('::') && !l.startsWith('[command]'))
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, rel)
    if (fs.statSync(full).isFile()) {
      out[rel.split(path.sep).join('/')] = createHash('sha256')
        .update(fs.readFileSync(full))
        .digest('hex')
    }
  }
  return out
}

function hasZstd(): boolean {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('actions-cache-server with the real @actions/cache', () => {
  const savedEnv: Record<string, string | undefined> = {}
  let server: ActionsCacheServer
  let tmp: string
  let counter = 0

  /** A workspace with a `payload` directory (paths are absolute, as the action passes them). */
  function makeWorkspace(files: Record<string, string | Buffer>): {
    root: string
    payload: string
  } {
    const root = path.join(tmp, `ws-${++counter}`)
    const payload = path.join(root, 'payload')
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(payload, rel)), { recursive: true })
      fs.writeFileSync(path.join(payload, rel), content)
    }
    return { root, payload }
  }

  /**
   * A fresh, empty workspace to restore into. The archive holds paths relative to the saving
   * workspace, so restoring with GITHUB_WORKSPACE=fresh puts the files under fresh/payload.
   */
  function freshWorkspace(): string {
    const root = path.join(tmp, `fresh-${++counter}`)
    fs.mkdirSync(root, { recursive: true })
    process.env.GITHUB_WORKSPACE = root
    return root
  }

  async function save(ws: { root: string; payload: string }, key: string) {
    process.env.GITHUB_WORKSPACE = ws.root
    return capture(() => cache.saveCache([ws.payload], key))
  }

  beforeAll(async () => {
    for (const name of CACHE_ENV_NAMES) savedEnv[name] = process.env[name]
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-server-test-'))
    server = await startActionsCacheServer()
    Object.assign(process.env, server.env)
  })

  afterEach(() => {
    server.setFaults({})
  })

  afterAll(async () => {
    await server?.stop()
    for (const name of CACHE_ENV_NAMES) {
      if (savedEnv[name] === undefined) delete process.env[name]
      else process.env[name] = savedEnv[name]
    }
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  test('env selects protocol v2 and names everything the library needs', () => {
    expect(server.env.ACTIONS_CACHE_SERVICE_V2).toBe('true')
    expect(server.env.ACTIONS_RESULTS_URL).toBe(`${server.url}/`)
    expect(server.env.ACTIONS_RUNTIME_TOKEN).toBe(server.token)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(cache.isFeatureAvailable()).toBe(true)
  })

  test('saveCache then restoreCache into a fresh workspace round-trips the files', async () => {
    const ws = makeWorkspace({
      'a.txt': 'alpha\n',
      'nested/deeper/b.nix': '{ pkgs }: pkgs.hello\r\n',
      'bin.dat': randomBytes(200_000),
      empty: ''
    })
    server.clearRequests()
    const saved = await save(ws, 'roundtrip-key-1')
    expect(saved.error).toBeUndefined()
    expect(saved.warnings).toEqual([])
    expect(typeof saved.result).toBe('number')
    expect(saved.result).toBeGreaterThan(0)

    const [entry] = server.entries().filter(e => e.key === 'roundtrip-key-1')
    expect(entry).toMatchObject({ finalized: true, id: saved.result })
    // The archive really is what the library made: zstd when `zstd` is on PATH, gzip otherwise.
    const data = server.entryData(entry.id)!
    expect(data.length).toBe(entry.sizeBytes)
    const magic = data.subarray(0, 4).toString('hex')
    expect(magic).toEqual(hasZstd() ? '28b52ffd' : expect.stringMatching(/^1f8b/))

    const fresh = freshWorkspace()
    const restored = await capture(() => cache.restoreCache([ws.payload], 'roundtrip-key-1'))
    expect(restored.error).toBeUndefined()
    expect(restored.result).toBe('roundtrip-key-1')
    expect(restored.warnings).toEqual([])
    expect(readTree(path.join(fresh, 'payload'))).toEqual(readTree(ws.payload))

    const calls = server
      .requests()
      .map(r => `${r.method} ${r.rpc ?? r.path.replace(/\d+$/, 'N')} ${r.status}`)
    expect(calls).toEqual([
      'POST CreateCacheEntry 200',
      'PUT /devstoreaccount1/upload/N 201',
      'POST FinalizeCacheEntryUpload 200',
      'POST GetCacheEntryDownloadURL 200',
      'GET /devstoreaccount1/download/N 200'
    ])
  })

  test('a miss resolves undefined quietly; lookupOnly reports the key without downloading', async () => {
    const ws = makeWorkspace({ 'x.txt': 'x' })
    const miss = await capture(() => cache.restoreCache([ws.payload], 'never-saved'))
    expect(miss.error).toBeUndefined()
    expect(miss.result).toBeUndefined()
    expect(miss.warnings).toEqual([])

    expect((await save(ws, 'lookup-only-key')).result).toBeGreaterThan(0)
    server.clearRequests()
    const lookup = await capture(() =>
      cache.restoreCache([ws.payload], 'lookup-only-key', [], { lookupOnly: true })
    )
    expect(lookup.result).toBe('lookup-only-key')
    expect(server.requests().map(r => r.rpc ?? r.path)).toEqual(['GetCacheEntryDownloadURL'])
  })

  test('restore keys: exact key first, then prefixes newest first, never across versions', async () => {
    const older = makeWorkspace({ 'which.txt': 'older' })
    const newer = makeWorkspace({ 'which.txt': 'newer' })
    // Same `paths` argument for every save and restore, so every entry has the same version.
    const sharedPath = path.join(tmp, 'shared-payload')
    const saveAs = async (ws: { root: string; payload: string }, key: string) => {
      fs.rmSync(sharedPath, { recursive: true, force: true })
      fs.cpSync(ws.payload, sharedPath, { recursive: true })
      process.env.GITHUB_WORKSPACE = tmp
      const r = await capture(() => cache.saveCache([sharedPath], key))
      expect(r.result).toBeGreaterThan(0)
    }
    await saveAs(older, 'deps-linux-aaa')
    await new Promise(resolve => setTimeout(resolve, 5))
    await saveAs(newer, 'deps-linux-bbb')

    const restoreInto = async (key: string, restoreKeys: string[]) => {
      const fresh = freshWorkspace()
      const r = await capture(() => cache.restoreCache([sharedPath], key, restoreKeys))
      expect(r.error).toBeUndefined()
      const file = path.join(fresh, 'shared-payload', 'which.txt')
      return {
        key: r.result,
        content: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null,
        r
      }
    }

    // Prefix restore key: the newest matching entry wins.
    const byPrefix = await restoreInto('deps-linux-ccc', ['deps-linux-'])
    expect(byPrefix).toMatchObject({ key: 'deps-linux-bbb', content: 'newer' })
    expect(infoLines(byPrefix.r)).toContain('Cache hit for restore-key: deps-linux-bbb')

    // An exact restore key beats a newer prefix match.
    const exactRestoreKey = await restoreInto('deps-linux-ccc', ['deps-linux-aaa', 'deps-'])
    expect(exactRestoreKey).toMatchObject({ key: 'deps-linux-aaa', content: 'older' })

    // The primary key itself is also matched as a prefix (GitHub's documented order).
    const primaryPrefix = await restoreInto('deps-linux-a', [])
    expect(primaryPrefix).toMatchObject({ key: 'deps-linux-aaa', content: 'older' })

    // Restore keys are tried in order.
    const ordered = await restoreInto('nope', ['nothing-', 'deps-linux-a', 'deps-'])
    expect(ordered.key).toBe('deps-linux-aaa')

    // A different `paths` list is a different version: nothing matches.
    process.env.GITHUB_WORKSPACE = tmp
    const otherVersion = await capture(() =>
      cache.restoreCache([sharedPath, path.join(tmp, 'other')], 'deps-linux-bbb', ['deps-'])
    )
    expect(otherVersion.result).toBeUndefined()
  })

  test('saving an existing key resolves -1 with an info line, not a throw or a warning', async () => {
    const ws = makeWorkspace({ 'v.txt': 'one' })
    expect((await save(ws, 'dup-key')).result).toBeGreaterThan(0)
    fs.writeFileSync(path.join(ws.payload, 'v.txt'), 'two')
    server.clearRequests()

    const again = await save(ws, 'dup-key')
    // The service answers Twirp already_exists (HTTP 409, not retried); saveCacheV2 turns it into
    // a ReserveCacheError and logs it with core.info, so no annotation and no exception.
    expect(again.error).toBeUndefined()
    expect(again.result).toBe(-1)
    expect(again.warnings).toEqual([])
    expect(infoLines(again)).toContain(
      'Failed to save: Unable to reserve cache with key dup-key, another job may be creating this cache.'
    )
    expect(server.requests().map(r => `${r.rpc} ${r.status}`)).toEqual(['CreateCacheEntry 409'])
    // The first archive is kept.
    expect(server.entries().filter(e => e.key === 'dup-key')).toHaveLength(1)
  })

  test('a read-only token (writeDenied) is a warning and -1; readDenied is a warning and a miss', async () => {
    const ws = makeWorkspace({ 'w.txt': 'w' })
    server.setFaults({ writeDenied: true })
    const denied = await save(ws, 'write-denied-key')
    expect(denied.result).toBe(-1)
    expect(denied.warnings).toEqual([
      'Failed to save: Unable to reserve cache with key write-denied-key. More details: cache write denied: token has no writable scopes'
    ])

    server.setFaults({})
    expect((await save(ws, 'read-denied-key')).result).toBeGreaterThan(0)
    server.setFaults({ readDenied: true })
    freshWorkspace()
    const readDenied = await capture(() => cache.restoreCache([ws.payload], 'read-denied-key'))
    expect(readDenied.result).toBeUndefined()
    expect(readDenied.warnings).toHaveLength(1)
    expect(readDenied.warnings[0]).toContain('cache read denied: token has no readable scopes')
  })

  test('500 on GetCacheEntryDownloadURL: 5 attempts with back-off, then a warning and a miss', async () => {
    const ws = makeWorkspace({ 'f.txt': 'f' })
    expect((await save(ws, 'url-500-key')).result).toBeGreaterThan(0)
    server.setFaults({ downloadUrlStatus: 500 })
    server.clearRequests()
    freshWorkspace()
    const r = await capture(() => cache.restoreCache([ws.payload], 'url-500-key'))
    // The Twirp client retries 500/502/503/504 five times (3 s, then ×1.5 with jitter: about
    // 25–35 s in all), then throws a plain Error; restoreCache logs it with core.warning (only an
    // HttpClientError ≥ 500 would be core.error) and resolves undefined. It never throws.
    expect(r.error).toBeUndefined()
    expect(r.result).toBeUndefined()
    expect(server.requests().filter(q => q.rpc === 'GetCacheEntryDownloadURL')).toHaveLength(5)
    expect(r.warnings).toEqual([
      'Failed to restore: Failed to GetCacheEntryDownloadURL: Failed to make request after 5 attempts: Failed request: (500) Internal Server Error: injected GetCacheEntryDownloadURL fault'
    ])
    expect(infoLines(r).filter(l => l.startsWith('Attempt '))).toHaveLength(4)
    expect(r.ms).toBeGreaterThan(20_000)
  }, 90_000)

  test('a transient 500 on CreateCacheEntry is retried after 3 s and the save succeeds', async () => {
    const ws = makeWorkspace({ 'g.txt': 'g' })
    server.setFaults({ createStatus: { status: 500, times: 1 } })
    const r = await save(ws, 'create-500-once')
    expect(r.result).toBeGreaterThan(0)
    expect(r.warnings).toEqual([])
    expect(
      infoLines(r).some(l =>
        l.startsWith('Attempt 1 of 5 failed with error: Failed request: (500)')
      )
    ).toBe(true)
    expect(r.ms).toBeGreaterThanOrEqual(2_900)
  }, 30_000)

  test('429 from the service: not retried; a rate-limit warning, then a miss / -1', async () => {
    const ws = makeWorkspace({ 'h.txt': 'h' })
    expect((await save(ws, 'rate-limited-key')).result).toBeGreaterThan(0)
    server.setFaults({ rateLimit: { retryAfterSeconds: 42 } })
    server.clearRequests()
    freshWorkspace()
    const restore = await capture(() => cache.restoreCache([ws.payload], 'rate-limited-key'))
    expect(restore.result).toBeUndefined()
    expect(restore.warnings).toEqual([
      "You've hit a rate limit, your rate limit will reset in 42 seconds",
      'Failed to restore: Failed to GetCacheEntryDownloadURL: Rate limited: Failed request: (429) Too Many Requests: rate limit exceeded'
    ])
    expect(server.requests().map(q => `${q.rpc} ${q.status}`)).toEqual([
      'GetCacheEntryDownloadURL 429'
    ])

    const saveLimited = await save(ws, 'rate-limited-save')
    // On save the RateLimitError is swallowed into a ReserveCacheError (info level).
    expect(saveLimited.result).toBe(-1)
    expect(saveLimited.warnings).toEqual([
      "You've hit a rate limit, your rate limit will reset in 42 seconds"
    ])
    expect(infoLines(saveLimited)).toContain(
      'Failed to save: Unable to reserve cache with key rate-limited-save, another job may be creating this cache.'
    )
  })

  test('a truncated download fails the restore with a warning and leaves nothing behind', async () => {
    const ws = makeWorkspace({ 'big.bin': randomBytes(300_000) })
    expect((await save(ws, 'truncated-key')).result).toBeGreaterThan(0)
    server.setFaults({ truncateDownload: true })
    const fresh = freshWorkspace()
    const r = await capture(() => cache.restoreCache([ws.payload], 'truncated-key'))
    // downloadCacheHttpClient pipes the body to a file; the dropped connection rejects the
    // pipeline ("aborted") before the Content-Length check. restoreCache warns and returns undefined.
    expect(r.error).toBeUndefined()
    expect(r.result).toBeUndefined()
    // Node reports the dropped connection as "aborted" (seen on Node 20 and 24).
    expect(r.warnings).toEqual([
      expect.stringMatching(/^Failed to restore: (aborted|.*ECONNRESET)/)
    ])
    expect(fs.readdirSync(fresh)).toEqual([])
    expect(
      server.requests().some(q => q.path.startsWith('/devstoreaccount1/download/') && q.aborted)
    ).toBe(true)
  })

  test('a corrupted download fails extraction: a warning and a miss', async () => {
    const ws = makeWorkspace({ 'c.bin': randomBytes(100_000) })
    expect((await save(ws, 'corrupt-key')).result).toBeGreaterThan(0)
    server.setFaults({ corruptDownload: true })
    freshWorkspace()
    const r = await capture(() => cache.restoreCache([ws.payload], 'corrupt-key'))
    expect(r.error).toBeUndefined()
    expect(r.result).toBeUndefined()
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(
      /^Failed to restore: .*tar.* failed with error: The process '.*tar' failed with exit code/
    )
  })

  test('a 404 on the archive URL is not status-checked: the error body fails extraction', async () => {
    const ws = makeWorkspace({ 'd.txt': 'd' })
    expect((await save(ws, 'download-404-key')).result).toBeGreaterThan(0)
    server.setFaults({ downloadStatus: 404 })
    freshWorkspace()
    const r = await capture(() => cache.restoreCache([ws.payload], 'download-404-key'))
    expect(r.result).toBeUndefined()
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/tar.* failed with error/)

    // A 500 on the download is reported as such (http-client retry: 500 is not retryable).
    server.setFaults({ downloadStatus: 500 })
    const r500 = await capture(() => cache.restoreCache([ws.payload], 'download-404-key'))
    expect(r500.result).toBeUndefined()
    expect(r500.warnings).toEqual([
      'Failed to restore: downloadCache failed: Cache service responded with 500'
    ])
  })

  test('service down (connections reset): restore warns and misses, save logs info and returns -1', async () => {
    const ws = makeWorkspace({ 'e.txt': 'e' })
    server.setFaults({ down: true })
    freshWorkspace()
    const restore = await capture(() => cache.restoreCache([ws.payload], 'down-key'))
    expect(restore.result).toBeUndefined()
    expect(restore.warnings).toHaveLength(1)
    expect(restore.warnings[0]).toContain(
      'Failed to GetCacheEntryDownloadURL: Unable to make request: ECONNRESET'
    )

    const saved = await save(ws, 'down-key')
    expect(saved.error).toBeUndefined()
    expect(saved.result).toBe(-1)
    expect(saved.warnings).toEqual([])
    expect(infoLines(saved)).toContain(
      'Failed to save: Unable to reserve cache with key down-key, another job may be creating this cache.'
    )
    expect(server.requests().filter(q => q.status === 0).length).toBeGreaterThanOrEqual(2)
  })

  test('blob upload errors: 403 warns and returns -1 (reservation left open); one 500 is retried by the SDK', async () => {
    const ws = makeWorkspace({ 'u.txt': 'u' })
    server.setFaults({ blobUploadStatus: 403 })
    const denied = await save(ws, 'blob-403-key')
    expect(denied.result).toBe(-1)
    expect(denied.warnings.length).toBe(2)
    expect(denied.warnings[0]).toMatch(
      /^uploadCacheArchiveSDK: internal error uploading cache archive: Injected blob upload fault/
    )
    expect(denied.warnings[1]).toMatch(/^Failed to save: Injected blob upload fault/)
    expect(server.entries().find(e => e.key === 'blob-403-key')).toMatchObject({ finalized: false })
    // The unfinished reservation blocks the key like a concurrent job would.
    server.setFaults({})
    expect((await save(ws, 'blob-403-key')).result).toBe(-1)

    server.setFaults({ blobUploadStatus: { status: 500, times: 1 } })
    server.clearRequests()
    const retried = await save(ws, 'blob-500-once')
    expect(retried.result).toBeGreaterThan(0)
    expect(retried.warnings).toEqual([])
    expect(
      server
        .requests()
        .filter(q => q.method === 'PUT')
        .map(q => q.status)
    ).toEqual([500, 201])
  })

  test('finalize failures: a 404 is a warning and -1', async () => {
    const ws = makeWorkspace({ 'z.txt': 'z' })
    server.setFaults({ finalizeStatus: 404 })
    const r = await save(ws, 'finalize-404-key')
    expect(r.result).toBe(-1)
    expect(r.warnings).toEqual([
      'Failed to save: Failed to FinalizeCacheEntryUpload: Received non-retryable error: Failed request: (404) Not Found: injected FinalizeCacheEntryUpload fault'
    ])
  })

  test('delayMs slows every response but the round trip still works', async () => {
    const ws = makeWorkspace({ 's.txt': 'slow' })
    expect((await save(ws, 'slow-key')).result).toBeGreaterThan(0)
    server.setFaults({ delayMs: 250 })
    const fresh = freshWorkspace()
    const r = await capture(() => cache.restoreCache([ws.payload], 'slow-key'))
    expect(r.result).toBe('slow-key')
    expect(r.ms).toBeGreaterThanOrEqual(500) // two requests: download URL + archive
    expect(fs.readFileSync(path.join(fresh, 'payload', 's.txt'), 'utf8')).toBe('slow')
  })

  test('Azure block uploads (Put Block + Put Block List) and ranged downloads', async () => {
    const twirp = async (method: string, body: unknown) => {
      const res = await fetch(
        `${server.url}/twirp/github.actions.results.api.v1.CacheService/${method}`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${server.token}`
          },
          body: JSON.stringify(body)
        }
      )
      return { status: res.status, json: (await res.json()) as Record<string, unknown> }
    }
    const version = 'f'.repeat(64)
    const created = await twirp('CreateCacheEntry', { key: 'blocks-key', version })
    expect(created.status).toBe(200)
    expect(created.json.ok).toBe(true)
    const uploadUrl = String(created.json.signed_upload_url)
    expect(new URL(uploadUrl).pathname.split('/').filter(Boolean)).toHaveLength(3)

    const payload = randomBytes(10_000)
    const client = new BlockBlobClient(uploadUrl)
    await client.uploadData(payload, { blockSize: 1024, maxSingleShotSize: 1024, concurrency: 4 })
    const puts = server
      .requests()
      .filter(r => r.method === 'PUT' && r.path === new URL(uploadUrl).pathname)
    expect(puts).toHaveLength(11) // 10 blocks + the block list

    // Wrong size → ok:false with a message; right size → finalized.
    expect(
      (await twirp('FinalizeCacheEntryUpload', { key: 'blocks-key', version, size_bytes: '1' }))
        .json.ok
    ).toBe(false)
    const fin = await twirp('FinalizeCacheEntryUpload', {
      key: 'blocks-key',
      version,
      size_bytes: String(payload.length)
    })
    expect(fin.json).toMatchObject({ ok: true })
    const id = Number(fin.json.entry_id)
    expect(server.entryData(id)?.equals(payload)).toBe(true)

    const url = await twirp('GetCacheEntryDownloadURL', {
      key: 'blocks-key',
      restore_keys: [],
      version
    })
    expect(url.json).toMatchObject({ ok: true, matched_key: 'blocks-key' })
    const downloadUrl = String(url.json.signed_download_url)
    const ranged = await fetch(downloadUrl, { headers: { Range: 'bytes=100-199' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${payload.length}`)
    expect(Buffer.from(await ranged.arrayBuffer()).equals(payload.subarray(100, 200))).toBe(true)
    const head = await fetch(downloadUrl, { method: 'HEAD' })
    expect(head.headers.get('content-length')).toBe(String(payload.length))

    // Signatures are checked.
    const forged = new URL(downloadUrl)
    forged.searchParams.set('sig', 'forged')
    expect((await fetch(forged)).status).toBe(403)
    expect((await twirp('GetCacheEntryDownloadURL', { key: 'x', version: '' })).status).toBe(400)
    const unauthenticated = await fetch(
      `${server.url}/twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }
    )
    expect(unauthenticated.status).toBe(401)
  })

  test('storageDir keeps entries across server restarts', async () => {
    const storageDir = path.join(tmp, 'storage')
    const first = await startActionsCacheServer({ storageDir, token: 'persist-token' })
    try {
      Object.assign(process.env, first.env)
      const ws = makeWorkspace({ 'p.txt': 'persisted' })
      expect((await save(ws, 'persisted-key')).result).toBeGreaterThan(0)
      await first.stop()

      const second = await startActionsCacheServer({ storageDir, token: 'persist-token' })
      try {
        Object.assign(process.env, second.env)
        expect(second.entries().map(e => e.key)).toEqual(['persisted-key'])
        const fresh = freshWorkspace()
        const r = await capture(() => cache.restoreCache([ws.payload], 'persisted-key'))
        expect(r.result).toBe('persisted-key')
        expect(fs.readFileSync(path.join(fresh, 'payload', 'p.txt'), 'utf8')).toBe('persisted')
      } finally {
        await second.stop()
      }
    } finally {
      await first.stop()
      Object.assign(process.env, server.env)
    }
  })
})

describe('github-api-server with the real @actions/github Octokit', () => {
  const owner = 'octo-org'
  const repo = 'octo-repo'
  let server: GitHubApiServer

  beforeAll(async () => {
    server = await startGitHubApiServer({
      repo: `${owner}/${repo}`,
      readOnlyTokens: ['fork-token']
    })
  })

  afterEach(() => {
    server.setFaults({})
  })

  afterAll(async () => {
    await server?.stop()
  })

  test('paginate walks Link rel="next" across pages (> 100 comments)', async () => {
    const seeded = server.seedComments(
      7,
      Array.from({ length: 150 }, (_, i) =>
        i % 10 === 0
          ? { body: `human ${i}`, user: { login: 'octocat', type: 'User' as const } }
          : `bot ${i}`
      )
    )
    const octokit = getOctokit('any-token', { baseUrl: server.url })

    const first = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 7,
      per_page: 100
    })
    expect(first.data).toHaveLength(100)
    expect(first.headers.link).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/repositories\/\d+\/issues\/7\/comments\?per_page=100&page=2>; rel="next", <[^>]+page=2>; rel="last"$/
    )

    server.clearRequests()
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: 7,
      per_page: 100
    })
    expect(all.map(c => c.id)).toEqual(seeded.map(c => c.id))
    expect(all[0]).toMatchObject({ body: 'human 0', user: { login: 'octocat', type: 'User' } })
    expect(all[1]).toMatchObject({
      body: 'bot 1',
      user: { login: 'github-actions[bot]', type: 'Bot' }
    })
    expect(server.requests().map(r => r.path)).toEqual([
      `/repos/${owner}/${repo}/issues/7/comments`,
      expect.stringMatching(/^\/repositories\/\d+\/issues\/7\/comments$/)
    ])

    // Default page size is 30: five pages, middle pages carry prev/next/last/first.
    const third = await octokit.rest.issues.listComments({ owner, repo, issue_number: 7, page: 3 })
    expect(third.data).toHaveLength(30)
    const rels = [...String(third.headers.link).matchAll(/rel="(\w+)"/g)].map(m => m[1])
    expect(rels).toEqual(['prev', 'next', 'last', 'first'])
    expect(
      await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: 7 })
    ).toHaveLength(150)

    // An issue without comments: an empty page and no Link header.
    const none = await octokit.rest.issues.listComments({ owner, repo, issue_number: 8 })
    expect(none.data).toEqual([])
    expect(none.headers.link).toBeUndefined()
  })

  test('create and update a comment', async () => {
    const octokit = getOctokit('writer-token', { baseUrl: server.url })
    const created = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 11,
      body: '<!-- some-cabal2nix -->\nfirst'
    })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({
      body: '<!-- some-cabal2nix -->\nfirst',
      user: { login: 'github-actions[bot]', type: 'Bot' },
      html_url: `https://github.com/${owner}/${repo}/pull/11#issuecomment-${created.data.id}`
    })
    expect(created.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    const updated = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: created.data.id,
      body: '<!-- some-cabal2nix -->\nsecond'
    })
    expect(updated.status).toBe(200)
    expect(updated.data.body).toBe('<!-- some-cabal2nix -->\nsecond')
    expect(updated.data.updated_at >= updated.data.created_at).toBe(true)
    expect(server.comments(11).map(c => c.body)).toEqual(['<!-- some-cabal2nix -->\nsecond'])

    await expect(
      octokit.rest.issues.updateComment({ owner, repo, comment_id: 999, body: 'x' })
    ).rejects.toMatchObject({ status: 404 })
  })

  test('a read-only (fork PR) token can read but gets 403 on writes', async () => {
    const [mine] = server.seedComments(12, ['existing'])
    const octokit = getOctokit('fork-token', { baseUrl: server.url })
    const listed = await octokit.rest.issues.listComments({ owner, repo, issue_number: 12 })
    expect(listed.data.map(c => c.body)).toEqual(['existing'])
    await expect(
      octokit.rest.issues.createComment({ owner, repo, issue_number: 12, body: 'x' })
    ).rejects.toMatchObject({
      status: 403,
      message:
        'Resource not accessible by integration - https://docs.github.com/rest/issues/comments#create-an-issue-comment'
    })
    await expect(
      octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: 'x' })
    ).rejects.toMatchObject({ status: 403 })
    expect(server.comments(12).map(c => c.body)).toEqual(['existing'])
  })

  test('bodies over 65536 characters get 422 like GitHub', async () => {
    const octokit = getOctokit('writer-token', { baseUrl: server.url })
    await expect(
      octokit.rest.issues.createComment({ owner, repo, issue_number: 13, body: 'x'.repeat(65537) })
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Body is too long (maximum is 65536 characters)')
    })
    const ok = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 13,
      body: 'x'.repeat(65536)
    })
    expect(ok.status).toBe(201)
    await expect(
      octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: ok.data.id,
        body: 'y'.repeat(70000)
      })
    ).rejects.toMatchObject({ status: 422 })
  })

  test('faults, auth and the other endpoints', async () => {
    const octokit = getOctokit('writer-token', { baseUrl: server.url })
    server.setFaults({ getStatus: { status: 500, times: 1 }, postStatus: 403 })
    await expect(
      octokit.rest.issues.listComments({ owner, repo, issue_number: 14 })
    ).rejects.toMatchObject({
      status: 500
    })
    expect((await octokit.rest.issues.listComments({ owner, repo, issue_number: 14 })).status).toBe(
      200
    )
    await expect(
      octokit.rest.issues.createComment({ owner, repo, issue_number: 14, body: 'x' })
    ).rejects.toMatchObject({ status: 403 })

    server.setFaults({ delayMs: 200 })
    const started = Date.now()
    await octokit.rest.issues.listComments({ owner, repo, issue_number: 14 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    server.setFaults({})

    // GITHUB_TOKEN-like bot tokens cannot read /user.
    await expect(octokit.rest.users.getAuthenticated()).rejects.toMatchObject({ status: 403 })
    const pull = await octokit.rest.pulls.get({ owner, repo, pull_number: 14 })
    expect(pull.data).toMatchObject({ number: 14, state: 'open', base: { ref: 'main' } })
    expect(pull.data.head.sha).toMatch(/^[0-9a-f]{40}$/)
    await expect(
      octokit.rest.issues.listComments({ owner, repo: 'elsewhere', issue_number: 1 })
    ).rejects.toMatchObject({ status: 404 })

    const strict = await startGitHubApiServer({
      tokens: { 'pat-1': { login: 'octocat', type: 'User' } }
    })
    try {
      const good = getOctokit('pat-1', { baseUrl: strict.url })
      expect((await good.rest.users.getAuthenticated()).data).toMatchObject({
        login: 'octocat',
        type: 'User'
      })
      const created = await good.rest.issues.createComment({
        owner: 'a',
        repo: 'b',
        issue_number: 1,
        body: 'hi'
      })
      expect(created.data.user?.login).toBe('octocat')
      const bad = getOctokit('nope', { baseUrl: strict.url })
      await expect(
        bad.rest.issues.listComments({ owner: 'a', repo: 'b', issue_number: 1 })
      ).rejects.toMatchObject({
        status: 401
      })
      expect(strict.requests().map(r => r.user ?? null)).toEqual(['octocat', 'octocat', null])
    } finally {
      await strict.stop()
    }
  })
})

describe('static-server', () => {
  let dir: string
  let server: StaticServer

  /** Raw request, so `..` reaches the server unnormalised (fetch would resolve it). */
  function raw(
    method: string,
    rawPath: string
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const { port } = new URL(server.url)
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: Number(port), method, path: rawPath },
        res => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks)
            })
          )
        }
      )
      req.on('error', reject)
      req.end()
    })
  }

  beforeAll(async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'static-server-test-'))
    dir = path.join(base, 'cache')
    fs.mkdirSync(path.join(dir, 'nar'), { recursive: true })
    fs.writeFileSync(
      path.join(dir, 'nix-cache-info'),
      'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n'
    )
    fs.writeFileSync(
      path.join(dir, 'abc.narinfo'),
      'StorePath: /nix/store/abc-x\nURL: nar/abc.nar.zst\n'
    )
    fs.writeFileSync(path.join(dir, 'nar', 'abc.nar.zst'), randomBytes(70_000))
    fs.writeFileSync(path.join(base, 'secret'), 'outside')
    fs.symlinkSync(path.join(base, 'secret'), path.join(dir, 'escape'))
    server = await startStaticServer(dir)
  })

  afterAll(async () => {
    await server?.stop()
    fs.rmSync(path.dirname(dir), { recursive: true, force: true })
  })

  test('serves files with the right Content-Length, HEAD without a body', async () => {
    const info = await fetch(`${server.url}/nix-cache-info`)
    expect(info.status).toBe(200)
    expect(await info.text()).toContain('StoreDir: /nix/store')
    const nar = await raw('GET', '/nar/abc.nar.zst')
    expect(nar.status).toBe(200)
    expect(nar.headers['content-length']).toBe('70000')
    expect(nar.body.equals(fs.readFileSync(path.join(dir, 'nar', 'abc.nar.zst')))).toBe(true)
    const head = await raw('HEAD', '/abc.narinfo')
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(
      String(fs.statSync(path.join(dir, 'abc.narinfo')).size)
    )
    expect(head.body.length).toBe(0)
  })

  test('404 for missing files and directories, no traversal, read-only', async () => {
    expect((await raw('GET', '/missing.narinfo')).status).toBe(404)
    expect((await raw('GET', '/')).status).toBe(404)
    expect((await raw('GET', '/nar/')).status).toBe(404)
    expect((await raw('GET', '/../secret')).status).toBe(404)
    expect((await raw('GET', '/nar/../../secret')).status).toBe(404)
    expect((await raw('GET', '/%2e%2e/secret')).status).toBe(404)
    expect((await raw('GET', '/escape')).status).toBe(404)
    expect((await raw('PUT', '/abc.narinfo')).status).toBe(405)
    expect(server.requests().filter(r => r.status === 404).length).toBeGreaterThanOrEqual(7)
  })
})

describe('otlp-server span tree', () => {
  const span = (
    spanId: string,
    name: string,
    startMs: number,
    endMs: number,
    parentSpanId?: string,
    attributes: Record<string, unknown> = {}
  ): ReceivedSpan => ({
    spanId,
    parentSpanId,
    name,
    startNs: BigInt(startMs) * 1_000_000n,
    endNs: BigInt(endMs) * 1_000_000n,
    attributes,
    status: 0,
    resource: {}
  })

  test('children indented under their parent in start order, with ms and what each span is', () => {
    const lines = spanTreeLines([
      span('b', 'build app', 20, 60, 'p', { 'some_cabal2nix.kind': 'build' }),
      span('m', 'main build', 0, 100, 'r', { 'some_cabal2nix.audit.evidence': 'observed' }),
      span('i', 'installPhase', 40, 60, 'b'),
      span('u', 'unpackPhase', 20, 40, 'b'),
      span('p', 'nix process 1', 5, 95, 'm'),
      span('d', 'download x.nar.zst', 70, 80, 'p', { 'nix.bytes': 12 }),
      span('o', 'orphan', 1, 2, 'gone')
    ])
    expect(lines).toEqual([
      'main build  100 ms  [observed]',
      '  nix process 1  90 ms',
      '    build app  40 ms  [build]',
      '      unpackPhase  20 ms',
      '      installPhase  20 ms',
      '    download x.nar.zst  10 ms  [12 bytes]',
      'orphan  1 ms'
    ])
  })
})

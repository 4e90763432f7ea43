/**
 * Service faults and concurrency: every case ends in the correct batch (a warning and a build, or
 * a clean no-op), and nothing corrupt is ever imported into the store or published.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import {
  startActionsCacheServer,
  type ActionsCacheServer
} from '../testing/servers/actions-cache-server.mjs'
import { saveBatch, writeMetadata } from '../src/action/cache.js'
import { pushToBinaryCaches } from '../src/action/push.js'
import {
  PACKAGES,
  cacheEnv,
  coldRunSaved,
  createScenario,
  deleteFromStore,
  expectGreen,
  runMain,
  type Scenario
} from './support/action.js'
import { tempDir } from './support/files.js'
import { describeWithNix, readCabal2nixLog, run } from './support/nix.js'

describeWithNix('Actions cache faults, seen from the Action', () => {
  let s: Scenario
  let server: ActionsCacheServer
  let storePath: string
  let key: string

  beforeAll(async () => {
    const saved = await coldRunSaved('faults', PACKAGES.slice(0, 5))
    ;({ s, server } = saved)
    const { cold } = saved
    storePath = cold.outputs['store-path']
    key = cold.outputs['cache-key']
  }, 300_000)
  afterAll(() => server?.stop())

  async function runWithFaults(faults: Parameters<ActionsCacheServer['setFaults']>[0]) {
    await deleteFromStore(s, storePath)
    server.setFaults(faults)
    try {
      return await runMain(s, {}, cacheEnv(server, s))
    } finally {
      server.setFaults({})
    }
  }

  async function expectIntactBatch() {
    const verify = await run('nix-store', ['--verify-path', storePath], { env: s.ws.nix.env })
    expect(verify.code).toBe(0)
    const manifest = JSON.parse(await readFile(path.join(storePath, 'manifest.json'), 'utf8'))
    expect(manifest.packages).toHaveLength(5)
  }

  test('429 with Retry-After: a warning, a correct build, green', async () => {
    const result = await runWithFaults({ rateLimit: { retryAfterSeconds: 30 } })
    expectGreen(result)
    expect(result.outputs).toMatchObject({ source: 'built', 'store-path': storePath })
    expect(result.warnings.join('\n')).toMatch(/rate limit/i)
    await expectIntactBatch()
  })

  test('slow responses: still restored from the cache', async () => {
    const result = await runWithFaults({ delayMs: 800 })
    expectGreen(result)
    expect(result.outputs).toMatchObject({ source: 'actions-cache', 'store-path': storePath })
    await expectIntactBatch()
  })

  test('a truncated download: a warning, nothing imported from it, a correct build', async () => {
    const result = await runWithFaults({ truncateDownload: true })
    expectGreen(result)
    expect(result.outputs).toMatchObject({ source: 'built', 'store-path': storePath })
    expect(result.warnings.length).toBeGreaterThan(0)
    expect(result.log).not.toMatch(/^imported /m)
    await expectIntactBatch()
  })

  test('a 5xx on the archive download: a warning, a correct build', async () => {
    const result = await runWithFaults({ downloadStatus: 500 })
    expectGreen(result)
    expect(result.outputs).toMatchObject({ source: 'built', 'store-path': storePath })
    expect(result.warnings.join('\n')).toMatch(/500/)
    await expectIntactBatch()
  })

  test('the save is refused (read-only cache token): a warning, green', async () => {
    await writeFile(path.join(s.workspace, 'overrides.nix'), '{ zlib = "0.7.1.1"; }\n')
    try {
      server.setFaults({ writeDenied: true })
      const result = await runMain(s, {}, cacheEnv(server, s))
      expectGreen(result)
      expect(result.outputs.source).toBe('built')
      expect(result.warnings.join('\n')).toMatch(/did not store|cache/i)
      expect(server.entries().map(e => e.key)).not.toContain(result.outputs['cache-key'])
    } finally {
      server.setFaults({})
    }
  })

  test('the cache key has the documented form: prefix-platform-digest', () => {
    expect(key).toMatch(/^some-cabal2nix-linux-x64-[0-9a-f]{32}$/)
  })
})

describeWithNix('two jobs at once', () => {
  let s: Scenario
  let server: ActionsCacheServer
  let storePath: string
  const saved = { ...process.env }

  beforeAll(async () => {
    s = await createScenario('concurrent', PACKAGES.slice(0, 3))
    const built = await runMain(s, { 'use-actions-cache': 'false' })
    expectGreen(built)
    storePath = built.outputs['store-path']
    server = await startActionsCacheServer()
    Object.assign(process.env, server.env, { GITHUB_WORKSPACE: s.workspace })
  }, 300_000)
  afterAll(async () => {
    process.env = saved
    await server?.stop()
  })

  test('saving the same key: one wins, the other is a no-op with a warning, neither throws', async () => {
    const dir = path.join(await tempDir('same-key'), 'cache')
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'batch.nar-export'), 'export bytes')
    await writeMetadata(dir, {
      format: 1,
      key: 'k',
      outPath: storePath,
      exportSha256: 'x',
      packages: []
    })
    const key = `some-cabal2nix-concurrent-${Date.now()}`
    const results = await Promise.all([saveBatch(dir, key), saveBatch(dir, key)])
    expect(results.filter(r => r.saved)).toHaveLength(1)
    expect(results.find(r => !r.saved)?.warning).toMatch(/did not store|already/)
    expect(server.entries().filter(e => e.key === key && e.finalized)).toHaveLength(1)
  })

  test('pushing the same path to the same binary cache: both succeed, the cache is valid', async () => {
    const target = `file://${path.join(s.ws.dir, 'shared-cache')}`
    const env = s.ws.nix.env
    const [a, b] = await Promise.all([
      pushToBinaryCaches(storePath, [target], { env }),
      pushToBinaryCaches(storePath, [target], { env })
    ])
    for (const result of [...a, ...b])
      expect(['pushed', 'already-present']).toContain(result.status)
    const check = await run('nix', ['path-info', '--store', target, storePath], { env })
    expect(check.code).toBe(0)
    expect(await readCabal2nixLog(s.ws.cabal2nixLog)).toHaveLength(3)
  })
})

/** An HTTP binary cache that takes NAR uploads but refuses the .narinfo: a push failing midway. */
async function startCacheFailingAtNarinfo() {
  const stored = new Map<string, Buffer>()
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0]
    if (req.method === 'PUT') {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        if (url.endsWith('.narinfo'))
          return res.writeHead(500, { connection: 'close' }).end('disk full')
        stored.set(url, Buffer.concat(chunks))
        res.writeHead(200).end()
      })
      return
    }
    const body = url === '/nix-cache-info' ? Buffer.from('StoreDir: /nix/store\n') : stored.get(url)
    if (body)
      res
        .writeHead(200, { 'content-length': body.length })
        .end(req.method === 'HEAD' ? undefined : body)
    else res.writeHead(404).end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stored,
    stop: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}

describeWithNix('a binary cache push failing midway', () => {
  let s: Scenario
  let conf: string
  beforeAll(async () => {
    s = await createScenario('midway', PACKAGES.slice(0, 2))
    conf = await tempDir('nix-conf-midway')
    // One attempt per upload keeps the test short; Nix retries with back-off by default.
    await writeFile(
      path.join(conf, 'nix.conf'),
      (await readFile(path.join(s.ws.nix.confDir, 'nix.conf'), 'utf8')) + 'download-attempts = 1\n'
    )
  }, 300_000)

  test('NAR uploaded, narinfo refused: a warning, and the cache does not offer the path', async () => {
    const cache = await startCacheFailingAtNarinfo()
    try {
      const lenient = await runMain(
        s,
        { 'use-actions-cache': 'false', 'binary-caches': cache.url },
        { NIX_CONF_DIR: conf }
      )
      expectGreen(lenient)
      expect(lenient.warnings.join('\n')).toMatch(
        /^push failed for http:\/\/127\.0\.0\.1:\d+ \(.*narinfo.*\)/m
      )
      expect([...cache.stored.keys()].some(k => k.startsWith('/nar/'))).toBe(true)
      expect([...cache.stored.keys()].some(k => k.endsWith('.narinfo'))).toBe(false)
      const offered = await run(
        'nix',
        ['path-info', '--store', cache.url, lenient.outputs['store-path']],
        {
          env: { ...s.ws.nix.env, NIX_CONF_DIR: conf }
        }
      )
      expect(offered.code).not.toBe(0)

      const strict = await runMain(
        s,
        { 'use-actions-cache': 'false', 'binary-caches': cache.url, 'fail-on-push-error': 'true' },
        { NIX_CONF_DIR: conf }
      )
      expect(strict.code).toBe(1)
      expect(strict.errors[0]).toMatch(/^error: push failed for http:\/\/127\.0\.0\.1:\d+/)
    } finally {
      await cache.stop()
    }
  })
})

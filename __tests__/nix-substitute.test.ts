/**
 * The batch is an ordinary substitutable store path: pushed to a signed binary cache, served over
 * loopback HTTP, a fresh store evaluating the same project downloads it instead of building it.
 */
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { startStaticServer, type StaticServer } from '../testing/servers/static-server.mjs'
import {
  copyToBinaryCache,
  createNixWorkspace,
  describeWithNix,
  evalProject,
  generateCacheKey,
  projectArgs,
  readCabal2nixLog,
  type NixWorkspace
} from './support/nix.js'

interface ProjectResult {
  packages: Record<string, Record<string, unknown>>
  derivers: Record<string, string>
  batch: { drv: string; out: string }
}

function failureText(result: { code: number | null; stderr: string }): string {
  return `exit ${result.code}\n${result.stderr.split('\n').slice(-30).join('\n')}`
}

describeWithNix('Nix library: the batch comes from a binary cache (real Nix)', () => {
  let ws: NixWorkspace
  let server: StaticServer | undefined

  beforeAll(async () => {
    ws = await createNixWorkspace('substitute')
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
  })

  test('(c) a fresh store substitutes the batch from a signed cache on 127.0.0.1; the builder never runs', async () => {
    // Build once in the local store, then push the batch (only it: it has no references).
    const built = await evalProject(ws.nix, { mode: 'overlay', ...projectArgs(ws) })
    expect(built.code === 0 ? '' : failureText(built)).toBe('')
    const original = built.json as ProjectResult
    expect(built.builds).toEqual([original.batch.drv])
    const runsWhenBuilt = (await readCabal2nixLog(ws.cabal2nixLog)).length
    expect(runsWhenBuilt).toBe(Object.keys(original.packages).length)

    const cacheDir = path.join(ws.dir, 'binary-cache')
    const key = await generateCacheKey(ws.nix, path.join(ws.dir, 'keys'))
    await copyToBinaryCache(ws.nix, cacheDir, key.secretKeyFile, [original.batch.out])
    const narinfos = (await readdir(cacheDir)).filter(f => f.endsWith('.narinfo'))
    expect(narinfos).toEqual([`${path.basename(original.batch.out).slice(0, 32)}.narinfo`])
    const narinfo = await readFile(path.join(cacheDir, narinfos[0]), 'utf8')
    expect(narinfo).toMatch(/^References: *$/m)
    expect(narinfo).toMatch(/^Compression: zstd$/m)
    expect(narinfo).toMatch(/^Sig: some-cabal2nix-test-1:/m)
    server = await startStaticServer(cacheDir)

    // A brand-new store (a chroot store under the workspace): it has nothing, not even the sources.
    const freshStore = path.join(ws.dir, 'fresh-store')
    expect(existsSync(freshStore)).toBe(false)
    const fresh = await evalProject(ws.nix, {
      mode: 'overlay',
      ...projectArgs(ws),
      store: freshStore,
      substituters: server.url,
      trustedPublicKeys: key.publicKey
    })
    expect(fresh.code === 0 ? '' : failureText(fresh)).toBe('')
    const result = fresh.json as ProjectResult

    expect(result.batch).toEqual(original.batch)
    expect(fresh.builds).toEqual([])
    expect(fresh.substituted).toEqual([{ path: original.batch.out, from: server.url }])
    expect(existsSync(path.join(freshStore, original.batch.out))).toBe(true)
    // cabal2nix never ran again, so the builder did not run.
    expect((await readCabal2nixLog(ws.cabal2nixLog)).length).toBe(runsWhenBuilt)
    expect(server.requests().some(r => r.path.endsWith('.narinfo') && r.status === 200)).toBe(true)
    expect(server.requests().some(r => r.path.startsWith('/nar/') && r.status === 200)).toBe(true)
    // And every package evaluates exactly as it did from the locally built batch.
    expect(result.packages).toEqual(original.packages)
  }, 120_000)
})

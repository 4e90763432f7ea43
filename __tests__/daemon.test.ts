/**
 * The Action with multi-user Nix: a `nix-daemon` started by the test on a socket of its own, and
 * dist/index.js + dist/post.js run as an ordinary user, once in trusted-users and once not. With
 * the untrusted user nothing may go red: whatever needs trust falls back with one warning that
 * says what to configure. Poisoned Actions cache entries (valid digest with wrong content, a
 * signature by another key) are never imported or pushed.
 * The daemon's wording differs between Nix versions ("lacks a valid signature" on 2.8, "lacks a
 * signature by a trusted key" on 2.34), so the patterns accept both.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import {
  startActionsCacheServer,
  type ActionsCacheServer
} from '../testing/servers/actions-cache-server.mjs'
import { startStaticServer, type StaticServer } from '../testing/servers/static-server.mjs'
import {
  PACKAGES,
  cacheEnv,
  createRunner,
  createScenario,
  deleteFromStore,
  expectGreen,
  type Scenario
} from './support/action.js'
import {
  chownTree,
  daemonUnavailable,
  ensureUser,
  startDaemon,
  type NixDaemon,
  type TestUser
} from './support/daemon.js'
import { tempDir } from './support/files.js'
import { warnSkipped } from './support/skip.js'
import { generateCacheKey, nix, readCabal2nixLog, run } from './support/nix.js'
import {
  alterContent,
  alterExportEntry,
  alterSignedEntry,
  rewriteCacheEntry
} from './support/poison.js'
import type { StepResult } from './support/runner.js'

const unavailable = nix.available ? daemonUnavailable() : 'Nix is not installed'

function describeWithDaemon(name: string, body: () => void): void {
  if (!unavailable) return describe(name, body)
  if (process.env.CI) {
    return describe(name, () => {
      test('needs root, nix-daemon and useradd', () => {
        throw new Error(`the daemon tests must run in CI, but ${unavailable}`)
      })
    })
  }
  warnSkipped(name, unavailable)
  describe.skip(name, body)
}

const USERS = [
  { label: 'trusted', name: 'scn-nix-trusted', trusted: true },
  { label: 'untrusted', name: 'scn-nix-untrusted', trusted: false }
]

async function secretKey(s: Scenario, name: string) {
  const keys = await generateCacheKey(s.ws.nix, path.join(s.ws.dir, name), `${name}-1`)
  return { secret: (await readFile(keys.secretKeyFile, 'utf8')).trim(), public: keys.publicKey }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(p)))
    else out.push(p)
  }
  return out
}

/** Whether any file of the store path has the poisoned content (alterContent's change). */
async function poisoned(storePath: string): Promise<boolean> {
  for (const file of await filesUnder(storePath))
    if (
      (await readFile(file, 'latin1')).includes(
        alterContent(Buffer.from('mkDerivation')).toString()
      )
    )
      return true
  return false
}

describeWithDaemon('the Action with the Nix daemon', () => {
  describe.each(USERS)('as a user $label in trusted-users', ({ label, name, trusted }) => {
    let s: Scenario
    let daemon: NixDaemon
    let server: ActionsCacheServer
    let storage: string
    let httpCache: StaticServer
    let substituter: StaticServer
    let env: Record<string, string>
    let other: { secret: string; public: string }
    let attacker: { secret: string; public: string }
    let storePath: string

    beforeAll(async () => {
      const user = ensureUser(name)
      s = await createScenario(`daemon-${label}`, PACKAGES.slice(0, 6))
      s.user = user
      other = await secretKey(s, 'other')
      attacker = await secretKey(s, 'attacker')
      storage = path.join(s.ws.dir, 'actions-cache')
      server = await startActionsCacheServer({ storageDir: storage })
      for (const dir of [s.binaryCacheDir, path.join(s.ws.dir, 'http-cache')])
        await mkdir(dir, { recursive: true })
      httpCache = await startStaticServer(path.join(s.ws.dir, 'http-cache'), { writable: true })
      substituter = await startStaticServer(s.binaryCacheDir)
      daemon = await startDaemon(await tempDir(`daemon-${label}`), {
        trustedUsers: trusted ? [name] : [],
        trustedPublicKeys: [s.publicKey],
        trustedSubstituters: [substituter.url]
      })
      env = await daemon.clientEnv(user, path.join(s.ws.dir, 'client'))
      await chownTree(s.ws.dir, user)
    }, 300_000)
    afterAll(async () => {
      await daemon?.stop()
      await server?.stop()
      await httpCache?.stop()
      await substituter?.stop()
    })

    async function job(inputs: Record<string, string>, extra: Record<string, string> = {}) {
      return createRunner(s, inputs, { ...cacheEnv(server, s), ...env, ...extra })
    }
    async function main(inputs: Record<string, string>, extra: Record<string, string> = {}) {
      const result = await (await job(inputs, extra)).runMain()
      expectGreen(result)
      return result
    }
    /** A fresh runner: the batch is not in the store. */
    async function freshRunner() {
      if (existsSync(storePath)) await deleteFromStore(s, storePath)
    }
    /** Someone with write access to the Actions cache edits an entry; the service restarts. */
    async function poison(key: string, edit: Parameters<typeof rewriteCacheEntry>[2]) {
      await server.stop()
      await rewriteCacheEntry(storage, key, edit)
      server = await startActionsCacheServer({ storageDir: storage })
    }
    function expectOneWarning(result: StepResult, pattern: RegExp) {
      expect(result.warnings).toHaveLength(1)
      expect(result.warnings[0]).toMatch(pattern)
    }
    async function expectBuiltGenuine(result: StepResult) {
      expect(result.outputs).toMatchObject({ source: 'built', 'store-path': storePath })
      expect(await poisoned(storePath)).toBe(false)
      const verify = await run('nix-store', ['--verify-path', storePath], { env: s.ws.nix.env })
      expect(verify.code).toBe(0)
    }

    test('cold: build, push signed to file:// and loopback HTTP, save a signed entry; post green', async () => {
      const runner = await job({
        'signing-key': s.secretKey,
        'binary-caches': `file://${s.binaryCacheDir}?compression=zstd ${httpCache.url}?compression=zstd`
      })
      const cold = await runner.runMain()
      expectGreen(cold)
      expect(cold.outputs).toMatchObject({ source: 'built', rebuilt: 'true' })
      expect(cold.warnings).toEqual([])
      storePath = cold.outputs['store-path']
      const narinfo = `${path.basename(storePath).slice(0, 32)}.narinfo`
      for (const dir of [s.binaryCacheDir, path.join(s.ws.dir, 'http-cache')]) {
        expect(await readFile(path.join(dir, narinfo), 'utf8')).toMatch(
          new RegExp(`^Sig: ${s.publicKey.split(':')[0]}:`, 'm')
        )
      }
      expect(server.entries().map(e => e.key)).toEqual([cold.outputs['cache-key']])
      const post = await runner.runPost()
      expect(post.code).toBe(0)
      expect(post.errors).toEqual([])
    })

    test('warm: the signed entry is restored and imported', async () => {
      await freshRunner()
      const warm = await main({ 'signing-key': s.secretKey })
      expect(warm.outputs).toMatchObject({ source: 'actions-cache', 'store-path': storePath })
      expect(warm.warnings).toEqual([])
    })

    /** A trusted user imports the entry; an untrusted one gets one warning and a genuine build. */
    async function expectImportedOrRefused(warm: StepResult, warning: RegExp): Promise<void> {
      if (trusted) {
        expect(warm.outputs.source).toBe('actions-cache')
        expect(warm.warnings).toEqual([])
      } else {
        expectOneWarning(warm, warning)
        await expectBuiltGenuine(warm)
      }
    }

    test(`an entry signed by a key the daemon does not trust: ${trusted ? 'imported' : 'one warning, built'}`, async () => {
      const inputs = { 'signing-key': other.secret, 'cache-key-prefix': 'other-key' }
      // Built here, so the entry carries no signature but this key's.
      await freshRunner()
      await main(inputs)
      await freshRunner()
      const warm = await main(inputs)
      await expectImportedOrRefused(warm, /trusted-public-keys.*trusted-users/)
      if (!trusted) expect(warm.warnings[0]).toContain(other.public)
    })

    test(`an unsigned entry (no signing key): ${trusted ? 'imported' : 'one warning, built'}`, async () => {
      const inputs = { 'cache-key-prefix': 'unsigned' }
      await main(inputs)
      await freshRunner()
      const warm = await main(inputs)
      await expectImportedOrRefused(warm, /lacks a (valid )?signature.*trusted-users/)
    })

    test('a restored entry with a changed digest: one warning, built', async () => {
      const key = server.entries().find(e => e.key.startsWith('unsigned-'))?.key as string
      await poison(key, files => {
        for (const [n, body] of files)
          if (n.endsWith('batch.nar-export')) files.set(n, alterContent(body))
      })
      await freshRunner()
      const warm = await main({ 'cache-key-prefix': 'unsigned' })
      expectOneWarning(warm, /corrupt \(digest mismatch\)/)
      await expectBuiltGenuine(warm)
    })

    test('the binary cache has it: substituted, nothing pushed', async () => {
      await freshRunner()
      await rm(s.ws.cabal2nixLog, { force: true })
      // A second daemon of the same store, with the binary cache as its substituter.
      const substitutingDaemon = await startDaemon(await tempDir(`daemon-subst-${label}`), {
        trustedUsers: trusted ? [name] : [],
        trustedPublicKeys: [s.publicKey],
        substituters: [substituter.url]
      })
      const substituting = await substitutingDaemon.clientEnv(
        s.user as TestUser,
        path.join(s.ws.dir, 'client-subst')
      )
      const result = await main(
        {
          'use-actions-cache': 'false',
          'binary-caches': `file://${s.binaryCacheDir}`,
          'signing-key': s.secretKey
        },
        substituting
      ).finally(() => substitutingDaemon.stop())
      expect(result.outputs).toMatchObject({ source: 'binary-cache', 'store-path': storePath })
      expect(result.warnings).toEqual([])
      expect(result.stdout).toMatch(/already has it, nothing pushed/)
      expect(await readCabal2nixLog(s.ws.cabal2nixLog)).toEqual([])
      expect(substituter.requests().some(r => r.path.endsWith('.narinfo'))).toBe(true)
    })

    test('poisoned, valid digests and wrong content under a signed entry: not imported, not pushed', async () => {
      const key = server.entries()[0].key
      await poison(key, alterSignedEntry())
      await freshRunner()
      const before = await readFile(
        path.join(
          path.join(s.ws.dir, 'http-cache'),
          `${path.basename(storePath).slice(0, 32)}.narinfo`
        ),
        'utf8'
      )
      const warm = await main({
        'signing-key': s.secretKey,
        'binary-caches': `${httpCache.url}?compression=zstd`
      })
      expectOneWarning(warm, /does not verify against .*(untrusted|was modified)/)
      await expectBuiltGenuine(warm)
      expect(
        await readFile(
          path.join(s.ws.dir, 'http-cache', `${path.basename(storePath).slice(0, 32)}.narinfo`),
          'utf8'
        )
      ).toBe(before)
    })

    test('poisoned, signed by another key (forged): not imported', async () => {
      const inputs = { 'cache-key-prefix': 'forged' }
      await freshRunner()
      await main({ ...inputs, 'signing-key': attacker.secret })
      await freshRunner()
      const warm = await main({ ...inputs, 'signing-key': s.secretKey })
      expectOneWarning(warm, /does not verify against .*untrusted/)
      await expectBuiltGenuine(warm)
    })

    test('poisoned, an unsigned entry with a valid digest and wrong content', async () => {
      const inputs = { 'cache-key-prefix': 'unsigned-poison' }
      const saved = await main(inputs)
      await poison(saved.outputs['cache-key'], alterExportEntry())
      await freshRunner()
      // With a key only signed entries are imported.
      const signed = await main({ ...inputs, 'signing-key': s.secretKey })
      expectOneWarning(signed, /is not signed/)
      await expectBuiltGenuine(signed)
      if (trusted) return
      // Without a key, the daemon refuses it for a user outside trusted-users.
      await freshRunner()
      const unsigned = await main(inputs)
      expectOneWarning(unsigned, /lacks a (valid )?signature/)
      await expectBuiltGenuine(unsigned)
    })
  })
})

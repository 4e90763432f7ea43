/**
 * With signing-key or trusted-public-keys set, an unsigned Actions-cache entry is refused before
 * anything reaches the store. In a single-user store nothing else would stop it (`nix-store
 * --import` as the store's owner checks no signature), so this runs wherever Nix does; the daemon
 * suite checks the same refusal where the daemon would also refuse.
 */
import type { ActionsCacheServer } from '../testing/servers/actions-cache-server.mjs'
import {
  PACKAGES,
  cacheEnv,
  coldRunSaved,
  deleteFromStore,
  expectGreen,
  runMain,
  type Scenario
} from './support/action.js'
import { describeWithNix } from './support/nix.js'

describeWithNix('an unsigned Actions-cache entry, when keys are configured', () => {
  let s: Scenario
  let server: ActionsCacheServer
  let storePath: string

  beforeAll(async () => {
    // Saved without a key: the entry is an unsigned export.
    const saved = await coldRunSaved('cache-signatures', PACKAGES.slice(0, 3))
    ;({ s, server } = saved)
    const { cold } = saved
    expect(cold.outputs.source).toBe('built')
    storePath = cold.outputs['store-path']
    expect(server.entries().map(e => e.key)).toEqual([cold.outputs['cache-key']])
  }, 300_000)
  afterAll(() => server?.stop())

  test('without keys it is imported (so the refusals below are the keys’ doing)', async () => {
    await deleteFromStore(s, storePath)
    const warm = await runMain(s, {}, cacheEnv(server, s))
    expectGreen(warm)
    expect(warm.outputs).toMatchObject({ source: 'actions-cache', 'store-path': storePath })
  })

  test.each([
    ['signing-key', () => s.secretKey],
    ['trusted-public-keys', () => s.publicKey]
  ])('with %s set: one warning, nothing imported, the batch built', async (input, value) => {
    await deleteFromStore(s, storePath)
    const warm = await runMain(s, { [input]: value() }, cacheEnv(server, s))
    expectGreen(warm)
    expect(warm.warnings).toEqual([expect.stringMatching(/is not signed.*not importing it/)])
    expect(warm.log).not.toMatch(/^imported /m)
    expect(warm.outputs).toMatchObject({ source: 'built', 'store-path': storePath })
  })
})

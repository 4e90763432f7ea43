/**
 * The Action end to end, run as the runner runs it: dist/index.js with INPUT_* and the file
 * commands, the real @actions/cache against a loopback cache service, the real Nix, a real signed
 * binary cache served over loopback HTTP, and the real cabal2nix (../shared/cabal2nix) wrapped for
 * the Nix builder.
 */
import { existsSync } from 'node:fs'
import { readFile, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  startActionsCacheServer,
  type ActionsCacheServer
} from '../testing/servers/actions-cache-server.mjs'
import { startStaticServer } from '../testing/servers/static-server.mjs'
import {
  PACKAGES,
  cacheEnv,
  createScenario,
  deleteFromStore,
  expectGreen,
  overridesText,
  runMain,
  type Scenario
} from './support/action.js'
import { tempDir } from './support/files.js'
import { describeWithNix, readCabal2nixLog, run } from './support/nix.js'
import type { StepResult } from './support/runner.js'

describeWithNix('the Action with the Actions cache', () => {
  let server: ActionsCacheServer
  let s: Scenario
  let cold: StepResult
  beforeAll(async () => {
    s = await createScenario('action')
    server = await startActionsCacheServer()
  }, 300_000)
  afterAll(() => server?.stop())

  test('cold: miss → build → push (signed) → save', async () => {
    cold = await runMain(
      s,
      {
        'binary-caches': `file://${s.binaryCacheDir}?compression=zstd`,
        'signing-key': s.secretKey
      },
      cacheEnv(server, s)
    )
    expectGreen(cold)
    expect(cold.outputs).toMatchObject({ source: 'built', rebuilt: 'true' })
    const storePath = cold.outputs['store-path']
    expect(storePath).toMatch(/^\/nix\/store\/[a-z0-9]{32}-some-cabal2nix$/)
    expect(existsSync(path.join(storePath, 'zlib', 'default.nix'))).toBe(true)
    expect(JSON.parse(cold.outputs.packages)).toHaveLength(PACKAGES.length)
    expect(cold.outputs.diff).toBe('null')
    const timings = JSON.parse(cold.outputs.timings)
    expect(Object.keys(timings)).toEqual(
      expect.arrayContaining([
        'plan',
        'restore',
        'evaluate',
        'archive pass',
        'cabal2nix',
        'push',
        'save'
      ])
    )
    expect(await readCabal2nixLog(s.ws.cabal2nixLog)).toHaveLength(PACKAGES.length)
    // Pushed and signed: the narinfo carries a signature by our key.
    const narinfo = await readFile(
      path.join(s.binaryCacheDir, `${path.basename(storePath).slice(0, 32)}.narinfo`),
      'utf8'
    )
    expect(narinfo).toMatch(new RegExp(`^Sig: ${s.publicKey.split(':')[0]}:`, 'm'))
    // Saved under the exact key.
    expect(server.entries().map(e => e.key)).toEqual([cold.outputs['cache-key']])
    expect(cold.stdout).toMatch(
      /^batch \/nix\/store\/\S+: built in [\d.]+ s, 14 packages rebuilt$/m
    )
    expect(cold.stdout).toContain('::group::some-cabal2nix: plan')
    expect(cold.log).toMatch(
      /^offering [\d.]+ KiB \(NAR\) to 1 binary cache\(s\); only those without it get it$/m
    )
    expect(cold.log).toMatch(/: pushed \([\d.]+ s\)$/m)
    // The signing key is masked, and never printed even where masking would hide it.
    expect(cold.stdout).toContain(`::add-mask::${s.secretKey.split(':')[1]}`)
    expect(cold.log + cold.stderr + cold.summary + JSON.stringify(cold.outputs)).not.toContain(
      s.secretKey.split(':')[1]
    )
  })

  test('warm: hit → import → no build, no archive read', async () => {
    const storePath = cold.outputs['store-path']
    await deleteFromStore(s, storePath)
    await rm(s.ws.cabal2nixLog, { force: true })
    const warm = await runMain(s, {}, cacheEnv(server, s))
    expectGreen(warm)
    expect(warm.outputs).toMatchObject({
      source: 'actions-cache',
      rebuilt: 'false',
      'store-path': storePath
    })
    expect(existsSync(path.join(storePath, 'manifest.json'))).toBe(true)
    expect(await readCabal2nixLog(s.ws.cabal2nixLog)).toEqual([])
    expect(Object.keys(JSON.parse(warm.outputs.timings))).not.toContain('archive pass')
    expect(JSON.parse(warm.outputs.diff)).toEqual({
      added: [],
      removed: [],
      bumped: [],
      unchanged: PACKAGES.length
    })
    expect(warm.stdout).toMatch(/: restored from actions-cache in [\d.]+ s, 0 packages rebuilt$/m)
    // No second entry: an exact hit is not saved again.
    expect(server.entries()).toHaveLength(1)
  })

  test('changed list: restore the previous batch for the diff, rebuild, save under the new key', async () => {
    const changed = PACKAGES.filter(([n]) => n !== 'lens').map(([n, v]): [string, string] =>
      n === 'containers' ? [n, '0.1.0.0'] : [n, v]
    )
    changed.push(['servant', '0.20.3.0'])
    await writeFile(path.join(s.workspace, 'overrides.nix'), overridesText(changed))
    await rm(s.ws.cabal2nixLog, { force: true })
    const result = await runMain(s, {}, cacheEnv(server, s))
    expectGreen(result)
    expect(result.outputs).toMatchObject({ source: 'built', rebuilt: 'true' })
    expect(result.outputs['store-path']).not.toBe(cold.outputs['store-path'])
    expect(JSON.parse(result.outputs.diff)).toEqual({
      added: [{ name: 'servant', to: '0.20.3.0' }],
      removed: [{ name: 'lens', from: '5.3.2' }],
      bumped: [{ name: 'containers', from: '0.6.4.1', to: '0.1.0.0' }],
      unchanged: PACKAGES.length - 2
    })
    expect(result.stdout).toContain(
      'package changes since the cached batch: +servant 0.20.3.0, -lens 5.3.2, containers 0.6.4.1 → 0.1.0.0'
    )
    expect(server.entries().map(e => e.key)).toContain(result.outputs['cache-key'])
    expect(server.entries()).toHaveLength(2)
    await writeFile(path.join(s.workspace, 'overrides.nix'), overridesText(PACKAGES))
  })

  test('a comment-only edit of the overrides file is still a hit', async () => {
    await writeFile(
      path.join(s.workspace, 'overrides.nix'),
      `# reordered, commented\n${overridesText([...PACKAGES].reverse())}`
    )
    await rm(s.ws.cabal2nixLog, { force: true })
    const result = await runMain(s, {}, cacheEnv(server, s))
    expectGreen(result)
    expect(result.outputs['cache-key']).toBe(cold.outputs['cache-key'])
    expect(result.outputs['store-path']).toBe(cold.outputs['store-path'])
    expect(await readCabal2nixLog(s.ws.cabal2nixLog)).toEqual([])
  })

  test('a corrupt cache entry is never imported: warning, then a correct build', async () => {
    const storePath = cold.outputs['store-path']
    await deleteFromStore(s, storePath)
    server.setFaults({ corruptDownload: true })
    try {
      const result = await runMain(s, {}, cacheEnv(server, s))
      expectGreen(result)
      expect(result.outputs).toMatchObject({ source: 'built', 'store-path': storePath })
      expect(result.warnings.length).toBeGreaterThan(0)
      const manifest = JSON.parse(await readFile(path.join(storePath, 'manifest.json'), 'utf8'))
      expect(manifest.packages).toHaveLength(PACKAGES.length)
      const verify = await run('nix-store', ['--verify-path', storePath], { env: s.ws.nix.env })
      expect(verify.code).toBe(0)
    } finally {
      server.setFaults({})
    }
  })
})

describeWithNix('the Action with faults and a binary cache', () => {
  let s: Scenario
  beforeAll(async () => {
    s = await createScenario('action-faults', PACKAGES.slice(0, 6))
  }, 300_000)

  test('cache service down: one warning, still a correct build, green', async () => {
    const server = await startActionsCacheServer({ faults: { down: true } })
    try {
      const result = await runMain(s, {}, cacheEnv(server, s))
      expectGreen(result)
      expect(result.outputs.source).toBe('built')
      expect(result.warnings.some(w => /restore|cache/i.test(w))).toBe(true)
      expect(existsSync(path.join(result.outputs['store-path'], 'manifest.json'))).toBe(true)
    } finally {
      await server.stop()
    }
  })

  test('binary cache already has it: substituted, no build, no push', async () => {
    const first = await runMain(s, {
      'use-actions-cache': 'false',
      'binary-caches': `file://${s.binaryCacheDir}`,
      'signing-key': s.secretKey
    })
    expectGreen(first)
    const storePath = first.outputs['store-path']
    await deleteFromStore(s, storePath)
    await rm(s.ws.cabal2nixLog, { force: true })
    const http = await startStaticServer(s.binaryCacheDir)
    const conf = await tempDir('nix-conf-subst')
    await writeFile(
      path.join(conf, 'nix.conf'),
      (await readFile(path.join(s.ws.nix.confDir, 'nix.conf'), 'utf8')).replace(
        /^substituters =.*$/m,
        ''
      ) + `substituters = ${http.url}\ntrusted-public-keys = ${s.publicKey}\n`
    )
    try {
      const before = (await readdir(s.binaryCacheDir)).sort()
      const result = await runMain(
        s,
        {
          'use-actions-cache': 'false',
          'binary-caches': `file://${s.binaryCacheDir}`,
          'signing-key': s.secretKey
        },
        { NIX_CONF_DIR: conf }
      )
      expectGreen(result)
      expect(result.outputs).toMatchObject({
        source: 'binary-cache',
        rebuilt: 'false',
        'store-path': storePath
      })
      expect(await readCabal2nixLog(s.ws.cabal2nixLog)).toEqual([])
      expect(result.stdout).toMatch(/already has it, nothing pushed/)
      // Nothing says it is pushing what it then does not push.
      expect(result.log).not.toMatch(/pushing/)
      expect((await readdir(s.binaryCacheDir)).sort()).toEqual(before)
      expect(http.requests().some(r => r.path.endsWith('.narinfo'))).toBe(true)
    } finally {
      await http.stop()
    }
  })

  test('push target failing: a warning by default, a clear failure with fail-on-push-error', async () => {
    const target = 'file:///proc/no-such-cache'
    const lenient = await runMain(s, { 'use-actions-cache': 'false', 'binary-caches': target })
    expectGreen(lenient)
    expect(lenient.warnings.join('\n')).toMatch(
      /^push failed for file:\/\/\/proc\/no-such-cache \(.+\); later jobs will rebuild/m
    )

    const strict = await runMain(s, {
      'use-actions-cache': 'false',
      'binary-caches': target,
      'fail-on-push-error': 'true'
    })
    expect(strict.code).toBe(1)
    expect(strict.errors.join('\n')).toMatch(
      /^error: push failed for file:\/\/\/proc\/no-such-cache/
    )
    expect(strict.errors.join('\n')).not.toMatch(/\n\s+at /)
  })

  test('bad overrides: one error with file:line, nothing built or pushed', async () => {
    await writeFile(path.join(s.workspace, 'overrides.nix'), '{\n  aeson = "2.3.2.0"\n}\n')
    await rm(s.ws.cabal2nixLog, { force: true })
    const before = existsSync(s.binaryCacheDir) ? (await readdir(s.binaryCacheDir)).sort() : []
    const result = await runMain(s, {
      'use-actions-cache': 'false',
      'binary-caches': `file://${s.binaryCacheDir}`
    })
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([
      `error: ${path.join(s.workspace, 'overrides.nix')}:2: missing ';' after the value of 'aeson'%0Ahint: expected { package-name = "version"; local-package = ./path; }`
    ])
    expect(await readCabal2nixLog(s.ws.cabal2nixLog)).toEqual([])
    expect(existsSync(s.binaryCacheDir) ? (await readdir(s.binaryCacheDir)).sort() : []).toEqual(
      before
    )
    await writeFile(path.join(s.workspace, 'overrides.nix'), overridesText(PACKAGES.slice(0, 6)))
  })

  test("an unknown version fails the build with the CLI's message and pushes nothing", async () => {
    await writeFile(
      path.join(s.workspace, 'overrides.nix'),
      overridesText([
        ['aeson', '2.2.3.0'],
        ['zlib', '0.7.1.1']
      ])
    )
    const before = existsSync(s.binaryCacheDir) ? (await readdir(s.binaryCacheDir)).sort() : []
    const result = await runMain(s, {
      'use-actions-cache': 'false',
      'binary-caches': `file://${s.binaryCacheDir}`
    })
    expect(result.code).toBe(1)
    expect(result.errors[0]).toMatch(
      /^error: building the batch failed: error: aeson 2\.2\.3\.0 is not in all-cabal-hashes-/
    )
    expect(existsSync(s.binaryCacheDir) ? (await readdir(s.binaryCacheDir)).sort() : []).toEqual(
      before
    )
    await writeFile(path.join(s.workspace, 'overrides.nix'), overridesText(PACKAGES.slice(0, 6)))
  })
})

describeWithNix('the cache key is the batch itself', () => {
  let server: ActionsCacheServer
  let s: Scenario
  beforeAll(async () => {
    s = await createScenario('action-key', PACKAGES.slice(0, 3))
    server = await startActionsCacheServer()
  }, 300_000)
  afterAll(() => server?.stop())

  test('a compiler changed in a file the installable imports is a new key: built, saved, and an exact hit on the next fresh runner', async () => {
    // ci/batch.nix takes its compiler from ci/compiler.nix, which nothing but Nix reads.
    const batchNix = path.join(s.workspace, 'ci', 'batch.nix')
    await writeFile(
      batchNix,
      (await readFile(batchNix, 'utf8')).replace(
        'compiler = "ghc-9.8.4";',
        'compiler = import ./compiler.nix;'
      )
    )
    const compilerNix = path.join(s.workspace, 'ci', 'compiler.nix')
    await writeFile(compilerNix, '"ghc-9.8.4"\n')
    const first = await runMain(s, {}, cacheEnv(server, s))
    expectGreen(first)

    await writeFile(compilerNix, '"ghc-9.6.6"\n')
    const changed = await runMain(s, {}, cacheEnv(server, s))
    expectGreen(changed)
    expect(changed.outputs['cache-key']).not.toBe(first.outputs['cache-key'])
    expect(changed.outputs).toMatchObject({ source: 'built', rebuilt: 'true' })
    // The previous batch is still restored under the prefix, for the package diff.
    expect(JSON.parse(changed.outputs.diff)).toMatchObject({ added: [], removed: [], bumped: [] })
    expect(changed.stdout).not.toContain('the cached batch was for')
    expect(server.entries().map(e => e.key)).toEqual(
      expect.arrayContaining([first.outputs['cache-key'], changed.outputs['cache-key']])
    )
    const manifest = JSON.parse(
      await readFile(path.join(changed.outputs['store-path'], 'manifest.json'), 'utf8')
    )
    expect(manifest.compiler).toBe('ghc-9.6.6')

    // A fresh runner: nothing in the store, the new batch comes from the Actions cache.
    await deleteFromStore(s, changed.outputs['store-path'])
    const fresh = await runMain(s, {}, cacheEnv(server, s))
    expectGreen(fresh)
    expect(fresh.outputs).toMatchObject({
      source: 'actions-cache',
      rebuilt: 'false',
      'cache-key': changed.outputs['cache-key'],
      'store-path': changed.outputs['store-path']
    })
  }, 300_000)
})

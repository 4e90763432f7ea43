/**
 * The Action's incremental builds end to end: dist/index.js and dist/post.js as a runner runs them,
 * the real Nix, the real @actions/cache against the loopback cache service, the real Octokit
 * against the loopback GitHub API. The "main build" between the steps is a derivation shaped like
 * nixpkgs' Haskell builder's (outputs out and intermediates, GHC's progress lines in its log, the
 * previous intermediates handed over as `<pname>-<version>-previous-intermediates`), so no GHC is
 * needed; the real GHC path is __tests__/incremental-ghc.test.ts.
 */
import { randomBytes } from 'node:crypto'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  startActionsCacheServer,
  type ActionsCacheServer
} from '../testing/servers/actions-cache-server.mjs'
import {
  startGitHubApiServer,
  type GitHubApiServer
} from '../testing/servers/github-api-server.mjs'
import { startOtlpServer, type OtlpServer } from '../testing/servers/otlp-server.mjs'
import {
  cacheEnv,
  createRunner,
  createScenario,
  expectGreen,
  type Scenario
} from './support/action.js'
import { describeWithNix, run } from './support/nix.js'

const PREFIX = `some-cabal2nix-intermediates-${process.platform}-${process.arch}-my-lib-ghc-9.8.4-`

describeWithNix('incremental builds through the Action (real Nix, loopback services)', () => {
  let cacheServer: ActionsCacheServer
  let api: GitHubApiServer
  let otlp: OtlpServer
  let s: Scenario
  let userBuild: string
  /** The first run's full build, as the audit timed it (undefined where log files have no birth time). */
  let firstBuildMs: number | undefined

  beforeAll(async () => {
    s = await createScenario('incremental-action')
    cacheServer = await startActionsCacheServer()
    api = await startGitHubApiServer({ repo: 'octo-org/haskell-app' })
    otlp = await startOtlpServer()
    userBuild = path.join(s.workspace, 'ci', 'my-lib.nix')
    await writeFile(
      userBuild,
      `{ salt, previous ? null }:
let
  previousIntermediates = if previous == null then null else builtins.path {
    path = previous;
    name = "my-lib-0.1.0.0-previous-intermediates";
  };
in
builtins.derivation {
  name = "my-lib-0.1.0.0";
  system = builtins.currentSystem;
  outputs = [ "out" "intermediates" ];
  builder = "/bin/sh";
  args = [ "-c" ''
    echo "Building library for my-lib-0.1.0.0..."
    ${'$'}{if previousIntermediates == null then ''
      echo "[1 of 2] Compiling MyLib.Base       ( src/MyLib/Base.hs, dist/build/MyLib/Base.o )"
    '' else ''
      test -f ${'$'}{previousIntermediates}/share/haskell/9.8.4/my-lib-0.1.0.0/dist/build/MyLib.o
    ''}
    echo "[2 of 2] Compiling MyLib            ( src/MyLib.hs, dist/build/MyLib.o )"
    d=$intermediates/share/haskell/9.8.4/my-lib-0.1.0.0/dist/build
    /bin/mkdir -p $d $out
    echo "${'$'}{salt}" > $d/MyLib.o
  '' ];
}
`
    )
  }, 300_000)
  afterAll(async () => {
    await cacheServer?.stop()
    await api?.stop()
    await otlp?.stop()
  })

  /** One job: main step, the user's build with the nix-args it printed, post step. */
  async function job(
    runId: string,
    seededEntries: string[] = [],
    inputs: Record<string, string> = {},
    salt = randomBytes(8).toString('hex')
  ) {
    api.seedCaches(seededEntries.map(key => ({ key, ref: 'refs/heads/feature' })))
    const runner = await createRunner(
      s,
      { incremental: 'my-lib', 'github-token': 'ghs_token', ...inputs },
      {
        ...cacheEnv(cacheServer, s),
        GITHUB_RUN_ID: runId,
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_RUN_NUMBER: `7${runId}`,
        GITHUB_REF: 'refs/heads/feature',
        GITHUB_REF_NAME: 'feature',
        GITHUB_SHA: `${runId}0123456789abcdef0123456789abcdef012345`.slice(0, 40),
        GITHUB_REPOSITORY: 'octo-org/haskell-app',
        GITHUB_API_URL: api.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url
      }
    )
    const main = await runner.runMain()
    expectGreen(main)
    const nixArgs = main.outputs['nix-args']
    const previous = /path:(\S+)/.exec(nixArgs)?.[1]
    const args = [userBuild, '--no-out-link', '--argstr', 'salt', salt]
    if (previous) args.push('--arg', 'previous', previous)
    const build = await run('nix-build', args, { env: s.ws.nix.env })
    if (build.code !== 0) throw new Error(`the main build failed:\n${build.stderr}`)
    otlp.clear()
    const post = await runner.runPost()
    const output = JSON.parse(main.outputs.incremental) as Record<string, unknown>
    const span = otlp.spans().find(sp => sp.name === 'incremental my-lib')
    return { main, nixArgs, previous, post, output, span, summaryFile: runner.files.summary }
  }

  test('first run: nothing to resume (empty nix-args), a full build reported, its intermediates saved', async () => {
    const first = await job('101')
    expect(first.nixArgs).toBe('')
    expect(first.main.log).toContain(
      'my-lib: no previous intermediates for GHC 9.8.4; the build starts from zero'
    )
    expect(first.output).toEqual({
      'my-lib': { resumes: false, reason: 'first build (no previous intermediates)' }
    })
    expect(first.post.log).toMatch(
      /some-cabal2nix: my-lib: full build: first build \(no previous intermediates\) \(compiled 2 of 2 modules( in \d[^)]* s)?\)/
    )
    expect(first.post.log).toContain(`some-cabal2nix: my-lib: saved ${PREFIX}101-1`)
    expect(cacheServer.entries().map(e => e.key)).toContain(`${PREFIX}101-1`)
    expect(first.span?.attributes).toMatchObject({
      'some_cabal2nix.incremental.mode': 'full',
      'some_cabal2nix.incremental.reason': 'first build (no previous intermediates)',
      'some_cabal2nix.incremental.modules_compiled': 2,
      'some_cabal2nix.incremental.modules_total': 2
    })
    firstBuildMs = first.span?.attributes['some_cabal2nix.incremental.duration_ms'] as
      number | undefined
  }, 300_000)

  test('next run: resumes from it, reports where from and what GHC compiled, saves and deletes the superseded entry', async () => {
    const next = await job('102', [`${PREFIX}101-1`, `${PREFIX}102-1`])
    expect(next.nixArgs).toMatch(
      /^--override-input some-cabal2nix\/previous-intermediates path:\/\S+$/
    )
    const files = await readdir(next.previous!, { recursive: true })
    expect(files).toContain('share/haskell/9.8.4/my-lib-0.1.0.0/dist/build/MyLib.o')
    expect(next.output).toEqual({
      'my-lib': {
        resumes: true,
        from: { branch: 'feature', sha: '1010123', run: '7101' },
        key: `${PREFIX}101-1`
      }
    })
    expect(next.post.log).toContain(
      'some-cabal2nix: my-lib: incremental from feature @ 1010123 (run 7101): compiled 1 of 2 modules'
    )
    // The first (full) build's time travelled in the entry; the audit timed this one.
    if (firstBuildMs !== undefined) {
      expect(next.post.log).toMatch(
        /compiled 1 of 2 modules in \d[^;]* s; the last full build took \d.* s/
      )
      expect(next.span?.attributes).toMatchObject({
        'some_cabal2nix.incremental.last_full_build_ms': firstBuildMs
      })
    }
    expect(next.span?.attributes).toMatchObject({
      'some_cabal2nix.incremental.mode': 'incremental',
      'some_cabal2nix.incremental.from': 'feature @ 1010123 (run 7101)',
      'some_cabal2nix.incremental.modules_compiled': 1,
      'some_cabal2nix.incremental.modules_total': 2
    })
    expect(otlp.spans().find(sp => sp.name === 'main build')?.spanId).toBe(next.span?.parentSpanId)
    expect(next.post.log).toContain(
      `some-cabal2nix: my-lib: saved ${PREFIX}102-1; deleted 1 superseded entry`
    )
    expect(api.caches().map(c => c.key)).toEqual([`${PREFIX}102-1`])
    const summary = await readFile(next.summaryFile, 'utf8')
    expect(summary).toContain('**Incremental builds**')
    expect(summary).toContain(
      '- my-lib: incremental from feature @ 1010123 (run 7101): compiled 1 of 2 modules'
    )
  }, 300_000)

  test('with signing-key, the unsigned entries are not used: one warning, a full build, "entry not trusted"', async () => {
    const signed = await job('103', [], { 'signing-key': s.secretKey })
    expect(signed.nixArgs).toBe('')
    expect(signed.main.warnings.join('\n')).toMatch(/the intermediates entry \S+ is not signed/)
    expect(signed.output).toEqual({ 'my-lib': { resumes: false, reason: 'entry not trusted' } })
    expect(signed.post.log).toContain(
      'some-cabal2nix: my-lib: full build: entry not trusted (compiled 2 of 2 modules'
    )
    // Its own new entry is signed, so the next run with the key resumes from it.
    const next = await job('104', [], { 'signing-key': s.secretKey })
    expect(next.nixArgs).toMatch(/path:/)
    expect(next.post.log).toContain(
      'some-cabal2nix: my-lib: incremental from feature @ 1030123 (run 7103)'
    )
  }, 300_000)

  test('a build that leaves the intermediates as they were (another path, the same NAR): not saved again', async () => {
    // The stand-in writes its salt into MyLib.o: the same salt twice gives the same bytes, while
    // the second build, resuming from the first, is another derivation with another output path.
    // New for each run of the suite, so a store that ran it before has not built either one.
    const salt = `unchanged-${randomBytes(8).toString('hex')}`
    const saved = await job('110', [], {}, salt)
    expect(saved.post.log).toContain(`some-cabal2nix: my-lib: saved ${PREFIX}110-1`)
    const same = await job('111', [], {}, salt)
    expect(same.output).toMatchObject({ 'my-lib': { resumes: true, key: `${PREFIX}110-1` } })
    expect(same.post.log).toContain(
      'some-cabal2nix: my-lib: intermediates unchanged; not saved again'
    )
    expect(cacheServer.entries().map(e => e.key)).not.toContain(`${PREFIX}111-1`)
  }, 300_000)

  test('a batch for GHC 9.0.2 (recompiles by file times): nothing restored, a full build with the reason, nothing saved', async () => {
    await writeFile(
      path.join(s.workspace, 'ci', 'batch-ghc-9.0.2.nix'),
      (await readFile(path.join(s.workspace, 'ci', 'batch.nix'), 'utf8')).replace(
        'ghc-9.8.4',
        'ghc-9.0.2'
      )
    )
    const reason = 'GHC 9.0.2 recompiles by file times; incremental builds need GHC 9.4 or newer'
    const restoresBefore = cacheServer.requests().length
    const old = await job('105', [], { installable: 'ci/batch-ghc-9.0.2.nix' })
    expect(old.nixArgs).toBe('')
    expect(old.output).toEqual({ 'my-lib': { resumes: false, reason } })
    expect(old.main.log).toContain(`my-lib: full build: ${reason}`)
    // No intermediates entry was even looked up: the batch's own restore is the only lookup.
    const lookups = cacheServer
      .requests()
      .slice(restoresBefore)
      .filter(r => r.rpc === 'GetCacheEntryDownloadURL')
    expect(lookups).toHaveLength(1)
    expect(cacheServer.entries().filter(e => e.key.includes('-ghc-9.0.2-'))).toEqual([])
    expect(old.post.log).toContain(`some-cabal2nix: my-lib: full build: ${reason}`)
    expect(old.post.log).not.toContain('my-lib: saved')
    expect(old.span?.attributes).toMatchObject({
      'some_cabal2nix.incremental.mode': 'full',
      'some_cabal2nix.incremental.reason': reason
    })
  }, 300_000)
})

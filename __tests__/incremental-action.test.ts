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
  let s: Scenario
  let userBuild: string

  beforeAll(async () => {
    s = await createScenario('incremental-action')
    cacheServer = await startActionsCacheServer()
    api = await startGitHubApiServer({ repo: 'octo-org/haskell-app' })
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
  })

  /** One job: main step, the user's build with the nix-args it printed, post step. */
  async function job(
    runId: string,
    seededEntries: string[] = [],
    inputs: Record<string, string> = {}
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
        GITHUB_API_URL: api.url
      }
    )
    const main = await runner.runMain()
    expectGreen(main)
    const nixArgs = main.outputs['nix-args']
    const previous = /path:(\S+)/.exec(nixArgs)?.[1]
    const args = [userBuild, '--no-out-link', '--argstr', 'salt', randomBytes(8).toString('hex')]
    if (previous) args.push('--arg', 'previous', previous)
    const build = await run('nix-build', args, { env: s.ws.nix.env })
    if (build.code !== 0) throw new Error(`the main build failed:\n${build.stderr}`)
    const post = await runner.runPost()
    return { main, nixArgs, previous, post, summaryFile: runner.files.summary }
  }

  test('first run: nothing to resume (empty nix-args), a full build reported, its intermediates saved', async () => {
    const first = await job('101')
    expect(first.nixArgs).toBe('')
    expect(first.main.log).toContain(
      'my-lib: no previous intermediates for GHC 9.8.4; the build starts from zero'
    )
    expect(first.post.log).toContain(
      'some-cabal2nix: my-lib: full build: first build (no previous intermediates) (compiled 2 modules)'
    )
    expect(first.post.log).toContain(`some-cabal2nix: my-lib: saved ${PREFIX}101-1`)
    expect(cacheServer.entries().map(e => e.key)).toContain(`${PREFIX}101-1`)
  }, 300_000)

  test('next run: resumes from it, reports where from and what GHC compiled, saves and deletes the superseded entry', async () => {
    const next = await job('102', [`${PREFIX}101-1`, `${PREFIX}102-1`])
    expect(next.nixArgs).toMatch(
      /^--override-input some-cabal2nix\/previous-intermediates path:\/\S+$/
    )
    const files = await readdir(next.previous!, { recursive: true })
    expect(files).toContain('share/haskell/9.8.4/my-lib-0.1.0.0/dist/build/MyLib.o')
    expect(next.post.log).toContain(
      'some-cabal2nix: my-lib: incremental from feature @ 1010123 (run 7101): compiled 1 of 2 modules'
    )
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
    expect(signed.post.log).toContain(
      'some-cabal2nix: my-lib: full build: entry not trusted (compiled 2 modules)'
    )
    // Its own new entry is signed, so the next run with the key resumes from it.
    const next = await job('104', [], { 'signing-key': s.secretKey })
    expect(next.nixArgs).toMatch(/path:/)
    expect(next.post.log).toContain(
      'some-cabal2nix: my-lib: incremental from feature @ 1030123 (run 7103)'
    )
  }, 300_000)
})

/**
 * The post step's audit of the main build and the job's trace, end to end: dist/index.js, then
 * "the main build" (nix-instantiate on testing/nix/project.nix, which does nixpkgs' real
 * per-package IFDs for whatever the batch does not cover), then dist/post.js, with the real Nix,
 * the real cabal2nix, a private NIX_LOG_DIR, a loopback GitHub API and a loopback OTLP receiver.
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  startGitHubApiServer,
  type GitHubApiServer
} from '../testing/servers/github-api-server.mjs'
import {
  startOtlpServer,
  unreachableUrl,
  type OtlpServer,
  type ReceivedSpan
} from '../testing/servers/otlp-server.mjs'
import { startStaticServer } from '../testing/servers/static-server.mjs'
import { repoRoot } from './support/files.js'
import {
  copyToBinaryCache,
  createNixWorkspace,
  describeWithNix,
  evalProject,
  generateCacheKey,
  projectArgs,
  run,
  substitutedPaths,
  type NixWorkspace
} from './support/nix.js'
import { SimulatedRunner, type StepResult } from './support/runner.js'

const OWNER = 'octo-org'
const REPO = 'haskell-app'

describeWithNix('the main build, audited and traced', () => {
  let ws: NixWorkspace
  let logDir: string
  let github: GitHubApiServer
  let otlp: OtlpServer
  let pr = 70

  beforeAll(async () => {
    ws = await createNixWorkspace('audit')
    logDir = path.join(ws.dir, 'nix-log')
    ws.nix.env.NIX_LOG_DIR = logDir
    // The Action's overrides without servant: the main build of case (b) still callHackage's it.
    const full = await readFile(path.join(ws.projectDir, 'overrides.nix'), 'utf8')
    await writeFile(
      path.join(ws.projectDir, 'overrides-without-servant.nix'),
      full.replace(/^ {2}servant = .*\n/m, '')
    )
    github = await startGitHubApiServer({ repo: `${OWNER}/${REPO}` })
    otlp = await startOtlpServer()
  }, 300_000)
  afterAll(async () => {
    await github?.stop()
    await otlp?.stop()
  })

  /** ci/batch.nix: the batch exactly as project.nix's `for` mode builds it. */
  async function batchInstallable(overrides: string): Promise<string> {
    const file = path.join(ws.projectDir, `batch-${path.basename(overrides)}`)
    await writeFile(
      file,
      `let
  set = import ${path.join(repoRoot, 'testing/nix/haskell-package-set.nix')} {
    allCabalHashes = builtins.path { path = ${ws.archive}; name = "${ws.archiveName}"; };
    cabal2nix = "${ws.cabal2nix}";
    nodejs = "${ws.nodejs}";
  };
in ((import ${path.join(repoRoot, 'nix')}).someCabal2nixFor {
  inherit (set) pkgs;
  haskellPackages = set.haskellPackages;
  overrides = ${path.join(ws.projectDir, overrides)};
}).batch
`
    )
    return file
  }

  async function job(overrides: string, env: Record<string, string> = {}) {
    const issue = pr++
    const runner = await SimulatedRunner.create({
      workspace: ws.projectDir,
      runnerTemp: path.join(ws.dir, `runner-temp-${issue}`),
      inputs: {
        installable: await batchInstallable(overrides),
        'overrides-file': overrides,
        'use-actions-cache': 'false'
      },
      event: { name: 'pull_request', payload: { number: issue, pull_request: { number: issue } } },
      env: {
        NIX_CONF_DIR: ws.nix.confDir,
        XDG_CACHE_HOME: ws.nix.env.XDG_CACHE_HOME as string,
        NIX_PATH: '',
        NIX_LOG_DIR: logDir,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_WORKFLOW: 'CI',
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        ...env
      }
    })
    const main = await runner.runMain()
    if (main.code !== 0) throw new Error(`main step failed:\n${main.stdout}\n${main.stderr}`)
    return { runner, main, issue }
  }

  async function mainBuild(options: { overrides: string; compilerName?: string; extra?: object }) {
    const result = await evalProject(ws.nix, {
      mode: 'for',
      ...projectArgs(ws),
      overrides: path.join(ws.projectDir, options.overrides),
      compilerName: options.compilerName,
      extraHackage: options.extra ? JSON.stringify(options.extra) : undefined,
      attr: 'packages'
    })
    if (result.code !== 0) throw new Error(`the main build failed:\n${result.stderr}`)
    return result
  }

  function comment(issue: number): string {
    const comments = github.comments(issue)
    expect(comments).toHaveLength(1)
    return comments[0].body
  }

  test('(a) a main build importing only from our batch: 0 IFD builds', async () => {
    const { runner } = await job('overrides.nix')
    const build = await mainBuild({ overrides: 'overrides.nix' })
    expect(build.builds).toEqual([])
    const post = await runner.runPost()
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(post.stdout).toContain(
      'some-cabal2nix: main build: 0 IFD builds — none of the 23 overrides needed its own cabal2nix run'
    )
    expect(post.summary).toContain('**main build: 0 IFD builds')
    expect(post.summary).toContain('main build: nothing built')
  })

  let straggler: { post: StepResult; issue: number; spans: ReceivedSpan[]; drvs: string[] }

  test('(b) a package outside the overrides is named with the fix; (e) the job is traced', async () => {
    otlp.clear()
    const { runner, issue } = await job('overrides-without-servant.nix', {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20otlp-secret-token'
    })
    const build = await mainBuild({
      overrides: 'overrides-without-servant.nix',
      extra: { servant: '0.20.3.0' }
    })
    expect(build.builds.map(d => path.basename(d).slice(33))).toEqual([
      'all-cabal-hashes-component-servant-0.20.3.0.drv',
      'cabal2nix-servant-0.20.3.0.drv'
    ])
    const post = await runner.runPost({
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20otlp-secret-token'
    })
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(post.stdout).toContain(
      'some-cabal2nix: main build still ran 1 cabal2nix IFD: servant 0.20.3.0'
    )
    const body = comment(issue)
    // nix-instantiate is never observed: the verdict says it was inferred, and why.
    expect(body.split('\n')[3]).toMatch(
      /^\*\*main build still ran 1 cabal2nix IFD: servant 0\.20\.3\.0 \(inferred from logs: .+\)\*\*$/
    )
    expect(body).toContain('add `servant = "0.20.3.0";` to overrides-without-servant.nix')
    expect(body).toMatch(/main build: 2 derivations built in [\d.]+ s together/)
    expect(post.summary).toContain('`cabal2nix-servant-0.20.3.0` | built | IFD straggler |')
    straggler = { post, issue, spans: otlp.spans(), drvs: build.builds }
    await writeFile(path.join(ws.dir, 'comment-b.md'), body)
  })

  test('(e) the span tree: one trace, the root, both steps, the main build and its derivations', () => {
    const spans = straggler.spans
    expect(new Set(spans.map(s => s.traceId)).size).toBe(1)
    const byName = (name: string) => {
      const found = spans.filter(s => s.name === name)
      expect(found).toHaveLength(1)
      return found[0]
    }
    const root = byName('some-cabal2nix job')
    const main = byName('some-cabal2nix main step')
    const build = byName('main build')
    const post = byName('some-cabal2nix post step')
    expect(root.parentSpanId).toBeUndefined()
    for (const child of [main, build, post]) expect(child.parentSpanId).toBe(root.spanId)
    const children = (parent: ReceivedSpan) =>
      spans.filter(s => s.parentSpanId === parent.spanId).map(s => s.name)
    expect(children(main)).toEqual(
      expect.arrayContaining(['plan', 'evaluate', 'archive pass', 'cabal2nix', 'store'])
    )
    expect(children(post)).toEqual(['audit', 'summary', 'comment'])
    const derivations = spans.filter(s => s.parentSpanId === build.spanId)
    expect(derivations.map(s => [s.name, s.attributes['some_cabal2nix.kind']])).toEqual(
      expect.arrayContaining([
        ['build all-cabal-hashes-component-servant-0.20.3.0', 'ifd-straggler'],
        ['build cabal2nix-servant-0.20.3.0', 'ifd-straggler']
      ])
    )
    // Timing order: the job contains both steps; main step, main build and post step in turn.
    expect(root.startNs <= main.startNs).toBe(true)
    expect(main.endNs <= build.startNs).toBe(true)
    expect(build.endNs <= post.startNs).toBe(true)
    expect(post.endNs <= root.endNs).toBe(true)
    for (const d of derivations) {
      expect(d.startNs >= build.startNs && d.endNs <= build.endNs).toBe(true)
      expect(d.startNs <= d.endNs).toBe(true)
    }
    const component = derivations.find(d => d.name.includes('component'))
    const cabal2nix = derivations.find(d => d.name.startsWith('build cabal2nix'))
    expect((component as ReceivedSpan).endNs <= (cabal2nix as ReceivedSpan).startNs).toBe(true)
    // CI/CD semantic conventions on the resource; the header arrived and was masked in the log.
    expect(root.resource).toMatchObject({
      'service.name': 'some-cabal2nix',
      'cicd.pipeline.name': 'CI',
      'cicd.pipeline.run.id': '4242',
      'vcs.ref.head.revision': '0123456789abcdef0123456789abcdef01234567'
    })
    expect(otlp.requests().every(r => r.headers.authorization === 'Bearer otlp-secret-token')).toBe(
      true
    )
    expect(straggler.post.stdout).toContain('::add-mask::Bearer otlp-secret-token')
    const printed = straggler.post.log + straggler.post.summary + comment(straggler.issue)
    expect(printed).not.toContain('otlp-secret-token')
  })

  test('(b) an IFD the main build substituted from a binary cache is a straggler too', async () => {
    // The IFD outputs case (b) built, moved into a signed binary cache and out of the store: the
    // next main build downloads them instead of running cabal2nix, and still depends on them.
    const ifd = await mainBuild({
      overrides: 'overrides-without-servant.nix',
      extra: { servant: '0.20.3.0' }
    })
    expect(ifd.builds).toEqual([])
    const outputs = await run('nix-store', ['--query', '--outputs', ...straggler.drvs], {
      env: ws.nix.env
    })
    const ifdPaths = outputs.stdout.split('\n').filter(Boolean)
    expect(ifdPaths.map(p => path.basename(p).slice(33))).toEqual([
      'all-cabal-hashes-component-servant-0.20.3.0',
      'cabal2nix-servant-0.20.3.0'
    ])
    const cacheDir = path.join(ws.dir, 'ifd-binary-cache')
    const key = await generateCacheKey(ws.nix, path.join(ws.dir, 'ifd-keys'))
    await copyToBinaryCache(ws.nix, cacheDir, key.secretKeyFile, ifdPaths)
    const deleted = await run('nix-store', ['--delete', ...ifdPaths], { env: ws.nix.env })
    expect(deleted.code === 0 ? '' : deleted.stderr).toBe('')
    const cache = await startStaticServer(cacheDir)
    try {
      const { runner, issue } = await job('overrides-without-servant.nix')
      // nixpkgs marks `cabal2nix-*` allowSubstitutes = false (so does the stand-in set); CI
      // installers set always-allow-substitutes (Nix >= 2.19), and the output is downloaded. The
      // same download on every Nix: the outputs fetched by path, then the evaluation that uses them.
      const fetched = await run(
        'nix-store',
        ['--realise', ...ifdPaths, '--option', 'substituters', cache.url].concat([
          '--option',
          'trusted-public-keys',
          key.publicKey
        ]),
        { env: ws.nix.env }
      )
      expect(fetched.code === 0 ? '' : fetched.stderr).toBe('')
      expect(
        substitutedPaths(fetched.stderr)
          .map(p => p.path)
          .sort()
      ).toEqual([...ifdPaths].sort())
      const build = await mainBuild({
        overrides: 'overrides-without-servant.nix',
        extra: { servant: '0.20.3.0' }
      })
      expect(build.builds).toEqual([])
      const post = await runner.runPost()
      expect(post.code).toBe(0)
      expect(post.warnings).toEqual([])
      expect(post.stdout).toContain(
        'some-cabal2nix: main build still ran 1 cabal2nix IFD: servant 0.20.3.0'
      )
      expect(comment(issue)).toContain(
        'add `servant = "0.20.3.0";` to overrides-without-servant.nix'
      )
      expect(post.summary).toContain('`cabal2nix-servant-0.20.3.0` | substituted | IFD straggler |')
    } finally {
      await cache.stop()
    }
  })

  test('(c) a batch built with another compiler name: a different batch, and why', async () => {
    const { runner } = await job('overrides.nix')
    const build = await mainBuild({ overrides: 'overrides.nix', compilerName: 'ghc-9.6.6' })
    expect(build.builds.map(d => path.basename(d).slice(33))).toEqual(['some-cabal2nix.drv'])
    const post = await runner.runPost()
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(
      'some-cabal2nix: main build imported a different batch (compiler ghc-9.6.6, ours ghc-9.8.4)'
    )
    expect(post.summary).toContain('Set the `installable` input')
  })

  test('(d) build logs that cannot be read: one line, no guess', async () => {
    const { runner } = await job('overrides.nix')
    const post = await runner.runPost({ NIX_LOG_DIR: path.join(ws.dir, 'no-such-log-dir') })
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    expect(post.stdout).toContain(
      `some-cabal2nix: main build: cannot tell which IFDs it ran (Nix's build logs at ${ws.dir}/no-such-log-dir/drvs cannot be read: ENOENT)`
    )
    expect(post.summary).toContain('**main build: cannot tell which IFDs it ran')
    expect(post.summary).not.toContain('IFD straggler')
  })

  test('(e) an unreachable OTLP endpoint: one warning for the job, and it stays green', async () => {
    const endpoint = await unreachableUrl()
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` }
    const { runner, main } = await job('overrides.nix', env)
    const post = await runner.runPost(env)
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect([...main.warnings, ...post.warnings]).toHaveLength(1)
    expect(main.warnings[0]).toMatch(
      /^some-cabal2nix trace: could not send \d+ spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: .*; the job is not affected$/
    )
  })
})

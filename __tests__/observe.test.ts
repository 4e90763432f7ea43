/**
 * The main build observed (json-log-path) or inferred from logs, end to end: dist/index.js, a
 * "main build" run with the environment the job's later steps get ($GITHUB_ENV applied), then
 * dist/post.js, with the real Nix, a loopback OTLP receiver and a loopback binary cache.
 *
 * Every case runs on every Nix of the matrix. Where this Nix knows json-log-path (asked of Nix,
 * as the Action does) it asserts the observation; where it does not (2.8, 2.26) it asserts the
 * fallback and its reason instead. The main build's derivations are plain `/bin/sh` builders:
 * `cabal2nix-zzz-1.0` is named as nixpkgs names a per-package cabal2nix IFD (haskellSrc2nix in
 * pkgs/development/haskell-modules/make-package-set.nix), `app` announces its phases the way
 * stdenv does (`@nix {"action":"setPhase",…}` on $NIX_LOG_FD, pkgs/stdenv/generic/setup.sh).
 */
import { spawn } from 'node:child_process'
import { readlink, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  spanMs,
  spanTreeLines,
  startOtlpServer,
  type OtlpServer,
  type ReceivedSpan
} from '../testing/servers/otlp-server.mjs'
import { startStaticServer } from '../testing/servers/static-server.mjs'
import {
  PACKAGES,
  createRunner,
  createScenario,
  expectGreen,
  type Scenario
} from './support/action.js'
import {
  chownTree,
  daemonUnavailable,
  ensureUser,
  startDaemon,
  type NixDaemon
} from './support/daemon.js'
import { tempDir } from './support/files.js'
import { describeWithNix, nix, nixKnowsJsonLogPath, run } from './support/nix.js'
import type { SimulatedRunner, StepResult } from './support/runner.js'

const observes = nixKnowsJsonLogPath()
const SLEEP_S = 3

const MAIN_BUILD = `{ salt, sleep ? "${SLEEP_S}" }:
let
  mk = name: script: builtins.derivation {
    inherit name salt; system = builtins.currentSystem; builder = "/bin/sh";
    args = [ "-c" script ]; PATH = "/usr/bin:/bin";
  };
  straggler = mk "cabal2nix-zzz-1.0" "sleep \${sleep}; echo '{ v = 1; }' > $out";
  generated = mk "gen-config" "sleep \${sleep}; echo '{ w = 2; }' > $out";
  phase = name: ''echo '@nix {"action":"setPhase","phase":"\${name}"}' >&$NIX_LOG_FD'';
in {
  app = mk "app" ''
    \${phase "unpackPhase"}; sleep 0.2
    \${phase "buildPhase"}; echo building; sleep 1
    \${phase "installPhase"}; echo \${toString ((import straggler).v + (import generated).w)} > $out
  '';
  plain = mk "plain" "echo plain > $out";
  stray = mk "cabal2nix-zzz-1.0" "sleep 2; echo '{ v = 1; }' > $out";
  cached = mk "cached-thing" "head -c 50000 /dev/zero > $out";
}
`

/**
 * The log-file audit names the straggler and says why it was inferred. It reads the whole
 * store's registrations in the window, so another build on a shared store can add to the line
 * (exactly what the observation fixes): only our part is asserted.
 */
function expectInferred(line: string, reason: string): void {
  expect(line).toMatch(/^some-cabal2nix: main build still ran \d+ cabal2nix IFDs?: .*\bzzz 1\.0\b/)
  expect(line.endsWith(`(inferred from logs: ${reason})`)).toBe(true)
}

interface Job {
  runner: SimulatedRunner
  main: StepResult
}

/** One scenario: the steps as a user (or root), the main build with the job's environment. */
function observedCases(
  label: string,
  setup: () => Promise<{
    s: Scenario
    env: Record<string, string>
    user?: { uid: number; gid: number }
  }>
) {
  let s: Scenario
  let env: Record<string, string>
  let user: { uid: number; gid: number } | undefined
  let otlp: OtlpServer
  let file: string
  let salt = 0

  beforeAll(async () => {
    ;({ s, env, user } = await setup())
    otlp = await startOtlpServer()
    file = path.join(s.ws.dir, 'main-build.nix')
    await writeFile(file, MAIN_BUILD)
    if (user) await chownTree(s.ws.dir, user as never)
  }, 600_000)
  afterAll(async () => {
    await otlp?.stop()
  })

  async function job(extra: Record<string, string> = {}): Promise<Job> {
    const runner = await createRunner(
      s,
      { 'use-actions-cache': 'false' },
      { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, ...extra }
    )
    const main = await runner.runMain()
    expectGreen(main)
    return { runner, main }
  }

  /** The user's build between the two steps, with what the job's later steps get. */
  function mainBuild(
    runner: SimulatedRunner,
    command: 'nix build' | 'nix-build',
    attr: string,
    extraArgs: string[] = []
  ) {
    const unique = `${label}-${process.pid}-${Date.now()}-${salt++}`
    const args =
      command === 'nix build'
        ? ['--extra-experimental-features', 'nix-command', 'build', '--no-link', '-f', file, attr]
        : ['--no-out-link', file, '-A', attr]
    return runAs(
      command === 'nix build' ? 'nix' : 'nix-build',
      [...args, '--argstr', 'salt', unique, ...extraArgs],
      {
        ...s.ws.nix.env,
        ...env,
        ...runner.jobEnv()
      },
      user
    )
  }

  function verdict(post: StepResult): string {
    const line = post.stdout
      .split('\n')
      .find(l => l.startsWith('some-cabal2nix: main build') && !l.includes('main build took'))
    if (!line) throw new Error(`no verdict in:\n${post.stdout}`)
    return line
  }

  test('(a) nix build: the IFD straggler and the other IFD, named with their times; nix-build: inferred, and why', async () => {
    otlp.clear()
    const { runner } = await job()
    const built = await mainBuild(runner, 'nix build', 'app')
    expect(built.code).toBe(0)
    const post = await runner.runPost()
    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    if (observes) {
      expect(verdict(post)).toBe(
        'some-cabal2nix: main build still ran 1 cabal2nix IFD: zzz 1.0 (observed)'
      )
      expect(post.summary).toContain('Other IFDs')
      expect(post.summary).toMatch(/- `gen-config`: \d/)
      const spans = otlp.spans()
      for (const name of ['build cabal2nix-zzz-1.0', 'build gen-config']) {
        const span = spans.find(x => x.name === name)
        expect(span).toBeDefined()
        // Each builder slept SLEEP_S: the listener's stamps are within 20 % of that.
        expect(spanMs(span as ReceivedSpan)).toBeGreaterThanOrEqual(SLEEP_S * 1000 * 0.8)
        expect(spanMs(span as ReceivedSpan)).toBeLessThanOrEqual(SLEEP_S * 1000 * 1.2)
      }
      expect(
        spans.find(x => x.name === 'build gen-config')?.attributes['some_cabal2nix.kind']
      ).toBe('ifd-other')
    } else {
      expectInferred(verdict(post), 'this Nix has no json-log-path')
    }

    const { runner: second } = await job()
    const legacy = await mainBuild(second, 'nix-build', 'app')
    expect(legacy.code).toBe(0)
    const legacyPost = await second.runPost()
    expect(legacyPost.code).toBe(0)
    expectInferred(
      verdict(legacyPost),
      observes
        ? 'no nix command reported during the main build: nix-build, nix-instantiate and nix-shell are not observed by Nix (or a later step replaced NIX_CONFIG)'
        : 'this Nix has no json-log-path'
    )
  })

  test("(b) another Nix process on the store, without the job's NIX_CONFIG, building cabal2nix-zzz-1.0: not reported", async () => {
    const { runner } = await job()
    // The other process starts first and is still building while the job's main build runs.
    const strayEnv = { ...s.ws.nix.env, ...env }
    delete strayEnv.NIX_CONFIG
    const stray = runAs(
      'nix',
      [
        '--extra-experimental-features',
        'nix-command',
        'build',
        '--no-link',
        '-f',
        file,
        'stray',
        '--argstr',
        'salt',
        `stray-${label}-${Date.now()}`
      ],
      strayEnv,
      user
    )
    const built = await mainBuild(runner, 'nix build', 'plain')
    expect(built.code).toBe(0)
    expect((await stray).code).toBe(0)
    const post = await runner.runPost()
    expect(post.code).toBe(0)
    if (observes) {
      expect(verdict(post)).toBe(
        'some-cabal2nix: main build: 0 IFD builds — none of the 3 overrides needed its own cabal2nix run (observed)'
      )
      expect(post.summary).not.toContain('zzz')
    } else {
      // The log-file evidence cannot tell whose build it was: what observation fixes.
      expectInferred(verdict(post), 'this Nix has no json-log-path')
    }
    await writeFile(
      path.join(s.ws.dir, `audit-b-${label}.md`),
      `${verdict(post)}\n\n${post.summary}`
    )
  })

  test('(c) phases announced on $NIX_LOG_FD reach the OTLP receiver as child spans of their build', async () => {
    otlp.clear()
    const { runner } = await job()
    expect((await mainBuild(runner, 'nix build', 'app')).code).toBe(0)
    expect((await runner.runPost()).code).toBe(0)
    const spans = otlp.spans()
    const byId = new Map(spans.map(x => [x.spanId, x]))
    const mainBuildSpan = spans.find(x => x.name === 'main build') as ReceivedSpan
    expect(mainBuildSpan).toBeDefined()
    if (!observes) {
      expect(mainBuildSpan.attributes['some_cabal2nix.audit.evidence']).toBe('inferred')
      expect(spans.some(x => x.name === 'buildPhase')).toBe(false)
      return
    }
    const app = spans.find(x => x.name === 'build app') as ReceivedSpan
    const processSpan = byId.get(app.parentSpanId as string) as ReceivedSpan
    expect(processSpan.name).toMatch(/^nix process \d+$/)
    expect(processSpan.parentSpanId).toBe(mainBuildSpan.spanId)
    const phases = spans.filter(x => x.parentSpanId === app.spanId)
    expect(phases.map(x => x.name)).toEqual(['unpackPhase', 'buildPhase', 'installPhase'])
    const buildPhase = phases[1]
    expect(spanMs(buildPhase)).toBeGreaterThanOrEqual(800)
    for (const p of phases) expect(p.startNs >= app.startNs && p.endNs <= app.endNs).toBe(true)
    expect(mainBuildSpan.attributes).toMatchObject({
      'some_cabal2nix.audit.evidence': 'observed',
      'some_cabal2nix.spans.cut': 0
    })
    // One observed job's tree, as received, for the record.
    await writeFile(
      path.join(s.ws.dir, `span-tree-${label}.txt`),
      spanTreeLines(spans).join('\n') + '\n'
    )
  })

  return { job, mainBuild, verdict, scenario: () => s, spans: () => otlp.spans() }
}

function runAs(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  user?: { uid: number; gid: number }
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {})
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => (stdout += c))
    child.stderr.on('data', c => (stderr += c))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

describeWithNix('the main build, observed or inferred (single-user Nix)', () => {
  const cases = observedCases('single', async () => ({
    s: await createScenario('observe', PACKAGES.slice(0, 3)),
    env: {}
  }))

  test('(d) a substitution from the loopback binary cache: a span with its duration and bytes, a download span under it per file', async () => {
    const s = cases.scenario()
    const otlp = cases.spans
    const file = path.join(s.ws.dir, 'main-build.nix')
    const cacheDir = path.join(s.ws.dir, 'binary-cache-d')
    const nixArgs = ['--extra-experimental-features', 'nix-command']
    // Made with nix-build: `nix build --print-out-paths` is newer than Nix 2.8.
    const made = await run(
      'nix-build',
      ['--no-out-link', file, '-A', 'cached', '--argstr', 'salt', `d-${Date.now()}`],
      { env: s.ws.nix.env }
    )
    expect(made.code).toBe(0)
    const cached = made.stdout.trim()
    expect(
      (
        await run('nix', [...nixArgs, 'copy', '--to', `file://${cacheDir}`, cached], {
          env: s.ws.nix.env
        })
      ).code
    ).toBe(0)
    expect((await run('nix-store', ['--delete', cached], { env: s.ws.nix.env })).code).toBe(0)
    const server = await startStaticServer(cacheDir)
    try {
      const { runner } = await cases.job()
      const fetched = await run(
        'nix',
        [
          ...nixArgs,
          'build',
          '--no-link',
          cached,
          '--option',
          'substituters',
          server.url,
          '--option',
          'require-sigs',
          'false'
        ],
        { env: { ...s.ws.nix.env, ...runner.jobEnv() } }
      )
      expect(fetched.code).toBe(0)
      const post = await runner.runPost()
      expect(post.code).toBe(0)
      const span = otlp().find(x => x.name === 'substitute cached-thing')
      expect(span).toBeDefined()
      const downloads = otlp().filter(x => x.name.startsWith('download '))
      if (observes) {
        expect((span as ReceivedSpan).endNs > (span as ReceivedSpan).startNs).toBe(true)
        expect((span as ReceivedSpan).attributes['nix.bytes']).toBeGreaterThan(0)
        // One span per file Nix fetched for it (narinfo, NAR), under the substitution.
        const nar = downloads.find(x => /^download [0-9a-z]+\.nar(\.\w+)?$/.test(x.name))
        expect(nar).toBeDefined()
        expect(nar?.parentSpanId).toBe((span as ReceivedSpan).spanId)
        expect(nar?.attributes['url.full']).toBe(`${server.url}/nar/${nar?.name.slice(9)}`)
        // The bytes Nix reports are the compressed NAR file the cache served.
        const narFile = path.join(cacheDir, 'nar', nar?.name.slice(9) as string)
        expect(nar?.attributes['nix.bytes']).toBe((await stat(narFile)).size)
        expect(post.summary).toMatch(/`cached-thing` \| substituted \| other \| \d/)
        expect(post.summary).toMatch(/1 path substituted \([\d.]+ KiB, [\d.]+ (ms|s) together\)/)
      } else {
        expect(downloads).toEqual([])
        expect(post.summary).toContain('`cached-thing` | substituted | other | |')
      }
    } finally {
      await server.stop()
    }
  })

  test('(e) the listener killed mid-job: the build stays green, the audit falls back and says so', async () => {
    const { runner, main } = await cases.job()
    const state = JSON.parse(main.state.observation) as { status: string; pid?: number }
    if (observes) {
      expect(state.status).toBe('listening')
      process.kill(state.pid as number, 'SIGKILL')
    } else expect(state).toEqual({ status: 'off', reason: 'this Nix has no json-log-path' })
    const built = await cases.mainBuild(runner, 'nix build', 'app')
    expect(built.code).toBe(0)
    // A dead listener leaves Nix printing at most its one ignored error.
    expect(
      built.stderr.split('\n').filter(l => l.includes('(ignored)')).length
    ).toBeLessThanOrEqual(1)
    const post = await runner.runPost()
    expect(post.code).toBe(0)
    if (observes) {
      expect(post.warnings).toEqual([
        "some-cabal2nix: the listener died during the job; the main build is audited from Nix's logs instead"
      ])
      expect(cases.verdict(post)).toContain(
        '(inferred from logs: the listener died during the job)'
      )
    } else {
      expect(post.warnings).toEqual([])
      expect(cases.verdict(post)).toContain('(inferred from logs: this Nix has no json-log-path)')
    }
  })

  test("(f) the job's own NIX_CONFIG, set before our step, survives", async () => {
    const own = 'max-jobs = 3\nkeep-going = true'
    const { runner } = await cases.job({ NIX_CONFIG: own })
    const exported = runner.jobEnv().NIX_CONFIG
    const s = cases.scenario()
    const maxJobs = await run(
      'nix',
      ['--extra-experimental-features', 'nix-command', 'show-config', '--json'],
      { env: { ...s.ws.nix.env, NIX_CONFIG: exported ?? own } }
    )
    expect(JSON.parse(maxJobs.stdout)['max-jobs'].value).toBe(3)
    if (observes) {
      expect(exported).toMatch(
        /^max-jobs = 3\nkeep-going = true\njson-log-path = \S+\.sock\ntrace-import-from-derivation = true$/
      )
    } else expect(exported).toBeUndefined()
    expect((await runner.runPost()).code).toBe(0)
    if (observes) {
      // The steps after ours keep the socket in NIX_CONFIG: their records go nowhere, without a word.
      const socket = /json-log-path = (\S+)/.exec(exported as string)?.[1] as string
      const later = await run(
        'nix',
        ['--extra-experimental-features', 'nix-command', 'eval', '--expr', '1 + 1'],
        { env: { ...s.ws.nix.env, NIX_CONFIG: exported } }
      )
      expect({ stdout: later.stdout.trim(), stderr: later.stderr }).toEqual({
        stdout: '2',
        stderr: expect.not.stringMatching(/error|log file/)
      })
      expect(await readlink(socket)).toBe('/dev/null')
    }
  })
})

const noDaemon = nix.available ? daemonUnavailable() : 'Nix is not installed'

describeWithNix(
  'the main build, observed or inferred, through nix-daemon as an untrusted user',
  () => {
    if (noDaemon) {
      test('needs root, nix-daemon and useradd', () => {
        throw new Error(`the daemon cases must run in CI, but ${noDaemon}`)
      })
      return
    }
    let daemon: NixDaemon
    observedCases('daemon', async () => {
      const user = ensureUser('scn-nix-untrusted')
      const s = await createScenario('observe-daemon', PACKAGES.slice(0, 3))
      s.user = user
      daemon = await startDaemon(await tempDir('observe-daemon'), { trustedUsers: [] })
      const env = await daemon.clientEnv(user, path.join(s.ws.dir, 'client'))
      await chownTree(s.ws.dir, user)
      return { s, env, user }
    })
    afterAll(async () => {
      await daemon?.stop()
    })
  }
)

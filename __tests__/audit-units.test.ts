/** The audit's and the trace's pure parts: log paths, names, path-info forms, derivations, verdicts, headers. */
import {
  auditFrom,
  batchDifferences,
  derivationEnv,
  drvPathOfLog,
  ifdOf,
  kindOf,
  splitPackageId,
  type MainBuildAudit
} from '../src/action/audit.js'
import { flakeBatchRef, nixSystem } from '../src/action/flake-output.js'
import { auditVerdict } from '../src/action/report/audit-text.js'
import { renderCommentBody } from '../src/action/report/comment-body.js'
import type { BatchRunReport } from '../src/action/report/model.js'
import { parsePathInfo } from '../src/action/store/path-info.js'
import {
  cicdAttributes,
  parseOtlpHeaders,
  parseTraceState,
  traceConfig
} from '../src/action/trace.js'

const H = 'q4xcslmr3zngg9pagg4cg7jdxjinq6ab'

test('build log paths name their derivation, compressed or not', () => {
  expect(
    drvPathOfLog(`/nix/var/log/nix/drvs/${H.slice(0, 2)}/${H.slice(2)}-cabal2nix-x-1.drv.bz2`)
  ).toBe(`/nix/store/${H}-cabal2nix-x-1.drv`)
  expect(drvPathOfLog(`/logs/drvs/${H.slice(0, 2)}/${H.slice(2)}-y.drv`)).toBe(
    `/nix/store/${H}-y.drv`
  )
  expect(drvPathOfLog('/logs/drvs/ab/README')).toBeUndefined()
})

test('package ids and IFD names', () => {
  expect(splitPackageId('http-types-0.12.6')).toEqual({ package: 'http-types', version: '0.12.6' })
  expect(splitPackageId('my-lib')).toEqual({ package: 'my-lib' })
  expect(ifdOf('all-cabal-hashes-component-AC-Colour-1.1.6')).toEqual({
    step: 'component',
    package: 'AC-Colour',
    version: '1.1.6'
  })
  expect(ifdOf('cabal2nix-my-lib')).toEqual({ step: 'cabal2nix', package: 'my-lib' })
  expect(kindOf('some-cabal2nix')).toBe('batch')
  expect(kindOf('team-some-cabal2nix')).toBe('batch')
  expect(kindOf('ghc-9.8.4')).toBe('other')
})

test('nix path-info --json: the array of Nix < 2.19 and the object of 2.19+', () => {
  const info = { registrationTime: 7, ultimate: true }
  expect(parsePathInfo(JSON.stringify([{ path: '/nix/store/a', ...info }]))).toEqual([
    { path: '/nix/store/a', ...info }
  ])
  expect(parsePathInfo(JSON.stringify({ '/nix/store/a': info, '/nix/store/b': null }))).toEqual([
    { path: '/nix/store/a', ...info }
  ])
})

test("a .drv's environment, and why two batches differ", () => {
  const drv = (compiler: string) =>
    `Derive([("out","/nix/store/x-some-cabal2nix","","")],[],["/nix/store/b"],"x86_64-linux","/n/bin/node",["/b.mjs"],[("compiler","${compiler}"),("hostConfig","x86_64-unknown-linux-gnu"),("overridesJSON","{\\"a\\":\\"1\\"}"),("system","x86_64-linux")])`
  const ours = derivationEnv(drv('ghc-9.8.4'))
  expect(ours).toMatchObject({ compiler: 'ghc-9.8.4', overridesJSON: '{"a":"1"}' })
  expect(batchDifferences(ours, derivationEnv(drv('ghc-9.6.6')))).toEqual([
    'compiler ghc-9.6.6, ours ghc-9.8.4'
  ])
  expect(batchDifferences(ours, { ...ours, overridesJSON: '{"a":"2","b":"1"}' })).toEqual([
    'another package list (+b, a 2 (ours 1))'
  ])
})

const window = { startMs: 1_000_000, endMs: 1_060_000 }
const ours = {
  drvPath: `/nix/store/${H}-some-cabal2nix.drv`,
  outPath: '/nix/store/o-some-cabal2nix',
  overrides: 3,
  overridesFile: 'nix/overrides.nix'
}

function audit(built: string[], registered = [] as Parameters<typeof auditFrom>[0]['registered']) {
  return auditFrom(
    {
      built: built.map((name, i) => ({
        drvPath: `/nix/store/${H}-${name}.drv`.replace(H, `${i}${H.slice(1)}`),
        name,
        kind: 'other' as const,
        startMs: window.startMs + i * 1000,
        endMs: window.startMs + i * 1000 + 500
      })),
      registered,
      envs: {}
    },
    ours,
    window,
    'this Nix has no json-log-path'
  )
}

test('verdicts: none, stragglers with their fix, a different batch, missing evidence; each says how it knows', () => {
  expect(auditVerdict(audit(['ghc-env']))).toBe(
    'main build: 0 IFD builds — none of the 3 overrides needed its own cabal2nix run (inferred from logs: this Nix has no json-log-path)'
  )
  const late = audit([
    'all-cabal-hashes-component-lens-5.3.2',
    'cabal2nix-lens-5.3.2',
    'cabal2nix-my-lib'
  ])
  expect(auditVerdict(late)).toBe(
    'main build still ran 2 cabal2nix IFDs: lens 5.3.2, my-lib (inferred from logs: this Nix has no json-log-path)'
  )
  expect(late.status === 'ok' && late.stragglers.map(s => [s.fix, s.ms])).toEqual([
    ['add `lens = "5.3.2";` to nix/overrides.nix', 1000],
    ['add `my-lib = ./path/to/my-lib;` to nix/overrides.nix', 500]
  ])
  const substituted = audit(
    [],
    [
      { path: '/nix/store/s-some-cabal2nix', registrationTime: 1001, deriver: '/nix/store/d.drv' },
      { path: '/nix/store/c-source', registrationTime: 1001, ca: 'fixed:r:sha256:x' },
      { path: ours.outPath, registrationTime: 1001 }
    ]
  )
  expect(auditVerdict(substituted)).toBe(
    'main build imported a different batch (inferred from logs: this Nix has no json-log-path)'
  )
  expect(auditVerdict({ status: 'unknown', reason: 'no logs' })).toBe(
    'main build: cannot tell which IFDs it ran (no logs)'
  )
})

test('a long straggler list is cut and counted, and the comment stays within its cap', () => {
  const names = Array.from({ length: 3000 }, (_, i) => `cabal2nix-pkg${i}-1.0`)
  const report: BatchRunReport = {
    storePath: ours.outPath,
    source: 'built',
    rebuilt: true,
    packages: [],
    phases: [],
    pushes: [],
    totalMs: 1000,
    mainBuildMs: 60_000,
    audit: audit(names) as MainBuildAudit
  }
  const body = renderCommentBody(report, { maxSize: 20_000 })
  expect(body.length).toBeLessThanOrEqual(20_000)
  expect(body).toContain('**main build still ran 3000 cabal2nix IFDs: pkg0 1.0, pkg1 1.0')
  expect(body).toMatch(/… and \d+ more packages \(the job summary has the rest\)\./)
})

test('trace configuration from the environment and the inputs; headers parsed', () => {
  expect(traceConfig({})).toBeUndefined()
  expect(traceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })?.url).toBe(
    'http://c:4318/v1/traces'
  )
  expect(
    traceConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/x'
    })?.url
  ).toBe('http://t/x')
  expect(
    traceConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1' }, { endpoint: 'http://i', headers: 'b=2' })
  ).toEqual({
    url: 'http://i/v1/traces',
    headers: { a: '1', b: '2' }
  })
  expect(parseOtlpHeaders('authorization=Bearer%20x, x-team = core ,bad')).toEqual({
    authorization: 'Bearer x',
    'x-team': 'core'
  })
  expect(parseTraceState('{"traceId":"x"}')).toBeUndefined()
  expect(cicdAttributes({ GITHUB_RUN_ID: '9', GITHUB_WORKFLOW: 'CI' })).toMatchObject({
    'cicd.pipeline.run.id': '9',
    'cicd.pipeline.name': 'CI'
  })
})

test('the flake output pre-warmed without an installable', () => {
  expect(nixSystem('linux', 'x64')).toBe('x86_64-linux')
  expect(nixSystem('darwin', 'arm64')).toBe('aarch64-darwin')
  expect(nixSystem('win32', 'x64')).toBeUndefined()
  expect(flakeBatchRef('x86_64-linux')).toBe('.#packages.x86_64-linux.some-cabal2nix')
})

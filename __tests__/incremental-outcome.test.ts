/** What an incremental package's build did, as data and text (src/action/incremental/outcome.ts). */
import { readGhcProgress } from '../src/common/ghc-progress.js'
import {
  compiledFor,
  describeOutcome,
  fileTimesReason,
  incrementalOutput,
  lastFullBuildMsAfter,
  outcomeSpans,
  recompilesByHash,
  type PackageOutcome
} from '../src/action/incremental/outcome.js'

const origin = { branch: 'main', sha: '0123456789abcdef', runNumber: '41' }
const at = 1_700_000_000_000

test('report lines: incremental with its origin, counts and time against the last full build', () => {
  const log = [
    "Building executable 'chain-app' for chain-app-1.0...",
    '[30 of 30] Compiling Main             ( src/Main.hs, dist/build/chain-app/chain-app-tmp/Main.o ) [Source file changed]',
    '[31 of 31] Linking dist/build/chain-app/chain-app [Objects changed]'
  ].join('\n')
  const counts = compiledFor(readGhcProgress(log), 'chain-app-1.0')
  expect(counts).toEqual({ compiled: 1, modules: 30 })
  const incremental: PackageOutcome = {
    kind: 'incremental',
    pname: 'chain-app',
    origin,
    ...counts!,
    build: { startMs: at, endMs: at + 41_000 },
    lastFullBuildMs: 192_000
  }
  expect(describeOutcome(incremental)).toBe(
    'chain-app: incremental from main @ 0123456 (run 41): compiled 1 of 30 modules in 41.0 s; the last full build took 3 min 12 s'
  )
  // The audit could not time the build, and the entry knew no full build's time: the counts alone.
  expect(
    describeOutcome({ ...incremental, build: { endMs: at }, lastFullBuildMs: undefined })
  ).toBe('chain-app: incremental from main @ 0123456 (run 41): compiled 1 of 30 modules')
  expect(compiledFor(readGhcProgress(log), 'other-1.0')).toBeUndefined()
})

test('report lines: full with the reason, its counts and time', () => {
  const full: PackageOutcome = {
    kind: 'full',
    pname: 'chain-app',
    reason: 'GHC 9.8.4 → 9.10.3',
    compiled: 30,
    modules: 30,
    build: { startMs: at, endMs: at + 192_000 }
  }
  expect(describeOutcome(full)).toBe(
    'chain-app: full build: GHC 9.8.4 → 9.10.3 (compiled 30 of 30 modules in 3 min 12 s)'
  )
  expect(describeOutcome({ kind: 'full', pname: 'x', reason: 'entry not trusted' })).toBe(
    'x: full build: entry not trusted'
  )
})

test('the last full build: a full build records its own time, an incremental one carries it forward', () => {
  expect(
    lastFullBuildMsAfter({
      kind: 'full',
      pname: 'a',
      reason: 'r',
      build: { startMs: at, endMs: at + 5000 }
    })
  ).toBe(5000)
  expect(
    lastFullBuildMsAfter({ kind: 'full', pname: 'a', reason: 'r', build: { endMs: at } })
  ).toBe(undefined)
  expect(
    lastFullBuildMsAfter({
      kind: 'incremental',
      pname: 'a',
      origin,
      compiled: 1,
      build: { startMs: at, endMs: at + 100 },
      lastFullBuildMs: 5000
    })
  ).toBe(5000)
})

test('GHC 9.4 is the first that recompiles by content hashes; the reason says so', () => {
  expect(['9.0.2', '8.10.7', '9.2.8', 'x'].map(recompilesByHash)).toEqual([
    false,
    false,
    false,
    false
  ])
  expect(['9.4.1', '9.6.6', '9.10.3', '10.0.1'].map(recompilesByHash)).toEqual([
    true,
    true,
    true,
    true
  ])
  expect(fileTimesReason('9.0.2')).toBe(
    'GHC 9.0.2 recompiles by file times; incremental builds need GHC 9.4 or newer'
  )
})

test('the incremental output: per package, resumes from where (short sha) or why not', () => {
  const output = incrementalOutput({
    ghcVersion: '9.10.3',
    platform: 'linux-x64',
    packages: [
      {
        pname: 'my-app',
        keyPrefix: 'p-',
        restored: { key: 'p-7-1', outPath: '/nix/store/x', origin }
      },
      { pname: 'my-lib', keyPrefix: 'q-' },
      { pname: 'my-util', keyPrefix: 'r-', untrusted: true },
      { pname: 'old', keyPrefix: 's-', reason: fileTimesReason('9.0.2') }
    ]
  })
  expect(JSON.parse(output)).toEqual({
    'my-app': { resumes: true, from: { branch: 'main', sha: '0123456', run: '41' }, key: 'p-7-1' },
    'my-lib': { resumes: false, reason: 'first build (no previous intermediates)' },
    'my-util': { resumes: false, reason: 'entry not trusted' },
    old: { resumes: false, reason: fileTimesReason('9.0.2') }
  })
  expect(incrementalOutput(undefined)).toBe('{}')
})

test('trace: one span per package over its build, with mode, reason or origin, counts and times', () => {
  const window = { startMs: at, endMs: at + 300_000 }
  const [incremental, full] = outcomeSpans(
    [
      {
        kind: 'incremental',
        pname: 'my-app',
        origin,
        compiled: 1,
        modules: 30,
        build: { startMs: at + 10_000, endMs: at + 51_000 },
        lastFullBuildMs: 192_000
      },
      {
        kind: 'full',
        pname: 'my-lib',
        reason: 'first build (no previous intermediates)',
        build: { endMs: at + 9000 }
      }
    ],
    window
  )
  expect(incremental).toEqual({
    name: 'incremental my-app',
    startMs: at + 10_000,
    endMs: at + 51_000,
    attributes: {
      'some_cabal2nix.incremental.package': 'my-app',
      'some_cabal2nix.incremental.mode': 'incremental',
      'some_cabal2nix.incremental.from': 'main @ 0123456 (run 41)',
      'some_cabal2nix.incremental.modules_compiled': 1,
      'some_cabal2nix.incremental.modules_total': 30,
      'some_cabal2nix.incremental.duration_ms': 41_000,
      'some_cabal2nix.incremental.last_full_build_ms': 192_000
    }
  })
  // Not timed: over the whole main build, and no durations.
  expect(full).toEqual({
    name: 'incremental my-lib',
    ...window,
    attributes: {
      'some_cabal2nix.incremental.package': 'my-lib',
      'some_cabal2nix.incremental.mode': 'full',
      'some_cabal2nix.incremental.reason': 'first build (no previous intermediates)'
    }
  })
})

/** The Action's incremental-build planning (src/action/incremental/plan.ts): pure functions. */
import { readGhcProgress } from '../src/common/ghc-progress.js'
import {
  compiledFor,
  describeOutcome,
  intermediatesKey,
  intermediatesKeyPrefix,
  nixArgs,
  parseIncrementalInput,
  selectedPackages
} from '../src/action/incremental/plan.js'

test('the incremental input: off by default, auto, or names', () => {
  expect(parseIncrementalInput('')).toEqual({ kind: 'off' })
  expect(parseIncrementalInput('false')).toEqual({ kind: 'off' })
  expect(parseIncrementalInput(' auto\n')).toEqual({ kind: 'auto' })
  expect(parseIncrementalInput('my-app my-lib,my-app\nother')).toEqual({
    kind: 'names',
    names: ['my-app', 'my-lib', 'other']
  })
  expect(parseIncrementalInput('my-app ../x auto')).toEqual({
    kind: 'error',
    message:
      "incremental: '../x', 'auto' are not package names\nhint: write package names (my-app my-lib) or auto (every local package of the overrides file)"
  })
  expect(selectedPackages({ kind: 'auto' }, ['my-lib', 'my-app'])).toEqual(['my-app', 'my-lib'])
  expect(selectedPackages({ kind: 'off' }, ['my-lib'])).toEqual([])
})

test('keys: one prefix per package, GHC and platform; a new key per run attempt', () => {
  const parts = {
    prefix: 'some-cabal2nix',
    platform: 'Linux-X64',
    pname: 'my-app',
    ghcVersion: '9.10.3'
  }
  expect(intermediatesKeyPrefix(parts)).toBe(
    'some-cabal2nix-intermediates-Linux-X64-my-app-ghc-9.10.3-'
  )
  expect(intermediatesKey(intermediatesKeyPrefix(parts), { id: '4242', attempt: '2' })).toBe(
    'some-cabal2nix-intermediates-Linux-X64-my-app-ghc-9.10.3-4242-2'
  )
  expect(intermediatesKeyPrefix({ ...parts, pname: 'my-app-extra' })).not.toMatch(
    new RegExp(`^${intermediatesKeyPrefix(parts)}`)
  )
})

test('nix-args: the override line, empty with nothing restored', () => {
  expect(nixArgs('/runner/tmp/intermediates')).toBe(
    '--override-input some-cabal2nix/previous-intermediates path:/runner/tmp/intermediates'
  )
  expect(nixArgs('/d', 'scn')).toBe('--override-input scn/previous-intermediates path:/d')
  expect(nixArgs(undefined)).toBe('')
})

test('report lines: incremental with its origin and counts, or full with the reason', () => {
  const log = [
    "Building executable 'chain-app' for chain-app-1.0...",
    '[30 of 30] Compiling Main             ( src/Main.hs, dist/build/chain-app/chain-app-tmp/Main.o ) [Source file changed]',
    '[31 of 31] Linking dist/build/chain-app/chain-app [Objects changed]'
  ].join('\n')
  const counts = compiledFor(readGhcProgress(log), 'chain-app-1.0')
  expect(counts).toEqual({ compiled: 1, modules: 30 })
  expect(
    describeOutcome({
      kind: 'incremental',
      pname: 'chain-app',
      origin: { branch: 'main', sha: '0123456789abcdef', runNumber: '41' },
      ...counts!
    })
  ).toBe('chain-app: incremental from main @ 0123456 (run 41): compiled 1 of 30 modules')
  expect(
    describeOutcome({
      kind: 'full',
      pname: 'chain-app',
      reason: 'GHC 9.8.4 → 9.10.3',
      compiled: 30
    })
  ).toBe('chain-app: full build: GHC 9.8.4 → 9.10.3 (compiled 30 modules)')
  expect(compiledFor(readGhcProgress(log), 'other-1.0')).toBeUndefined()
})

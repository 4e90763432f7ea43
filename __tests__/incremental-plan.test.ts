/** The Action's incremental-build planning (src/action/incremental/plan.ts): pure functions. */
import {
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

/** Which nixpkgs and which some-cabal2nix the zero-config path takes from flake.lock. */
import { resolveLockInput, zeroConfigSources } from '../src/action/zero-config.js'

const NIXPKGS = {
  type: 'github',
  owner: 'NixOS',
  repo: 'nixpkgs',
  rev: 'a'.repeat(40),
  narHash: 'sha256-x'
}
const LIBRARY = {
  type: 'github',
  owner: 'acme',
  repo: 'some-cabal2nix',
  rev: 'b'.repeat(40),
  narHash: 'sha256-y'
}

function lock(nodes: Record<string, unknown>): string {
  return JSON.stringify({ nodes, root: 'root', version: 7 })
}

test('a plain nixpkgs input', () => {
  const s = zeroConfigSources(
    lock({ nixpkgs: { locked: NIXPKGS }, root: { inputs: { nixpkgs: 'nixpkgs' } } })
  )
  expect(s.nixpkgs).toEqual(NIXPKGS)
  expect(s.library).toBeUndefined()
  expect(s.warnings).toEqual([])
})

test('nixpkgs that follows another input (a list of input names from the root)', () => {
  const text = lock({
    haskell: { inputs: { nixpkgs: 'nixpkgs_2' }, locked: { type: 'path', path: '/h' } },
    nixpkgs_2: { locked: NIXPKGS },
    root: { inputs: { haskell: 'haskell', nixpkgs: ['haskell', 'nixpkgs'] } }
  })
  expect(zeroConfigSources(text).nixpkgs).toEqual(NIXPKGS)
  expect(resolveLockInput(JSON.parse(text), 'root', 'nixpkgs')).toBe('nixpkgs_2')
})

test('a follows cycle or dangling name pins nothing, and says so', () => {
  const s = zeroConfigSources(lock({ root: { inputs: { nixpkgs: ['nixpkgs'] } } }), 'nixpkgs=/x')
  expect(s.nixpkgs).toBeUndefined()
  expect(s.warnings).toHaveLength(1)
})

test('no flake.lock: a warning naming NIX_PATH', () => {
  const s = zeroConfigSources(
    undefined,
    'nixpkgs=/nix/var/nix/profiles/per-user/root/channels/nixpkgs'
  )
  expect(s.nixpkgs).toBeUndefined()
  expect(s.warnings).toEqual([
    expect.stringMatching(
      /^zero-config: there is no flake\.lock, so the batch is built with <nixpkgs> from NIX_PATH \(NIX_PATH=nixpkgs=\/nix\/var\/.*\); if your build takes nixpkgs from anywhere else/
    )
  ])
  expect(zeroConfigSources(undefined, '').warnings[0]).toContain('NIX_PATH is empty')
})

test('a locked some-cabal2nix is found by input name or by repository name', () => {
  const byName = zeroConfigSources(
    lock({
      nixpkgs: { locked: NIXPKGS },
      'some-cabal2nix': { locked: LIBRARY },
      root: { inputs: { nixpkgs: 'nixpkgs', 'some-cabal2nix': 'some-cabal2nix' } }
    })
  )
  expect(byName.library).toEqual(LIBRARY)
  const byRepo = zeroConfigSources(
    lock({
      nixpkgs: { locked: NIXPKGS },
      scn: { locked: LIBRARY, original: { type: 'github', owner: 'acme', repo: 'some-cabal2nix' } },
      root: { inputs: { nixpkgs: 'nixpkgs', batcher: 'scn' } }
    })
  )
  expect(byRepo.library).toEqual(LIBRARY)
  expect(byRepo.notes).toContain("some-cabal2nix library: input 'batcher' as locked in flake.lock")
})

/**
 * Whether the incremental-build tests with a real GHC run here. They need Nix and GHC >= 9.4
 * (content-hash recompilation): Debian's ghc in the trixie and forky chroots
 * (scripts/nix-chroot.sh create installs it). Bookworm's 9.0.2 decides by mtime, so on a bookworm
 * host they are skipped with a warning; in CI on any newer suite a missing or old GHC fails.
 */
import { debianSuite, findGhc } from '../../testing/nix/ghc-harness.mjs'
import { nix } from './nix.js'

export * from '../../testing/nix/ghc-harness.mjs'

export const ghc = findGhc()

const SUITES_WITHOUT_INCREMENTAL_GHC = ['bookworm', 'bullseye', 'buster']

/** `describe` when Nix and GHC >= 9.4 are there; otherwise a skip with a warning, or in CI where they belong, a failure. */
export function describeWithIncrementalGhc(name: string, body: () => void): void {
  if (nix.available && ghc.incremental) {
    describe(name, body)
    return
  }
  const missing = !nix.available
    ? 'Nix is not installed'
    : ghc.available
      ? `/usr/bin/ghc is ${ghc.version}, older than 9.4`
      : 'there is no /usr/bin/ghc'
  const suite = debianSuite()
  if (process.env.CI && !SUITES_WITHOUT_INCREMENTAL_GHC.includes(suite)) {
    describe(name, () => {
      test('needs Nix and GHC >= 9.4', () => {
        throw new Error(
          `${missing}; CI on ${suite || 'this system'} must run the incremental builds (scripts/nix-chroot.sh create installs ghc)`
        )
      })
    })
    return
  }
  console.warn(
    `SKIPPING "${name}": ${missing} (incremental builds need GHC >= 9.4; Debian trixie and newer have it).`
  )
  describe.skip(name, body)
}

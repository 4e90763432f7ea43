/**
 * Which incremental-build tests with a real GHC run here. They need Nix and /usr/bin/ghc
 * (scripts/setup.sh installs Debian's ghc on every suite; scripts/nix-chroot.sh create in the
 * chroots). GHC >= 9.4 (content-hash recompilation: Debian trixie 9.6.6, forky 9.10.3) runs the
 * incremental builds themselves; an older GHC (bookworm's 9.0.2 decides by mtime) runs the checks
 * that the library and the Action fall back to full builds there. A missing GHC fails.
 */
import { findGhc } from '../../testing/nix/ghc-harness.mjs'
import { describeWithNix } from './nix.js'

export * from '../../testing/nix/ghc-harness.mjs'

export const ghc = findGhc()

/**
 * `describe` of `bodies.hashBased` with GHC >= 9.4, of `bodies.fileTimes` with an older GHC, one
 * failing test without GHC. Without Nix, as describeWithNix.
 */
export function describeWithGhc(
  name: (version: string) => string,
  bodies: { hashBased: () => void; fileTimes: () => void }
): void {
  const version = ghc.version ?? '(none)'
  describeWithNix(name(version), () => {
    if (!ghc.available) {
      test('needs /usr/bin/ghc', () => {
        throw new Error(
          'there is no /usr/bin/ghc; the incremental builds are tested with the real GHC (bash scripts/setup.sh installs Debian ghc; scripts/nix-chroot.sh create puts it in a chroot)'
        )
      })
      return
    }
    if (ghc.incremental) bodies.hashBased()
    else bodies.fileTimes()
  })
}

/**
 * Types for the helpers testing/cabal2nix-test-double.mjs exports. Run as a program it is a
 * stand-in for cabal2nix; importing it does not run it.
 */

export const VERSION_LINE: string

/** Nix's base32 rendering of a hash (as `nix hash to-base32` prints it). */
export function nixBase32(bytes: Uint8Array): string

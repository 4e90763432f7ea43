/**
 * Flags every `nix` / `nix-instantiate` call of ours carries: the runner's nix.conf may not enable
 * the new CLI or flakes (Debian's nix-bin, self-hosted runners), and `nix eval`, `nix path-info`,
 * `nix copy` and `builtins.fetchTree` need them. `--extra-…` adds to the user's setting rather
 * than replacing it, and every Nix from 2.4 to 2.34 accepts it on both command styles.
 */
export const NIX_FEATURE_FLAGS: readonly string[] = [
  '--extra-experimental-features',
  'nix-command flakes'
]

{
  description = "some-cabal2nix: one batch derivation for all your Hackage overrides instead of one callHackage IFD per package";

  # No inputs: the library takes your nixpkgs as an argument (`pkgs`), so nothing is fetched.
  outputs =
    { self }:
    {
      # lib.someCabal2nix, lib.overlay, lib.someCabal2nixFor, lib.withPkgs, lib.readOverrides
      lib = import ./nix;

      # A nixpkgs overlay adding `pkgs.someCabal2nix` = lib.withPkgs pkgs:
      #   pkgs.haskellPackages.extend (pkgs.someCabal2nix.overlay ./overrides.nix)
      #   pkgs.someCabal2nix.batch ./overrides.nix   # the batch, to expose as a package for CI
      overlays.default = final: _prev: { someCabal2nix = self.lib.withPkgs final; };
    };
}

{
  description = "some-cabal2nix: one batch derivation for all your Hackage overrides instead of one callHackage IFD per package";

  # The library takes your nixpkgs as an argument (`pkgs`), so nothing is fetched. The one input is
  # a directory inside this flake: the previous intermediates of incremental builds, empty unless
  # a build overrides it (`--override-input some-cabal2nix/previous-intermediates path:DIR`, what
  # the Action's `nix-args` output says).
  inputs.previous-intermediates = {
    url = "path:./nix/no-previous-intermediates";
    flake = false;
  };

  outputs =
    { self, previous-intermediates }:
    {
      # lib.someCabal2nix, lib.overlay, lib.someCabal2nixFor, lib.withPkgs, lib.readOverrides
      lib = (import ./nix).withPreviousIntermediates previous-intermediates;

      # A nixpkgs overlay adding `pkgs.someCabal2nix` = lib.withPkgs pkgs:
      #   pkgs.haskellPackages.extend (pkgs.someCabal2nix.overlay ./overrides.nix)
      #   pkgs.someCabal2nix.batch ./overrides.nix   # the batch, to expose as a package for CI
      overlays.default = final: _prev: { someCabal2nix = self.lib.withPkgs final; };
    };
}

# The flake that examples/workflows/matrix.yml builds: one project for two compilers on the two
# systems of the matrix's runners. For every system and compiler:
#   packages.<system>.batch-<ghc>   the some-cabal2nix batch (what the action restores or builds)
#   packages.<system>.app-<ghc>     the application, every override imported from that batch
# Copy this directory's files (flake.nix, nix/overrides.nix, my-app.cabal, app/) to the root of a
# repository, or start from your own project and keep the `packages` part.
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";
  # The v0 tag exists once 0.1.0 is released (see CHANGELOG.md).
  inputs.some-cabal2nix.url = "github:some-cabal2nix/some-cabal2nix/v0";

  outputs =
    { nixpkgs, some-cabal2nix, ... }:
    let
      # ubuntu-latest and macos-latest (Apple silicon).
      systems = [
        "x86_64-linux"
        "aarch64-darwin"
      ];
      compilers = [
        "ghc96"
        "ghc98"
      ];
      forSystem =
        system:
        let
          pkgs = nixpkgs.legacyPackages.${system};
          forCompiler =
            ghc:
            let
              haskell = some-cabal2nix.lib.someCabal2nixFor {
                inherit pkgs;
                overrides = ./nix/overrides.nix;
                haskellPackages = pkgs.haskell.packages.${ghc};
              };
            in
            [
              {
                name = "batch-${ghc}";
                value = haskell.batch;
              }
              {
                name = "app-${ghc}";
                value = haskell.haskellPackages.my-app;
              }
            ];
        in
        builtins.listToAttrs (builtins.concatMap forCompiler compilers);
    in
    {
      packages = builtins.listToAttrs (
        map (system: {
          name = system;
          value = forSystem system;
        }) systems
      );
    };
}

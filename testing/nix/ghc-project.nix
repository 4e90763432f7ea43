# The incremental-build test project (testing/ghc-project.mjs writes it) built for real: the
# stand-in package set with its GHC builder (generic-builder.nix), some-cabal2nix's overlay over the
# project's overrides.nix (both packages local), and the incremental opt-in.
#
# nix-build testing/nix/ghc-project.nix -A app --argstr projectDir DIR --argstr ghcVersion 9.10.3 \
#   --argstr cabal2nix … --argstr nodejs … [--arg incremental '"auto"'] [--argstr previousIntermediates DIR]
#   [--arg nixpkgsSwitches true]
{
  projectDir,
  # The version of /usr/bin/ghc, which builds everything.
  ghcVersion,
  # Package prefixes: <cabal2nix>/bin/cabal2nix, <nodejs>/bin/node.
  cabal2nix,
  nodejs,
  incremental ? null,
  previousIntermediates ? null,
  # The app with nixpkgs' own switches (doInstallIntermediates, a separate intermediates output),
  # set directly as a build without this library's opt-in would: intermediates of any GHC.
  nixpkgsSwitches ? false,
  system ? builtins.currentSystem,
}:
let
  set = import ./haskell-package-set.nix {
    allCabalHashes = null;
    inherit cabal2nix nodejs system;
    compilerName = "ghc-${ghcVersion}";
    buildWithGhc = true;
  };
  withBatch = (import ../../nix).someCabal2nixFor {
    inherit (set) pkgs;
    inherit incremental previousIntermediates;
    overrides = /. + projectDir + "/overrides.nix";
    haskellPackages = set.haskellPackages;
  };
  inherit (withBatch) haskellPackages;
  withSwitches = set.pkgs.haskell.lib.compose.overrideCabal (_: {
    doInstallIntermediates = true;
    enableSeparateIntermediatesOutput = true;
  });
  app = if nixpkgsSwitches then withSwitches haskellPackages.chain-app else haskellPackages.chain-app;
  packages = [
    haskellPackages.chain-dep
    app
  ];
in
{
  inherit app;
  dep = haskellPackages.chain-dep;
  # What each opted-in package resumes from, or why it builds from zero.
  incremental = map (p: p.someCabal2nixIncremental or null) packages;
  # The `intermediates` outputs (after a build, the directories to resume the next one from).
  intermediates = map (p: p.intermediates.outPath) (builtins.filter (p: p ? intermediates) packages);
}

# The test project evaluated one way or another, on the stand-in package set
# (haskell-package-set.nix). Each package evaluates to its mkDerivation arguments as data, so the
# results of two ways can be compared exactly.
#
#   mode = "nixpkgs"          packageSourceOverrides: callHackage / callCabal2nix per package
#   mode = "overlay"          some-cabal2nix's overlay { pkgs, overrides }
#   mode = "for"              some-cabal2nix's someCabal2nixFor { pkgs, overrides, haskellPackages }
#   mode = "user-overlay"     the project's own haskell-overlay.nix (callHackage per package)
#   mode = "drop-in"          some-cabal2nix's overlay (from `plan --overlay` JSON), then haskell-overlay.nix
#   mode = "flake"            flake.nix's overlays.default, then pkgs.someCabal2nix.overlay overrides
#
# nix-instantiate --eval --strict --json --read-write-mode testing/nix/project.nix -A packages \
#   --arg mode '"overlay"' --argstr archive /tmp/all-cabal-hashes.tar.gz --argstr cabal2nix … --argstr nodejs …
{
  mode,
  # Absolute path of the all-cabal-hashes tarball (added to the store like a fetchurl result).
  archive,
  archiveName ? "all-cabal-hashes.tar.gz",
  # Package prefixes: <cabal2nix>/bin/cabal2nix, <nodejs>/bin/node.
  cabal2nix,
  nodejs,
  projectDir ? ./project,
  # Anything some-cabal2nix accepts as overrides; the nixpkgs mode needs a Nix file.
  overrides ? "${toString projectDir}/overrides.nix",
  userOverlay ? "${toString projectDir}/haskell-overlay.nix",
  compilerName ? "ghc-9.8.4",
  # Packages the build still takes with callHackage on top of the mode's set, outside the
  # overrides (JSON: name → version); they are evaluated with the others.
  extraHackage ? "{}",
  # A materialized batch directory for the overlay ("" for none), and whether to check it.
  materialized ? "",
  checkMaterialization ? "false",
  # "true": also `drvPaths`, name → the package's derivation (the stand-in's, see
  # haskell-package-set.nix; not in nixpkgs mode, where the Haskell zlib depends on itself).
  withDrvPaths ? "false",
  # some-cabal2nix's incremental opt-in, for the "overlay" and "for" modes (nix/incremental.nix).
  incremental ? null,
  previousIntermediates ? null,
}:
let
  someCabal2nix = import ../../nix;

  toPath = p: if builtins.isPath p then p else /. + p;
  overridesArg = if builtins.isString overrides then toPath overrides else overrides;

  set = import ./haskell-package-set.nix {
    allCabalHashes = builtins.path {
      path = toPath archive;
      name = archiveName;
    };
    inherit cabal2nix nodejs compilerName;
  };
  inherit (set) pkgs;
  haskellPackages0 = set.haskellPackages;

  ours = someCabal2nix.overlay {
    inherit pkgs incremental previousIntermediates;
    overrides = overridesArg;
    materialized = if materialized == "" then null else toPath materialized;
    checkMaterialization = checkMaterialization == "true";
  };
  theirs = import (toPath userOverlay) { inherit pkgs; };

  # flake.nix's outputs, called the way Nix calls them (self is the result itself).
  flake = (import ../../flake.nix).outputs {
    self = flake;
    previous-intermediates = ../../nix/no-previous-intermediates;
  };
  pkgsWithFlakeOverlay = pkgs // flake.overlays.default pkgsWithFlakeOverlay pkgs;
  # lib.composeExtensions
  composeExtensions =
    f: g: final: prev:
    let
      fApplied = f final prev;
      prev' = prev // fApplied;
    in
    fApplied // g final prev';

  extra = builtins.fromJSON extraHackage;
  haskellPackages = haskellPackages1.extend (
    _self: super: builtins.mapAttrs (name: version: super.callHackage name version { }) extra
  );
  haskellPackages1 =
    if mode == "nixpkgs" then
      haskellPackages0.extend (pkgs.haskell.lib.compose.packageSourceOverrides (import overridesArg))
    else if mode == "overlay" then
      haskellPackages0.extend ours
    else if mode == "for" then
      (someCabal2nix.someCabal2nixFor {
        inherit pkgs incremental previousIntermediates;
        overrides = overridesArg;
        haskellPackages = haskellPackages0;
      }).haskellPackages
    else if mode == "user-overlay" then
      haskellPackages0.extend theirs
    else if mode == "drop-in" then
      haskellPackages0.extend (composeExtensions ours theirs)
    else if mode == "flake" then
      haskellPackages0.extend (pkgsWithFlakeOverlay.someCabal2nix.overlay overridesArg)
    else
      throw "project.nix: unknown mode '${mode}'";

  names = map (e: e.name) (someCabal2nix.readOverrides overridesArg).entries ++ builtins.attrNames extra;
  usesBatch = haskellPackages ? some-cabal2nix-batch;
in
(
  if withDrvPaths == "true" then
    {
      drvPaths = builtins.listToAttrs (
        map (name: {
          inherit name;
          value = haskellPackages.${name}.drvPath;
        }) names
      );
    }
  else
    { }
)
// {
  # name → the package's mkDerivation arguments (dependencies by name, no passthru).
  packages = builtins.listToAttrs (
    map (name: {
      inherit name;
      value = set.describe haskellPackages.${name};
    }) names
  );

  # name → where the package's expression came from (passthru.cabal2nixDeriver).
  derivers = builtins.listToAttrs (
    map (name: {
      inherit name;
      value = toString haskellPackages.${name}.mkDerivationArgs.passthru.cabal2nixDeriver;
    }) names
  );

  # name → passthru.someCabal2nixIncremental of the opted-in packages (null for the others).
  incremental = builtins.listToAttrs (
    map (name: {
      inherit name;
      value = haskellPackages.${name}.mkDerivationArgs.passthru.someCabal2nixIncremental or null;
    }) names
  );

  # The batch derivation's paths (evaluating them builds nothing); null without some-cabal2nix.
  # (Not named drvPath/outPath: an attribute set with an outPath prints as that string in JSON.)
  batch =
    if usesBatch then
      {
        drv = haskellPackages.some-cabal2nix-batch.drvPath;
        out = haskellPackages.some-cabal2nix-batch.outPath;
      }
    else
      null;
}

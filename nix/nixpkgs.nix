# The nixpkgs layer: the core batch with its tools taken from nixpkgs, and a haskellPackages
# overlay that imports every listed package from that one batch instead of running
# callHackage / callCabal2nix (one IFD each) per package.
#
# It follows pkgs/development/haskell-modules/make-package-set.nix:
#   - cabal2nix is `buildPackages.cabal2nix-unwrapped`, run with
#     `--compiler=${ghc.haskellCompilerName} --system=${hostPlatform.config}`;
#   - packages are `callPackage <expression> args`, with `passthru.cabal2nixDeriver` pointing at
#     the expression (callPackageKeepDeriver);
#   - a local package gets its full `src` back with overrideCabal, as callCabal2nix does.
{
  core,
  # What `previousIntermediates` defaults to (the flake passes its `previous-intermediates` input).
  defaultPreviousIntermediates ? null,
}:
let
  inherit (core) batchFor readOverrides;
  incrementalLib = import ./incremental.nix;

  # Tools from nixpkgs unless given. cabal2nix must be the one nixpkgs' own callHackage uses, so
  # the generated expressions (and so the Haskell derivations) are the same.
  toolArgs =
    {
      pkgs,
      compiler,
      hostConfig,
      name,
      cabal2nix,
      nodejs,
      allCabalHashes,
    }:
    let
      build = pkgs.buildPackages;
    in
    {
      inherit compiler name;
      cabal2nix =
        if cabal2nix != null then
          cabal2nix
        else
          build.cabal2nix-unwrapped or build.haskellPackages.cabal2nix-unwrapped or build.haskellPackages.cabal2nix;
      nodejs = if nodejs != null then nodejs else build.nodejs-slim or build.nodejs;
      allCabalHashes = if allCabalHashes != null then allCabalHashes else pkgs.all-cabal-hashes;
      system = hostConfig;
      buildSystem = pkgs.stdenv.buildPlatform.system;
    };

  # cabal2nix's --system, as make-package-set.nix takes it: the hostPlatform of the package set's
  # own stdenv (in its callPackage scope), which differs from `pkgs`' when the set is for another
  # platform (pkgsCross.….haskellPackages extended with the native pkgs).
  hostConfigOf = haskellPackages: (haskellPackages.callPackage ({ stdenv }: { inherit (stdenv.hostPlatform) config; }) { }).config;

  # The haskellPackages overlay for a read plan and its batch.
  overlayFor =
    {
      pkgs,
      plan,
      batch,
      incremental,
      previousIntermediates,
    }:
    hself: hsuper:
    let
      overrideCabal = pkgs.haskell.lib.compose.overrideCabal;
      incrementalNames = incrementalLib.selectedNames {
        inherit incremental;
        localNames = map (e: e.name) (builtins.filter (e: e.kind == "local") plan.entries);
      };
      withIncremental = incrementalLib.incrementalFor {
        inherit overrideCabal previousIntermediates;
        names = incrementalNames;
        ghcVersion = hsuper.ghc.version;
      };
      byName = builtins.listToAttrs (
        map (e: {
          inherit (e) name;
          value = e;
        }) plan.entries
      );
      entryOf = name: byName.${name} or { kind = null; };

      # An expression that asks for an argument named like the package itself (zlib's takes `zlib`
      # for libraryPkgconfigDepends) means the system library: the package set's own `zlib` would
      # be the package itself, an infinite recursion (nixpkgs' packageSourceOverrides has it too).
      systemNamesake =
        name: expression:
        if (builtins.functionArgs (import expression)) ? ${name} && pkgs ? ${name} then
          { ${name} = pkgs.${name}; }
        else
          { };

      fromBatch =
        name: args:
        let
          expression = "${batch}/${name}";
        in
        overrideCabal (orig: {
          passthru = (orig.passthru or { }) // {
            cabal2nixDeriver = expression;
          };
        }) (hself.callPackage expression (systemNamesake name expression // args));

      local =
        name: src: args:
        withIncremental name (overrideCabal (_: { inherit src; }) (fromBatch name args));

      isHackage = name: version: (entryOf name).kind == "hackage" && (entryOf name).version == version;
      # Same source as listed: compared as strings, which neither copies paths nor builds anything.
      isLocal = name: src: (entryOf name).kind == "local" && toString (entryOf name).src == toString src;
      noOptions = opts: opts == "" || opts == { } || opts == { extraCabal2nixOptions = ""; };

      packages = builtins.mapAttrs (
        name: e: if e.kind == "hackage" then withIncremental name (fromBatch name { }) else local name e.src { }
      ) byName;

      # Opted-in packages the overrides do not list (the project's own, defined by the user).
      unlistedIncremental =
        let
          names = builtins.filter (n: !(byName ? ${n})) incrementalNames;
        in
        assert incrementalLib.checkNames {
          inherit names;
          available = n: hsuper ? ${n};
        };
        builtins.listToAttrs (
          map (n: {
            name = n;
            value = withIncremental n hsuper.${n};
          }) names
        );

      # Later overlays that still call callHackage / callCabal2nix for a listed package (with the
      # same version or source) get it from the batch too; anything else goes to nixpkgs as before.
      replacedFunctions = {
        callHackage =
          name: version: if isHackage name version then fromBatch name else hsuper.callHackage name version;
        callCabal2nix =
          name: src: args: if isLocal name src then local name src args else hsuper.callCabal2nix name src args;
      }
      // (
        if hsuper ? callCabal2nixWithOptions then
          {
            callCabal2nixWithOptions =
              name: src: opts: args:
              if noOptions opts && isLocal name src then
                local name src args
              else
                hsuper.callCabal2nixWithOptions name src opts args;
          }
        else
          { }
      );
    in
    unlistedIncremental
    // packages
    // replacedFunctions
    // {
      some-cabal2nix-batch = batch;
    };

  # someCabal2nixFor { pkgs, overrides, haskellPackages?, … } → { batch, overlay, haskellPackages }
  someCabal2nixFor =
    {
      pkgs,
      overrides,
      haskellPackages ? pkgs.haskellPackages,
      name ? "some-cabal2nix",
      cabal2nix ? null,
      nodejs ? null,
      allCabalHashes ? null,
      incremental ? null,
      previousIntermediates ? defaultPreviousIntermediates,
    }:
    let
      plan = readOverrides overrides;
      batch = batchFor plan (toolArgs {
        inherit pkgs name cabal2nix nodejs allCabalHashes;
        compiler = haskellPackages.ghc.haskellCompilerName;
        hostConfig = hostConfigOf haskellPackages;
      });
      overlay = overlayFor { inherit pkgs plan batch incremental previousIntermediates; };
    in
    {
      inherit batch overlay;
      haskellPackages = haskellPackages.extend overlay;
    };

  # overlay { pkgs, overrides, … } → hself: hsuper: { … }; the compiler is the package set's own.
  overlay =
    {
      pkgs,
      overrides,
      name ? "some-cabal2nix",
      cabal2nix ? null,
      nodejs ? null,
      allCabalHashes ? null,
      incremental ? null,
      previousIntermediates ? defaultPreviousIntermediates,
    }:
    let
      plan = readOverrides overrides;
    in
    hself: hsuper:
    let
      batch = batchFor plan (toolArgs {
        inherit pkgs name cabal2nix nodejs allCabalHashes;
        compiler = hsuper.ghc.haskellCompilerName;
        hostConfig = hostConfigOf hsuper;
      });
    in
    overlayFor { inherit pkgs plan batch incremental previousIntermediates; } hself hsuper;

  # The library with `pkgs` filled in (what the flake's overlay puts at pkgs.someCabal2nix).
  withPkgs = pkgs: {
    overlay = overrides: overlay { inherit pkgs overrides; };
    batch = overrides: (someCabal2nixFor { inherit pkgs overrides; }).batch;
    for = overrides: someCabal2nixFor { inherit pkgs overrides; };
  };
in
{
  inherit overlay someCabal2nixFor withPkgs;
}

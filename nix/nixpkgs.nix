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
  materializedLib = import ./materialized.nix;
  incrementalLib = import ./incremental.nix;

  # Tools from nixpkgs unless given. cabal2nix must be the one nixpkgs' own callHackage uses, so
  # the generated expressions (and so the Haskell derivations) are the same.
  #
  # With evalPkgs (a nixpkgs for the machine that evaluates), the batch is built there: its cabal2nix,
  # Node and all-cabal-hashes, its system. Only cabal2nix's --system and --compiler stay the target
  # package set's, and the batch is plain text without references, so its files, and every package
  # imported from it, are exactly what the target system would make itself.
  toolArgs =
    {
      pkgs,
      evalPkgs,
      compiler,
      hostConfig,
      name,
      cabal2nix,
      nodejs,
      allCabalHashes,
    }:
    let
      buildWith = if evalPkgs != null then evalPkgs else pkgs;
      build = buildWith.buildPackages;
    in
    {
      inherit compiler name;
      cabal2nix =
        if cabal2nix != null then
          cabal2nix
        else
          build.cabal2nix-unwrapped or build.haskellPackages.cabal2nix-unwrapped or build.haskellPackages.cabal2nix;
      nodejs = if nodejs != null then nodejs else build.nodejs-slim or build.nodejs;
      allCabalHashes = if allCabalHashes != null then allCabalHashes else buildWith.all-cabal-hashes;
      system = hostConfig;
      buildSystem = buildWith.stdenv.buildPlatform.system;
    };

  # cabal2nix's --system, as make-package-set.nix takes it: the hostPlatform of the package set's
  # own stdenv (in its callPackage scope), which differs from `pkgs`' when the set is for another
  # platform (pkgsCross.….haskellPackages extended with the native pkgs).
  hostConfigOf = haskellPackages: (haskellPackages.callPackage ({ stdenv }: { inherit (stdenv.hostPlatform) config; }) { }).config;

  # The haskellPackages overlay for a read plan and its batch; `expressions` is where the
  # `<name>/default.nix` files are read from: the batch, or a checked materialized copy of it.
  overlayFor =
    {
      pkgs,
      plan,
      batch,
      materialization,
      incremental,
      previousIntermediates,
    }:
    hself: hsuper:
    let
      expressions =
        if materialization.materialized == null then
          "${batch}"
        else
          materializedLib.checked (
            materialization
            // {
              inherit plan batch;
              inherit (batch) compiler;
              system = batch.hostConfig;
            }
          );
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
          expression = expressions + "/${name}";
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

  # The batch of a plan for a package set: its compiler and platform, the given tools.
  batchForSet =
    plan: tools: haskellPackages:
    batchFor plan (
      toolArgs (
        tools
        // {
          compiler = haskellPackages.ghc.haskellCompilerName;
          hostConfig = hostConfigOf haskellPackages;
        }
      )
    );

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
      evalPkgs ? null,
      materialized ? null,
      checkMaterialization ? false,
      incremental ? null,
      previousIntermediates ? defaultPreviousIntermediates,
    }:
    let
      plan = readOverrides overrides;
      batch = batchForSet plan {
        inherit pkgs evalPkgs name cabal2nix nodejs allCabalHashes;
      } haskellPackages;
      overlay = overlayFor {
        inherit pkgs plan batch incremental previousIntermediates;
        materialization = { inherit materialized checkMaterialization; };
      };
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
      evalPkgs ? null,
      materialized ? null,
      checkMaterialization ? false,
      incremental ? null,
      previousIntermediates ? defaultPreviousIntermediates,
    }:
    let
      plan = readOverrides overrides;
    in
    hself: hsuper:
    overlayFor {
      inherit pkgs plan incremental previousIntermediates;
      batch = batchForSet plan {
        inherit pkgs evalPkgs name cabal2nix nodejs allCabalHashes;
      } hsuper;
      materialization = { inherit materialized checkMaterialization; };
    } hself hsuper;

  # The library with `pkgs` filled in (what the flake's overlay puts at pkgs.someCabal2nix).
  # The three entry points with `pkgs` given (the flake's overlay puts this at pkgs.someCabal2nix),
  # and `withOptions { evalPkgs = …; incremental = "auto"; materialized = ./nix/batch; … }` for the
  # same with any other argument of someCabal2nixFor given too (overlay takes all but haskellPackages).
  withOptions = options: {
    overlay = overrides: overlay (builtins.removeAttrs options [ "haskellPackages" ] // { inherit overrides; });
    batch = overrides: (someCabal2nixFor (options // { inherit overrides; })).batch;
    for = overrides: someCabal2nixFor (options // { inherit overrides; });
    withOptions = more: withOptions (options // more);
  };
  withPkgs = pkgs: withOptions { inherit pkgs; };
in
{
  inherit overlay someCabal2nixFor withPkgs;
}

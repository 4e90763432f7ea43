# A small stand-in for nixpkgs' Haskell infrastructure, so the tests can evaluate the same project
# the nixpkgs way and through some-cabal2nix without a nixpkgs checkout or a GHC.
#
# What is faithful (pkgs/development/haskell-modules/make-package-set.nix, lib/compose.nix):
#   - callHackage NAME VERSION = callPackageKeepDeriver (hackage2nix NAME VERSION): one
#     `all-cabal-hashes-component-NAME-VERSION` derivation running `tar --wildcards -xzvf` over the
#     whole archive, then one `cabal2nix-NAME-VERSION` derivation (allowSubstitutes = false) with
#     nixpkgs' exact command line, each imported on its own (import from derivation);
#   - callCabal2nix / callCabal2nixWithOptions: cabal2nix on the source filtered to *.cabal and
#     package.yaml, then the full src put back with overrideCabal;
#   - packageSourceOverrides, callPackage with automatic arguments, overlays with `extend`.
# What is not: runCommand is bash from the host (/bin/bash, /usr/bin/tar, …) instead of stdenv,
# and mkDerivation records its arguments instead of building Haskell, so a package evaluates to
# plain data (see `describe`) — unless `buildWithGhc` is set: then mkDerivation is the stand-in
# for nixpkgs' generic-builder.nix (generic-builder.nix here), which builds with the machine's GHC.
{
  allCabalHashes,
  # cabal2nix and Node.js as package prefixes (<p>/bin/cabal2nix, <p>/bin/node).
  cabal2nix,
  nodejs,
  compilerName ? "ghc-9.8.4",
  hostConfig ? "x86_64-unknown-linux-gnu",
  system ? builtins.currentSystem,
  # Build packages for real with /usr/bin/ghc (its version must be compilerName's).
  buildWithGhc ? false,
}:
let
  lib = import ./stub-lib.nix;
  inherit (builtins)
    concatStringsSep
    foldl'
    functionArgs
    isAttrs
    isFunction
    isList
    isPath
    mapAttrs
    removeAttrs
    stringLength
    substring
    ;

  hasSuffix =
    suffix: s:
    let
      n = stringLength s;
      m = stringLength suffix;
    in
    n >= m && substring (n - m) m s == suffix;

  # nixpkgs' runCommand, with the host's bash and tools instead of stdenv.
  runCommand =
    name: env: buildCommand:
    builtins.derivation (
      {
        inherit name system;
        builder = "/bin/bash";
        args = [
          "-c"
          ''
            set -eu -o pipefail
            ${buildCommand}
          ''
        ];
        PATH = concatStringsSep ":" (map (p: "${p}/bin") (env.nativeBuildInputs or [ ]) ++ [ "/usr/bin" "/bin" ]);
      }
      // env
    );

  # ---- the stub package world ---------------------------------------------------------------

  ghc = {
    haskellCompilerName = compilerName;
    version = substring 4 (-1) compilerName;
  };

  genericBuilder = import ./generic-builder.nix { inherit ghc system; };

  mkDerivation =
    args:
    (
      if buildWithGhc then
        genericBuilder args
      else
        {
          type = "haskell-package-stub";
          name = "${args.pname}-${args.version}";
          inherit (args) pname version;
          mkDerivationArgs = args;
          # As with nixpkgs' generic-builder.nix, the derivation is a function of the mkDerivation
          # arguments (passthru aside) and of its dependencies' derivations: a real .drv (never built)
          # whose path changes when either does, or when a store path (a batch) leaks into it.
          drvPath =
            (builtins.derivation {
              name = "${args.pname}-${args.version}";
              inherit system;
              builder = "/bin/sh";
              args = [
                "-c"
                "exit 1"
              ];
              mkDerivationArgs = builtins.toJSON (mapAttrs (_: plainValue (p: p.drvPath)) (removeAttrs args [ "passthru" ]));
            }).drvPath;
        }
    )
    // {
      overrideCabalStub = f: mkDerivation (args // f args);
    };

  # haskell.lib.compose.overrideCabal
  overrideCabal = f: drv: drv.overrideCabalStub f;

  haskellLibCompose = {
    inherit overrideCabal;
    dontCheck = overrideCabal (_: { doCheck = false; });
    doJailbreak = overrideCabal (_: { jailbreak = true; });
    dontHaddock = overrideCabal (_: { doHaddock = false; });
    # lib/compose.nix
    packageSourceOverrides =
      overrides: self: _super:
      mapAttrs (
        name: src:
        let
          isPath = x: substring 0 1 (toString x) == "/";
          generateExprs = if isPath src then self.callCabal2nix else self.callHackage;
        in
        generateExprs name src { }
      ) overrides;
  };
  # haskell.lib (the older, drv-first argument order)
  haskellLib = {
    overrideCabal = drv: f: overrideCabal f drv;
    inherit (haskellLibCompose)
      dontCheck
      doJailbreak
      dontHaddock
      packageSourceOverrides
      ;
    compose = haskellLibCompose;
  };

  # A value as plain, comparable data, packages in it as `package` renders them.
  plainValue =
    package: v:
    if isAttrs v && v ? mkDerivationArgs then
      package v
    else if isPath v then
      "path:${toString v}"
    else if isList v then
      map (plainValue package) v
    else if isAttrs v then
      mapAttrs (_: plainValue package) v
    else if isFunction v then
      "<function>"
    else
      v;
  # A package as plain, comparable data: its mkDerivation arguments, dependencies by name.
  describe = p: mapAttrs (_: plainValue (d: "haskell:${d.name}")) (removeAttrs p.mkDerivationArgs [ "passthru" ]);

  # ---- make-package-set.nix -----------------------------------------------------------------

  fix =
    f:
    let
      x = f x;
    in
    x;
  extends =
    overlay: f: self:
    let
      super = f self;
    in
    super // overlay self super;

  base =
    overlays: self:
    let
      callPackage =
        fn: args:
        let
          f = if isFunction fn then fn else import fn;
          # Every argument resolves: packages of the set, else a named placeholder (system libraries).
          auto = mapAttrs (n: _: self.${n} or "system:${n}") (functionArgs f);
        in
        f (auto // args);

      callPackageKeepDeriver =
        src: args:
        overrideCabal (orig: {
          passthru = (orig.passthru or { }) // {
            cabal2nixDeriver = src;
          };
        }) (self.callPackage src args);
    in
    {
      inherit lib mkDerivation callPackage;
      # make-package-set.nix puts the set's own stdenv in its callPackage scope.
      stdenv = {
        hostPlatform.config = hostConfig;
        buildPlatform.system = system;
      };
      inherit ghc;

      haskellSrc2nix =
        {
          name,
          src,
          sha256 ? null,
          extraCabal2nixOptions ? "",
        }:
        let
          sha256Arg = if sha256 == null then "--sha256=" else ''--sha256="${sha256}"'';
        in
        runCommand "cabal2nix-${name}"
          {
            nativeBuildInputs = [ cabal2nix ];
            preferLocalBuild = true;
            allowSubstitutes = false;
            LANG = "en_US.UTF-8";
          }
          ''
            export HOME="$TMP"
            mkdir -p "$out"
            cabal2nix --compiler=${self.ghc.haskellCompilerName} --system=${hostConfig} ${sha256Arg} "${src}" ${extraCabal2nixOptions} > "$out/default.nix"
          '';

      all-cabal-hashes-component =
        name: version:
        runCommand "all-cabal-hashes-component-${name}-${version}" { } ''
          mkdir -p $out
          if [ -d ${allCabalHashes} ]
          then
            cp ${allCabalHashes}/${name}/${version}/${name}.json $out
            cp ${allCabalHashes}/${name}/${version}/${name}.cabal $out
          else
            tar --wildcards -xzvf ${allCabalHashes} \*/${name}/${version}/${name}.{json,cabal}
            mv */${name}/${version}/${name}.{json,cabal} $out
          fi
        '';

      hackage2nix =
        name: version:
        let
          component = self.all-cabal-hashes-component name version;
        in
        self.haskellSrc2nix {
          name = "${name}-${version}";
          sha256 = ''$(sed -e 's/.*"SHA256":"//' -e 's/".*$//' "${component}/${name}.json")'';
          src = "${component}/${name}.cabal";
        };

      callHackage = name: version: callPackageKeepDeriver (self.hackage2nix name version);

      callCabal2nixWithOptions =
        name: src: opts: args:
        let
          extraCabal2nixOptions = if builtins.isString opts then opts else opts.extraCabal2nixOptions or "";
          defaultFilter = path: type: hasSuffix ".cabal" path || baseNameOf path == "package.yaml";
          expr = self.haskellSrc2nix {
            inherit name extraCabal2nixOptions;
            # lib.cleanSourceWith { inherit src; filter = defaultFilter; }
            src =
              if isPath src then
                builtins.path {
                  path = src;
                  name = "source";
                  filter = defaultFilter;
                }
              else
                src;
          };
        in
        overrideCabal (orig: { inherit src; }) (callPackageKeepDeriver expr args);

      callCabal2nix =
        name: src: args:
        self.callCabal2nixWithOptions name src "" args;

      inherit (haskellLibCompose) packageSourceOverrides;

      extend = f: makePackageSet (overlays ++ [ f ]);
    };

  makePackageSet = overlays: fix (foldl' (f: overlay: extends overlay f) (base overlays) overlays);

  haskellPackages = makePackageSet [ ];
in
{
  inherit haskellPackages describe;

  # The parts of nixpkgs that some-cabal2nix's nixpkgs layer (nix/nixpkgs.nix) reads.
  pkgs = {
    buildPackages = {
      cabal2nix-unwrapped = cabal2nix;
      nodejs-slim = nodejs;
    };
    all-cabal-hashes = allCabalHashes;
    stdenv = {
      hostPlatform.config = hostConfig;
      buildPlatform.system = system;
    };
    haskell.lib = haskellLib;
    inherit haskellPackages;
    # A system library named like a Haskell package (the Haskell zlib links it through pkgconfig).
    zlib = "system:zlib";
  };
}

# A stand-in for nixpkgs' Haskell builder, pkgs/development/haskell-modules/generic-builder.nix at
# NixOS/nixpkgs 002e8c8b58e1bb9a903b69682d8157d360f0ccde, that really builds: it runs Cabal's
# `Setup` with the machine's GHC (Debian's `ghc`, /usr/bin), because nixpkgs' stdenv cannot be
# built here. Used as `mkDerivation` of the stand-in package set (haskell-package-set.nix).
#
# Followed to the letter (the incremental-build contract; nixpkgs' test of it is
# pkgs/test/haskell/incremental/default.nix):
#   - the arguments `doInstallIntermediates ? false`, `enableSeparateIntermediatesOutput ? false`
#     (adds the output `intermediates`) and `previousIntermediates ? null`;
#   - intermediatesDir = share/haskell/${ghc.version}/${pname}-${version}/dist;
#   - buildPhase: after preBuild and before `Setup build`, when previousIntermediates is set:
#       mkdir -p dist; rm -r dist/build; cp -r <previous>/<intermediatesDir>/build dist/build;
#       find dist/build -exec chmod u+w {} +; find dist/build -exec touch -d '1970-01-01T00:00:00Z' {} +
#   - installIntermediatesPhase (a post phase when doInstallIntermediates): `cp -r dist/build`
#     into $intermediates/<intermediatesDir> (into $out without the separate output);
#   - the phase order (setupCompilerEnvironment, unpack, patch, compileBuildDriver, configure,
#     build, check, install, installIntermediates), the Setup compile (`ghc -threaded --make -o
#     Setup -odir $builddir -hidir $builddir`, default Setup.hs), the configure flags that decide
#     what GHC compiles (--prefix, --libdir, --libsubdir, --package-db, -j$NIX_BUILD_CORES +RTS
#     -A64M -RTS, split sections, stripping, --enable-tests with doCheck), `Setup copy` + `register
#     --gen-pkg-config` for libraries and `Setup install` for executables.
# Left out, and why: haddock, profiling and shared libraries (Debian's ghc has no profiling or
# documentation packages installed, and they only add time), jailbreak, hpack, cross-compilation,
# pkg-config and system libraries. Haskell dependencies are the derivations among the *Depends
# arguments (GHC's own boot packages come as "system:<name>" strings from the package set and are
# GHC's). The builder is /bin/bash with the machine's tools instead of stdenv.
{
  # The GHC this builder runs: { version, haskellCompilerName } of /usr/bin/ghc.
  ghc,
  system,
}:
{
  pname,
  version,
  src,
  isExecutable ? false,
  isLibrary ? !isExecutable,
  buildDepends ? [ ],
  libraryHaskellDepends ? [ ],
  executableHaskellDepends ? [ ],
  testHaskellDepends ? [ ],
  configureFlags ? [ ],
  buildFlags ? [ ],
  buildTarget ? "",
  doCheck ? true,
  preBuild ? "",
  postBuild ? "",
  doInstallIntermediates ? false,
  enableSeparateIntermediatesOutput ? false,
  previousIntermediates ? null,
  passthru ? { },
  ...
}@args:
let
  inherit (builtins) concatStringsSep filter isAttrs;

  intermediatesDir = "share/haskell/${ghc.version}/${pname}-${version}/dist";
  ghcLibdir = "lib/${ghc.haskellCompilerName}";

  isDerivation = x: isAttrs x && x ? outPath;
  directDepends = filter isDerivation (
    buildDepends ++ libraryHaskellDepends ++ executableHaskellDepends ++ (if doCheck then testHaskellDepends else [ ])
  );
  # propagatedBuildInputs: a library brings its own Haskell dependencies along.
  allHaskellDepends = builtins.concatLists (map (d: [ d ] ++ d.allHaskellDepends or [ ]) directDepends);

  defaultSetupHs = builtins.toFile "Setup.hs" ''
    import Distribution.Simple
    main = defaultMain
  '';

  defaultConfigureFlags = [
    "--verbose"
    "--prefix=$out"
    "--libdir=\\$prefix/lib/\\$compiler"
    "--libsubdir=\\$abi/\\$libname"
    "--package-db=$packageConfDir"
    "--ghc-option=-j$NIX_BUILD_CORES --ghc-option=+RTS --ghc-option=-A64M --ghc-option=-RTS"
    "--disable-library-profiling"
    "--disable-profiling"
    "--disable-shared"
    "--disable-coverage"
    "--enable-static"
    "--disable-executable-dynamic"
    (if doCheck then "--enable-tests" else "--disable-tests")
    "--disable-benchmarks"
    "--enable-library-vanilla"
    "--disable-library-for-ghci"
    "--enable-split-sections"
    "--enable-library-stripping"
    "--enable-executable-stripping"
  ];

  outputs = [ "out" ] ++ (if enableSeparateIntermediatesOutput then [ "intermediates" ] else [ ]);

  installCommand =
    if !isLibrary && buildTarget == "" then
      "./Setup install"
    else if !isLibrary then
      "./Setup copy ${buildTarget}"
    else
      ''
        ./Setup copy ${buildTarget}
        packageConfDir="$out/${ghcLibdir}/package.conf.d"
        packageConfFile="$packageConfDir/${pname}-${version}.conf"
        mkdir -p "$packageConfDir"
        ./Setup register --gen-pkg-config=$packageConfFile
        if [ -d "$packageConfFile" ]; then
          mv "$packageConfFile/"* "$packageConfDir"
          rmdir "$packageConfFile"
        fi
        for packageConfFile in "$packageConfDir/"*; do
          pkgId=$(sed -n 's/^id: *//p' "$packageConfFile")
          mv "$packageConfFile" "$packageConfDir/$pkgId.conf"
        done
        find $packageConfDir -maxdepth 0 -empty -delete
      '';

  script = ''
    set -eu -o pipefail
    export PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$TMPDIR"
    NIX_BUILD_CORES=''${NIX_BUILD_CORES:-1}
    [ "$NIX_BUILD_CORES" -gt 0 ] || NIX_BUILD_CORES=1

    # setupCompilerEnvironmentPhase
    echo "Build with ghc-$(ghc --numeric-version)."
    builddir="$(mktemp -d)"
    packageConfDir="$builddir/package.conf.d"
    mkdir -p $packageConfDir
    for p in $haskellDepends; do
      if [ -d "$p/${ghcLibdir}/package.conf.d" ]; then
        cp -f "$p/${ghcLibdir}/package.conf.d/"*.conf $packageConfDir/
      fi
    done
    ghc-pkg --package-db="$packageConfDir" recache
    configureFlags="${concatStringsSep " " defaultConfigureFlags} $configureFlags"

    # unpackPhase, patchPhase
    cp -r "$src" "$TMPDIR/source"
    chmod -R u+w "$TMPDIR/source"
    cd "$TMPDIR/source"
    sed -i -e 's/\r$//' *.cabal

    # compileBuildDriverPhase
    for i in Setup.hs Setup.lhs ${defaultSetupHs}; do
      test -f $i && break
    done
    ghc -threaded --make -o Setup -odir $builddir -hidir $builddir $i

    # configurePhase
    echo configureFlags: $configureFlags
    ./Setup configure $configureFlags 2>&1 | tee "$TMPDIR/cabal-configure.log"

    # buildPhase
    ${preBuild}
    ${
      if previousIntermediates != null then
        ''
          mkdir -p dist;
          rm -r dist/build
          cp -r ${previousIntermediates}/${intermediatesDir}/build dist/build
          find dist/build -exec chmod u+w {} +
          find dist/build -exec touch -d '1970-01-01T00:00:00Z' {} +
        ''
      else
        ""
    }
    ./Setup build ${buildTarget} $buildFlags
    ${postBuild}

    # checkPhase
    ${if doCheck then "./Setup test" else ""}

    # installPhase
    ${installCommand}
    mkdir -p $out

    ${
      if doInstallIntermediates then
        ''
          # installIntermediatesPhase
          intermediatesOutput=${if enableSeparateIntermediatesOutput then "$intermediates" else "$out"}
          installIntermediatesDir="$intermediatesOutput/${intermediatesDir}"
          mkdir -p "$installIntermediatesDir"
          cp -r dist/build "$installIntermediatesDir"
        ''
      else
        ""
    }
  '';

  drv = builtins.derivation {
    name = "${pname}-${version}";
    inherit system outputs src;
    builder = "/bin/bash";
    args = [
      "-c"
      script
    ];
    haskellDepends = map toString allHaskellDepends;
    configureFlags = concatStringsSep " " configureFlags;
    buildFlags = concatStringsSep " " buildFlags;
  };
in
drv
// passthru
// {
  inherit pname version allHaskellDepends;
  compiler = ghc;
  mkDerivationArgs = args;
}

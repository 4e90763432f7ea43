# The core: one input-addressed derivation that runs the bundled CLI (dist/cli.js) over all
# overrides at once and writes `$out/<name>/default.nix` + `$out/manifest.json`.
#
# Plain builtins.derivation (no stdenv), so it builds with nothing but a Node.js and a cabal2nix:
# both are package prefixes (`<p>/bin/node`, `<p>/bin/cabal2nix`), derivations in real use.
# The output holds no store paths (allowedReferences = [ ]) and is substitutable, so a binary
# cache can serve it instead of a rebuild.
let
  overridesLib = import ./overrides.nix;
  inherit (overridesLib) hasSuffix;

  # Node decides ESM vs CommonJS by extension when there is no package.json next to the file.
  cliBundle = builtins.path {
    path = ../dist/cli.js;
    name = "some-cabal2nix-cli.mjs";
  };
  builderScript = builtins.path {
    path = ./builder.mjs;
    name = "some-cabal2nix-builder.mjs";
  };

  isCabalFile = p: type: type != "directory" && (hasSuffix ".cabal" (baseNameOf p) || baseNameOf p == "package.yaml");

  # Like callCabal2nix: only *.cabal and package.yaml reach cabal2nix, so editing a module does
  # not change the batch. Sources that are derivation outputs are used as they are (the builder
  # reads only those files from them).
  localSource =
    entry:
    let
      src = entry.src;
    in
    if builtins.isPath src || (builtins.isString src && !(builtins.hasContext src)) then
      builtins.path {
        path = if builtins.isPath src then src else /. + src;
        name = "${entry.name}-cabal-files";
        filter = isCabalFile;
      }
    else
      "${src}";

  # Only this normalized JSON enters the derivation: formatting, comments and order in the
  # overrides file do not change the output path; a version or a .cabal file does.
  overridesJSON =
    plan:
    builtins.toJSON (
      builtins.listToAttrs (
        map (e: {
          inherit (e) name;
          value = if e.kind == "hackage" then e.version else { path = localSource e; };
        }) plan.entries
      )
    );

  # "x86_64-unknown-linux-gnu" → "x86_64-linux", "aarch64-apple-darwin" → "aarch64-darwin".
  nixSystemOf =
    config:
    let
      parts = builtins.filter builtins.isString (builtins.split "-" config);
      arch = builtins.head parts;
      kernel =
        if builtins.any (p: p == "linux") parts then
          "linux"
        else if builtins.any (p: p == "darwin" || p == "apple") parts then
          "darwin"
        else
          throw "some-cabal2nix: cannot tell the Nix system of '${config}'; pass buildSystem";
    in
    "${arch}-${kernel}";

  # The batch for an already read plan (see overrides.nix `read`).
  batchFor =
    plan:
    {
      allCabalHashes ? null,
      cabal2nix,
      nodejs,
      compiler,
      system,
      name ? "some-cabal2nix",
      # The Nix system that runs the builder. builtins.currentSystem does not exist in pure (flake)
      # evaluation; there the default is the Nix system of cabal2nix's --system.
      buildSystem ? builtins.currentSystem or (nixSystemOf system),
      cabal2nixTimeout ? null,
    }:
    let
      hackage = builtins.filter (e: e.kind == "hackage") plan.entries;
      needsArchive = hackage != [ ];
      drv = builtins.derivation (
        {
          inherit name;
          system = buildSystem;
          builder = "${nodejs}/bin/node";
          args = [ builderScript ];
          cli = cliBundle;
          cabal2nix = "${cabal2nix}/bin/cabal2nix";
          inherit compiler;
          # cabal2nix's --system (nixpkgs' hostPlatform.config), not the Nix system above.
          hostConfig = system;
          overridesJSON = overridesJSON plan;
          passAsFile = [ "overridesJSON" ];
          allowedReferences = [ ];
        }
        // (
          if !needsArchive then
            { }
          else if allCabalHashes == null then
            throw "some-cabal2nix: allCabalHashes (the all-cabal-hashes tarball) is needed for the Hackage packages ${
              builtins.concatStringsSep ", " (map (e: "${e.name} ${e.version}") hackage)
            }"
          else
            { allCabalHashes = "${allCabalHashes}"; }
        )
        // (if cabal2nixTimeout == null then { } else { cabal2nixTimeout = toString cabal2nixTimeout; })
      );
    in
    drv
    // {
      # Which packages the batch holds; `kind` is "hackage" (with version) or "local" (with src).
      someCabal2nixPackages = plan.entries;
    };

  # someCabal2nix { overrides, allCabalHashes, cabal2nix, nodejs, compiler, system, name? }
  someCabal2nix = args: batchFor (overridesLib.read args.overrides) (builtins.removeAttrs args [ "overrides" ]);
in
{
  inherit someCabal2nix batchFor;
  readOverrides = overridesLib.read;
}

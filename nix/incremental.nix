# Incremental builds of local Haskell packages with nixpkgs' own switches
# (pkgs/development/haskell-modules/generic-builder.nix: `doInstallIntermediates`,
# `enableSeparateIntermediatesOutput`, `previousIntermediates`; manual "Incremental builds").
#
# A package opted in installs its `dist/build` into an `intermediates` output at
#   share/haskell/${ghc.version}/${pname}-${version}/dist/build
# and, when a previous build of the SAME pname-version by the SAME GHC version is found under
# `previousIntermediates`, starts from it: generic-builder.nix copies that directory to dist/build
# and touches it to the epoch before `Setup build`, and GHC >= 9.4 recompiles only modules whose
# content (hash) changed. Anything else (no previous build, another GHC, another version) is a
# full build, said with builtins.trace and in `passthru.someCabal2nixIncremental`.
#
# GHC older than 9.4 decides recompilation by file times, and the copy touches every file to the
# epoch, so it could link stale objects: there the opt-in leaves the derivation exactly as it is
# without it (no intermediates output, nothing resumed) and only says why.
#
# `previousIntermediates` is a directory holding that layout for any number of packages (the
# union of their `intermediates` outputs): a path, a string, or a flake input. Each package takes
# only its own subtree into the store, so a package whose intermediates did not change keeps its
# derivation.
let
  inherit (builtins)
    concatMap
    concatStringsSep
    filter
    isList
    isString
    length
    match
    pathExists
    readDir
    stringLength
    substring
    trace
    typeOf
    ;

  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;
  words = s: filter (w: isString w && w != "") (builtins.split "[[:space:]]+" s);
  dirNames = dir: builtins.attrNames (readDir dir);
  isVersion = s: match "[0-9]+([.][0-9]+)*" s != null;

  # The first GHC that decides recompilation by content hashes (nixpkgs supports incremental
  # builds from it on).
  minimumGhcVersion = "9.4";
  recompilesByHash = ghcVersion: builtins.compareVersions ghcVersion minimumGhcVersion >= 0;
  fileTimesReason =
    ghcVersion:
    "GHC ${ghcVersion} recompiles by file times; incremental builds need GHC ${minimumGhcVersion} or newer";

  # The names `incremental` selects: null / false / [] / "" → none; true / "auto" → every local
  # package of the overrides; "a b" or [ "a" "b" ] → those.
  selectedNames =
    { incremental, localNames }:
    if incremental == null || incremental == false then
      [ ]
    else if incremental == true || incremental == "auto" then
      localNames
    else if isString incremental then
      words incremental
    else if isList incremental && builtins.all isString incremental then
      incremental
    else
      throw "some-cabal2nix: incremental must be \"auto\", a list of package names or null, not a ${typeOf incremental}\nhint: incremental = \"auto\"; (every local package of the overrides) or [ \"my-app\" ]";

  # generic-builder.nix's intermediatesDir, without its trailing /dist.
  packageDirOf = { ghcVersion, pname, version }: "share/haskell/${ghcVersion}/${pname}-${version}";

  # Every build of `pname` under `root` (any GHC, any version) that has a dist/build.
  previousBuildsOf =
    root: pname:
    let
      haskellDir = "${root}/share/haskell";
      ghcVersions = if pathExists haskellDir then dirNames haskellDir else [ ];
      prefix = "${pname}-";
      versionOf = entry: substring (stringLength prefix) (stringLength entry) entry;
      buildsUnder =
        ghcVersion:
        map (entry: {
          inherit ghcVersion;
          version = versionOf entry;
        }) (
          filter (
            entry:
            hasPrefix prefix entry
            && isVersion (versionOf entry)
            && pathExists "${haskellDir}/${ghcVersion}/${entry}/dist/build"
          ) (dirNames "${haskellDir}/${ghcVersion}")
        );
    in
    concatMap buildsUnder ghcVersions;

  # Why a package builds from zero although it is opted in, from what the previous builds were.
  fullBuildReason =
    {
      ghcVersion,
      version,
      builds,
    }:
    let
      sameVersion = filter (b: b.version == version) builds;
      sameGhc = filter (b: b.ghcVersion == ghcVersion) builds;
      versions = bs: concatStringsSep ", " (map (b: b.version) bs);
      ghcs = bs: concatStringsSep ", " (map (b: b.ghcVersion) bs);
    in
    if builds == [ ] then
      "first build (no previous intermediates)"
    else if sameVersion != [ ] then
      "GHC ${ghcs sameVersion} → ${ghcVersion}"
    else if sameGhc != [ ] then
      "version ${versions sameGhc} → ${version}"
    else
      "GHC ${ghcs builds} → ${ghcVersion} and version ${versions builds} → ${version}";

  # The previous build to resume `pname-version` from, or why there is none.
  # → { resumed, previousIntermediates (a store path or null), reason (null when resumed) }
  lookupPrevious =
    {
      previousIntermediates,
      ghcVersion,
      pname,
      version,
    }:
    let
      root = if previousIntermediates == null then null else toString previousIntermediates;
      packageDir = packageDirOf { inherit ghcVersion pname version; };
      found = root != null && pathExists "${root}/${packageDir}/dist/build";
      wanted = "${root}/${packageDir}";
      # Only this package's subtree (and the directories leading to it) goes into the store.
      onTheWay = p: hasPrefix p wanted && substring (stringLength p) 1 wanted == "/";
      inside = p: p == wanted || hasPrefix "${wanted}/" p;
    in
    if found then
      {
        resumed = true;
        reason = null;
        previousIntermediates = builtins.path {
          path = /. + builtins.unsafeDiscardStringContext root;
          name = "${pname}-${version}-previous-intermediates";
          filter = p: _type: onTheWay p || inside p;
        };
      }
    else
      {
        resumed = false;
        previousIntermediates = null;
        reason = fullBuildReason {
          inherit ghcVersion version;
          builds = if root == null then [ ] else previousBuildsOf root pname;
        };
      };

  # overrideCabal's function for one opted-in package.
  cabalOverrides =
    { previousIntermediates, ghcVersion }:
    drv:
    if !(recompilesByHash ghcVersion) then
      tooOldGhc ghcVersion drv
    else
      let
        previous = lookupPrevious {
          inherit previousIntermediates ghcVersion;
          inherit (drv) pname version;
        };
      in
      resumable ghcVersion previous drv;

  infoOf = ghcVersion: drv: previous: {
    inherit (drv) pname version;
    inherit ghcVersion;
    inherit (previous) resumed reason;
    intermediatesDir = "${packageDirOf { inherit ghcVersion; inherit (drv) pname version; }}/dist";
  };

  # Only the passthru (which is not part of the derivation): the same drvPath as without the opt-in.
  tooOldGhc =
    ghcVersion: drv:
    let
      reason = fileTimesReason ghcVersion;
    in
    trace "some-cabal2nix: ${drv.pname} ${drv.version}: full build: ${reason}" {
      passthru = (drv.passthru or { }) // {
        someCabal2nixIncremental = infoOf ghcVersion drv {
          resumed = false;
          inherit reason;
        };
      };
    };

  resumable =
    ghcVersion: previous: drv:
    let
      switches = {
        doInstallIntermediates = true;
        enableSeparateIntermediatesOutput = true;
        passthru = (drv.passthru or { }) // {
          someCabal2nixIncremental = infoOf ghcVersion drv previous;
        };
      };
    in
    if previous.resumed then
      switches // { inherit (previous) previousIntermediates; }
    else
      trace "some-cabal2nix: ${drv.pname} ${drv.version}: full build: ${previous.reason}" switches;
in
{
  inherit selectedNames lookupPrevious recompilesByHash;

  # A function applying the opt-in to a package of `names` and leaving the others as they are.
  # With no names it is the identity, so nothing else changes (same drvPaths as without it).
  incrementalFor =
    {
      overrideCabal,
      names,
      previousIntermediates,
      ghcVersion,
    }:
    name: drv:
    if builtins.elem name names then overrideCabal (cabalOverrides { inherit previousIntermediates ghcVersion; }) drv else drv;

  # A check that every named package exists, as one error for all.
  checkNames =
    { names, available }:
    let
      missing = filter (n: !(available n)) names;
    in
    if missing == [ ] then
      true
    else
      throw "some-cabal2nix: incremental names ${
        if length missing == 1 then "a package" else "packages"
      } the package set does not have: ${concatStringsSep ", " missing}\nhint: use the package names of your .cabal files, or \"auto\" for every local package of the overrides";

}

# A materialized batch: the output of `some-cabal2nix build --out DIR` (or a copy of the batch's
# store path) committed to the repository, so the overlay imports every expression from source
# files with no import from derivation at all (Hydra's restricted evaluation,
# allow-import-from-derivation = false).
#
# Always checked, without building anything: its manifest.json must list the same packages
# (names, versions, local packages), compiler and platform as the batch would. With
# `checkMaterialization = true` the batch is built (an IFD) and every file compared byte for byte.
# Either way a stale directory stops evaluation with the command that refreshes it.
let
  inherit (builtins)
    attrNames
    concatStringsSep
    filter
    fromJSON
    readDir
    readFile
    unsafeDiscardStringContext
    ;

  describePackage = p: if p ? version then "${p.name} ${p.version}" else "${p.name} (local)";
  expectedPackage = e: if e.kind == "hackage" then "${e.name} ${e.version}" else "${e.name} (local)";

  difference = a: b: filter (x: !(builtins.elem x b)) a;
  listed = what: xs: if xs == [ ] then [ ] else [ "${what} ${concatStringsSep ", " xs}" ];

  # Every file of a batch directory, as "name/default.nix" and "manifest.json".
  filesOf =
    dir:
    let
      entries = readDir dir;
    in
    builtins.concatMap (
      n: if entries.${n} == "directory" then map (f: "${n}/${f}") (attrNames (readDir "${dir}/${n}")) else [ n ]
    ) (attrNames entries);
in
{
  # The directory to import expressions from: `materialized` once checked.
  checked =
    {
      materialized,
      checkMaterialization,
      plan,
      batch,
      compiler,
      system,
    }:
    let
      where = toString materialized;
      refresh = concatStringsSep " " [
        "nix-store --realise ${unsafeDiscardStringContext batch.drvPath}"
        "&& rm -rf ${where}"
        "&& cp -r --no-preserve=mode ${unsafeDiscardStringContext batch.outPath} ${where}"
      ];
      stale =
        why:
        throw "some-cabal2nix: the materialized batch ${where} is stale (${why})\nhint: refresh it: ${refresh}";
      manifest =
        if builtins.pathExists (materialized + "/manifest.json") then
          fromJSON (readFile (materialized + "/manifest.json"))
        else
          throw "some-cabal2nix: ${where} is not a materialized batch (it has no manifest.json)\nhint: write it: ${refresh}";
      have = map describePackage manifest.packages;
      want = map expectedPackage plan.entries;
      listDifferences =
        listed "not in it:" (difference want have) ++ listed "no longer listed:" (difference have want);
      settingDifferences =
        (if manifest.compiler == compiler then [ ] else [ "compiler ${manifest.compiler}, the package set's ${compiler}" ])
        ++ (if manifest.system == system then [ ] else [ "system ${manifest.system}, the package set's ${system}" ]);
      differences = listDifferences ++ settingDifferences;

      built = "${batch}";
      changedFiles =
        let
          ours = filesOf materialized;
          theirs = filesOf built;
        in
        difference ours theirs
        ++ difference theirs ours
        ++ filter (f: builtins.elem f theirs && readFile "${where}/${f}" != readFile "${built}/${f}") ours;
    in
    if differences != [ ] then
      stale (concatStringsSep "; " differences)
    else if checkMaterialization && changedFiles != [ ] then
      stale "these files differ from the batch: ${concatStringsSep ", " changedFiles}"
    else
      materialized;
}

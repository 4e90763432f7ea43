# some-cabal2nix as a Nix library: `import ./nix` (or the flake's `lib`).
#
#   someCabal2nix { overrides, allCabalHashes, cabal2nix, nodejs, compiler, system, name? }
#     → ONE derivation with `<name>/default.nix` per package and `manifest.json` (core; no nixpkgs needed)
#   overlay { pkgs, overrides, … }
#     → a haskellPackages overlay (hself: hsuper: { … }) importing every package from that batch
#   someCabal2nixFor { pkgs, overrides, haskellPackages?, … }
#     → { batch, overlay, haskellPackages } (the batch to expose as a package, so CI builds it)
#   both also take evalPkgs? (build the batch on the evaluating machine, for another system's
#   package set) and materialized? / checkMaterialization? (import from a committed copy of the
#   batch, no IFD; see materialized.nix)
#   withPkgs pkgs → { overlay = overrides: …; batch = overrides: …; for = overrides: …; withOptions }
#     (withOptions { evalPkgs = …; … } → the same, with more of someCabal2nixFor's arguments given)
#   readOverrides overrides → { label, entries } (the checked, sorted package list)
#   withPreviousIntermediates dir → this library with `previousIntermediates` defaulting to dir
#     (the flake's `lib` is this with its `previous-intermediates` input; see nix/incremental.nix)
#
# See "The Nix library" in README.md.
let
  core = import ./core.nix;
  library =
    defaultPreviousIntermediates:
    let
      nixpkgsLayer = import ./nixpkgs.nix { inherit core defaultPreviousIntermediates; };
    in
    {
      inherit (core) someCabal2nix readOverrides;
      inherit (nixpkgsLayer) overlay someCabal2nixFor withPkgs;
      withPreviousIntermediates = library;
    };
in
library null

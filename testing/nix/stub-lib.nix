# Just enough of nixpkgs' `lib` for the expressions cabal2nix (and its test double) writes:
# `license = lib.licenses.<name>;` (or, for SPDX expressions cabal2nix has no name for,
# `lib.meta.getLicenseFromSpdxId "…"`), `hydraPlatforms = lib.platforms.none;`. Values are strings,
# so an evaluated package can be printed as JSON.
let
  licenseNames = [
    "agpl3Only"
    "agpl3Plus"
    "asl20"
    "bsd0"
    "bsd2"
    "bsd3"
    "bsl11"
    "cc0"
    "free"
    "gpl2Only"
    "gpl2Plus"
    "gpl3Only"
    "gpl3Plus"
    "isc"
    "lgpl2Only"
    "lgpl21Only"
    "lgpl21Plus"
    "lgpl2Plus"
    "lgpl3Only"
    "lgpl3Plus"
    "mit"
    "mpl20"
    "ncsa"
    "publicDomain"
    "unfree"
    "unlicense"
    "zlib"
  ];
in
{
  licenses = builtins.listToAttrs (
    map (name: {
      inherit name;
      value = "license:${name}";
    }) licenseNames
  );
  meta.getLicenseFromSpdxId = id: "spdx:${id}";
  platforms = {
    none = [ ];
    all = [ "platform:all" ];
    linux = [ "platform:linux" ];
    darwin = [ "platform:darwin" ];
    unix = [ "platform:unix" ];
    x86 = [ "platform:x86" ];
  };
}

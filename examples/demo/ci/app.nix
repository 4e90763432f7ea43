# The demo repository's own build, what its CI runs after the action: `nix build -f ci/app.nix`.
# It imports every package of the batch (ci/batch.nix, written by `npm run demo`), as a Haskell
# package set built on it would, and its builder announces its phases on $NIX_LOG_FD the way
# nixpkgs' stdenv does (pkgs/stdenv/generic/setup.sh), so an observed job traces them.
{ job ? "" }:
let
  batch = import ./batch.nix;
  files = builtins.filter (n: n != "manifest.json") (builtins.attrNames (builtins.readDir batch));
  # A cabal2nix expression is a function of its dependencies; its pname is all the app needs here.
  pname = file:
    let f = import "${batch}/${file}";
    in (f (builtins.mapAttrs (arg: _: if arg == "mkDerivation" then (x: x) else null) (builtins.functionArgs f))).pname;
  phase = name: ''echo '@nix {"action":"setPhase","phase":"${name}"}' >&$NIX_LOG_FD'';
in
builtins.derivation {
  name = "haskell-app";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  PATH = "/usr/bin:/bin";
  # Which job built it: every job of the demo builds the app afresh, as a fresh runner would.
  inherit job;
  packages = map pname files;
  args = [ "-c" ''
    set -e
    ${phase "unpackPhase"}
    mkdir src && cd src
    ${phase "configurePhase"}
    for p in $packages; do echo "build-depends: $p" >> app.cabal; done
    ${phase "buildPhase"}
    wc -l < app.cabal > count
    ${phase "installPhase"}
    mkdir $out && cp app.cabal count $out/
  '' ];
}

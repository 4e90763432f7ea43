# The same project written as an everyday haskellPackages overlay (what drop-in mode reads):
# callHackage / callCabal2nix per package, some wrapped in haskell.lib helpers.
{ pkgs }:
self: super:
with pkgs.haskell.lib;
{
  AC-Colour = super.callHackage "AC-Colour" "1.1.6" { };
  X11 = super.callHackage "X11" "1.10.1" { };
  aeson = dontCheck (super.callHackage "aeson" "2.3.2.0" { });
  bytestring = super.callHackage "bytestring" "0.12.2.0" { };
  containers = super.callHackage "containers" "0.6.4.1" { };
  hashable = super.callHackage "hashable" "1.5.1.0" { };
  hello = super.callHackage "hello" "1.0.0.2" { };
  hmatrix = doJailbreak (super.callHackage "hmatrix" "0.20.2" { });
  hpack = super.callHackage "hpack" "0.39.1" { };
  http-types = super.callHackage "http-types" "0.12.6" { };
  lens = dontHaddock (dontCheck (super.callHackage "lens" "5.3.2" { }));
  megaparsec = super.callHackage "megaparsec" "9.8.0" { };
  network = super.callHackage "network" "3.1.2.8" { };
  optparse-applicative = super.callHackage "optparse-applicative" "0.18.0.0" { };
  postgresql-libpq = super.callHackage "postgresql-libpq" "0.9.5.0" { };
  sdl2 = super.callHackage "sdl2" "2.5.5.0" { };
  servant = super.callHackage "servant" "0.20.3.0" { };
  text = super.callHackage "text" "2.1.4" { };
  text-icu = super.callHackage "text-icu" "0.8.0.5" { };
  unordered-containers = super.callHackage "unordered-containers" "0.2.19.0" { };
  vector = overrideCabal (super.callHackage "vector" "0.13.2.0" { }) (drv: {
    doCheck = false;
  });
  zlib = super.callHackage "zlib" "0.7.1.1" { };
  my-lib = self.callCabal2nix "my-lib" ./my-lib { };
}

# The demo repository's Hackage pins, in the form haskell.lib.packageSourceOverrides takes.
# `npm run demo` runs the action on this file against a bundled sample of all-cabal-hashes.
{
  aeson = "2.3.2.0";
  bytestring = "0.12.2.0";
  containers = "0.6.4.1";
  hashable = "1.5.1.0";
  http-types = "0.12.6";
  lens = "5.3.2";
  megaparsec = "9.8.0";
  network = "3.1.2.8";
  optparse-applicative = "0.18.0.0";
  servant = "0.20.3.0";
  text = "2.1.4";
  unordered-containers = "0.2.19.0";
  vector = "0.13.2.0";
  zlib = "0.7.1.1";
  my-lib = ./my-lib;
}

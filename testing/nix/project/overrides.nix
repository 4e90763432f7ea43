# The test project's overrides, in the form nixpkgs' packageSourceOverrides takes: every package
# of testing/all-cabal-hashes-sample (one version each) plus one local package.
{
  AC-Colour = "1.1.6";
  X11 = "1.10.1";
  aeson = "2.3.2.0";
  bytestring = "0.12.2.0";
  containers = "0.6.4.1";
  hashable = "1.5.1.0";
  hello = "1.0.0.2";
  hmatrix = "0.20.2";
  hpack = "0.39.1";
  http-types = "0.12.6";
  lens = "5.3.2";
  megaparsec = "9.8.0";
  network = "3.1.2.8";
  optparse-applicative = "0.18.0.0";
  postgresql-libpq = "0.9.5.0";
  sdl2 = "2.5.5.0";
  servant = "0.20.3.0";
  text = "2.1.4";
  text-icu = "0.8.0.5";
  unordered-containers = "0.2.19.0";
  vector = "0.13.2.0";
  zlib = "0.7.1.1";
  my-lib = ./my-lib;
}

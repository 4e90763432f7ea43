/**
 * The overlay takes the compiler from the package set it extends, not from pkgs.haskellPackages:
 * `haskell.packages.ghc96.extend (overlay { pkgs; … })` in a nixpkgs whose default is GHC 9.8
 * imports ghc-9.6 expressions. Two instances of the stand-in package set
 * (testing/nix/haskell-package-set.nix) play nixpkgs' `haskellPackages` and
 * `haskell.packages.ghc96`.
 */
import path from 'node:path'
import { repoRoot } from './support/files.js'
import { createNixWorkspace, describeWithNix, run, type NixWorkspace } from './support/nix.js'

describeWithNix('the overlay on a package set whose compiler is not pkgs’ default', () => {
  let ws: NixWorkspace

  beforeAll(async () => {
    ws = await createNixWorkspace('overlay-compiler')
  }, 60_000)

  test('haskell.packages.ghc96.extend (overlay { pkgs; … }) imports the ghc-9.6 batch', async () => {
    const expression = `
      let
        lib = import ${path.join(repoRoot, 'nix')};
        standIn = compilerName: import ${path.join(repoRoot, 'testing/nix/haskell-package-set.nix')} {
          allCabalHashes = builtins.path { path = ${ws.archive}; name = "${ws.archiveName}"; };
          cabal2nix = "${ws.cabal2nix}";
          nodejs = "${ws.nodejs}";
          inherit compilerName;
        };
        ghc98 = standIn "ghc-9.8.4";
        ghc96 = standIn "ghc-9.6.6";
        pkgs = ghc98.pkgs // { haskell = ghc98.pkgs.haskell // { packages.ghc96 = ghc96.haskellPackages; }; };
        overrides = { aeson = "2.3.2.0"; };
        extended = pkgs.haskell.packages.ghc96.extend (lib.overlay { inherit pkgs overrides; });
        batchOf = set: (lib.someCabal2nixFor { inherit pkgs overrides; haskellPackages = set; }).batch;
        batchDir = p: builtins.unsafeDiscardStringContext (dirOf (toString p.mkDerivationArgs.passthru.cabal2nixDeriver));
      in {
        imported = batchDir extended.aeson;
        ghc96 = (batchOf ghc96.haskellPackages).outPath;
        ghc98 = (batchOf pkgs.haskellPackages).outPath;
        compiler = (batchOf ghc96.haskellPackages).compiler;
      }`
    const result = await run(
      'nix-instantiate',
      ['--eval', '--strict', '--json', '--read-write-mode', '-E', expression],
      { env: ws.nix.env }
    )
    expect(result.code === 0 ? '' : result.stderr).toBe('')
    const { imported, ghc96, ghc98, compiler } = JSON.parse(result.stdout)
    expect(compiler).toBe('ghc-9.6.6')
    expect(ghc96).not.toBe(ghc98)
    expect(imported).toBe(ghc96)
  }, 120_000)
})

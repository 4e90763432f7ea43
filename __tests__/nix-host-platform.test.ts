/**
 * cabal2nix's --system comes from the package set being extended, as nixpkgs' own callHackage
 * takes it (make-package-set.nix: the set's stdenv.hostPlatform), not from the `pkgs` handed to
 * the library: an aarch64 package set extended with x86_64 `pkgs` still gets aarch64 expressions.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot } from './support/files.js'
import { createNixWorkspace, describeWithNix, run, type NixWorkspace } from './support/nix.js'

describeWithNix('the host platform of the extended package set', () => {
  let ws: NixWorkspace
  beforeAll(async () => {
    ws = await createNixWorkspace('host-platform')
  }, 300_000)

  test('someCabal2nixFor and the overlay say what nixpkgs says for the set', async () => {
    const overrides = path.join(ws.dir, 'overrides.nix')
    await writeFile(overrides, '{ zlib = "0.7.1.1"; }\n')
    const standIn = (
      config: string
    ) => `import ${path.join(repoRoot, 'testing/nix/haskell-package-set.nix')} {
      allCabalHashes = ${ws.archive};
      cabal2nix = "${ws.cabal2nix}";
      nodejs = "${ws.nodejs}";
      hostConfig = "${config}";
    }`
    const expr = `
let
  aarch64 = ${standIn('aarch64-unknown-linux-gnu')};
  x86_64 = ${standIn('x86_64-unknown-linux-gnu')};
  library = import ${path.join(repoRoot, 'nix')};
  viaFor = library.someCabal2nixFor {
    pkgs = x86_64.pkgs;
    haskellPackages = aarch64.haskellPackages;
    overrides = ${overrides};
  };
  extended = aarch64.haskellPackages.extend (library.overlay { pkgs = x86_64.pkgs; overrides = ${overrides}; });
  nixpkgsArgs = (aarch64.haskellPackages.haskellSrc2nix { name = "zlib"; src = "/x"; }).args;
in {
  viaFor = viaFor.batch.hostConfig;
  viaOverlay = extended.some-cabal2nix-batch.hostConfig;
  nixpkgs = builtins.head (builtins.match ".*--system=([^ ]*) .*" (builtins.elemAt nixpkgsArgs 1));
}`
    const result = await run('nix-instantiate', ['--eval', '--strict', '--json', '--expr', expr], {
      env: ws.nix.env
    })
    if (result.code !== 0) throw new Error(result.stderr)
    expect(JSON.parse(result.stdout)).toEqual({
      viaFor: 'aarch64-unknown-linux-gnu',
      viaOverlay: 'aarch64-unknown-linux-gnu',
      nixpkgs: 'aarch64-unknown-linux-gnu'
    })
  })
})

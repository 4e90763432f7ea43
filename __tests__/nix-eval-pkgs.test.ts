/**
 * evalPkgs: an x86_64-linux machine evaluates an aarch64-darwin package set's outputs (nix flake
 * check, Hydra) by building the batch with its own cabal2nix and Node, while cabal2nix's --system
 * stays the darwin set's own hostPlatform.config. The stand-in package sets
 * (testing/nix/haskell-package-set.nix) play nixpkgs for both systems; "the darwin machine" is this
 * one told it may build aarch64-darwin derivations (extra-platforms), as a darwin builder would.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { buildSampleArchive, sampleDirectory } from '../testing/archives.mjs'
import { findCabal2nix } from '../testing/cabal2nix.mjs'
import { readTree, tempDir } from './support/files.js'
import {
  createNixEnv,
  describeWithNix,
  makeCabal2nixPrefix,
  nodePrefix,
  repoRoot,
  run,
  type NixEnv
} from './support/nix.js'

const platformFixtures = path.join(repoRoot, 'testing', 'fixtures', 'platform-conditionals')
const OVERRIDES = '{ platform-deps = "1.0.0"; hashable = "1.5.1.0"; zlib = "0.7.1.1"; }\n'
const NAMES = ['hashable', 'platform-deps', 'zlib']

interface Evaluated {
  batch: { system: string; hostConfig: string; out: string }
  drvPaths: Record<string, string>
  depends: string[]
}

describeWithNix('evalPkgs: every system’s batch from one machine (real Nix)', () => {
  let dir: string
  let nix: NixEnv
  let expr: string

  async function evaluate(attr: string, options: string[] = []) {
    const result = await run(
      'nix-instantiate',
      ['--eval', '--strict', '--json', '--read-write-mode', ...options, '-A', attr, '-E', expr],
      { env: nix.env }
    )
    return { ...result, json: result.code === 0 ? (JSON.parse(result.stdout) as Evaluated) : null }
  }

  beforeAll(async () => {
    dir = await tempDir('eval-pkgs')
    nix = await createNixEnv(dir)
    const fixtures = path.join(dir, 'fixtures')
    await cp(sampleDirectory(), fixtures, { recursive: true })
    await cp(platformFixtures, fixtures, { recursive: true })
    const rev = `eval-pkgs-${path.basename(dir)}`
    const archive = path.join(dir, `all-cabal-hashes-${rev}.tar.gz`)
    await buildSampleArchive({ outFile: archive, rev, fixturesDir: fixtures })
    const cabal2nix = await makeCabal2nixPrefix(path.join(dir, 'cabal2nix'))
    await mkdir(path.join(dir, 'project'), { recursive: true })
    await writeFile(path.join(dir, 'project', 'overrides.nix'), OVERRIDES)
    const standIn = (system: string, hostConfig: string) =>
      `import ${path.join(repoRoot, 'testing/nix/haskell-package-set.nix')} {
        allCabalHashes = builtins.path { path = ${archive}; name = "all-cabal-hashes.tar.gz"; };
        cabal2nix = "${cabal2nix}";
        nodejs = "${nodePrefix()}";
        system = "${system}";
        hostConfig = "${hostConfig}";
      }`
    expr = `
let
  linux = ${standIn('x86_64-linux', 'x86_64-unknown-linux-gnu')};
  darwin = ${standIn('aarch64-darwin', 'arm64-apple-darwin')};
  library = import ${path.join(repoRoot, 'nix')};
  overrides = ${path.join(dir, 'project', 'overrides.nix')};
  names = ${JSON.stringify(NAMES).replace(/,/g, ' ')};
  pick = haskellPackages: {
    batch = { inherit (haskellPackages.some-cabal2nix-batch) system hostConfig; out = haskellPackages.some-cabal2nix-batch.outPath; };
    drvPaths = builtins.listToAttrs (map (name: { inherit name; value = haskellPackages.\${name}.drvPath; }) names);
    depends = (darwin.describe haskellPackages.platform-deps).libraryHaskellDepends;
  };
in {
  # The darwin package set evaluated on x86_64-linux, its batch built here.
  viaFor = pick (library.someCabal2nixFor { pkgs = darwin.pkgs; evalPkgs = linux.pkgs; inherit overrides; }).haskellPackages;
  viaOverlay = pick (darwin.haskellPackages.extend (library.overlay { pkgs = darwin.pkgs; evalPkgs = linux.pkgs; inherit overrides; }));
  # The same through withPkgs (pkgs.someCabal2nix of the flake's overlay) and its withOptions.
  viaWithPkgs = pick (((library.withPkgs darwin.pkgs).withOptions { evalPkgs = linux.pkgs; }).for overrides).haskellPackages;
  viaWithPkgsOverlay = pick (darwin.haskellPackages.extend (((library.withPkgs darwin.pkgs).withOptions { evalPkgs = linux.pkgs; }).overlay overrides));
  # What the darwin machine itself evaluates (no evalPkgs): its batch is an aarch64-darwin build.
  native = pick (library.someCabal2nixFor { pkgs = darwin.pkgs; inherit overrides; }).haskellPackages;
}`
  }, 120_000)

  test('without evalPkgs, x86_64-linux cannot evaluate the darwin outputs: the batch is a darwin build', async () => {
    const result = await evaluate('native')
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/aarch64-darwin/)
    expect(result.stderr).toMatch(/some-cabal2nix\.drv/)
  })

  test('with evalPkgs the batch is built here, with the darwin set’s --system, and every package is what the darwin machine evaluates', async () => {
    const viaFor = await evaluate('viaFor')
    expect(viaFor.code === 0 ? '' : viaFor.stderr).toBe('')
    const viaOverlay = await evaluate('viaOverlay')
    expect(viaOverlay.code === 0 ? '' : viaOverlay.stderr).toBe('')
    const onDarwin = await evaluate('native', ['--option', 'extra-platforms', 'aarch64-darwin'])
    expect(onDarwin.code === 0 ? '' : onDarwin.stderr).toBe('')

    const [ours, theirs] = [viaFor.json as Evaluated, onDarwin.json as Evaluated]
    expect(ours.batch).toMatchObject({ system: 'x86_64-linux', hostConfig: 'arm64-apple-darwin' })
    expect(theirs.batch).toMatchObject({
      system: 'aarch64-darwin',
      hostConfig: 'arm64-apple-darwin'
    })
    expect(viaOverlay.json).toEqual(ours)
    for (const attr of ['viaWithPkgs', 'viaWithPkgsOverlay']) {
      const through = await evaluate(attr)
      expect({ attr, stderr: through.code === 0 ? '' : through.stderr }).toEqual({
        attr,
        stderr: ''
      })
      expect(through.json).toEqual(ours)
    }
    // Two different derivations, the same files, so the same packages.
    expect(ours.batch.out).not.toBe(theirs.batch.out)
    expect(await readTree(ours.batch.out)).toEqual(await readTree(theirs.batch.out))
    expect(ours.drvPaths).toEqual(theirs.drvPaths)
    // arch(aarch64) is false for arm64-apple-darwin in cabal2nix 2.21.3: no text, no containers.
    expect(ours.depends).toEqual(['system:base', 'system:unix'])
  })

  test('the expressions are byte-equal to the real cabal2nix run with the darwin set’s own config', async () => {
    const cabal2nix = findCabal2nix()
    if (!cabal2nix.real) {
      if (process.env.CI) throw new Error('CI must run this test with the real cabal2nix')
      console.warn('SKIPPING the byte comparison: the real cabal2nix is not installed')
      return
    }
    const viaFor = await evaluate('viaFor')
    const batch = (viaFor.json as Evaluated).batch.out
    const cabalFile = path.join(platformFixtures, 'platform-deps', '1.0.0', 'platform-deps.cabal')
    const sha256 = JSON.parse(await readFile(cabalFile.replace(/\.cabal$/, '.json'), 'utf8'))[
      'package-hashes'
    ].SHA256 as string
    const direct = async (system: string) => {
      const home = await tempDir('cabal2nix-home')
      const r = await run(
        cabal2nix.command,
        ['--compiler=ghc-9.8.4', `--system=${system}`, `--sha256=${sha256}`, cabalFile],
        { env: { ...process.env, HOME: home, LANG: 'C.UTF-8' } }
      )
      if (r.code !== 0) throw new Error(r.stderr)
      return r.stdout
    }
    const expression = await readFile(path.join(batch, 'platform-deps', 'default.nix'), 'utf8')
    expect(expression).toBe(await direct('arm64-apple-darwin'))
    // A --system from a table ("aarch64-apple-darwin") or the evaluating machine would differ.
    expect(expression).not.toBe(await direct('aarch64-apple-darwin'))
    expect(expression).not.toBe(await direct('x86_64-unknown-linux-gnu'))
  })
})

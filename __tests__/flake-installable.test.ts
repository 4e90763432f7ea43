/**
 * `installable: .#some-cabal2nix`, the form the README recommends, through dist/index.js: a
 * repository whose flake exposes the batch as a package, evaluated purely (no absolute paths, no
 * builtins.currentSystem), with the library and a stand-in nixpkgs as `path:` inputs.
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { flakeWorkspace, hostConfig, nixSystem } from './support/flake.js'
import { describeWithNix, run, type NixWorkspace } from './support/nix.js'
import { SimulatedRunner } from './support/runner.js'

describeWithNix('a flake installable through the Action', () => {
  let ws: NixWorkspace
  let repo: string
  beforeAll(async () => {
    const made = await flakeWorkspace('flake-installable')
    ws = made.ws
    repo = made.repo
    const { library, nixpkgs } = made
    await writeFile(path.join(repo, 'overrides.nix'), '{ zlib = "0.7.1.1"; aeson = "2.3.2.0"; }\n')
    await writeFile(
      path.join(repo, 'flake.nix'),
      `{
  inputs.some-cabal2nix.url = "path:${library}";
  inputs.nixpkgs = { url = "path:${nixpkgs}"; flake = false; };
  outputs = { self, some-cabal2nix, nixpkgs }:
    let
      pkgs = import nixpkgs { };
      batches = some-cabal2nix.lib.someCabal2nixFor { inherit pkgs; overrides = ./overrides.nix; };
    in {
      packages.${nixSystem} = {
        some-cabal2nix = batches.batch;
        # The core function without buildSystem: pure evaluation has no builtins.currentSystem.
        core-batch = some-cabal2nix.lib.someCabal2nix {
          name = "core-batch";
          overrides = ./overrides.nix;
          allCabalHashes = "${ws.archive}";
          cabal2nix = "${ws.cabal2nix}";
          nodejs = "${ws.nodejs}";
          compiler = "ghc-9.8.4";
          system = "${hostConfig}";
        };
      };
    };
}
`
    )
  }, 300_000)

  async function runAction(installable: string) {
    const runner = await SimulatedRunner.create({
      workspace: repo,
      runnerTemp: path.join(ws.dir, `temp-${installable.replace(/\W/g, '') || 'default'}`),
      inputs: { installable, 'use-actions-cache': 'false', comment: 'false' },
      env: {
        NIX_CONF_DIR: ws.nix.confDir,
        XDG_CACHE_HOME: ws.nix.env.XDG_CACHE_HOME as string,
        NIX_PATH: ''
      }
    })
    return runner.runMain()
  }

  test.each(['.#some-cabal2nix', '.#core-batch'])(
    '%s: evaluated, built, and its out path is the flake output',
    async installable => {
      const result = await runAction(installable)
      if (result.code !== 0) throw new Error(`${result.stdout}\n${result.stderr}`)
      expect(result.outputs.source).toBe('built')
      const evaluated = await run(
        'nix',
        ['eval', '--raw', `${repo}#${installable.slice(2)}.outPath`],
        { env: ws.nix.env }
      )
      expect(evaluated.code).toBe(0)
      expect(result.outputs['store-path']).toBe(evaluated.stdout.trim())
      const manifest = JSON.parse(
        await readFile(path.join(result.outputs['store-path'], 'manifest.json'), 'utf8')
      )
      expect(manifest.packages.map((p: { name: string }) => p.name)).toEqual(['aeson', 'zlib'])
    }
  )

  test('no installable input: the flake output packages.<system>.some-cabal2nix is pre-warmed', async () => {
    const result = await runAction('')
    if (result.code !== 0) throw new Error(`${result.stdout}\n${result.stderr}`)
    expect(result.log).toContain(
      `no installable input: flake.nix has .#packages.${nixSystem}.some-cabal2nix`
    )
    const evaluated = await run('nix', ['eval', '--raw', `${repo}#some-cabal2nix.outPath`], {
      env: ws.nix.env
    })
    expect(result.outputs['store-path']).toBe(evaluated.stdout.trim())
  })

  test('an output that is not a derivation: one line that says so', async () => {
    await writeFile(
      path.join(repo, 'flake.nix'),
      (await readFile(path.join(repo, 'flake.nix'), 'utf8')).replace(
        'core-batch = ',
        'not-a-batch = "just a string"; core-batch = '
      )
    )
    const result = await runAction('.#not-a-batch')
    expect(result.code).toBe(1)
    expect(result.errors[0]).toMatch(/^error: \.#not-a-batch is not a derivation/)
  })
})

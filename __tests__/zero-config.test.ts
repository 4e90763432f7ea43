/**
 * The zero-config path (no `installable` input): the Action builds the batch with its own Nix
 * library and the nixpkgs the repo pins in flake.lock. No nixpkgs checkout exists here, so the
 * lock points (a `path` input, as `nix flake lock` writes for local inputs) at a stand-in nixpkgs
 * made of testing/nix/haskell-package-set.nix, which has the attributes the library reads.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot } from './support/files.js'
import {
  createNixWorkspace,
  describeWithNix,
  readCabal2nixLog,
  type NixWorkspace
} from './support/nix.js'
import { SimulatedRunner } from './support/runner.js'

async function repoWithLock(ws: NixWorkspace, name: string): Promise<string> {
  const stub = path.join(ws.dir, `${name}-nixpkgs`)
  await mkdir(stub, { recursive: true })
  await writeFile(
    path.join(stub, 'default.nix'),
    `{ ... }: (import ${path.join(repoRoot, 'testing/nix/haskell-package-set.nix')} {
  allCabalHashes = ${ws.archive};
  cabal2nix = "${ws.cabal2nix}";
  nodejs = "${ws.nodejs}";
}).pkgs
`
  )
  const repo = path.join(ws.dir, name)
  await mkdir(repo, { recursive: true })
  const node = { type: 'path', path: stub }
  await writeFile(
    path.join(repo, 'flake.lock'),
    JSON.stringify({
      nodes: {
        nixpkgs: { locked: node, original: node },
        root: { inputs: { nixpkgs: 'nixpkgs' } }
      },
      root: 'root',
      version: 7
    })
  )
  return repo
}

async function runAction(ws: NixWorkspace, repo: string, inputs: Record<string, string>) {
  const runner = await SimulatedRunner.create({
    workspace: repo,
    runnerTemp: path.join(repo, '..', `${path.basename(repo)}-temp`),
    inputs: { 'use-actions-cache': 'false', comment: 'false', ...inputs },
    env: {
      NIX_CONF_DIR: ws.nix.confDir,
      XDG_CACHE_HOME: ws.nix.env.XDG_CACHE_HOME as string,
      NIX_PATH: ''
    }
  })
  return runner.runMain()
}

describeWithNix('zero-config: no installable input', () => {
  let ws: NixWorkspace
  beforeAll(async () => {
    ws = await createNixWorkspace('zero-config')
  }, 300_000)

  test('an overrides file found by its usual name is built with the pinned nixpkgs', async () => {
    const repo = await repoWithLock(ws, 'plain')
    await mkdir(path.join(repo, 'nix'), { recursive: true })
    await writeFile(
      path.join(repo, 'nix', 'overrides.nix'),
      '{ zlib = "0.7.1.1"; aeson = "2.3.2.0"; }\n'
    )
    const result = await runAction(ws, repo, {})
    if (result.code !== 0) throw new Error(result.stdout)
    expect(result.outputs.source).toBe('built')
    expect(result.log).toContain('2 packages from nix/overrides.nix')
    const manifest = JSON.parse(
      await readFile(path.join(result.outputs['store-path'], 'manifest.json'), 'utf8')
    )
    expect(manifest.packages.map((p: { name: string }) => p.name)).toEqual(['aeson', 'zlib'])
    expect(manifest.archive).toBe(`all-cabal-hashes-${ws.rev}`)
  })

  test('drop-in mode: the package list recorded from an overlay file', async () => {
    const repo = await repoWithLock(ws, 'dropin')
    await writeFile(
      path.join(repo, 'haskell-overlay.nix'),
      `{ pkgs }: self: super: with pkgs.haskell.lib; {
  lens = dontCheck (super.callHackage "lens" "5.3.2" { });
  text = super.callHackage "text" "2.1.4" { };
}
`
    )
    const before = (await readCabal2nixLog(ws.cabal2nixLog)).length
    const result = await runAction(ws, repo, { 'overlay-file': 'haskell-overlay.nix' })
    if (result.code !== 0) throw new Error(result.stdout)
    expect(result.outputs.source).toBe('built')
    expect(JSON.parse(result.outputs.packages)).toEqual([
      { name: 'lens', version: '5.3.2' },
      { name: 'text', version: '2.1.4' }
    ])
    expect((await readCabal2nixLog(ws.cabal2nixLog)).slice(before).sort()).toEqual([
      'lens 5.3.2',
      'text 2.1.4'
    ])
  })

  test('no overrides file anywhere: one clear error naming where it looked', async () => {
    const repo = await repoWithLock(ws, 'empty')
    const result = await runAction(ws, repo, {})
    expect(result.code).toBe(1)
    expect(result.errors[0]).toMatch(
      /^error: no overrides file found \(looked for overrides\.nix, nix\/overrides\.nix/
    )
  })
})

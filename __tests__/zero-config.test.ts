/**
 * The zero-config path (no `installable` input): the Action builds the batch with its own Nix
 * library and the nixpkgs the repo pins in flake.lock. No nixpkgs checkout exists here, so the
 * lock points (a `path` input, as `nix flake lock` writes for local inputs) at a stand-in nixpkgs
 * made of testing/nix/haskell-package-set.nix, which has the attributes the library reads.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot } from './support/files.js'
import {
  createNixWorkspace,
  describeWithNix,
  readCabal2nixLog,
  run,
  type NixWorkspace
} from './support/nix.js'
import { SimulatedRunner } from './support/runner.js'

type LockNodes = (nixpkgs: Record<string, unknown>) => Record<string, unknown>

const plainLock: LockNodes = node => ({
  nixpkgs: { locked: node, original: node },
  root: { inputs: { nixpkgs: 'nixpkgs' } }
})

async function repoWithLock(
  ws: NixWorkspace,
  name: string,
  nodes: LockNodes | null = plainLock
): Promise<string> {
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
  if (nodes) {
    const node = { type: 'path', path: stub }
    await writeFile(
      path.join(repo, 'flake.lock'),
      JSON.stringify({ nodes: nodes(node), root: 'root', version: 7 })
    )
  }
  return repo
}

async function runAction(
  ws: NixWorkspace,
  repo: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
) {
  const runner = await SimulatedRunner.create({
    workspace: repo,
    runnerTemp: path.join(repo, '..', `${path.basename(repo)}-temp`),
    inputs: { 'use-actions-cache': 'false', comment: 'false', ...inputs },
    env: {
      NIX_CONF_DIR: ws.nix.confDir,
      XDG_CACHE_HOME: ws.nix.env.XDG_CACHE_HOME as string,
      NIX_PATH: '',
      ...env
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

  async function withOverrides(repo: string): Promise<string> {
    await writeFile(path.join(repo, 'overrides.nix'), '{ zlib = "0.7.1.1"; }\n')
    return repo
  }

  test('nixpkgs that follows another input (a list in flake.lock) is resolved', async () => {
    const repo = await withOverrides(
      await repoWithLock(ws, 'follows', node => ({
        'haskell-tools': { inputs: { nixpkgs: 'nixpkgs_2' }, locked: node, original: node },
        nixpkgs_2: { locked: node, original: node },
        root: {
          inputs: { 'haskell-tools': 'haskell-tools', nixpkgs: ['haskell-tools', 'nixpkgs'] }
        }
      }))
    )
    const result = await runAction(ws, repo, {})
    if (result.code !== 0) throw new Error(result.stdout)
    expect(result.log).toContain('zero-config nixpkgs: as locked in flake.lock')
    expect(result.warnings).toEqual([])
  })

  test('a nix.conf without nix-command and flakes: the Action enables what it needs itself', async () => {
    const repo = await withOverrides(await repoWithLock(ws, 'no-features'))
    const confDir = path.join(ws.dir, 'conf-no-features')
    await mkdir(confDir, { recursive: true })
    const conf = await readFile(path.join(ws.nix.confDir, 'nix.conf'), 'utf8')
    await writeFile(
      path.join(confDir, 'nix.conf'),
      conf.replace(/^experimental-features = .*$/m, 'experimental-features =')
    )
    const result = await runAction(ws, repo, {}, { NIX_CONF_DIR: confDir })
    if (result.code !== 0) throw new Error(result.stdout)
    expect(result.outputs['store-path']).toMatch(/-some-cabal2nix$/)
  })

  test('no flake.lock: built with <nixpkgs> from NIX_PATH, and one warning that names it', async () => {
    const repo = await withOverrides(await repoWithLock(ws, 'no-lock', null))
    const nixPath = `nixpkgs=${path.join(ws.dir, 'no-lock-nixpkgs')}`
    const result = await runAction(ws, repo, {}, { NIX_PATH: nixPath })
    if (result.code !== 0) throw new Error(result.stdout)
    expect(result.warnings).toEqual([
      expect.stringContaining(
        `zero-config: there is no flake.lock, so the batch is built with <nixpkgs> from NIX_PATH (NIX_PATH=${nixPath})`
      )
    ])
  })

  test('a some-cabal2nix pinned in flake.lock builds the batch, not the bundled library', async () => {
    const library = path.join(ws.dir, 'locked-library')
    await mkdir(path.join(library, 'dist'), { recursive: true })
    await cp(path.join(repoRoot, 'nix'), path.join(library, 'nix'), { recursive: true })
    await cp(path.join(repoRoot, 'dist', 'cli.js'), path.join(library, 'dist', 'cli.js'))
    const marker = `// the locked revision ${ws.rev}`
    await writeFile(
      path.join(library, 'nix', 'builder.mjs'),
      `${await readFile(path.join(library, 'nix', 'builder.mjs'), 'utf8')}${marker}\n`
    )
    const libraryNode = { type: 'path', path: library }
    const repo = await withOverrides(
      await repoWithLock(ws, 'locked-library', node => ({
        nixpkgs: { locked: node, original: node },
        'some-cabal2nix': { locked: libraryNode, original: libraryNode },
        root: { inputs: { nixpkgs: 'nixpkgs', 'some-cabal2nix': 'some-cabal2nix' } }
      }))
    )
    const result = await runAction(ws, repo, {})
    if (result.code !== 0) throw new Error(result.stdout)
    expect(result.log).toContain(
      "zero-config some-cabal2nix library: input 'some-cabal2nix' as locked in flake.lock"
    )
    const deriver = await run('nix-store', ['--query', '--deriver', result.outputs['store-path']], {
      env: ws.nix.env
    })
    const inputs = await run('nix-store', ['--query', '--references', deriver.stdout.trim()], {
      env: ws.nix.env
    })
    const builder = inputs.stdout.split('\n').find(p => p.endsWith('-some-cabal2nix-builder.mjs'))
    expect(await readFile(builder as string, 'utf8')).toContain(marker)
  })
})

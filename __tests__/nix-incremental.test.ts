/**
 * The Nix library's incremental opt-in, evaluated with the real Nix on every Nix of the matrix (no
 * GHC needed: the stand-in package set records mkDerivation's arguments). The previous
 * intermediates reach a pure flake evaluation through the library's flake input
 * `previous-intermediates`, overridden with `--override-input some-cabal2nix/previous-intermediates
 * path:DIR` (what the Action's `nix-args` output holds); non-flake users pass `previousIntermediates`.
 */
import { createHash } from 'node:crypto'
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot } from './support/files.js'
import { flakeWorkspace } from './support/flake.js'
import { describeWithNix, evalProject, projectArgs, run, type NixWorkspace } from './support/nix.js'

const INPUT = 'some-cabal2nix/previous-intermediates'

/** A directory laid out like the union of `intermediates` outputs: share/haskell/<ghc>/<pname>-<version>/dist/build. */
async function intermediatesDir(root: string, builds: string[]): Promise<string> {
  for (const build of builds) {
    const dir = path.join(root, 'share', 'haskell', build, 'dist', 'build')
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'Module.o'), `object of ${build}\n`)
  }
  return root
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}

/** What testing/nix/project.nix evaluates to with withDrvPaths. */
interface ProjectEvaluation {
  drvPaths: Record<string, string>
  packages: Record<string, unknown>
  incremental: Record<string, unknown>
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex')

describeWithNix('incremental opt-in of the Nix library (real Nix)', () => {
  let ws: NixWorkspace
  let repo: string

  beforeAll(async () => {
    const made = await flakeWorkspace('incremental')
    ws = made.ws
    repo = made.repo
    const { library, nixpkgs } = made
    await cp(
      path.join(repoRoot, 'testing', 'nix', 'project', 'my-lib'),
      path.join(repo, 'my-lib'),
      {
        recursive: true
      }
    )
    await writeFile(path.join(repo, 'overrides.nix'), '{ my-lib = ./my-lib; }\n')
    await writeFile(
      path.join(repo, 'flake.nix'),
      `{
  inputs.some-cabal2nix.url = "path:${library}";
  inputs.nixpkgs = { url = "path:${nixpkgs}"; flake = false; };
  outputs = { self, some-cabal2nix, nixpkgs }:
    let
      pkgs = import nixpkgs { };
      withOverrides = args: (some-cabal2nix.lib.someCabal2nixFor ({ inherit pkgs; overrides = ./overrides.nix; } // args)).haskellPackages;
      argsOf = p: builtins.removeAttrs p.mkDerivationArgs [ "passthru" "src" ];
      on = withOverrides { incremental = "auto"; };
    in {
      incremental = on.my-lib.mkDerivationArgs.passthru.someCabal2nixIncremental;
      args = argsOf on.my-lib;
      off = argsOf (withOverrides { }).my-lib;
      offExplicitly = argsOf (withOverrides { incremental = null; }).my-lib;
      unknownName = argsOf (withOverrides { incremental = [ "my-lib" "no-such-package" ]; }).my-lib;
    };
}
`
    )
  }, 300_000)

  async function evalFlake(attr: string, overrideWith?: string) {
    const args = ['eval', '--json', `${repo}#${attr}`]
    if (overrideWith) args.push('--override-input', INPUT, `path:${overrideWith}`)
    const result = await run('nix', args, { env: ws.nix.env })
    return { ...result, json: result.code === 0 ? JSON.parse(result.stdout) : undefined }
  }

  test('no previous intermediates (the input left at its default): opted in, full build, "first build"', async () => {
    const result = await evalFlake('incremental')
    expect(result.code).toBe(0)
    expect(result.json).toEqual({
      pname: 'my-lib',
      version: '0.1.0.0',
      ghcVersion: '9.8.4',
      resumed: false,
      reason: 'first build (no previous intermediates)',
      intermediatesDir: 'share/haskell/9.8.4/my-lib-0.1.0.0/dist'
    })
    expect(result.stderr).toContain(
      'some-cabal2nix: my-lib 0.1.0.0: full build: first build (no previous intermediates)'
    )
    const args = await evalFlake('args')
    expect(args.json).toMatchObject({
      doInstallIntermediates: true,
      enableSeparateIntermediatesOutput: true
    })
    expect(args.json).not.toHaveProperty('previousIntermediates')
  })

  test('--override-input path:DIR in a pure evaluation: resumed, from a store path with only this package, flake.lock untouched', async () => {
    const dir = await intermediatesDir(path.join(ws.dir, 'previous-same'), [
      '9.8.4/my-lib-0.1.0.0',
      '9.8.4/other-package-2.0',
      '9.6.6/my-lib-0.1.0.0'
    ])
    const lockBefore = await sha256(path.join(repo, 'flake.lock')).catch(() => undefined)
    const info = await evalFlake('incremental', dir)
    expect(info.code).toBe(0)
    expect(info.json).toMatchObject({ resumed: true, reason: null })
    const args = await evalFlake('args', dir)
    const previous: string = args.json.previousIntermediates
    expect(previous).toMatch(
      /^\/nix\/store\/[a-z0-9]{32}-my-lib-0\.1\.0\.0-previous-intermediates$/
    )
    expect(await filesUnder(previous)).toEqual([
      'share/haskell/9.8.4/my-lib-0.1.0.0/dist/build/Module.o'
    ])
    expect(await sha256(path.join(repo, 'flake.lock')).catch(() => undefined)).toBe(lockBefore)
  })

  test.each([
    [['9.6.6/my-lib-0.1.0.0'], 'GHC 9.6.6 → 9.8.4'],
    [['9.8.4/my-lib-0.0.9'], 'version 0.0.9 → 0.1.0.0'],
    [['9.6.6/my-lib-0.0.9'], 'GHC 9.6.6 → 9.8.4 and version 0.0.9 → 0.1.0.0'],
    [['9.8.4/my-lib-extra-0.1.0.0'], 'first build (no previous intermediates)']
  ])('previous builds %j: full build, because %s', async (builds, reason) => {
    const dir = await intermediatesDir(
      path.join(ws.dir, `previous-${builds.join('-').replace(/\W/g, '_')}`),
      builds
    )
    const info = await evalFlake('incremental', dir)
    expect(info.json).toMatchObject({ resumed: false, reason })
    const args = await evalFlake('args', dir)
    expect(args.json).not.toHaveProperty('previousIntermediates')
  })

  test('opt-in off: mkDerivation gets exactly the arguments it got before', async () => {
    const off = await evalFlake('off')
    expect(off.code).toBe(0)
    expect((await evalFlake('offExplicitly')).json).toEqual(off.json)
    for (const name of [
      'doInstallIntermediates',
      'enableSeparateIntermediatesOutput',
      'previousIntermediates'
    ])
      expect(off.json).not.toHaveProperty(name)
  })

  test('a name the package set does not have: one error line and a hint', async () => {
    const result = await evalFlake('unknownName')
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain(
      'some-cabal2nix: incremental names a package the package set does not have: no-such-package'
    )
    expect(result.stderr).toContain('hint: use the package names of your .cabal files')
  })

  test('without flakes: the previousIntermediates argument', async () => {
    const dir = await intermediatesDir(path.join(ws.dir, 'previous-non-flake'), [
      '9.8.4/my-lib-0.1.0.0'
    ])
    const options = { ...projectArgs(ws), mode: 'for', attr: 'incremental.my-lib' } as const
    const notOptedIn = await evalProject(ws.nix, options)
    expect(notOptedIn.code).toBe(0)
    expect(notOptedIn.json).toBeNull()
    const resumed = await evalProject(ws.nix, {
      ...options,
      incremental: 'my-lib',
      previousIntermediates: dir
    })
    expect(resumed.code).toBe(0)
    expect(resumed.json).toMatchObject({ pname: 'my-lib', resumed: true, reason: null })
  })

  test('GHC older than 9.4 (recompiles by file times): never resumed, the derivation exactly as without the opt-in', async () => {
    const dir = await intermediatesDir(path.join(ws.dir, 'previous-ghc-9.0.2'), [
      '9.0.2/my-lib-0.1.0.0'
    ])
    const options = {
      ...projectArgs(ws),
      mode: 'for',
      compilerName: 'ghc-9.0.2',
      withDrvPaths: 'true'
    } as const
    const optedIn = await evalProject(ws.nix, {
      ...options,
      incremental: 'my-lib',
      previousIntermediates: dir
    })
    expect(optedIn.code).toBe(0)
    const on = optedIn.json as ProjectEvaluation
    expect(on.incremental['my-lib']).toMatchObject({
      ghcVersion: '9.0.2',
      resumed: false,
      reason: 'GHC 9.0.2 recompiles by file times; incremental builds need GHC 9.4 or newer'
    })
    expect(optedIn.stderr).toContain(
      'some-cabal2nix: my-lib 0.1.0.0: full build: GHC 9.0.2 recompiles by file times'
    )
    const off = await evalProject(ws.nix, options)
    expect(off.code).toBe(0)
    const without = off.json as ProjectEvaluation
    expect(on.drvPaths['my-lib']).toBe(without.drvPaths['my-lib'])
    expect(on.packages['my-lib']).toEqual(without.packages['my-lib'])
  })
})

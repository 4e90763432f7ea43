/**
 * The Nix library end to end with the real Nix: the test project (testing/nix/project, 22 Hackage
 * packages + 1 local package) evaluated the nixpkgs way (one IFD pair per package) and through
 * some-cabal2nix (one batch derivation), on the stand-in package set testing/nix/haskell-package-set.nix.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runCli } from '../src/cli.js'
import { planFromOverlay } from '../src/builder/overlay-plan.js'
import { planToJson } from '../src/builder/plan.js'
import {
  copyProject,
  createNixWorkspace,
  describeWithNix,
  evalProject,
  projectArgs,
  readCabal2nixLog,
  repoRoot,
  run,
  type NixWorkspace
} from './support/nix.js'

interface ProjectResult {
  packages: Packages
  derivers: Record<string, string>
  batch: { drv: string; out: string } | null
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, { write: t => out.push(t), log: t => err.push(t) })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

function failureText(result: { code: number | null; stderr: string }): string {
  return `exit ${result.code}\n${result.stderr.split('\n').slice(-30).join('\n')}`
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await filesUnder(full)))
    else found.push(full)
  }
  return found
}

type Packages = Record<string, Record<string, unknown>>

/**
 * nixpkgs' way hands the Haskell zlib itself as zlib's pkgconfig dependency (in real nixpkgs an
 * infinite recursion); the overlay hands it the system zlib (pkgs.zlib). Everything else is equal.
 */
function expectSameButSystemZlib(ours: Packages, theirs: Packages): void {
  const { zlib: ourZlib, ...ourRest } = ours
  const { zlib: theirZlib, ...theirRest } = theirs
  expect(theirRest).toEqual(ourRest)
  expect(theirZlib.libraryPkgconfigDepends).toEqual(['haskell:zlib-0.7.1.1'])
  expect(ourZlib).toEqual({ ...theirZlib, libraryPkgconfigDepends: ['system:zlib'] })
}

describeWithNix('Nix library: one batch derivation instead of per-package IFD (real Nix)', () => {
  let ws: NixWorkspace
  let ours: ProjectResult

  beforeAll(async () => {
    ws = await createNixWorkspace('batch')
  }, 60_000)

  test('(a) 23 overrides through the overlay build exactly ONE derivation; every package equals the nixpkgs-style result', async () => {
    const overlay = await evalProject(ws.nix, { mode: 'overlay', ...projectArgs(ws) })
    expect({ ok: overlay.code === 0, why: overlay.code === 0 ? '' : failureText(overlay) }).toEqual(
      { ok: true, why: '' }
    )
    ours = overlay.json as ProjectResult
    const names = Object.keys(ours.packages)
    expect(names.length).toBeGreaterThanOrEqual(20)
    expect(ours.batch).not.toBeNull()
    const batch = ours.batch as { drv: string; out: string }

    // One build, the batch; cabal2nix ran once per package, all inside it.
    expect(overlay.builds).toEqual([batch.drv])
    expect((await readCabal2nixLog(ws.cabal2nixLog)).length).toBe(names.length)
    // Every package's expression was imported from the batch.
    for (const name of names) expect(ours.derivers[name]).toBe(`${batch.out}/${name}`)

    const nixpkgs = await evalProject(ws.nix, { mode: 'nixpkgs', ...projectArgs(ws) })
    expect({ ok: nixpkgs.code === 0, why: nixpkgs.code === 0 ? '' : failureText(nixpkgs) }).toEqual(
      { ok: true, why: '' }
    )
    const theirs = nixpkgs.json as ProjectResult
    // The nixpkgs way: per Hackage package a tar component and a cabal2nix derivation, per local package a cabal2nix one.
    const hackage = names.filter(n => n !== 'my-lib')
    const built = nixpkgs.builds
      .map(d => d.replace(/^\/nix\/store\/[a-z0-9]{32}-/, '').replace(/\.drv$/, ''))
      .sort()
    const expected = [
      ...hackage.map(n => `all-cabal-hashes-component-${n}-${ours.packages[n].version}`),
      ...hackage.map(n => `cabal2nix-${n}-${ours.packages[n].version}`),
      'cabal2nix-my-lib'
    ].sort()
    expect(built).toEqual(expected)
    expect(theirs.batch).toBeNull()

    // Same packages, argument for argument (pname, version, sha256, revision, editedCabalFile, deps, src, …),
    // but for the one that asks for its namesake system library.
    expectSameButSystemZlib(ours.packages, theirs.packages)
    expect(ours.packages['zlib']).toMatchObject({
      pname: 'zlib',
      version: '0.7.1.1',
      revision: '1',
      editedCabalFile: '0vxv71vn1g82n9dmysrbm4z7xwzncp65jpbh9gr9y1anjqzvpn2n'
    })
    expect(ours.packages['my-lib'].src).toBe(`path:${path.join(ws.projectDir, 'my-lib')}`)
  }, 180_000)

  test('someCabal2nixFor, the flake overlay and drop-in mode (plan --overlay, then the user overlay on top) use the same batch and build nothing more', async () => {
    const batch = ours.batch as { drv: string; out: string }

    const viaFor = await evalProject(ws.nix, { mode: 'for', ...projectArgs(ws) })
    expect(viaFor.code === 0 ? '' : failureText(viaFor)).toBe('')
    expect(viaFor.builds).toEqual([])
    expect((viaFor.json as ProjectResult).batch).toEqual(batch)
    expect((viaFor.json as ProjectResult).packages).toEqual(ours.packages)

    // flake.nix: overlays.default puts the library at pkgs.someCabal2nix.
    const viaFlake = await evalProject(ws.nix, { mode: 'flake', ...projectArgs(ws) })
    expect(viaFlake.code === 0 ? '' : failureText(viaFlake)).toBe('')
    expect(viaFlake.builds).toEqual([])
    expect((viaFlake.json as ProjectResult).batch).toEqual(batch)
    expect((viaFlake.json as ProjectResult).packages).toEqual(ours.packages)

    // Drop-in: the package list read out of the project's everyday overlay, as `plan --overlay --json` prints it.
    const overlayFile = path.join(ws.projectDir, 'haskell-overlay.nix')
    const planFile = path.join(ws.projectDir, 'some-cabal2nix.json')
    await writeFile(
      planFile,
      JSON.stringify(planToJson(await planFromOverlay(overlayFile)), null, 2)
    )
    const dropIn = await evalProject(ws.nix, {
      mode: 'drop-in',
      ...projectArgs(ws),
      overrides: planFile
    })
    expect(dropIn.code === 0 ? '' : failureText(dropIn)).toBe('')
    expect(dropIn.builds).toEqual([])
    expect((dropIn.json as ProjectResult).batch).toEqual(batch)

    // The same overlay on plain nixpkgs-style callHackage: identical packages (wrappers included).
    const plain = await evalProject(ws.nix, {
      mode: 'user-overlay',
      ...projectArgs(ws),
      overrides: planFile
    })
    expect(plain.code === 0 ? '' : failureText(plain)).toBe('')
    expectSameButSystemZlib(
      (dropIn.json as ProjectResult).packages,
      (plain.json as ProjectResult).packages
    )
    expect((dropIn.json as ProjectResult).packages['aeson'].doCheck).toBe(false)
    for (const [name, deriver] of Object.entries((dropIn.json as ProjectResult).derivers)) {
      expect(deriver).toBe(`${batch.out}/${name}`)
    }
  }, 120_000)

  test('(b) the batch output has no references and mentions no store path', async () => {
    const batch = ours.batch as { drv: string; out: string }
    const refs = await run('nix-store', ['-q', '--references', batch.out], { env: ws.nix.env })
    expect(refs.code).toBe(0)
    expect(refs.stdout.trim()).toBe('')
    const files = await filesUnder(batch.out)
    expect(files.map(f => path.relative(batch.out, f)).sort()).toEqual(
      ['manifest.json', ...Object.keys(ours.packages).map(n => `${n}/default.nix`)].sort()
    )
    for (const file of files) expect(await readFile(file, 'utf8')).not.toContain('/nix/store')
    const manifest = JSON.parse(await readFile(path.join(batch.out, 'manifest.json'), 'utf8'))
    expect(manifest.archive).toBe(`all-cabal-hashes-${ws.rev}`)
    expect(manifest.packages).toContainEqual({ name: 'my-lib', path: './my-lib' })
    expect(await readFile(path.join(batch.out, 'my-lib', 'default.nix'), 'utf8')).toContain(
      'src = ./.;'
    )
  })

  test('(d) the out path changes with a version or a .cabal file, not with formatting, order, format or module sources', async () => {
    const outPath = async (overrides: string) => {
      const result = await evalProject(ws.nix, {
        mode: 'overlay',
        ...projectArgs(ws),
        projectDir: path.dirname(overrides),
        overrides,
        attr: 'batch.out',
        readOnly: true
      })
      if (result.code !== 0) throw new Error(failureText(result))
      return result.json as string
    }
    const base = path.join(ws.projectDir, 'overrides.nix')
    const text = await readFile(base, 'utf8')
    const entries = text.split('\n').filter(l => /^\s+[A-Za-z].* = /.test(l))
    expect(entries.length).toBe(23)

    const reordered = path.join(ws.projectDir, 'reordered.nix')
    await writeFile(
      reordered,
      `/* the same packages, reordered and reformatted */\n{\n${[...entries]
        .reverse()
        .map(
          (l, i) =>
            `${i % 2 ? '\t' : '      '}${l.trim().replace(' = ', '   =   ')}  # entry ${i}\n`
        )
        .join('\n')}}\n`
    )
    const json = path.join(ws.projectDir, 'overrides.json')
    const jsonValue: Record<string, unknown> = {}
    for (const line of entries) {
      const [, name, value] = /^\s*([A-Za-z0-9-]+) = (.*);$/.exec(line) as RegExpExecArray
      jsonValue[name] = value.startsWith('"') ? JSON.parse(value) : { path: value }
    }
    await writeFile(json, JSON.stringify(jsonValue, null, 4))
    const bumped = path.join(ws.projectDir, 'bumped.nix')
    await writeFile(bumped, text.replace('aeson = "2.3.2.0";', 'aeson = "2.2.3.0";'))

    // Module sources are not cabal2nix input; the .cabal file is.
    const edited = await copyProject(path.join(ws.dir, 'project-edited-module'))
    await writeFile(
      path.join(edited, 'my-lib', 'src', 'MyLib.hs'),
      'module MyLib (greeting) where\ngreeting = "changed"\n'
    )
    await mkdir(path.join(edited, 'my-lib', 'test'), { recursive: true })
    await writeFile(path.join(edited, 'my-lib', 'test', 'Spec.hs'), 'main = pure ()\n')
    const revised = await copyProject(path.join(ws.dir, 'project-edited-cabal'))
    const cabalFile = path.join(revised, 'my-lib', 'my-lib.cabal')
    await writeFile(
      cabalFile,
      (await readFile(cabalFile, 'utf8')).replace('vector', 'vector, containers')
    )

    const basePath = await outPath(base)
    expect(basePath).toBe((ours.batch as { out: string }).out)
    expect(await outPath(reordered)).toBe(basePath)
    expect(await outPath(json)).toBe(basePath)
    expect(await outPath(path.join(edited, 'overrides.nix'))).toBe(basePath)
    const bumpedPath = await outPath(bumped)
    const revisedPath = await outPath(path.join(revised, 'overrides.nix'))
    expect(bumpedPath).not.toBe(basePath)
    expect(revisedPath).not.toBe(basePath)
    expect(revisedPath).not.toBe(bumpedPath)
  }, 120_000)

  test('the core alone (no nixpkgs): a local-only batch needs no archive; Hackage packages do', async () => {
    const core = (
      overrides: string,
      extra = ''
    ) => `(import ${path.join(repoRoot, 'nix')}).someCabal2nix {
      overrides = ${overrides};
      cabal2nix = "${ws.cabal2nix}";
      nodejs = "${ws.nodejs}";
      compiler = "ghc-9.6.6";
      system = "aarch64-unknown-linux-gnu";
      name = "local-only";${extra}
    }`
    const built = await run(
      'nix-build',
      ['--no-out-link', '-E', core(`{ my-lib = ${path.join(ws.projectDir, 'my-lib')}; }`)],
      { env: ws.nix.env }
    )
    expect(built.code === 0 ? '' : failureText(built)).toBe('')
    const out = built.stdout.trim()
    expect(out).toMatch(/^\/nix\/store\/[a-z0-9]{32}-local-only$/)
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'))
    expect(manifest).toMatchObject({
      archive: null,
      compiler: 'ghc-9.6.6',
      system: 'aarch64-unknown-linux-gnu',
      packages: [{ name: 'my-lib', path: './my-lib' }]
    })
    const drv = (
      await run('nix-store', ['-q', '--deriver', out], { env: ws.nix.env })
    ).stdout.trim()
    const inputs = (await run('nix-store', ['-q', '--references', drv], { env: ws.nix.env })).stdout
    expect(inputs).toMatch(/-my-lib-cabal-files$/m)
    expect(inputs).not.toMatch(/all-cabal-hashes/)

    const withoutArchive = await run(
      'nix-instantiate',
      ['--eval', '--readonly-mode', '-E', `(${core('{ aeson = "2.3.2.0"; }')}).drvPath`],
      { env: ws.nix.env }
    )
    expect(withoutArchive.code).not.toBe(0)
    expect(withoutArchive.stderr).toContain(
      'error: some-cabal2nix: allCabalHashes (the all-cabal-hashes tarball) is needed for the Hackage packages aeson 2.3.2.0'
    )
  }, 60_000)

  // Bad overrides files: the table in support/overrides-cases.ts, read by both the CLI and the
  // library (overrides-agreement.test.ts).
  test("(e) a version the archive does not have fails the batch build with the CLI's message", async () => {
    const dir = path.join(ws.dir, 'bad')
    await mkdir(dir, { recursive: true })
    // A version the archive does not have fails inside the batch build, with the CLI's message in Nix's log.
    const missing = path.join(dir, 'missing-version.nix')
    await writeFile(missing, '{ aeson = "9.9.9"; zlib = "0.7.1.1"; }\n')
    const direct = await cli([
      'build',
      '--overrides',
      missing,
      '--archive',
      ws.archive,
      '--out',
      path.join(ws.dir, 'tmp', 'never'),
      '--cabal2nix',
      path.join(ws.cabal2nix, 'bin', 'cabal2nix'),
      '--compiler',
      'ghc-9.8.4',
      '--system',
      'x86_64-unknown-linux-gnu'
    ])
    expect(direct.code).toBe(1)
    const headline = direct.stderr.split('\n').find(l => l.startsWith('error:')) as string
    expect(headline).toBe(`error: aeson 9.9.9 is not in all-cabal-hashes-${ws.rev}`)
    const viaNix = await evalProject(ws.nix, {
      mode: 'overlay',
      ...projectArgs(ws),
      projectDir: dir,
      overrides: missing
    })
    expect(viaNix.code).not.toBe(0)
    expect(viaNix.stderr).toContain(headline)
  }, 120_000)
})

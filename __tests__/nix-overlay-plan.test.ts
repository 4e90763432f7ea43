/**
 * Drop-in mode: `some-cabal2nix plan --overlay FILE` reads the package list out of an existing
 * haskellPackages overlay by evaluating it with Nix against stand-ins (src/builder/overlay-plan.ts).
 */
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runCli } from '../src/cli.js'
import { BatchError } from '../src/common/errors.js'
import { planFromOverlay } from '../src/builder/overlay-plan.js'
import { planFromOverrides, planToJson } from '../src/builder/plan.js'
import { tempDir } from './support/files.js'
import { describeWithNix, projectTemplate, repoRoot, run } from './support/nix.js'

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, { write: t => out.push(t), log: t => err.push(t) })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

async function overlayFile(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, text)
  return file
}

async function localPackage(dir: string, name: string): Promise<string> {
  await mkdir(path.join(dir, name), { recursive: true })
  await writeFile(
    path.join(dir, name, `${name}.cabal`),
    `cabal-version: 2.4\nname: ${name}\nversion: 1.0\n`
  )
  return path.join(dir, name)
}

describe('plan --overlay without Nix', () => {
  test('a missing nix-instantiate is a clear BatchError', async () => {
    const dir = await tempDir('overlay-no-nix')
    const file = await overlayFile(dir, 'overlay.nix', 'self: super: { }\n')
    const error = await planFromOverlay(file, {
      nixInstantiate: path.join(dir, 'no-such-nix-instantiate')
    }).catch(e => e)
    expect(error).toBeInstanceOf(BatchError)
    expect((error as BatchError).kind).toBe('nix')
    expect((error as BatchError).message).toMatch(/drop-in mode evaluates the overlay with Nix/)
    expect((error as BatchError).hint).toMatch(/--overrides/)
  })

  test('a missing file and conflicting flags are reported before Nix is needed', async () => {
    const missing = await cli(['plan', '--overlay', '/nonexistent/overlay.nix'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      'error: /nonexistent/overlay.nix: overlay file not found\nhint: pass the haskellPackages overlay with --overlay FILE'
    )
    const both = await cli(['plan', '--overlay', 'a.nix', '--overrides', 'b.nix'])
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/^error: plan takes --overrides FILE or --overlay FILE, not both/)
  })
})

describeWithNix('plan --overlay (drop-in mode, real Nix)', () => {
  test("the project's everyday overlay gives exactly the plan of its overrides file", async () => {
    const fromOverlay = await planFromOverlay(path.join(projectTemplate, 'haskell-overlay.nix'))
    const fromOverrides = await planFromOverrides(path.join(projectTemplate, 'overrides.nix'))
    expect(fromOverlay.skipped).toEqual([])
    expect(planToJson(fromOverlay)).toEqual(planToJson(fromOverrides))
    expect(fromOverlay.packages.find(p => p.name === 'my-lib')).toEqual({
      name: 'my-lib',
      source: 'local',
      path: './my-lib',
      absolutePath: path.join(projectTemplate, 'my-lib')
    })

    const viaCli = await cli([
      'plan',
      '--overlay',
      path.join(projectTemplate, 'haskell-overlay.nix'),
      '--json'
    ])
    const viaOverrides = await cli([
      'plan',
      '--overrides',
      path.join(projectTemplate, 'overrides.nix'),
      '--json'
    ])
    expect(viaCli.code).toBe(0)
    expect(viaCli.stdout).toBe(viaOverrides.stdout)
  })

  test('common overlay shapes: extra arguments, lists, with, wrappers in both argument orders, lib helpers', async () => {
    const dir = await tempDir('overlay-shapes')
    await localPackage(dir, 'foo')
    const cases: Record<string, string> = {
      'positional-pkgs.nix': `pkgs: self: super:
let inherit (pkgs.haskell.lib) dontCheck appendPatch; in {
  aeson = appendPatch (dontCheck (super.callHackage "aeson" "2.2.3.0" { })) ./fix.patch;
  text = pkgs.haskell.lib.compose.appendPatches [ ./a.patch ] (super.callHackage "text" "2.1.4" { });
  foo = pkgs.lib.pipe (self.callCabal2nix "foo" ./foo { }) [ pkgs.haskell.lib.doJailbreak ];
  zlib = super.zlib.override { zlib = pkgs.zlib; };
}
`,
      'named-args.nix': `{ pkgs, hlib ? pkgs.haskell.lib, lib ? pkgs.lib, ... }:
[
  (hself: hsuper: with hsuper; { aeson = hlib.overrideCabal (callHackage "aeson" "2.2.3.0" { }) (old: { doCheck = false; }); })
  (hself: hsuper: lib.genAttrs [ "text" ] (n: hsuper.callHackage n "2.1.4" { }) // {
    foo = hself.callCabal2nix "foo" (lib.cleanSource ./foo) { };
    zlib = hlib.dontCheck hsuper.zlib;
  })
]
`,
      'package-source-overrides.nix': `{ pkgs }: pkgs.haskell.lib.packageSourceOverrides { aeson = "2.2.3.0"; text = "2.1.4"; foo = ./foo; }
`
    }
    const expected = {
      packages: [
        { name: 'aeson', version: '2.2.3.0' },
        { name: 'foo', path: './foo' },
        { name: 'text', version: '2.1.4' }
      ]
    }
    for (const [name, text] of Object.entries(cases)) {
      const plan = await planFromOverlay(await overlayFile(dir, name, text))
      expect({ name, plan: planToJson(plan), skipped: plan.skipped }).toEqual({
        name,
        plan: expected,
        skipped: []
      })
    }
  })

  test('calls the batch cannot stand in for are left to nixpkgs, with the reason', async () => {
    const dir = await tempDir('overlay-skipped')
    await localPackage(dir, 'foo')
    const file = await overlayFile(
      dir,
      'overlay.nix',
      `{ pkgs }: self: super: {
  aeson = super.callHackage "aeson" "2.2.3.0" { };
  aeson_1 = super.callHackage "aeson" "1.5.6.0" { };
  flags = self.callCabal2nixWithOptions "flags" ./foo "--flag=fast" { };
  fetched = self.callCabal2nix "fetched" (pkgs.fetchFromGitHub { owner = "o"; repo = "r"; rev = "x"; sha256 = ""; }) { };
  direct = super.callHackageDirect { pkg = "direct"; ver = "1.2.3"; sha256 = ""; } { };
  broken = throw "not today";
}
`
    )
    const plan = await planFromOverlay(file)
    expect(planToJson(plan)).toEqual({
      packages: [
        { name: 'aeson', version: '2.2.3.0' },
        { name: 'direct', version: '1.2.3' }
      ]
    })
    expect(plan.skipped.map(s => [s.attribute, s.reason])).toEqual([
      ['aeson_1', "another aeson (attribute 'aeson') is already in the batch"],
      ['broken', 'evaluating it failed (throw or assert)'],
      [
        'fetched',
        'its source is fetched or built (fetchFromGitHub), not a local directory; only Hackage versions and local paths are batched'
      ],
      ['flags', 'cabal2nix options (--flag=fast) are not passed to the batch']
    ])
    const text = await cli(['plan', '--overlay', file])
    expect(text.code).toBe(0)
    expect(text.stdout.split('\n')).toEqual([
      'aeson 2.2.3.0',
      'direct 1.2.3',
      "# left to nixpkgs: aeson_1 (another aeson (attribute 'aeson') is already in the batch)",
      '# left to nixpkgs: broken (evaluating it failed (throw or assert))',
      '# left to nixpkgs: fetched (its source is fetched or built (fetchFromGitHub), not a local directory; only Hackage versions and local paths are batched)',
      '# left to nixpkgs: flags (cabal2nix options (--flag=fast) are not passed to the batch)'
    ])
  })

  test('bad entries read like plan --overrides errors; Nix failures point at the overlay line', async () => {
    const dir = await tempDir('overlay-errors')
    const bad = await overlayFile(
      dir,
      'bad.nix',
      `self: super: {
  aeson = super.callHackage "aeson" "2.2.x" { };
  gone = self.callCabal2nix "gone" ./gone { };
}
`
    )
    const result = await cli(['plan', '--overlay', bad])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')).toEqual([
      `error: ${bad}:2: 'aeson': "2.2.x" is not a valid version (numbers separated by dots, like "2.2.3.0")`,
      `  ${bad}:3: 'gone': local package ./gone does not exist`,
      'hint: fix the overrides file; nothing was built'
    ])

    // An overlay that cannot be applied at all stops the plan, pointing at the line.
    const broken = await overlayFile(
      dir,
      'broken.nix',
      'self: super:\nlet v = super.b.version.major; in\nif v then { } else { a = super.callHackage "a" "1.0" { }; }\n'
    )
    const failed = await cli(['plan', '--overlay', broken])
    expect(failed.code).toBe(1)
    expect(failed.stderr.split('\n')[0]).toMatch(
      new RegExp(`^error: ${broken.replace(/[.]/g, '\\.')}:2: Nix could not evaluate the overlay: `)
    )
    expect(failed.stderr).toMatch(/^hint: drop-in mode understands callHackage/m)

    const none = await overlayFile(dir, 'none.nix', 'self: super: { a = super.a; }\n')
    expect((await cli(['plan', '--overlay', none])).stderr).toMatch(
      /the overlay has no callHackage or callCabal2nix calls/
    )
    const notOverlay = await overlayFile(dir, 'not-overlay.nix', '{ aeson = "2.2.3.0"; }\n')
    expect((await cli(['plan', '--overlay', notOverlay])).stderr).toMatch(
      /expected a haskellPackages overlay/
    )
  })

  test('evaluation copies nothing into the store', async () => {
    const dir = await tempDir('overlay-no-copy')
    const unique = `src-${randomBytes(8).toString('hex')}`
    await mkdir(path.join(dir, unique), { recursive: true })
    await writeFile(
      path.join(dir, unique, 'mine.cabal'),
      'cabal-version: 2.4\nname: mine\nversion: 1.0\n'
    )
    const file = await overlayFile(
      dir,
      'overlay.nix',
      `self: super: { mine = self.callCabal2nix "mine" ./${unique} { }; }\n`
    )
    const plan = await planFromOverlay(file)
    expect(planToJson(plan)).toEqual({ packages: [{ name: 'mine', path: `./${unique}` }] })
    expect(readdirSync('/nix/store').filter(name => name.includes(unique))).toEqual([])
  })

  test('the drop-in recipe writes a plan that works on another checkout: paths relative to the plan file, notes kept (dist/cli.js)', async () => {
    const project = await tempDir('overlay-recipe')
    await localPackage(project, 'my-lib')
    await mkdir(path.join(project, 'nix'))
    await overlayFile(
      path.join(project, 'nix'),
      'haskell-overlay.nix',
      'self: super: {\n' +
        '  aeson = super.callHackage "aeson" "2.3.2.0" { };\n' +
        '  my-lib = self.callCabal2nix "my-lib" ../my-lib { };\n' +
        '  fast = self.callCabal2nixWithOptions "fast" ../my-lib "--flag=fast" { };\n' +
        '}\n'
    )
    const cliJs = path.join(repoRoot, 'dist', 'cli.js')
    const planArgs = ['plan', '--overlay', 'nix/haskell-overlay.nix']
    const viaStdout = await run(process.execPath, [cliJs, ...planArgs, '--json'], { cwd: project })
    expect(viaStdout.code).toBe(0)
    expect(JSON.parse(viaStdout.stdout).packages).toContainEqual({
      name: 'my-lib',
      path: '../my-lib'
    })
    expect(viaStdout.stderr).toContain(
      '# left to nixpkgs: fast (cabal2nix options (--flag=fast) are not passed to the batch)'
    )
    // --output: the paths are relative to where the file lives, wherever that is.
    const written = await run(
      process.execPath,
      [cliJs, ...planArgs, '--output', 'ci/plan/some-cabal2nix.json'],
      { cwd: project }
    ).catch(e => e)
    expect(written.code).toBe(1)
    expect(written.stderr).toMatch(
      /^error: --output ci\/plan\/some-cabal2nix.json cannot be written/
    )
    await mkdir(path.join(project, 'ci', 'plan'), { recursive: true })
    const ok = await run(
      process.execPath,
      [cliJs, ...planArgs, '--output', 'ci/plan/some-cabal2nix.json'],
      { cwd: project }
    )
    expect(ok.stdout).toBe('')
    expect(ok.stderr).toBe(
      '# left to nixpkgs: fast (cabal2nix options (--flag=fast) are not passed to the batch)\n' +
        'wrote ci/plan/some-cabal2nix.json: 2 packages\n'
    )
    const text = await readFile(path.join(project, 'ci', 'plan', 'some-cabal2nix.json'), 'utf8')
    expect(text).not.toContain(project)
    expect(JSON.parse(text).packages).toEqual([
      { name: 'aeson', version: '2.3.2.0' },
      { name: 'my-lib', path: '../../my-lib' }
    ])

    // Another checkout: the committed plan file still finds my-lib, for the CLI and the Nix library.
    const other = await tempDir('overlay-recipe-other')
    await cp(project, other, { recursive: true })
    await rm(project, { recursive: true })
    const planFile = path.join(other, 'ci', 'plan', 'some-cabal2nix.json')
    const again = await planFromOverrides(planFile)
    expect(again.packages).toContainEqual(
      expect.objectContaining({ name: 'my-lib', absolutePath: path.join(other, 'my-lib') })
    )
    const viaNix = await run('nix-instantiate', [
      '--eval',
      '--strict',
      '--json',
      '--readonly-mode',
      '--expr',
      `map (e: toString (e.src or e.version)) ((import ${path.join(repoRoot, 'nix')}).readOverrides ${planFile}).entries`
    ])
    expect(viaNix.stderr.replace(/^warning: .*\n/gm, '')).toBe('')
    expect(JSON.parse(viaNix.stdout)).toEqual(['2.3.2.0', path.join(other, 'my-lib')])
  })
})

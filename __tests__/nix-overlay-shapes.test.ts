/**
 * Drop-in mode on overlays as people write them (issue 17): one reproducer per class of shape
 * that used to lose pins, each checked for the recorded package list, what is left to nixpkgs
 * and why, and what the plan assumed about values it cannot know.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runCli } from '../src/cli.js'
import { planFromOverlay, type OverlayPlan } from '../src/builder/overlay-plan.js'
import { planFromOverrides, planToJson } from '../src/builder/plan.js'
import { tempDir } from './support/files.js'
import { describeWithNix, repoRoot, run } from './support/nix.js'

const CABAL = (name: string) => `cabal-version: 2.4\nname: ${name}\nversion: 1.0\n`

/** A directory with the overlay, a local package `foo` and any other files given. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('overlay-shape')
  await mkdir(path.join(dir, 'foo'), { recursive: true })
  await writeFile(path.join(dir, 'foo', 'foo.cabal'), CABAL('foo'))
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text)
  return dir
}

function summary(plan: OverlayPlan) {
  return {
    packages: planToJson(plan).packages,
    skipped: plan.skipped.map(s => [s.attribute, s.reason]),
    assumptions: plan.assumptions.map(a => [a.attribute, a.text])
  }
}

/** A plan that batches these packages and has nothing to report. */
function batchedOnly(packages: Array<{ name: string; version?: string; path?: string }>) {
  return { packages, skipped: [], assumptions: [] }
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, { write: t => out.push(t), log: t => err.push(t) })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

// Nix 2.8 and Nix >= 2.19 word it differently.
const SET_AS_BOOLEAN =
  /^Nix could not evaluate it: (value is a set while a Boolean was expected|expected a Boolean but found a set)$/

const FETCHED_DIR =
  'its source is a directory inside a fetched source (fetchFromGitHub), not a local directory; only Hackage versions and local paths are batched'

describeWithNix('drop-in mode on overlays as people write them (real Nix)', () => {
  test('A: a subdirectory of a fetched source is left to nixpkgs, and no stand-in path leaks', async () => {
    const dir = await project({
      'overlay.nix': `{ pkgs }: self: super: {
  foo = self.callCabal2nix "foo" "\${pkgs.fetchFromGitHub { owner = "o"; repo = "r"; rev = "x"; sha256 = ""; }}/foo" { };
  bar = self.callCabal2nix "bar" ((pkgs.fetchFromGitHub { owner = "o"; repo = "r"; rev = "x"; sha256 = ""; }) + "/sub") { };
  aeson = super.callHackage "aeson" "2.2.3.0" { };
}
`
    })
    const file = path.join(dir, 'overlay.nix')
    expect(summary(await planFromOverlay(file))).toEqual({
      packages: [{ name: 'aeson', version: '2.2.3.0' }],
      skipped: [
        ['bar', FETCHED_DIR],
        ['foo', FETCHED_DIR]
      ],
      assumptions: []
    })
    const printed = await cli(['plan', '--overlay', file])
    expect(printed.code).toBe(0)
    expect(printed.stdout).not.toMatch(/stand-in/)
  })

  test('B: flags and nested attributes read off stand-ins cost nothing; an attribute that fails costs only itself', async () => {
    const dir = await project({
      'overlay.nix': `{ pkgs, lib }: self: super: {
  Glob = if self.ghc.isGhcjs or false then null else super.Glob;
  static = if pkgs.stdenv.hostPlatform.isMusl then pkgs.haskell.lib.justStaticExecutables super.static else super.static;
  site = lib.fileset.toSource { root = ./.; fileset = ./foo; };
  clean = lib.sources.cleanSource ./foo;
  odd = if super.Glob then 1 else 2;
  aeson = super.callHackage "aeson" "2.2.3.0" { };
}
`
    })
    expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual({
      packages: [{ name: 'aeson', version: '2.2.3.0' }],
      skipped: [['odd', expect.stringMatching(SET_AS_BOOLEAN)]],
      assumptions: []
    })
  })

  test('C: callPackage calls its function; packageSourceOverrides takes what callPackage returns', async () => {
    const dir = await project({
      'overlay.nix': `self: super:
let pkgs = self.callPackage ({ pkgs }: pkgs) { }; in {
  aeson = pkgs.haskell.lib.dontCheck (self.callHackage "aeson" "2.2.3.0" { });
}
`,
      'sources.nix': `{ pkgs }: pkgs.haskell.lib.packageSourceOverrides (pkgs.callPackage ./versions.nix { })
`,
      'versions.nix': `{ lib }: { text = "2.1.4"; foo = ./foo; }
`
    })
    expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual(
      batchedOnly([{ name: 'aeson', version: '2.2.3.0' }])
    )
    expect(summary(await planFromOverlay(path.join(dir, 'sources.nix')))).toEqual(
      batchedOnly([
        { name: 'foo', path: './foo' },
        { name: 'text', version: '2.1.4' }
      ])
    )
  })

  test("D: the named-argument form { haskellLib, self, super }: { … } (reflex-platform's)", async () => {
    const dir = await project({
      'overlay.nix': `{ haskellLib, self, super }: {
  aeson = haskellLib.dontCheck (super.callHackage "aeson" "2.2.3.0" { });
  foo = self.callCabal2nix "foo" ./foo { };
}
`
    })
    expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual(
      batchedOnly([
        { name: 'aeson', version: '2.2.3.0' },
        { name: 'foo', path: './foo' }
      ])
    )
  })

  test('E: nixpkgs-level overlays: haskellPackages.override, haskell.packageOverrides, haskell.packages.*', async () => {
    const dir = await project({
      'overlay.nix': `final: prev: {
  haskellPackages = prev.haskellPackages.override (old: {
    overrides = final.lib.composeExtensions (old.overrides or (_: _: { })) (hself: hsuper: {
      aeson = hsuper.callHackage "aeson" "2.2.3.0" { };
      broken = if hsuper.aeson then 1 else 2;
    });
  });
  haskell = prev.haskell // {
    packageOverrides = hself: hsuper: { text = hsuper.callHackage "text" "2.1.4" { }; };
    packages = prev.haskell.packages // {
      ghc96 = prev.haskell.packages.ghc96.extend (hself: hsuper: { foo = hself.callCabal2nix "foo" ./foo { }; });
    };
  };
  hello = prev.hello;
}
`,
      'nothing.nix': `final: prev: { haskellPackages = prev.haskellPackages; }
`
    })
    expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual({
      packages: [
        { name: 'aeson', version: '2.2.3.0' },
        { name: 'foo', path: './foo' },
        { name: 'text', version: '2.1.4' }
      ],
      skipped: [['haskellPackages.broken', expect.stringMatching(SET_AS_BOOLEAN)]],
      assumptions: []
    })
    const nothing = await cli(['plan', '--overlay', path.join(dir, 'nothing.nix')])
    expect(nothing.code).toBe(1)
    expect(nothing.stderr.split('\n')[0]).toBe(
      `error: ${path.join(dir, 'nothing.nix')}: the overlay sets haskellPackages but gives it no overlay with callHackage or callCabal2nix calls (haskellPackages.override { overrides = …; }, .extend or haskell.packageOverrides)`
    )
  })

  test('F: local sources behind the common filters are batched', async () => {
    const dir = await project({
      'overlay.nix': `{ pkgs, lib }: self: super: {
  a = self.callCabal2nix "a" (pkgs.nix-gitignore.gitignoreSource [ ] ./foo) { };
  b = self.callCabal2nix "b" (pkgs.nix-gitignore.gitignoreSourcePure [ "*.o" ] ./foo) { };
  c = self.callCabal2nix "c" (builtins.path { path = ./foo; name = "foo-src"; }) { };
  d = self.callCabal2nix "d" "\${./foo}" { };
  e = self.callCabal2nix "e" (lib.fileset.toSource { root = ./foo; fileset = lib.fileset.unions [ ./foo/foo.cabal ]; }) { };
  f = self.callCabal2nix "f" (lib.cleanSourceWith { src = ./foo; filter = _: _: true; }) { };
  g = self.callCabal2nix "g" "\${./.}/foo" { };
}
`
    })
    expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual({
      packages: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(name => ({ name, path: './foo' })),
      skipped: [],
      assumptions: []
    })
  })

  test('G: an overrides file with a function header is evaluated, not misread', async () => {
    const dir = await project({
      'set-header.nix': '{ pkgs }: { aeson = "2.2.3.0"; foo = ./foo; }\n',
      'plain-header.nix': 'pkgs: {\n  aeson = "2.2.3.0";\n}\n',
      'uses-pkgs.nix': '{ pkgs }: { aeson = pkgs.lib.version; }\n'
    })
    for (const name of ['set-header.nix', 'plain-header.nix']) {
      const plan = await planFromOverrides(path.join(dir, name))
      expect(plan.packages.map(p => p.name)).toContain('aeson')
    }
    expect(planToJson(await planFromOverrides(path.join(dir, 'set-header.nix')))).toEqual({
      packages: [
        { name: 'aeson', version: '2.2.3.0' },
        { name: 'foo', path: './foo' }
      ]
    })
    const usesPkgs = await cli(['plan', '--overrides', path.join(dir, 'uses-pkgs.nix')])
    expect(usesPkgs.code).toBe(1)
    expect(usesPkgs.stderr).toMatch(
      /the overrides file uses its argument 'pkgs', which an overrides file read on its own does not have/
    )
    // The Nix library reads them alike.
    const library = (file: string) =>
      run('nix-instantiate', [
        '--eval',
        '--strict',
        '--json',
        '--expr',
        `map (e: e.version or (toString e.src)) ((import ${path.join(repoRoot, 'nix')}).readOverrides ${path.join(dir, file)}).entries`
      ])
    expect(JSON.parse((await library('set-header.nix')).stdout)).toEqual([
      '2.2.3.0',
      path.join(dir, 'foo')
    ])
    expect(JSON.parse((await library('plain-header.nix')).stdout)).toEqual(['2.2.3.0'])
    expect((await library('uses-pkgs.nix')).stderr).toMatch(
      /the overrides file uses its argument 'pkgs', which an overrides file read on its own does not have/
    )
  })

  test('H: conditionals on values drop-in mode cannot know are reported; both branches batched when they pin different packages', async () => {
    const dir = await project({
      'overlay.nix': `{ compiler, pkgs }: self: super: {
  aeson = if compiler == "ghc96" then super.callHackage "aeson" "2.1.2.1" { } else super.callHackage "aeson" "2.2.3.0" { };
  crypton = if pkgs.stdenv.isDarwin then super.callHackage "crypton-darwin" "1.0" { } else super.callHackage "crypton" "1.0" { };
  text = if pkgs.stdenv.isDarwin then super.callHackage "text" "2.1.4" { } else super.callHackage "text" "2.1.3" { };
  plain = super.callHackage "plain" "1.0" { };
}
`
    })
    expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual({
      packages: [
        { name: 'aeson', version: '2.2.3.0' },
        { name: 'crypton', version: '1.0' },
        { name: 'crypton-darwin', version: '1.0' },
        { name: 'plain', version: '1.0' },
        { name: 'text', version: '2.1.3' }
      ],
      skipped: [],
      assumptions: [
        [
          'aeson',
          "depends on the argument 'compiler' (taken as equal to no value it is compared with), which drop-in mode cannot know: the plan takes aeson 2.2.3.0"
        ],
        [
          'crypton',
          'depends on stdenv.isDarwin (taken as false), which drop-in mode cannot know: the plan takes crypton 1.0; with the flags true it is crypton-darwin 1.0, also in the batch'
        ],
        [
          'text',
          'depends on stdenv.isDarwin (taken as false), which drop-in mode cannot know: the plan takes text 2.1.3; with the flags true it would be text 2.1.4, left to nixpkgs'
        ]
      ]
    })
    const printed = await cli(['plan', '--overlay', path.join(dir, 'overlay.nix')])
    expect(printed.stdout.split('\n')).toContain(
      "# assumed: aeson depends on the argument 'compiler' (taken as equal to no value it is compared with), which drop-in mode cannot know: the plan takes aeson 2.2.3.0"
    )
  })

  test('minor: defaults that are not needed are not evaluated (nothing from NIX_PATH); "no call can be batched" groups its reasons', async () => {
    const dir = await project({
      'overlay.nix': `{ nixpkgs ? import <nixpkgs> { }, ghcVersion ? "ghc96" }:
let pkgs = import <nixpkgs> { }; in
self: super: {
  aeson = pkgs.haskell.lib.dontCheck (super.callHackage "aeson" (if ghcVersion == "ghc96" then "2.2.3.0" else "2.1.2.1") { });
  foo = nixpkgs.haskell.lib.doJailbreak (self.callCabal2nix "foo" ./foo { });
}
`,
      'unbatchable.nix': `{ pkgs }: self: super: {
  a = self.callCabal2nixWithOptions "a" ./foo "--flag=fast" { };
  b = self.callCabal2nixWithOptions "b" ./foo "--flag=fast" { };
  c = self.callCabal2nix "c" (pkgs.fetchgit { url = "u"; rev = "r"; sha256 = ""; }) { };
}
`
    })
    await mkdir(path.join(dir, 'trap'), { recursive: true })
    await writeFile(path.join(dir, 'trap', 'default.nix'), 'throw "NIX_PATH was read"\n')
    const saved = process.env.NIX_PATH
    process.env.NIX_PATH = `nixpkgs=${path.join(dir, 'trap')}`
    try {
      expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual(
        batchedOnly([
          { name: 'aeson', version: '2.2.3.0' },
          { name: 'foo', path: './foo' }
        ])
      )
    } finally {
      if (saved === undefined) delete process.env.NIX_PATH
      else process.env.NIX_PATH = saved
    }
    const none = await cli(['plan', '--overlay', path.join(dir, 'unbatchable.nix')])
    expect(none.code).toBe(1)
    expect(none.stderr.split('\n')[0]).toBe(
      `error: ${path.join(dir, 'unbatchable.nix')}: no call in the overlay can be batched (cabal2nix options (--flag=fast) are not passed to the batch: a, b; its source is fetched or built (fetchgit), not a local directory; only Hackage versions and local paths are batched: c)`
    )
  })

  test('drop-in form pkgs: [ … ] (a function of pkgs returning a list of overlays)', async () => {
    const dir = await project({
      'overlay.nix': `pkgs: [
  (self: super: { aeson = pkgs.haskell.lib.dontCheck (super.callHackage "aeson" "2.2.3.0" { }); })
  (self: super: { foo = self.callCabal2nix "foo" ./foo { }; })
]
`
    })
    expect(summary(await planFromOverlay(path.join(dir, 'overlay.nix')))).toEqual(
      batchedOnly([
        { name: 'aeson', version: '2.2.3.0' },
        { name: 'foo', path: './foo' }
      ])
    )
  })
})

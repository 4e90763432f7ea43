/**
 * Incremental builds with a real GHC: the Nix library's opt-in over the stand-in of nixpkgs'
 * Haskell builder (testing/nix/generic-builder.nix), on a 30-module chain (testing/ghc-project.mjs).
 * With GHC >= 9.4 every case starts from the intermediates of one full build, as the next CI run
 * would, edits the project, builds, RUNS the program and compares what it prints with what the
 * project model says, and reads which modules GHC compiled from its `[n of m] Compiling …` lines.
 * With an older GHC (bookworm's 9.0.2) the same machinery checks the fallback to a full build.
 */
import { randomBytes } from 'node:crypto'
import { cp, readFile, rename } from 'node:fs/promises'
import path from 'node:path'
import { readGhcProgress, type ComponentProgress } from '../src/common/ghc-progress.js'
import {
  bumpDependency,
  editInterface,
  editLeaf,
  expectedOutput,
  initialModel,
  moduleCount,
  removeModule,
  renameModule,
  toggleFlag,
  writeProject,
  type ProjectModel
} from '../testing/ghc-project.mjs'
import { repoRoot, tempDir } from './support/files.js'
import {
  buildProject,
  collectIntermediates,
  describeWithGhc,
  ghc,
  runApp,
  type IncrementalInfo
} from './support/ghc.js'
import { createNixEnv, makeCabal2nixPrefix, nodePrefix, run, type NixEnv } from './support/nix.js'

const BUILD_TIMEOUT = 1_800_000
const DEMO = path.join(repoRoot, 'scripts', 'demo-incremental.mjs')

interface Outcome {
  output: string
  app: ComponentProgress
  dep: ComponentProgress | undefined
  info: Record<string, IncrementalInfo>
  intermediates: string[]
}

describeWithGhc(
  version => `incremental builds with GHC ${version} (real Nix, stand-in Haskell builder)`,
  {
    hashBased,
    fileTimes
  }
)

interface ProjectBuilder {
  dir: () => string
  /** Writes the model as a fresh source tree, builds it (resuming from `previousIntermediates`), runs it. */
  build: (
    model: ProjectModel,
    previousIntermediates?: string,
    options?: { nixpkgsSwitches?: boolean }
  ) => Promise<Outcome>
}

/** A private Nix setup (made in beforeAll) and the builds of the test project in it. */
function projectBuilder(label: string): ProjectBuilder {
  let dir: string
  let nixEnv: NixEnv
  let cabal2nix: string
  let builds = 0
  beforeAll(async () => {
    dir = await tempDir(label)
    nixEnv = await createNixEnv(dir)
    cabal2nix = await makeCabal2nixPrefix(path.join(dir, 'cabal2nix'))
  })
  async function build(
    model: ProjectModel,
    previousIntermediates?: string,
    options: { nixpkgsSwitches?: boolean } = {}
  ): Promise<Outcome> {
    const n = ++builds
    const projectDir = path.join(dir, `project-${n}`)
    await writeProject(projectDir, model)
    const result = await buildProject(nixEnv, {
      projectDir,
      ghcVersion: ghc.version!,
      cabal2nix,
      nodejs: nodePrefix(),
      incremental: options.nixpkgsSwitches ? null : 'auto',
      nixpkgsSwitches: options.nixpkgsSwitches,
      previousIntermediates,
      outLink: path.join(dir, `result-${n}`)
    })
    if (!result.ok) throw new Error(`build ${n} failed:\n${result.stderr.slice(-4000)}`)
    const progress = readGhcProgress(result.log)
    const app = progress.components.find(c => c.packageId === 'chain-app-1.0')
    if (!app)
      throw new Error(`build ${n}: no chain-app component in the log:\n${result.log.slice(-4000)}`)
    return {
      output: await runApp(result.app),
      app,
      dep: progress.components.find(c => c.packageId.startsWith('chain-dep-')),
      info: Object.fromEntries(
        (result.incremental ?? []).filter(i => i !== null).map(i => [i.pname, i])
      ),
      intermediates: result.intermediates
    }
  }
  return { dir: () => dir, build }
}

/** GHC >= 9.4: every correctness case, each resuming from the intermediates of one full build. */
function hashBased(): void {
  const { dir, build } = projectBuilder('incremental-ghc')
  // A new salt per run: a chroot's store kept from an earlier run must not answer from its cache.
  const base = initialModel({ salt: `run ${randomBytes(6).toString('hex')}` })
  let full: Outcome
  let previous: string
  let leafEdit: Outcome

  /** The chain modules from `index` (0-based) up, and Main: what a change at `index` reaches. */
  const fromUp = (model: ProjectModel, index: number) => [
    ...model.modules.slice(index).map(m => m.name),
    'Main'
  ]

  beforeAll(async () => {
    full = await build(base)
    previous = await collectIntermediates(full.intermediates, path.join(dir(), 'previous'))
  }, BUILD_TIMEOUT)

  test('the first build compiles every module, runs right, and says why it was full', () => {
    expect(full.output).toBe(expectedOutput(base))
    expect(full.app.compiled).toHaveLength(moduleCount(base))
    expect(full.app.modules).toBe(moduleCount(base))
    expect(full.info['chain-app']).toMatchObject({
      resumed: false,
      reason: 'first build (no previous intermediates)'
    })
    expect(full.intermediates).toHaveLength(2)
  })

  test(
    'a leaf edit (Main, imported by nothing) compiles 1 of 30 modules',
    async () => {
      const model = editLeaf(base)
      const outcome = (leafEdit = await build(model, previous))
      expect(outcome.output).toBe(expectedOutput(model))
      expect(outcome.info['chain-app']).toMatchObject({ resumed: true, reason: null })
      expect(outcome.app.compiled).toEqual(['Main'])
      expect(outcome.app.modules).toBe(30)
      // chain-dep did not change: GHC compiled none of its modules.
      expect(outcome.dep?.compiled ?? []).toEqual([])
    },
    BUILD_TIMEOUT
  )

  test(
    'the same sources built from zero print the same as the incremental build',
    async () => {
      const fromZero = await build(editLeaf(base))
      expect(fromZero.app.compiled).toHaveLength(30)
      expect(leafEdit.output).toBe(fromZero.output)
    },
    BUILD_TIMEOUT
  )

  test(
    'an interface change in a middle module recompiles it and everything above it, nothing below',
    async () => {
      const model = editInterface(base, 14)
      const outcome = await build(model, previous)
      expect(outcome.output).toBe(expectedOutput(model))
      // With -O the new value is in Chain.M15's interface (its unfolding), so every importer's
      // interface changes in turn, up to Main: 16 of 30. Seen the same with GHC 9.6.6 and 9.10.3.
      expect(outcome.app.compiled).toEqual(fromUp(model, 14))
    },
    BUILD_TIMEOUT
  )

  test(
    'a renamed module is compiled under its new name; stale objects of the old name do no harm',
    async () => {
      const model = renameModule(base, 19, 'Chain.Renamed20')
      const outcome = await build(model, previous)
      expect(outcome.output).toBe(expectedOutput(model))
      // Only the renamed module and the one whose import changed; Chain.M21's interface (the
      // same value) is unchanged, so nothing above it recompiles.
      expect(outcome.app.compiled).toEqual(['Chain.Renamed20', 'Chain.M21'])
      expect(outcome.app.modules).toBe(30)
    },
    BUILD_TIMEOUT
  )

  test(
    'a removed module: its importer is recompiled against the module before it',
    async () => {
      const model = removeModule(base, 9)
      const outcome = await build(model, previous)
      expect(outcome.output).toBe(expectedOutput(model))
      // Chain.M11 now imports Chain.M09 and computes another value: it and everything above.
      expect(outcome.app.compiled).toEqual(fromUp(model, 9))
      expect(outcome.app.modules).toBe(29)
    },
    BUILD_TIMEOUT
  )

  test(
    'a .cabal flag that changes CPP options recompiles, and the program follows the flag',
    async () => {
      const model = toggleFlag(base)
      const outcome = await build(model, previous)
      expect(outcome.output).toBe(expectedOutput(model))
      expect(outcome.output).toContain('LOUD')
      // The flag's cpp-options reach GHC's flags for every module of the component.
      expect(outcome.app.compiled).toEqual(fromUp(model, 0))
    },
    BUILD_TIMEOUT
  )

  test(
    'a new version of a dependency: the dependency builds from zero (version bumped), the app resumes and uses it',
    async () => {
      const model = bumpDependency(base, '1.1', 8)
      const outcome = await build(model, previous)
      expect(outcome.output).toBe(expectedOutput(model))
      expect(outcome.info['chain-dep']).toMatchObject({
        resumed: false,
        reason: 'version 1.0 → 1.1'
      })
      expect(outcome.dep?.compiled).toEqual(['Chain.Dep'])
      expect(outcome.info['chain-app']).toMatchObject({ resumed: true })
      // Another unit of chain-dep: every module of chain-app is compiled against it.
      expect(outcome.app.compiled).toEqual(fromUp(model, 0))
    },
    BUILD_TIMEOUT
  )

  test(
    'intermediates of another GHC version: a full build, and the reason names both versions',
    async () => {
      // What a previous run with another compiler leaves: the same layout under its own version.
      const otherGhc = ghc.version === '9.8.4' ? '9.6.6' : '9.8.4'
      const relabelled = path.join(dir(), 'previous-other-ghc')
      await cp(previous, relabelled, { recursive: true })
      await rename(
        path.join(relabelled, 'share', 'haskell', ghc.version!),
        path.join(relabelled, 'share', 'haskell', otherGhc)
      )
      // Not built before in this run (a build Nix has already done leaves no log).
      const model = editLeaf(editLeaf(base))
      const outcome = await build(model, relabelled)
      expect(outcome.output).toBe(expectedOutput(model))
      expect(outcome.info['chain-app']).toMatchObject({
        resumed: false,
        reason: `GHC ${otherGhc} → ${ghc.version}`
      })
      expect(outcome.app.compiled).toHaveLength(30)
    },
    BUILD_TIMEOUT
  )

  test(
    'npm run demo:incremental end to end (8 modules): a cold full build, then "compiled 1 of 8 modules" against the last full build',
    async () => {
      const demoDir = path.join(dir(), 'demo')
      const demo = await run(
        process.execPath,
        [DEMO, '--modules', '8', '--weight', '0', '--dir', demoDir],
        { timeoutMs: BUILD_TIMEOUT }
      )
      if (demo.code !== 0)
        throw new Error(`the demo failed:\n${demo.stdout.slice(-4000)}\n${demo.stderr}`)
      expect(demo.stdout).toContain(
        'chain-app: full build: first build (no previous intermediates) (compiled 8 of 8 modules'
      )
      const comment = await readFile(path.join(demoDir, 'comment.md'), 'utf8')
      expect(comment).toMatch(
        /- chain-app: incremental from faster-ci @ a1b2c3d \(run 11\): compiled 1 of 8 modules in \d[^;]* s; the last full build took \d.* s\n/
      )
      expect(demo.stdout).toContain('chain-app prints "chain!')
    },
    BUILD_TIMEOUT
  )
}

/**
 * GHC < 9.4 decides recompilation by file times, and the copy-and-touch sets every time to the
 * epoch: resuming could link stale objects. A previous build of the same GHC and pname-version
 * (made with nixpkgs' own switches, as a build without the library's opt-in would) is there, and
 * the opted-in build still compiles everything, says why, and prints the right result.
 */
function fileTimes(): void {
  const { dir, build } = projectBuilder('incremental-ghc-file-times')
  const base = initialModel({ salt: `run ${randomBytes(6).toString('hex')}` })
  const reason = `GHC ${ghc.version} recompiles by file times; incremental builds need GHC 9.4 or newer`

  test(
    `with intermediates of GHC ${ghc.version} there: a full build, the reason, the right program, no intermediates output`,
    async () => {
      const previousBuild = await build(base, undefined, { nixpkgsSwitches: true })
      expect(previousBuild.output).toBe(expectedOutput(base))
      expect(previousBuild.intermediates).toHaveLength(1)
      const previous = await collectIntermediates(
        previousBuild.intermediates,
        path.join(dir(), 'previous')
      )
      const model = editLeaf(base)
      const outcome = await build(model, previous)
      expect(outcome.output).toBe(expectedOutput(model))
      expect(outcome.info['chain-app']).toMatchObject({ resumed: false, reason })
      expect(outcome.info['chain-dep']).toMatchObject({ resumed: false, reason })
      expect(outcome.app.compiled).toHaveLength(moduleCount(model))
      // The opt-in changed nothing of the derivations: no intermediates output to save.
      expect(outcome.intermediates).toEqual([])
    },
    BUILD_TIMEOUT
  )

  test('npm run demo:incremental says in one line how to run it where GHC is 9.4 or newer', async () => {
    const demo = await run(process.execPath, [DEMO, '--dir', path.join(dir(), 'demo')])
    expect(demo.code).toBe(1)
    expect(demo.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^npm run demo:incremental needs Nix and GHC 9\\.4 or newer \\(this machine has GHC ${ghc.version!.replace(/\./g, '\\.')}\\); run it in the forky chroot .*: bash scripts/nix-chroot\\.sh create forky (\\S+) && bash scripts/nix-chroot\\.sh run \\1 -- node scripts/demo-incremental\\.mjs$`
        )
      )
    ])
  })
}

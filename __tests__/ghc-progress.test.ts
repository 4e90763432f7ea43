/** Reading what GHC compiled out of a build log (src/common/ghc-progress.ts). */
import { readGhcProgress } from '../src/common/ghc-progress.js'

// Lines as GHC 9.10.3 and Cabal 3.12 print them in a Nix build of the test project
// (testing/ghc-project.mjs), the Setup compile of each package included.
const setup = (n: number) =>
  [
    `[1 of 2] Compiling Main             ( /nix/store/4mdp8nhyfddh7bllbi7xszz7k9955n79-Setup.hs, /build/tmp.${n}/Main.o )`,
    '[2 of 2] Linking Setup'
  ].join('\n')

const chainModuleLine = (i: number) => {
  const n = String(i).padStart(2, '0')
  return `[${String(i).padStart(2)} of 30] Compiling Chain.M${n}        ( src/Chain/M${n}.hs, dist/build/chain-app/chain-app-tmp/Chain/M${n}.o )`
}

const fullBuild = [
  "building '/nix/store/0ils2aya85zjpm6cc7lka4k94ya203k1-chain-dep-1.0.drv'...",
  setup(1),
  'Building library for chain-dep-1.0...',
  '[1 of 1] Compiling Chain.Dep        ( src/Chain/Dep.hs, dist/build/Chain/Dep.o )',
  "building '/nix/store/vjh17rkxba92rzkcr36zq30x1vkah4jk-chain-app-1.0.drv'...",
  setup(2),
  "Building executable 'chain-app' for chain-app-1.0...",
  ...Array.from({ length: 29 }, (_, i) => chainModuleLine(i + 1)),
  '[30 of 30] Compiling Main             ( src/Main.hs, dist/build/chain-app/chain-app-tmp/Main.o )',
  '[31 of 31] Linking dist/build/chain-app/chain-app'
].join('\n')

test('a full build: every module of every component, the Setup compile left out', () => {
  const progress = readGhcProgress(fullBuild)
  expect(
    progress.components.map(c => [c.packageId, c.component, c.compiled.length, c.modules])
  ).toEqual([
    ['chain-dep-1.0', 'library', 1, 1],
    ['chain-app-1.0', "executable 'chain-app'", 30, 30]
  ])
  expect(progress.compiled).toHaveLength(31)
  expect(progress.compiled.filter(m => m === 'Main')).toHaveLength(1)
})

test('an incremental build: only what GHC recompiled; the total from `of m`, or from the link step', () => {
  const log = [
    setup(3),
    'Building library for chain-dep-1.0...',
    setup(4),
    "Building executable 'chain-app' for chain-app-1.0...",
    '[30 of 30] Compiling Main             ( src/Main.hs, dist/build/chain-app/chain-app-tmp/Main.o ) [Source file changed]',
    '[31 of 31] Linking dist/build/chain-app/chain-app [Objects changed]'
  ].join('\n')
  expect(readGhcProgress(log).components).toEqual([
    { packageId: 'chain-dep-1.0', component: 'library', compiled: [] },
    {
      packageId: 'chain-app-1.0',
      component: "executable 'chain-app'",
      compiled: ['Main'],
      modules: 30
    }
  ])
  const relinkOnly = readGhcProgress(
    "Building executable 'x' for x-2.0...\n[12 of 12] Linking dist/build/x/x [Objects changed]"
  )
  expect(relinkOnly.components[0]).toMatchObject({ compiled: [], modules: 11 })
})

test('lines prefixed by `nix build -L` read the same', () => {
  const prefixed = fullBuild
    .split('\n')
    .map(l => (l.startsWith('building ') ? l : `chain-app> ${l}`))
    .join('\n')
  expect(readGhcProgress(prefixed)).toEqual(readGhcProgress(fullBuild))
})

test('no Haskell build in the log: nothing', () => {
  expect(readGhcProgress('building something else\n[1 of 2] nothing')).toEqual({
    components: [],
    compiled: []
  })
})

// `npm run demo:incremental`: incremental builds end to end, with the real GHC, on this machine.
//
// A flake repository with the 30-module chain project (testing/ghc-project.mjs: chain-app on
// chain-dep, both local packages of haskell/overrides.nix) opted in with `incremental = "auto"`,
// built by the stand-in of nixpkgs' Haskell builder (testing/nix/generic-builder.nix) with the
// machine's GHC, which must be 9.4 or newer. It runs dist/index.js and dist/post.js as the runner
// does (as scripts/demo.mjs does), with a signing key, a signed file:// binary cache, a loopback
// Actions cache service and a loopback GitHub API with one open pull request, twice:
//   cold: nothing to resume; the main `nix build` compiles every module (a full build, "first
//         build"); the post step saves the intermediates;
//   then an edit to Main (a leaf: no module imports it);
//   warm: a fresh runner restores and verifies the intermediates, the main `nix build` gets the
//         step's `nix-args`, and GHC compiles only what changed.
// Both jobs' summaries and the final PR comment are printed; everything lands in
// .demo-incremental/. `--modules N` sets how many modules chain-app has (30), `--weight W` how much
// each chain module gives GHC to do (2: records deriving Show, Read, Eq, Ord; 0 for a quick run),
// `--dir DIR` where it all goes (.demo-incremental).
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { editLeaf, expectedOutput, initialModel, moduleCount, writeProject } from '../testing/ghc-project.mjs'
import { createNixEnv, findNix, generateCacheKey, makeCabal2nixPrefix, nodePrefix, run } from '../testing/nix/harness.mjs'
import { findGhc } from '../testing/nix/ghc-harness.mjs'
import { startActionsCacheServer } from '../testing/servers/actions-cache-server.mjs'
import { startGitHubApiServer } from '../testing/servers/github-api-server.mjs'
import { SimulatedRunner } from '../testing/simulated-runner.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const say = text => console.log(`\x1b[1m» ${text}\x1b[0m`)
const FORKY = '/var/tmp/some-cabal2nix-chroots/forky'

const { values: flags } = parseArgs({
  options: {
    modules: { type: 'string', default: '30' },
    weight: { type: 'string', default: '2' },
    dir: { type: 'string', default: path.join(root, '.demo-incremental') }
  }
})
const demo = path.resolve(flags.dir)
const modules = Number(flags.modules)
const weight = Number(flags.weight)
if (!Number.isInteger(modules) || modules < 2 || !Number.isInteger(weight) || weight < 0) {
  console.error(`--modules takes a whole number of at least 2 (not '${flags.modules}'), --weight one of at least 0 (not '${flags.weight}')`)
  process.exit(2)
}

const ghc = findGhc()
if (!findNix().available || !ghc.incremental) {
  const has = !findNix().available ? 'no Nix' : ghc.available ? `GHC ${ghc.version}` : 'no /usr/bin/ghc'
  console.error(
    `npm run demo:incremental needs Nix and GHC 9.4 or newer (this machine has ${has}); run it in the forky chroot (Nix 2.34.8, GHC 9.10.3): ` +
      `bash scripts/nix-chroot.sh create forky ${FORKY} && bash scripts/nix-chroot.sh run ${FORKY} -- node scripts/demo-incremental.mjs`
  )
  process.exit(1)
}

await rm(demo, { recursive: true, force: true })
await mkdir(demo, { recursive: true })
const nix = await createNixEnv(demo)
// Nix's build logs for the post step's audit: private, so other Nix work on this machine does not show up.
nix.env.NIX_LOG_DIR = path.join(demo, 'nix-log')
const system = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux`

say(`preparing: a flake repository with the ${modules}-module project, GHC ${ghc.version}, signing key`)
// The library as its own flake (what `inputs.some-cabal2nix.url = "github:…"` fetches).
const library = path.join(demo, 'some-cabal2nix')
await mkdir(path.join(library, 'dist'), { recursive: true })
await cp(path.join(root, 'flake.nix'), path.join(library, 'flake.nix'))
await cp(path.join(root, 'nix'), path.join(library, 'nix'), { recursive: true })
await cp(path.join(root, 'dist', 'cli.js'), path.join(library, 'dist', 'cli.js'))
// nixpkgs: the stand-in package set, building Haskell packages with the machine's GHC.
const nixpkgs = path.join(demo, 'nixpkgs')
await mkdir(nixpkgs, { recursive: true })
for (const file of ['haskell-package-set.nix', 'stub-lib.nix', 'generic-builder.nix'])
  await cp(path.join(root, 'testing', 'nix', file), path.join(nixpkgs, file))
const cabal2nix = await makeCabal2nixPrefix(path.join(demo, 'cabal2nix'))
await writeFile(
  path.join(nixpkgs, 'default.nix'),
  `{ ... }: (import ./haskell-package-set.nix {
  allCabalHashes = null;
  cabal2nix = "${cabal2nix}";
  nodejs = "${nodePrefix()}";
  system = "${system}";
  compilerName = "ghc-${ghc.version}";
  buildWithGhc = true;
}).pkgs
`
)
const repo = path.join(demo, 'repo')
await mkdir(repo, { recursive: true })
await writeFile(
  path.join(repo, 'flake.nix'),
  `{
  inputs.some-cabal2nix.url = "path:${library}";
  inputs.nixpkgs = { url = "path:${nixpkgs}"; flake = false; };
  outputs = { self, some-cabal2nix, nixpkgs }:
    let
      pkgs = import nixpkgs { };
      haskell = some-cabal2nix.lib.someCabal2nixFor {
        inherit pkgs;
        overrides = ./haskell/overrides.nix;
        incremental = "auto";
      };
    in {
      packages.${system} = {
        default = haskell.haskellPackages.chain-app;
        some-cabal2nix = haskell.batch;
      };
    };
}
`
)
// A new salt each run: a store kept from an earlier run must not answer from its cache.
let model = initialModel({ chainLength: modules - 1, weight, salt: `demo ${Date.now().toString(36)}` })
await writeProject(path.join(repo, 'haskell'), model)
const keys = await generateCacheKey(nix, path.join(demo, 'keys'), 'demo-cache-1')
const secretKey = (await readFile(keys.secretKeyFile, 'utf8')).trim()

const runnerTemp = path.join(demo, 'runner-temp')
const cacheServer = await startActionsCacheServer({ runnerTemp })
const github = await startGitHubApiServer({ repo: 'octo-org/haskell-app' })
const binaryCache = path.join(demo, 'binary-cache')

/** One job of the pull request's workflow, as run number `runNumber` at commit `sha`. */
function jobFor(runNumber, sha) {
  return {
    workspace: repo,
    runnerTemp,
    inputs: {
      installable: `path:${repo}#some-cabal2nix`,
      'overrides-file': 'haskell/overrides.nix',
      incremental: 'auto',
      'binary-caches': `file://${binaryCache}?compression=zstd`,
      'signing-key': secretKey
    },
    env: {
      ...cacheServer.env,
      NIX_CONF_DIR: nix.confDir,
      XDG_CACHE_HOME: nix.env.XDG_CACHE_HOME,
      NIX_LOG_DIR: nix.env.NIX_LOG_DIR,
      NIX_PATH: '',
      GITHUB_API_URL: github.url,
      GITHUB_RUN_ID: `90${runNumber}`,
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_RUN_NUMBER: String(runNumber),
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_HEAD_REF: 'faster-ci',
      GITHUB_REF_NAME: '7/merge'
    },
    event: {
      name: 'pull_request',
      payload: { number: 7, pull_request: { number: 7, head: { repo: { fork: false } } } }
    }
  }
}

const indent = text =>
  text
    .split('\n')
    .filter(l => l && !l.startsWith('::debug::'))
    .map(l => `  ${l}`)
    .join('\n')

/** The user's own build between our steps: `nix build` of the app with the step's nix-args appended. */
async function mainNixBuild(runner, nixArgs) {
  const args = ['build', `path:${repo}#default`, '--no-link', '--json', '-L', ...nixArgs.split(' ').filter(Boolean)]
  console.log(`  $ nix ${args.join(' ').replace(`path:${repo}`, '.')}`)
  const result = await run('nix', args, { env: { ...nix.env, ...runner.jobEnv() }, cwd: repo, timeoutMs: 3_600_000 })
  if (result.code !== 0) throw new Error(`the main nix build failed:\n${result.stderr.slice(-4000)}`)
  const compiled = result.stderr.split('\n').filter(l => /\] Compiling /.test(l) && !/Setup\.hs/.test(l))
  console.log(`  GHC compiled ${compiled.length} modules:`)
  console.log(compiled.map(l => `    ${l.replace(/\s+\(.*$/, '')}`).join('\n'))
  const [{ drvPath, outputs }] = JSON.parse(result.stdout)
  const app = outputs.out
  const printed = (await run(path.join(app, 'bin', 'chain-app'), [])).stdout
  const expected = expectedOutput(model)
  console.log(`  chain-app prints ${JSON.stringify(printed)} (the project model says ${JSON.stringify(expected)})`)
  if (printed !== expected) throw new Error('the built program printed something else than the sources say')
  return drvPath
}

async function runJob(label, runNumber, sha) {
  say(`${label}: main step (run ${runNumber}, commit ${sha.slice(0, 7)})`)
  const runner = await SimulatedRunner.create(jobFor(runNumber, sha))
  const main = await runner.runMain()
  console.log(indent(main.log))
  if (main.code !== 0) throw new Error(`${label}: the main step failed`)
  say(`${label}: outputs nix-args=${JSON.stringify(main.outputs['nix-args'])}`)
  console.log(`  incremental=${main.outputs.incremental}`)
  say(`${label}: the main Nix build`)
  const appDrv = await mainNixBuild(runner, main.outputs['nix-args'])
  say(`${label}: post step`)
  const post = await runner.runPost()
  console.log(indent(post.log))
  const summary = main.summary + post.summary
  await writeFile(path.join(demo, `${label}-summary.md`), summary)
  say(`${label}: job summary (${path.join(demo, `${label}-summary.md`)})`)
  console.log(summary)
  return { main, post, appDrv }
}

/** A fresh runner: the cold job's batch and both packages' outputs (intermediates too) are not in its store. */
async function freshRunner(cold) {
  const query = async args => {
    const r = await run('nix-store', args, { env: nix.env })
    if (r.code !== 0) throw new Error(`nix-store ${args.join(' ')} failed:\n${r.stderr}`)
    return r.stdout.split('\n').filter(Boolean)
  }
  const drvs = (await query(['--query', '--requisites', cold.appDrv])).filter(p =>
    /-chain-(app|dep)-[0-9.]+\.drv$/.test(p)
  )
  const outputs = await query(['--query', '--outputs', ...drvs])
  const valid = []
  for (const p of [...outputs, cold.main.outputs['store-path']])
    if ((await run('nix-store', ['--check-validity', p], { env: nix.env })).code === 0) valid.push(p)
  await query(['--delete', ...valid])
  console.log(`  deleted ${valid.length} paths: ${valid.map(p => path.basename(p).slice(33)).join(', ')}`)
}

try {
  const cold = await runJob('cold', 11, 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678')
  say('an edit to Main, which no other module imports')
  model = editLeaf(model)
  await writeProject(path.join(repo, 'haskell'), model)
  say('a fresh runner: nothing of the cold job in its Nix store')
  await freshRunner(cold)
  const warm = await runJob('warm', 12, 'f0e1d2c3b4a5968778695a4b3c2d1e0f12345678')
  const comments = github.comments(7)
  const comment = comments.at(-1)?.body ?? '(no comment was written)'
  await writeFile(path.join(demo, 'comment.md'), comment + '\n')
  say(`the PR comment (${comments.length} comment on PR #7, edited in place; saved to ${path.join(demo, 'comment.md')})`)
  console.log(comment)
  say('done')
  console.log(`  cold: ${(cold.main.ms / 1000).toFixed(1)} s main step; warm: ${(warm.main.ms / 1000).toFixed(1)} s main step`)
  console.log(`  chain-app has ${moduleCount(model)} modules; job summaries: ${demo}/cold-summary.md, ${demo}/warm-summary.md`)
} finally {
  await cacheServer.stop()
  await github.stop()
}

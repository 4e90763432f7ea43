// `npm run demo`: the action's main job end to end on an embedded default, on this machine.
//
// A demo repository (examples/demo: 14 Hackage pins and one local package), the bundled sample
// of all-cabal-hashes, the real cabal2nix where there is one (else, loudly, the test double), a
// signed file:// binary cache, a loopback Actions cache service, a loopback GitHub API with one
// open pull request and a loopback OTLP receiver. It runs dist/index.js and dist/post.js as the
// runner does, twice: a cold run (builds, pushes, saves) and a warm run on a "fresh runner"
// (restores, builds nothing). Between the two steps of each job the repository's own build runs,
// `nix build -f ci/app.nix`, with the environment the runner gives later steps (NIX_CONFIG as the
// main step exported it): on a Nix that knows json-log-path the post step's audit is "observed",
// with the build's phases in the trace, elsewhere "inferred from logs".
//
// Everything lands in .demo/ (or the directory after --out); the trace of each job is printed as
// received, the PR comment the action wrote is printed and saved to comment.md, and outcome.json
// holds what a test checks. With --update-readme, README.md's example comment is replaced by this one.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSampleArchive } from '../testing/archives.mjs'
import { findCabal2nix } from '../testing/cabal2nix.mjs'
import { createNixEnv, findNix, generateCacheKey, makeCabal2nixPrefix, nodePrefix, run } from '../testing/nix/harness.mjs'
import { startActionsCacheServer } from '../testing/servers/actions-cache-server.mjs'
import { startGitHubApiServer } from '../testing/servers/github-api-server.mjs'
import { spanMs, spanTreeLines, startOtlpServer } from '../testing/servers/otlp-server.mjs'
import { SimulatedRunner } from '../testing/simulated-runner.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outFlag = process.argv.indexOf('--out')
const privateOut = outFlag >= 0 && process.argv[outFlag + 1]
const demo = privateOut ? path.resolve(privateOut) : path.join(root, '.demo')
const say = text => console.log(`\x1b[1m» ${text}\x1b[0m`)

if (!findNix().available) {
  console.error('The demo needs Nix: run `bash scripts/setup.sh` first (it installs nix-bin, Node 24 and the npm packages).')
  process.exit(1)
}

await rm(demo, { recursive: true, force: true })
await mkdir(demo, { recursive: true })
const nix = await createNixEnv(demo)
// Nix's build logs for the post step's audit: private, so other Nix work on this machine does not show up.
nix.env.NIX_LOG_DIR = path.join(demo, 'nix-log')
const repo = path.join(demo, 'repo')
await cp(path.join(root, 'examples/demo'), repo, { recursive: true })

const cabal2nixFound = findCabal2nix()
say(`preparing: sample all-cabal-hashes archive, ${cabal2nixFound.real ? cabal2nixFound.version : 'the cabal2nix TEST DOUBLE'}, signing key`)
const rev = `demo-${Date.now().toString(36)}`
const { outFile: archive } = await buildSampleArchive({ outFile: path.join(demo, `all-cabal-hashes-${rev}.tar.gz`), rev })
const cabal2nixLog = path.join(demo, 'cabal2nix-runs.log')
const cabal2nix = await makeCabal2nixPrefix(path.join(demo, 'cabal2nix'), { logFile: cabal2nixLog })
const keys = await generateCacheKey(nix, path.join(demo, 'keys'), 'demo-cache-1')
await mkdir(path.join(repo, 'ci'), { recursive: true })
await writeFile(
  path.join(repo, 'ci', 'batch.nix'),
  `# How this repository builds its batch (in a real repo: .#some-cabal2nix, or leave the input empty).
(import ${path.join(root, 'nix')}).someCabal2nix {
  overrides = ../overrides.nix;
  allCabalHashes = ${archive};
  cabal2nix = "${cabal2nix}";   # ${cabal2nixFound.real ? cabal2nixFound.version : "the cabal2nix TEST DOUBLE"}
  nodejs = "${nodePrefix()}";
  compiler = "ghc-9.8.4";
  system = "x86_64-unknown-linux-gnu";
}
`
)

const cacheServer = await startActionsCacheServer({ runnerTemp: path.join(demo, 'runner-temp') })
const github = await startGitHubApiServer({ repo: 'octo-org/haskell-app' })
const otlp = await startOtlpServer()
// Outside the checkout, so the comment pasted into the README names no machine's own path; a
// run with --out keeps its own, so it can run beside another.
const binaryCache = privateOut
  ? path.join(demo, 'binary-cache')
  : path.join(os.tmpdir(), 'some-cabal2nix-demo-binary-cache')
await rm(binaryCache, { recursive: true, force: true })
const job = {
  workspace: repo,
  runnerTemp: path.join(demo, 'runner-temp'),
  inputs: {
    installable: 'ci/batch.nix',
    'binary-caches': `file://${binaryCache}?compression=zstd`,
    'signing-key': (await readFile(keys.secretKeyFile, 'utf8')).trim(),
    'otlp-endpoint': otlp.url
  },
  env: {
    ...cacheServer.env,
    NIX_CONF_DIR: nix.confDir,
    XDG_CACHE_HOME: nix.env.XDG_CACHE_HOME,
    NIX_LOG_DIR: nix.env.NIX_LOG_DIR,
    NIX_PATH: '',
    GITHUB_API_URL: github.url
  },
  event: { name: 'pull_request', payload: { number: 7, pull_request: { number: 7, head: { repo: { fork: false } } } } }
}

/** Puts the comment the demo produced into README.md, between the demo-comment markers. */
async function updateReadme(comment) {
  const readme = path.join(root, 'README.md')
  const text = await readFile(readme, 'utf8')
  const start = '<!-- demo-comment:start -->'
  const end = '<!-- demo-comment:end -->'
  if (!text.includes(start) || !text.includes(end)) throw new Error('README.md has no demo-comment markers')
  const quoted = comment
    .trim()
    .split('\n')
    .map(l => (l ? `> ${l}` : '>'))
    .join('\n')
  const updated = text.slice(0, text.indexOf(start) + start.length) + `\n${quoted}\n` + text.slice(text.indexOf(end))
  await writeFile(readme, updated)
  say('README.md: example comment updated')
}

/**
 * The repository's own build between our main and post steps, as a later `run:` step of the job:
 * the runner's environment for it, with what the main step exported through $GITHUB_ENV.
 */
async function mainNixBuild(runner, label) {
  const args = ['build', '--no-link', '-f', 'ci/app.nix', '--argstr', 'job', `${label}-${rev}`]
  console.log(`  $ nix ${args.join(' ')}`)
  const built = await run('nix', ['--extra-experimental-features', 'nix-command flakes', ...args], {
    env: runner.runStepEnv(),
    cwd: repo
  })
  // trace-import-from-derivation repeats its line for every import from the batch: once is enough.
  const lines = built.stderr.split('\n').filter(Boolean)
  for (const [i, line] of lines.entries()) {
    if (line === lines[i - 1]) continue
    let repeats = 1
    while (lines[i + repeats] === line) repeats++
    console.log(`  ${line}${repeats > 1 ? ` (${repeats} times)` : ''}`)
  }
  if (built.code !== 0) throw new Error(`${label}: the main build failed`)
}

/** The post step's verdict on the main build (its first line, "… (observed)" or "… (inferred from logs: …)"). */
function verdictOf(postLog) {
  return postLog.split('\n').find(l => l.startsWith('some-cabal2nix: main build') && !l.includes('main build took'))
}

async function runJob(label) {
  otlp.clear()
  say(`${label}: main step`)
  const runner = await SimulatedRunner.create(job)
  const main = await runner.runMain()
  const lines = main.log.split('\n').filter(l => !l.startsWith('::debug::'))
  console.log(lines.map(l => `  ${l}`).join('\n'))
  if (main.code !== 0) throw new Error(`${label}: the main step failed`)
  say(`${label}: the repository's own build imports every package from ${main.outputs['store-path']}`)
  try {
    await mainNixBuild(runner, label)
  } finally {
    // The post step stops the job's listener, also when the build failed.
    say(`${label}: post step`)
    const post = await runner.runPost()
    console.log(post.log.split('\n').filter(l => l && !l.startsWith('::debug::')).map(l => `  ${l}`).join('\n'))
    await writeFile(path.join(demo, `${label}-summary.md`), main.summary + post.summary)
    main.verdict = verdictOf(post.log)
  }
  const spans = otlp.spans()
  say(`${label}: the job's trace, as the OTLP receiver got it (${spans.length} spans)`)
  console.log(spanTreeLines(spans).map(l => `  ${l}`).join('\n'))
  const names = new Map(spans.map(s => [s.spanId, s.name]))
  main.spans = spans.map(s => ({
    name: s.name,
    parent: names.get(s.parentSpanId),
    ms: Math.round(spanMs(s)),
    attributes: s.attributes
  }))
  return main
}

try {
  const cold = await runJob('cold')
  say('a fresh runner: the batch is not in its Nix store')
  const deleted = await run('nix-store', ['--delete', cold.outputs['store-path']], { env: nix.env })
  if (deleted.code !== 0) throw new Error(deleted.stderr)
  const runsBefore = (await readFile(cabal2nixLog, 'utf8')).split('\n').filter(Boolean).length
  const warm = await runJob('warm')
  const runsAfter = (await readFile(cabal2nixLog, 'utf8')).split('\n').filter(Boolean).length
  const comments = github.comments(7)
  const comment = comments.at(-1)?.body ?? '(no comment was written)'
  await writeFile(path.join(demo, 'comment.md'), comment + '\n')
  say(`the PR comment (${comments.length} comment on PR #7, edited in place; saved to ${path.relative(process.cwd(), demo) || '.'}/comment.md)`)
  console.log(comment)
  const jobOutcome = j => ({ source: j.outputs.source, ms: Math.round(j.ms), verdict: j.verdict, spans: j.spans })
  await writeFile(
    path.join(demo, 'outcome.json'),
    JSON.stringify(
      {
        nix: findNix().version,
        cold: jobOutcome(cold),
        warm: jobOutcome(warm),
        cabal2nixRuns: { cold: runsBefore, warm: runsAfter - runsBefore },
        comment
      },
      null,
      2
    ) + '\n'
  )
  if (process.argv.includes('--update-readme')) await updateReadme(comment)
  say('done')
  console.log(`  ${findNix().version}: ${warm.verdict?.replace(/^some-cabal2nix: /, '')}`)
  console.log(`  cold: source=${cold.outputs.source}, ${(cold.ms / 1000).toFixed(1)} s; warm: source=${warm.outputs.source}, ${(warm.ms / 1000).toFixed(1)} s`)
  console.log(`  cabal2nix runs: ${runsBefore} in the cold job, ${runsAfter - runsBefore} in the warm job`)
  console.log(`  job summaries: cold-summary.md, warm-summary.md in ${demo}; binary cache: ${binaryCache}`)
} finally {
  await cacheServer.stop()
  await github.stop()
  await otlp.stop()
}

/**
 * `npm run demo` end to end, as the README promises it: scripts/demo.mjs with a private output
 * directory, once (it is the slowest way to run the action, so every assertion reads this one run).
 *
 * On a Nix that knows json-log-path (asked of Nix) the repository's own `nix build` between the
 * steps is observed: the verdict ends "(observed)" and the trace the OTLP receiver got has the
 * app's build with the phases its builder announced. Elsewhere the verdict says it was inferred
 * from logs, and why. Either way the warm job restored the batch and ran cabal2nix 0 times.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot, tempDir } from './support/files.js'
import { describeWithNix, nixKnowsJsonLogPath, run } from './support/nix.js'

interface DemoSpan {
  name: string
  parent?: string
  ms: number
  attributes: Record<string, unknown>
}

interface DemoJob {
  source: string
  verdict?: string
  spans: DemoSpan[]
}

interface DemoOutcome {
  nix: string
  cold: DemoJob
  warm: DemoJob
  cabal2nixRuns: { cold: number; warm: number }
  comment: string
}

const VERDICT =
  'some-cabal2nix: main build: 0 IFD builds — none of the 15 overrides needed its own cabal2nix run'
const PHASES = ['unpackPhase', 'configurePhase', 'buildPhase', 'installPhase']

describeWithNix('npm run demo', () => {
  const observes = nixKnowsJsonLogPath()
  let outcome: DemoOutcome
  let stdout: string

  beforeAll(async () => {
    const out = await tempDir('demo')
    const demo = await run(
      process.execPath,
      [path.join(repoRoot, 'scripts/demo.mjs'), '--out', out],
      {
        timeoutMs: 600_000
      }
    )
    if (demo.code !== 0) throw new Error(`the demo failed:\n${demo.stdout}\n${demo.stderr}`)
    stdout = demo.stdout
    outcome = JSON.parse(await readFile(path.join(out, 'outcome.json'), 'utf8')) as DemoOutcome
  }, 600_000)

  test('the cold job built the batch; the warm one restored it and ran cabal2nix 0 times', () => {
    expect(outcome.cold.source).toBe('built')
    expect(outcome.warm.source).toBe('actions-cache')
    expect(outcome.cabal2nixRuns).toEqual({ cold: 15, warm: 0 })
  })

  test(
    observes
      ? "the repository's nix build is observed, with its phases in the trace"
      : "the repository's nix build is inferred from logs, and the comment says why",
    () => {
      for (const job of [outcome.cold, outcome.warm]) {
        const mainBuild = job.spans.find(s => s.name === 'main build')
        const phases = job.spans.filter(s => s.parent === 'build haskell-app').map(s => s.name)
        if (observes) {
          expect(job.verdict).toBe(`${VERDICT} (observed)`)
          expect(mainBuild?.attributes['some_cabal2nix.audit.evidence']).toBe('observed')
          const app = job.spans.find(s => s.name === 'build haskell-app')
          expect(app?.parent).toMatch(/^nix process \d+$/)
          expect(app?.attributes['some_cabal2nix.kind']).toBe('build')
          expect(phases).toEqual(PHASES)
        } else {
          expect(job.verdict).toBe(`${VERDICT} (inferred from logs: this Nix has no json-log-path)`)
          expect(mainBuild?.attributes['some_cabal2nix.audit.evidence']).toBe('inferred')
          expect(phases).toEqual([])
        }
      }
      const suffix = observes ? '(observed)' : '(inferred from logs: this Nix has no json-log-path)'
      expect(outcome.comment).toContain(`**${VERDICT.replace('some-cabal2nix: ', '')} ${suffix}**`)
      // The tree is printed as received: the app's build, its phases one level deeper.
      if (observes)
        expect(stdout).toMatch(
          /^( +)build haskell-app {2}\d+ ms {2}\[build\]\n\1 {2}unpackPhase {2}\d+ ms\n/m
        )
      else expect(stdout).toMatch(/^ +main build {2}\d+ ms {2}\[inferred\]$/m)
    }
  )
})

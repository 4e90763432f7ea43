// Part 2 of the benchmark: the whole batch (`dist/cli.js build`) with the real cabal2nix where
// there is one (testing/archives.mjs' realCabal2nix), else the test double; cold (a new output
// directory every run), with the phase split the CLI writes with --timings-file
// (`{"archiveMs":…,"cabal2nixMs":…,"writeMs":…}`).
import { readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pickSpread, realCabal2nix } from '../../testing/archives.mjs'
import { makeCabal2nixPrefix } from '../../testing/nix/harness.mjs'
import { summarize } from './stats.mjs'
import { repoRoot, runChecked } from './tools.mjs'

/**
 * @param {{ archive: { file: string, index: any }, ns: number[], runs: number, node: string,
 *   jobs: number, dir: string, log: (s: string) => void }} opts
 */
export async function measureBatch({ archive, ns, runs, node, jobs, dir, log }) {
  const real = realCabal2nix()
  const cabal2nix =
    real ?? path.join(await makeCabal2nixPrefix(path.join(dir, 'cabal2nix')), 'bin', 'cabal2nix')
  log(`  cabal2nix: ${real ? `${real} (the real one)` : 'the test double (no real cabal2nix found)'}`)
  const cli = path.join(repoRoot, 'dist', 'cli.js')
  /** @type {Record<number, any>} */
  const byN = {}
  for (const n of ns) {
    const overrides = path.join(dir, `overrides-${n}.json`)
    const packages = pickSpread(archive.index, n)
    await writeFile(
      overrides,
      JSON.stringify(Object.fromEntries(packages.map(p => [p.name, p.version])))
    )
    const rows = { total: [], archive: [], cabal2nix: [], write: [] }
    let summaryLine = ''
    for (let round = 1; round <= runs; round++) {
      const out = path.join(dir, `out-${n}-${round}`)
      const result = await runChecked(node, [
        cli,
        'build',
        '--overrides',
        overrides,
        '--archive',
        archive.file,
        '--out',
        out,
        '--cabal2nix',
        cabal2nix,
        '--jobs',
        String(jobs),
        '--timings-file',
        `${out}.timings.json`
      ])
      const timings = JSON.parse(await readFile(`${out}.timings.json`, 'utf8'))
      rows.total.push(result.seconds)
      rows.archive.push(timings.archiveMs / 1000)
      rows.cabal2nix.push(timings.cabal2nixMs / 1000)
      rows.write.push(timings.writeMs / 1000)
      summaryLine = result.stdout.trim()
      log(
        `  N=${n} run ${round}/${runs}: ${result.seconds.toFixed(2)} s — ${summaryLine.replace(/^wrote \S+: /, '')}`
      )
      await rm(out, { recursive: true, force: true })
      await rm(`${out}.timings.json`, { force: true })
    }
    byN[n] = {
      total: summarize(rows.total),
      archive: summarize(rows.archive),
      cabal2nix: summarize(rows.cabal2nix),
      write: summarize(rows.write),
      lastOutput: summaryLine.replace(/^wrote \S+: /, '')
    }
  }
  return { jobs, byN, cabal2nix: real ? 'real' : 'double', cabal2nixPath: real ?? cabal2nix }
}

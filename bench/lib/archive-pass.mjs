// Part 1 and part 4 of the benchmark: one archive pass for N requested packages, measured five
// ways on the same archive, in one interleaved loop so that a noisy machine hurts all of them alike:
//
//   (a) nixpkgs     one `tar --wildcards -xzf ARCHIVE '*/N/V/N.json' '*/N/V/N.cabal'` per package,
//                   serially, as the evaluator runs the all-cabal-hashes-component IFDs
//   (b) GNU tar     one `tar -xzf ARCHIVE --files-from LIST` with exact member names (the
//                   some-cabal-hashes derivation)
//   (c) ours        extractMembers (src/builder/archive.ts, bundled) in a fresh Node process
//   (d) floor       inflating the archive to nowhere with Node's zlib in one process; also
//                   `gzip -dc ARCHIVE > /dev/null`
//   reference       tar-stream alone (exact-name Set, early exit, no checks)
import { readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pickSpread } from '../../testing/archives.mjs'
import { summarize } from './stats.mjs'
import { passInChild, runChecked, scratchDir, timeCommand } from './tools.mjs'

/** Files a directory tree holds (for checking what tar extracted). @param {string} dir */
async function countFiles(dir) {
  let n = 0
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n++
  return n
}

/**
 * What a pass at N needs: the wanted packages (pickSpread), as JSON for the child and as an
 * exact-name list for GNU tar.
 * @param {{ file: string, index: any }} archive
 * @param {number} n
 * @param {string} dir
 */
export async function prepareWanted(archive, n, dir) {
  const packages = pickSpread(archive.index, n)
  const topLevel = archive.index.topLevel
  const wantedFile = path.join(dir, `wanted-${n}.json`)
  const listFile = path.join(dir, `members-${n}.txt`)
  await writeFile(wantedFile, JSON.stringify({ topLevel, packages }))
  const members = packages.flatMap(p => [
    `${topLevel}/${p.name}/${p.version}/${p.name}.cabal`,
    `${topLevel}/${p.name}/${p.version}/${p.name}.json`
  ])
  await writeFile(listFile, `${members.join('\n')}\n`)
  return { n, packages, wantedFile, listFile }
}

/** (b): GNU tar with exact names; checks that every member came out. */
async function gnuTarExact(archiveFile, wanted) {
  const dir = await scratchDir('gnutar')
  try {
    const { seconds } = await runChecked(
      'tar',
      ['-xzf', archiveFile, '--files-from', wanted.listFile],
      {
        cwd: dir
      }
    )
    const files = await countFiles(dir)
    if (files !== wanted.n * 2)
      throw new Error(`GNU tar extracted ${files} files, expected ${wanted.n * 2}`)
    return seconds
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** (a): one `tar --wildcards` per package, serially. Returns the per-package times. */
async function nixpkgsWildcards(archiveFile, wanted) {
  const dir = await scratchDir('wildcards')
  try {
    const times = []
    for (const { name, version } of wanted.packages) {
      const { seconds } = await runChecked(
        'tar',
        [
          '--wildcards',
          '-xzf',
          archiveFile,
          `*/${name}/${version}/${name}.json`,
          `*/${name}/${version}/${name}.cabal`
        ],
        { cwd: dir }
      )
      times.push(seconds)
    }
    const files = await countFiles(dir)
    if (files !== wanted.n * 2)
      throw new Error(`tar --wildcards extracted ${files} files, expected ${wanted.n * 2}`)
    return times
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * @typedef {{ key: string, node: string, bundle: string }} Subject  one build of extractMembers on one Node
 * @typedef {{ label: string, node: string }} NodeUnderTest
 */

/**
 * Parts 1 (b)–(d) and the reference walk, interleaved round by round.
 * @param {{ archive: { file: string, index: any }, ns: number[], runs: number, nodes: NodeUnderTest[],
 *   subjects: Subject[], walk: boolean, gnuTar: boolean, gzip: boolean, dir: string,
 *   log: (s: string) => void }} opts
 */
export async function measurePasses({
  archive,
  ns,
  runs,
  nodes,
  subjects,
  walk,
  gnuTar,
  gzip,
  dir,
  log
}) {
  const wanted = new Map()
  for (const n of ns) wanted.set(n, await prepareWanted(archive, n, dir))
  /** @type {Record<string, number[]>} */
  const raw = {}
  const add = (key, seconds) => (raw[key] ??= []).push(seconds)
  /** @type {Record<string, { entries?: number, stoppedEarly?: boolean, cpu: number[] }>} */
  const extra = {}
  const note = (key, r) => {
    const e = (extra[key] ??= { cpu: [] })
    e.entries = r.entries
    e.stoppedEarly = r.stoppedEarly
    e.cpu.push(r.cpuSeconds)
  }
  for (let round = 1; round <= runs; round++) {
    const started = performance.now()
    for (const node of nodes) {
      const r = await passInChild(node.node, 'zlib', [archive.file])
      add(`floor|${node.label}`, r.seconds)
      note(`floor|${node.label}`, r)
    }
    if (gzip) add('gzip', await timeCommand('gzip', ['-dc', archive.file]))
    for (const n of ns) {
      const w = wanted.get(n)
      if (gnuTar) add(`gnutar|${n}`, await gnuTarExact(archive.file, w))
      for (const s of subjects) {
        const r = await passInChild(s.node, 'ours', [archive.file, w.wantedFile, s.bundle])
        add(`${s.key}|${n}`, r.seconds)
        note(`${s.key}|${n}`, r)
      }
      if (walk) {
        const r = await passInChild(nodes[0].node, 'walk', [archive.file, w.wantedFile])
        add(`walk|${n}`, r.seconds)
        note(`walk|${n}`, r)
      }
    }
    log(`  round ${round}/${runs}: ${((performance.now() - started) / 1000).toFixed(0)} s`)
  }
  /** @type {Record<string, any>} */
  const out = {}
  for (const [key, values] of Object.entries(raw)) {
    const e = extra[key]
    out[key] = {
      ...summarize(values),
      ...(e
        ? { cpuMedian: summarize(e.cpu).median, entries: e.entries, stoppedEarly: e.stoppedEarly }
        : {})
    }
  }
  return out
}

/**
 * Part 1 (a): the nixpkgs way, measured in full for the given N (runs × N tar processes).
 * @param {{ archive: { file: string, index: any }, ns: number[], runs: number, dir: string,
 *   log: (s: string) => void }} opts
 */
export async function measureNixpkgsWay({ archive, ns, runs, dir, log }) {
  /** @type {Record<number, any>} */
  const byN = {}
  const perPackage = []
  for (const n of ns) {
    const w = await prepareWanted(archive, n, dir)
    const totals = []
    for (let round = 1; round <= runs; round++) {
      const times = await nixpkgsWildcards(archive.file, w)
      perPackage.push(...times)
      const total = times.reduce((a, b) => a + b, 0)
      totals.push(total)
      log(`  N=${n} run ${round}/${runs}: ${total.toFixed(1)} s`)
    }
    byN[n] = summarize(totals)
  }
  return { byN, perPackage: summarize(perPackage) }
}

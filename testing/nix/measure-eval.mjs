#!/usr/bin/env node
// Measures how long Nix takes to evaluate the test project (testing/nix/project: 22 Hackage
// packages + 1 local package) on the stand-in package set, from one run:
//
//   nixpkgs-style, cold     callHackage per package: 2 IFD builds each, evaluated one by one
//   some-cabal2nix, cold    the overlay: one batch derivation
//   warm (both)             everything already in the store
//   substituted             a fresh store fetching the batch from a signed binary cache on 127.0.0.1
//
// Every run uses a new archive revision, so "cold" really means new store paths.
//
//   node testing/nix/measure-eval.mjs [--full] [--scale F] [--json]
//     --full      a generated full-size all-cabal-hashes (testing/archives.mjs generateFullSizeArchive)
//                 instead of the 24-package sample, so every per-package `tar` scans the whole archive
//     --scale F   size of the full archive (1 = ~18k packages, ~75 MB gzipped; default 1)
//     --json      print the numbers as JSON
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { buildSampleArchive, generateFullSizeArchive } from '../archives.mjs'
import { startStaticServer } from '../servers/static-server.mjs'
import {
  copyProject,
  copyToBinaryCache,
  createNixEnv,
  evalProject,
  findNix,
  generateCacheKey,
  makeCabal2nixPrefix,
  nodePrefix,
  readCabal2nixLog
} from './harness.mjs'

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    scale: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false }
  }
})

const nix = findNix()
if (!nix.available) {
  console.error('error: Nix is not installed (nix-instantiate not on PATH)')
  process.exit(1)
}

const say = message => {
  if (!values.json) console.error(message)
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'scn-measure-'))
const nixEnv = await createNixEnv(dir)
const rev = `measure-${randomBytes(6).toString('hex')}`
const archive = path.join(dir, `all-cabal-hashes-${rev}.tar.gz`)
if (values.full) {
  say(`generating a full-size archive (scale ${values.scale})…`)
  await generateFullSizeArchive({ outFile: archive, rev, scale: Number(values.scale) })
} else {
  await buildSampleArchive({ outFile: archive, rev })
}
const archiveBytes = (await stat(archive)).size
const logFile = path.join(dir, 'cabal2nix.log')
const common = {
  archive,
  archiveName: `${rev}.tar.gz`,
  cabal2nix: await makeCabal2nixPrefix(path.join(dir, 'cabal2nix'), { logFile }),
  nodejs: nodePrefix(),
  projectDir: await copyProject(path.join(dir, 'project'))
}

async function measure(label, options) {
  const result = await evalProject(nixEnv, { ...common, ...options, timeoutMs: 1_800_000 })
  if (result.code !== 0) {
    console.error(`error: ${label} failed:\n${result.stderr.split('\n').slice(-20).join('\n')}`)
    process.exit(1)
  }
  const row = {
    label,
    seconds: Number((result.ms / 1000).toFixed(2)),
    builds: result.builds.length,
    substituted: result.substituted.length
  }
  say(`${label.padEnd(40)} ${row.seconds.toFixed(2).padStart(7)} s  builds ${row.builds}, substituted ${row.substituted}`)
  return { row, result }
}

// Put the archive and the sources in the store first (instantiating the batch builds nothing),
// so neither cold run pays for hashing the archive.
await measure('prepare (add sources, no builds)', { mode: 'overlay', attr: 'batch.drv' })
const rows = []
const nixpkgsCold = await measure('nixpkgs-style callHackage, cold', { mode: 'nixpkgs' })
rows.push(nixpkgsCold.row)
const logAfterNixpkgs = (await readCabal2nixLog(logFile)).length
const oursCold = await measure('some-cabal2nix overlay, cold', { mode: 'overlay' })
rows.push(oursCold.row)
const cabal2nixRuns = {
  nixpkgs: logAfterNixpkgs,
  someCabal2nix: (await readCabal2nixLog(logFile)).length - logAfterNixpkgs
}
rows.push((await measure('nixpkgs-style callHackage, warm', { mode: 'nixpkgs' })).row)
rows.push((await measure('some-cabal2nix overlay, warm', { mode: 'overlay' })).row)

// The batch from a signed binary cache into a store that has nothing.
const batchOut = oursCold.result.json.batch.out
const key = await generateCacheKey(nixEnv, path.join(dir, 'keys'))
const cacheDir = path.join(dir, 'binary-cache')
await copyToBinaryCache(nixEnv, cacheDir, key.secretKeyFile, [batchOut])
const server = await startStaticServer(cacheDir)
try {
  rows.push(
    (
      await measure('some-cabal2nix overlay, substituted', {
        mode: 'overlay',
        store: path.join(dir, 'fresh-store'),
        substituters: server.url,
        trustedPublicKeys: key.publicKey
      })
    ).row
  )
} finally {
  await server.stop()
}

const report = {
  nix: nix.version,
  node: process.version,
  cpus: os.availableParallelism(),
  archive: { kind: values.full ? `full-size (scale ${values.scale})` : 'sample (24 versions)', bytes: archiveBytes },
  packages: Object.keys(oursCold.result.json.packages).length,
  cabal2nixRuns,
  rows
}
if (values.json) {
  console.log(JSON.stringify(report, null, 2))
} else {
  console.log(`\n${report.nix}, Node ${report.node}, ${report.cpus} CPUs; ${report.packages} packages; archive: ${report.archive.kind}, ${(archiveBytes / 1048576).toFixed(1)} MB`)
  console.log('| evaluation | seconds | derivations built | paths substituted |')
  console.log('|---|---:|---:|---:|')
  for (const r of rows) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.builds} | ${r.substituted} |`)
}
if (!values.keep) await rm(dir, { recursive: true, force: true })

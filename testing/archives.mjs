#!/usr/bin/env node
/**
 * Test archives shaped like the all-cabal-hashes GitHub tarball.
 *
 * Layout (as github.com/commercialhaskell/all-cabal-hashes/archive/<rev>.tar.gz has it): a pax
 * global header carrying `comment=<rev>`, then ONE top-level directory `all-cabal-hashes-<rev>/`,
 * under it `<pkg>/`, `<pkg>/<ver>/`, `<pkg>/<ver>/<pkg>.cabal`, `<pkg>/<ver>/<pkg>.json` and
 * `<pkg>/preferred-versions`, with a directory entry for every directory, members in byte order
 * of their paths (which is git's tree order). Everything is deterministic: mtime 0, uid/gid 0,
 * uname/gname root, mode 0644 for files and 0755 for directories.
 *
 *  - archives/tar-records.mjs: raw header blocks and pax records, for hostile-archive tests.
 *  - archives/tar-writer.mjs: buildArchiveFromEntries, arbitrary members (traversal names, links,
 *    long names as pax or GNU records, oversized members, raw bytes).
 *  - archives/sample.mjs: buildSampleArchive, the 24 real package versions, byte for byte.
 *  - archives/full-size.mjs + archives/generator/: generateFullSizeArchive, a seeded full-size
 *    archive, streamed to disk; pickSpread picks packages across it.
 *  - archives/cli.mjs: the command line (`node testing/archives.mjs --help`).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cli } from './archives/cli.mjs'

export { paxGlobalHeader, paxRecords, sealTarHeader, tarHeader } from './archives/tar-records.mjs'
export { buildArchiveFromEntries } from './archives/tar-writer.mjs'
export { buildSampleArchive, sampleDirectory } from './archives/sample.mjs'
export { generateFullSizeArchive, pickSpread } from './archives/full-size.mjs'
/** @typedef {import('./archives/full-size.mjs').ArchiveIndex} ArchiveIndex */
export { compareVersionStrings } from './archives/generator/versions.mjs'
export { realCabal2nix } from './cabal2nix.mjs'

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (invoked) {
  cli(process.argv.slice(2)).catch(e => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  })
}

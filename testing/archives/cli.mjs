// `node testing/archives.mjs …`: writes the sample or a generated full-size archive and prints
// one JSON line describing it.
import { stat } from 'node:fs/promises'
import { generateFullSizeArchive } from './full-size.mjs'
import { buildSampleArchive } from './sample.mjs'

const USAGE = `usage: node testing/archives.mjs sample OUT.tar.gz [--rev R] [--no-gzip]
       node testing/archives.mjs full OUT.tar.gz [--seed N] [--scale F] [--packages N] [--rev R]`

const HELP = `${USAGE}

Writes an archive shaped like the all-cabal-hashes GitHub tarball and prints one JSON line
describing it.

  sample   the 24 real package versions of testing/fixtures/all-cabal-hashes-sample, byte for
           byte: the archive the CLI's plan and build read in the README's examples
             --rev R      the revision in the top-level directory name (default: sample)
             --no-gzip    write a plain tar
  full     a seeded full-size archive (~18k packages at scale 1, ~70 MB) that also holds the
           sample's versions, with OUT.tar.gz.index.json listing every package
             --seed N     (default 1)   --scale F (default 1)   --packages N (default 18000)
             --rev R      (default: derived from seed, scale and packages)

Example:
  node testing/archives.mjs sample all-cabal-hashes.tar.gz
`

/** @param {string[]} argv */
export async function cli(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP.trimEnd())
    return
  }
  const [cmd, outFile, ...rest] = argv
  /** @type {Record<string, string | boolean>} */
  const opts = {}
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a)
    if (!m) throw new Error(`unexpected argument ${a}\n${USAGE}`)
    if (m[1] === 'no-gzip') opts.noGzip = true
    else if (m[2] !== undefined) opts[m[1]] = m[2]
    else if (i + 1 < rest.length) opts[m[1]] = rest[++i]
    else throw new Error(`--${m[1]} needs a value\n${USAGE}`)
  }
  const num = (/** @type {string} */ k, /** @type {number} */ d) => {
    if (opts[k] === undefined) return d
    const v = Number(opts[k])
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`)
    return v
  }
  if (!outFile || (cmd !== 'sample' && cmd !== 'full')) throw new Error(USAGE)
  const started = process.hrtime.bigint()
  if (cmd === 'sample') {
    const allowed = new Set(['rev', 'noGzip'])
    for (const k of Object.keys(opts))
      if (!allowed.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`)
    const res = await buildSampleArchive({
      outFile,
      rev: typeof opts.rev === 'string' ? opts.rev : undefined,
      gzip: !opts.noGzip
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const bytes = (await stat(outFile)).size
    console.log(
      JSON.stringify({
        outFile: res.outFile,
        topLevel: res.topLevel,
        versionCount: res.packages.length,
        bytes,
        seconds
      })
    )
  } else {
    const allowed = new Set(['seed', 'scale', 'packages', 'rev'])
    for (const k of Object.keys(opts))
      if (!allowed.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`)
    const res = await generateFullSizeArchive({
      outFile,
      seed: num('seed', 1),
      scale: num('scale', 1),
      packages: num('packages', 18000),
      rev: typeof opts.rev === 'string' ? opts.rev : undefined
    })
    console.log(JSON.stringify(res))
  }
}

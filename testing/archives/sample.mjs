// The sample archive: the 24 real package versions in testing/fixtures/all-cabal-hashes-sample as
// an all-cabal-hashes tarball, byte for byte (CRLF files stay CRLF).
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DIR_MODE, FILE_MODE } from './tar-records.mjs'
import { EPOCH, OWNER, byteOrder, openTarWriter } from './tar-writer.mjs'

const TESTING = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The fixture directory: `$ALL_CABAL_HASHES_SAMPLE_DIR`, else `testing/fixtures/all-cabal-hashes-sample`. */
export function sampleDirectory() {
  return (
    process.env.ALL_CABAL_HASHES_SAMPLE_DIR ||
    path.resolve(TESTING, 'fixtures', 'all-cabal-hashes-sample')
  )
}

/**
 * Read the fixture tree: `<pkg>/<ver>/<pkg>.{cabal,json}` and `<pkg>/preferred-versions`.
 * @param {string} dir
 * @returns {Promise<{ files: { rel: string, body: Buffer }[], packages: { name: string, version: string }[] }>}
 */
export async function readFixtures(dir) {
  /** @type {{ rel: string, body: Buffer }[]} */
  const files = []
  /** @type {{ name: string, version: string }[]} */
  const packages = []
  for (const pkg of (await readdir(dir, { withFileTypes: true })).filter(d => d.isDirectory())) {
    const pdir = path.join(dir, pkg.name)
    for (const ent of await readdir(pdir, { withFileTypes: true })) {
      if (ent.isFile() && ent.name === 'preferred-versions') {
        files.push({
          rel: `${pkg.name}/preferred-versions`,
          body: await readFile(path.join(pdir, ent.name))
        })
      } else if (ent.isDirectory()) {
        const cabal = path.join(pdir, ent.name, `${pkg.name}.cabal`)
        const json = path.join(pdir, ent.name, `${pkg.name}.json`)
        if (!existsSync(cabal) || !existsSync(json)) continue
        files.push({
          rel: `${pkg.name}/${ent.name}/${pkg.name}.cabal`,
          body: await readFile(cabal)
        })
        files.push({ rel: `${pkg.name}/${ent.name}/${pkg.name}.json`, body: await readFile(json) })
        packages.push({ name: pkg.name, version: ent.name })
      }
    }
  }
  if (packages.length === 0) throw new Error(`no package versions found under ${dir}`)
  packages.sort((a, b) => byteOrder(`${a.name}/${a.version}/`, `${b.name}/${b.version}/`))
  return { files, packages }
}

/**
 * Every member path (directories with a trailing `/`) for a set of files, in archive order.
 * @param {string} topLevel
 * @param {string[]} rels
 */
export function withDirectories(topLevel, rels) {
  const all = new Set([`${topLevel}/`])
  for (const rel of rels) {
    const parts = rel.split('/')
    for (let i = 1; i < parts.length; i++) all.add(`${topLevel}/${parts.slice(0, i).join('/')}/`)
    all.add(`${topLevel}/${rel}`)
  }
  return [...all].sort(byteOrder)
}

/**
 * The 24 real fixture versions as an all-cabal-hashes tarball, byte-exact.
 * @param {{ outFile: string, rev?: string, fixturesDir?: string, gzip?: boolean }} opts
 * @returns {Promise<{ outFile: string, topLevel: string, packages: { name: string, version: string }[] }>}
 */
export async function buildSampleArchive({
  outFile,
  rev = 'sample',
  fixturesDir = sampleDirectory(),
  gzip = true
}) {
  const topLevel = `all-cabal-hashes-${rev}`
  const { files, packages } = await readFixtures(fixturesDir)
  const bodies = new Map(files.map(f => [`${topLevel}/${f.rel}`, f.body]))
  const w = openTarWriter({ outFile, gzip, globalComment: rev })
  try {
    for (const member of withDirectories(topLevel, [...files.map(f => f.rel)])) {
      if (member.endsWith('/')) {
        await w.add(
          { name: member, type: 'directory', mode: DIR_MODE, mtime: EPOCH, ...OWNER },
          null
        )
      } else {
        const body = /** @type {Buffer} */ (bodies.get(member))
        await w.add(
          {
            name: member,
            type: 'file',
            mode: FILE_MODE,
            mtime: EPOCH,
            size: body.length,
            ...OWNER
          },
          body
        )
      }
    }
    await w.finish()
  } catch (e) {
    await w.abort(e)
    throw e
  }
  return { outFile, topLevel, packages }
}

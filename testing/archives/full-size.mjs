// A seeded, full-size all-cabal-hashes archive (~18k packages, ~134k versions, ~520 MB of member
// data, ~75 MB gzipped at scale 1) that also holds the 24 real fixture versions.
import { createHash } from 'node:crypto'
import { stat, writeFile } from 'node:fs/promises'
import { Rng } from './generator/rng.mjs'
import { VALID_NAME, evolve, generateName, newModel } from './generator/package-model.mjs'
import { renderCabal, renderJson } from './generator/render.mjs'
import { compareVersionStrings, versionSeries } from './generator/versions.mjs'
import { readFixtures, sampleDirectory, withDirectories } from './sample.mjs'
import { DIR_MODE, FILE_MODE } from './tar-records.mjs'
import { EPOCH, OWNER, byteOrder, openTarWriter } from './tar-writer.mjs'

/**
 * The `<archive>.index.json` sidecar: every package of the archive and its versions.
 * @typedef {{ name: string, versions: string[] }} IndexedPackage
 * @typedef {{ topLevel: string, rev: string, seed: number, scale: number, packageCount: number,
 *   versionCount: number, packages: IndexedPackage[] }} ArchiveIndex
 */

/**
 * A seeded, deterministic, full-size all-cabal-hashes archive, streamed to `outFile`, with a
 * `<outFile>.index.json` sidecar listing every package and its versions. `scale` multiplies the
 * package count (0.25 / 0.5 / 1 for benchmarks; tiny values for tests). The 24 real fixture
 * versions are included byte-exact.
 * @param {{ outFile: string, seed?: number, scale?: number, packages?: number, rev?: string,
 *   fixturesDir?: string, level?: number }} opts
 * @returns {Promise<{ outFile: string, indexFile: string, topLevel: string, packageCount: number,
 *   versionCount: number, unpackedBytes: number, tarBytes: number, gzippedBytes: number, seconds: number }>}
 */
export async function generateFullSizeArchive({
  outFile,
  seed = 1,
  scale = 1,
  packages = 18000,
  rev,
  fixturesDir = sampleDirectory(),
  level = 6
}) {
  const started = process.hrtime.bigint()
  const r = new Rng(seed)
  const seedTag = `seed=${seed}`
  const revision =
    rev ??
    createHash('sha1')
      .update(`some-cabal2nix full-size archive seed=${seed} scale=${scale} packages=${packages}`)
      .digest('hex')
  const topLevel = `all-cabal-hashes-${revision}`
  const fixtures = await readFixtures(fixturesDir)
  const fixtureNames = new Set(fixtures.packages.map(p => p.name))
  const fixtureLower = new Set([...fixtureNames].map(n => n.toLowerCase()))

  const wanted = Math.max(0, Math.round(packages * scale) - fixtureNames.size)
  const generated = new Set()
  const lower = new Set(fixtureLower)
  let attempts = 0
  while (generated.size < wanted) {
    if (++attempts > wanted * 50 + 1000)
      throw new Error('could not generate enough distinct package names')
    const n = generateName(r)
    if (!VALID_NAME.test(n) || lower.has(n.toLowerCase())) continue
    lower.add(n.toLowerCase())
    generated.add(n)
  }
  const generatedNames = [...generated]
  const allNames = [...generatedNames, ...fixtureNames].sort((a, b) => byteOrder(`${a}/`, `${b}/`))

  /** @type {Map<string, { rel: string, body: Buffer }[]>} */
  const fixtureFiles = new Map()
  for (const f of fixtures.files) {
    const pkg = f.rel.split('/')[0]
    const list = fixtureFiles.get(pkg) ?? []
    list.push(f)
    fixtureFiles.set(pkg, list)
  }

  const w = openTarWriter({ outFile, gzip: true, level, globalComment: revision })
  let unpackedBytes = 0
  let versionCount = 0
  /** @type {{ name: string, versions: string[] }[]} */
  const index = []
  const dir = async (/** @type {string} */ name) =>
    w.add({ name, type: 'directory', mode: DIR_MODE, mtime: EPOCH, ...OWNER }, null)
  const file = async (/** @type {string} */ name, /** @type {Buffer} */ body) => {
    unpackedBytes += body.length
    await w.add(
      { name, type: 'file', mode: FILE_MODE, mtime: EPOCH, size: body.length, ...OWNER },
      body
    )
  }
  try {
    await dir(`${topLevel}/`)
    for (const name of allNames) {
      const fx = fixtureFiles.get(name)
      if (fx) {
        const members = withDirectories(
          topLevel,
          fx.map(f => f.rel)
        ).slice(1)
        const bodies = new Map(fx.map(f => [`${topLevel}/${f.rel}`, f.body]))
        for (const m of members) {
          const body = bodies.get(m)
          if (body) await file(m, body)
          else await dir(m)
        }
        const versions = fixtures.packages
          .filter(p => p.name === name)
          .map(p => p.version)
          .sort(compareVersionStrings)
        versionCount += versions.length
        index.push({ name, versions })
        continue
      }
      const count = Math.max(1, Math.min(400, Math.floor(r.lognormal(1.44, 1.05) + 0.35)))
      const versions = versionSeries(r, count)
      const model = newModel(r, name, generatedNames)
      /** @type {{ version: string, cabal: Buffer, json: Buffer }[]} */
      const rendered = []
      const newStyleFrom = r.chance(0.5) ? Math.floor(count * r.float()) : count
      const baseSize = Math.round(r.lognormal(9.6, 1.1))
      versions.forEach((v, i) => {
        if (i > 0) evolve(r, model, generatedNames)
        const rev = r.chance(0.14) ? 1 + (r.chance(0.25) ? 1 + r.int(3) : 0) : 0
        const crlf = rev > 0 && r.chance(0.85)
        rendered.push({
          version: v,
          cabal: Buffer.from(renderCabal(model, v, rev, crlf), 'utf8'),
          json: Buffer.from(
            renderJson(name, v, seedTag, i >= newStyleFrom, baseSize + i * 97 + r.int(2000)),
            'utf8'
          )
        })
      })
      rendered.sort((a, b) => byteOrder(`${a.version}/`, `${b.version}/`))
      await dir(`${topLevel}/${name}/`)
      for (const v of rendered) {
        await dir(`${topLevel}/${name}/${v.version}/`)
        await file(`${topLevel}/${name}/${v.version}/${name}.cabal`, v.cabal)
        await file(`${topLevel}/${name}/${v.version}/${name}.json`, v.json)
      }
      if (count > 2 && r.chance(0.09)) {
        const bad = versions[1 + r.int(count - 2)]
        await file(
          `${topLevel}/${name}/preferred-versions`,
          Buffer.from(`${name} <${bad} || >${bad}`, 'utf8')
        )
      }
      versionCount += count
      index.push({ name, versions })
    }
    const { tarBytes } = await w.finish()
    const gzippedBytes = (await stat(outFile)).size
    const indexFile = `${outFile}.index.json`
    const summary = {
      topLevel,
      rev: revision,
      seed,
      scale,
      packageCount: index.length,
      versionCount
    }
    await writeFile(indexFile, `${JSON.stringify({ ...summary, packages: index })}\n`)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    return {
      outFile,
      indexFile,
      topLevel,
      packageCount: index.length,
      versionCount,
      unpackedBytes,
      tarBytes,
      gzippedBytes,
      seconds
    }
  } catch (e) {
    await w.abort(e)
    throw e
  }
}

/**
 * N packages (each at its latest version) spread evenly across the archive's alphabet.
 * @param {{ packages: IndexedPackage[] } | IndexedPackage[]} indexJson
 *   the parsed `<archive>.index.json` (or just its `packages` array)
 * @param {number} n
 * @returns {{ name: string, version: string }[]}
 */
export function pickSpread(indexJson, n) {
  const list = Array.isArray(indexJson) ? indexJson : indexJson.packages
  const pkgs = list
    .filter(p => p.versions.length > 0)
    .sort((a, b) => byteOrder(`${a.name}/`, `${b.name}/`))
  const count = Math.max(0, Math.min(Math.floor(n), pkgs.length))
  /** @type {{ name: string, version: string }[]} */
  const out = []
  for (let i = 0; i < count; i++) {
    const p = pkgs[Math.floor(((i + 0.5) * pkgs.length) / count)]
    const version = [...p.versions].sort(compareVersionStrings)[p.versions.length - 1]
    out.push({ name: p.name, version })
  }
  return out
}

import { readFile, readdir, stat, truncate, writeFile, mkdir, cp } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { extractMembers } from '../src/builder/archive.js'
import type { WantedPackage } from '../src/builder/archive-members.js'
import { resolveArchiveSource } from '../src/builder/archive-source.js'
import { isBatchError, type BatchError } from '../src/common/errors.js'
import { buildArchiveFromEntries, buildSampleArchive } from '../testing/archives.mjs'
import { fixturesDir, tempDir } from './support/files.js'

let work: string
let sample: string
let sampleTop: string
let fixturePackages: WantedPackage[]

beforeAll(async () => {
  work = await tempDir('archive')
  const built = await buildSampleArchive({
    outFile: path.join(work, 'all-cabal-hashes-sample.tar.gz'),
    rev: 'abc123'
  })
  sample = built.outFile
  sampleTop = built.topLevel
  fixturePackages = []
  for (const name of (await readdir(fixturesDir)).sort()) {
    if (name === 'SOURCES.md') continue
    for (const version of await readdir(path.join(fixturesDir, name))) {
      if (version !== 'preferred-versions') fixturePackages.push({ name, version })
    }
  }
})

async function extractError(promise: Promise<unknown>): Promise<BatchError> {
  try {
    await promise
  } catch (error) {
    if (isBatchError(error)) return error
    throw error
  }
  throw new Error('expected an error')
}

/** One version per package: the sample has two of containers and postgresql-libpq. */
function onePerPackage(): WantedPackage[] {
  const seen = new Map<string, WantedPackage>()
  for (const p of fixturePackages) seen.set(p.name, p)
  return [...seen.values()]
}

test('the sample archive has the real top-level layout', () => {
  expect(sampleTop).toBe('all-cabal-hashes-abc123')
})

test('every member comes out byte for byte (CRLF kept) with the SHA256 from its .json', async () => {
  const wanted = onePerPackage()
  const pass = await extractMembers(await resolveArchiveSource(sample), wanted)
  expect(pass.topLevel).toBe(sampleTop)
  expect(pass.packages.map(p => p.name)).toEqual(wanted.map(p => p.name))
  let crlf = 0
  for (const p of pass.packages) {
    const base = path.join(fixturesDir, p.name, p.version, p.name)
    const original = await readFile(`${base}.cabal`)
    expect(p.cabal.equals(original)).toBe(true)
    if (original.includes('\r\n')) crlf++
    const json = JSON.parse(await readFile(`${base}.json`, 'utf8'))
    expect(p.sha256).toBe(json['package-hashes'].SHA256)
  }
  expect(crlf).toBeGreaterThan(5)
})

test('the pass stops reading as soon as every member is found', async () => {
  const full = await extractMembers(await resolveArchiveSource(sample), [
    { name: 'zlib', version: '0.7.1.1' }
  ])
  const early = await extractMembers(await resolveArchiveSource(sample), [
    { name: 'AC-Colour', version: '1.1.6' }
  ])
  expect(early.stoppedEarly).toBe(true)
  expect(early.entriesSeen).toBeLessThan(full.entriesSeen / 4)
})

test('both versions of one package can be told apart', async () => {
  const source = await resolveArchiveSource(sample)
  const old = await extractMembers(source, [{ name: 'containers', version: '0.1.0.0' }])
  const recent = await extractMembers(source, [{ name: 'containers', version: '0.6.4.1' }])
  expect(old.packages[0].cabal.equals(recent.packages[0].cabal)).toBe(false)
  expect(
    old.packages[0].cabal.equals(
      await readFile(path.join(fixturesDir, 'containers/0.1.0.0/containers.cabal'))
    )
  ).toBe(true)
})

test('all missing packages are reported at once, with the nearest versions and similar names', async () => {
  const error = await extractError(
    extractMembers(await resolveArchiveSource(sample), [
      { name: 'aeson', version: '2.3.2.0' },
      { name: 'containers', version: '0.6.5.1' },
      { name: 'lenz', version: '5.3.2' },
      { name: 'zlib', version: '0.7.1.1' }
    ])
  )
  expect(error.kind).toBe('missing-packages')
  expect(error.message).toBe('2 packages are not in all-cabal-hashes-abc123')
  expect(error.details).toEqual([
    'containers 0.6.5.1: no such version; nearest that exist: 0.1.0.0, 0.6.4.1',
    "lenz 5.3.2: no package 'lenz' in the archive (did you mean lens?)"
  ])
})

test('one missing version reads as one sentence', async () => {
  const error = await extractError(
    extractMembers(await resolveArchiveSource(sample), [{ name: 'aeson', version: '2.2.3.0' }])
  )
  expect(error.message).toBe('aeson 2.2.3.0 is not in all-cabal-hashes-abc123')
  expect(error.details).toEqual(['no such version; nearest that exist: 2.3.2.0'])
})

describe('an unpacked directory', () => {
  test('works given the top-level directory or its parent, with the same bytes', async () => {
    const parent = path.join(work, 'unpacked')
    await mkdir(path.join(parent, sampleTop), { recursive: true })
    await cp(fixturesDir, path.join(parent, sampleTop), { recursive: true })
    const wanted = [{ name: 'zlib', version: '0.7.1.1' }]
    const fromParent = await extractMembers(await resolveArchiveSource(parent), wanted)
    const fromTop = await extractMembers(
      await resolveArchiveSource(path.join(parent, sampleTop)),
      wanted
    )
    const fromTarball = await extractMembers(await resolveArchiveSource(sample), wanted)
    expect(fromParent.topLevel).toBe(sampleTop)
    expect(fromParent.packages).toEqual(fromTarball.packages)
    expect(fromTop.packages).toEqual(fromTarball.packages)
  })
  test('reports missing versions with their neighbours', async () => {
    const error = await extractError(
      extractMembers(await resolveArchiveSource(fixturesDir), [
        { name: 'vector', version: '0.13.1.0' }
      ])
    )
    expect(error.details).toEqual(['no such version; nearest that exist: 0.13.2.0'])
  })
})

describe('an http(s) URL', () => {
  let server: http.Server
  let base: string
  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      if (req.url === '/archive.tar.gz') {
        const body = await readFile(sample)
        res.writeHead(200, { 'content-length': body.length })
        res.end(body)
      } else {
        res.writeHead(404).end()
      }
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise(resolve => server.close(resolve)))

  test('is streamed and gives the same members as the file', async () => {
    const wanted = onePerPackage().slice(0, 5)
    const remote = await extractMembers(
      await resolveArchiveSource(`${base}/archive.tar.gz`),
      wanted
    )
    const local = await extractMembers(await resolveArchiveSource(sample), wanted)
    expect(remote.packages).toEqual(local.packages)
  })
  test('a 404 is a clear error', async () => {
    const error = await extractError(
      extractMembers(await resolveArchiveSource(`${base}/nope.tar.gz`), onePerPackage())
    )
    expect(error.message).toMatch(/could not be downloaded \(HTTP 404\)/)
  })
})

describe('broken and hostile archives', () => {
  const zlib: WantedPackage[] = [{ name: 'zlib', version: '0.7.1.1' }]

  test('a truncated gzip says it is truncated', async () => {
    const file = path.join(work, 'truncated.tar.gz')
    await cp(sample, file)
    await truncate(file, Math.floor((await stat(file)).size / 2))
    const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
    expect(error.message).toBe(`archive ${file} is truncated (it ends in the middle of the data)`)
  })

  test('a file that is not gzip says so', async () => {
    const file = path.join(work, 'not-gzip.tar.gz')
    await writeFile(file, 'this is not an archive at all\n'.repeat(100))
    const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
    expect(error.message).toBe(`archive ${file} is not a gzip file (incorrect header)`)
  })

  test('corrupt gzip data in the middle says it is corrupt', async () => {
    const file = path.join(work, 'corrupt.tar.gz')
    const bytes = await readFile(sample)
    for (let i = 200; i < bytes.length - 100; i += 97) bytes[i] ^= 0x5a
    await writeFile(file, bytes)
    const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
    expect(error.message).toMatch(new RegExp(`^archive ${file} is (corrupt|truncated)`))
  })

  test('a missing archive path is one clear error', async () => {
    const error = await extractError(resolveArchiveSource(path.join(work, 'nope.tar.gz')))
    expect(error.message).toMatch(/does not exist$/)
  })

  const cabal = '\r\nname: zlib\r\nversion: 0.7.1.1\r\n'
  const json = JSON.stringify({ 'package-hashes': { SHA256: 'ab'.repeat(32) } })

  test('two top-level directories are refused', async () => {
    const file = path.join(work, 'two-tops.tar.gz')
    await buildArchiveFromEntries({
      outFile: file,
      entries: [
        { name: 'all-cabal-hashes-a/aeson/2.3.2.0/aeson.cabal', body: 'x' },
        { name: 'other-top/zlib/0.7.1.1/zlib.cabal', body: cabal }
      ]
    })
    const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
    expect(error.message).toMatch(
      /has more than one top-level directory \('all-cabal-hashes-a\/' and 'other-top\/'\)/
    )
  })

  test('an archive starting with ../ or an absolute path is refused', async () => {
    for (const name of ['../escape/zlib/0.7.1.1/zlib.cabal', '/etc/zlib/0.7.1.1/zlib.cabal']) {
      const file = path.join(work, 'escape.tar.gz')
      await buildArchiveFromEntries({ outFile: file, entries: [{ name, body: cabal }] })
      const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
      expect(error.message).toMatch(/unsafe member name|more than one top-level/)
    }
  })

  test('../ members inside the top directory never match a wanted member', async () => {
    const file = path.join(work, 'dotdot.tar.gz')
    await buildArchiveFromEntries({
      outFile: file,
      entries: [
        { name: 'all-cabal-hashes-x/zlib/0.7.1.1/../0.7.1.1/zlib.cabal', body: 'evil' },
        { name: 'all-cabal-hashes-x/zlib/0.7.1.1/zlib.cabal', body: cabal },
        { name: 'all-cabal-hashes-x/zlib/0.7.1.1/zlib.json', body: json }
      ]
    })
    const pass = await extractMembers(await resolveArchiveSource(file), zlib)
    expect(pass.packages[0].cabal.toString()).toBe(cabal)
  })

  test.each(['symlink', 'link'] as const)(
    'a %s where a .cabal should be is refused',
    async type => {
      const file = path.join(work, `${type}.tar.gz`)
      await buildArchiveFromEntries({
        outFile: file,
        entries: [
          { name: 'all-cabal-hashes-x/zlib/0.7.1.1/zlib.cabal', type, linkname: '/etc/passwd' }
        ]
      })
      const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
      expect(error.message).toMatch(
        /member zlib\/0\.7\.1\.1\/zlib\.cabal is a (symlink|link), not a regular file/
      )
    }
  )

  test('a member far larger than any real .cabal is refused', async () => {
    const file = path.join(work, 'huge-member.tar.gz')
    await buildArchiveFromEntries({
      outFile: file,
      entries: [
        {
          name: 'all-cabal-hashes-x/zlib/0.7.1.1/zlib.cabal',
          body: Buffer.alloc(5 * 1024 * 1024, 0x41)
        }
      ]
    })
    const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
    expect(error.message).toMatch(
      /is 5242880 bytes, far larger than any real cabal file; refusing it/
    )
  })

  test('pax and GNU long names are read like short ones', async () => {
    const longName = `a${'-b'.repeat(70)}`
    const wanted = [{ name: longName, version: '1.0' }]
    for (const format of ['pax', 'gnu'] as const) {
      const file = path.join(work, `long-${format}.tar.gz`)
      const base = `all-cabal-hashes-x/${longName}/1.0/${longName}`
      await buildArchiveFromEntries({
        outFile: file,
        entries: [
          {
            name: `${base}.cabal`,
            body: cabal,
            ...(format === 'gnu' ? { longName: 'gnu' as const } : {})
          },
          {
            name: `${base}.json`,
            body: json,
            ...(format === 'gnu' ? { longName: 'gnu' as const } : {})
          }
        ]
      })
      const pass = await extractMembers(await resolveArchiveSource(file), wanted)
      expect(pass.packages[0].cabal.toString()).toBe(cabal)
    }
  })

  test('a .json without a SHA256 is a corrupt archive', async () => {
    const file = path.join(work, 'no-hash.tar.gz')
    await buildArchiveFromEntries({
      outFile: file,
      entries: [
        { name: 'all-cabal-hashes-x/zlib/0.7.1.1/zlib.cabal', body: cabal },
        { name: 'all-cabal-hashes-x/zlib/0.7.1.1/zlib.json', body: '{"package-hashes":{}}' }
      ]
    })
    const error = await extractError(extractMembers(await resolveArchiveSource(file), zlib))
    expect(error.message).toMatch(
      /member zlib\/0\.7\.1\.1\/zlib\.json has no package-hashes\.SHA256/
    )
  })
})

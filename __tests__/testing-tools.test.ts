/**
 * The test tools themselves: archive builders (layout, byte-exactness, determinism) and the
 * cabal2nix test double (command line, output shape, failures, fault knobs).
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import tar from 'tar-stream'
import {
  buildArchiveFromEntries,
  buildSampleArchive,
  compareVersionStrings,
  generateFullSizeArchive,
  pickSpread,
  sampleDirectory,
  type ArchiveIndex
} from '../testing/archives.mjs'

const DOUBLE = fileURLToPath(new URL('../testing/cabal2nix-test-double.mjs', import.meta.url))
const FIXTURES = sampleDirectory()
const ZLIB_CABAL = path.join(FIXTURES, 'zlib/0.7.1.1/zlib.cabal')
const ZLIB_SHA256 = 'bf95ab01ed924be800addea195fba5ca97ec69f378368f6ff466bdc29666c1c1'
const COMPILER = '--compiler=ghc-9.6.6'
const SYSTEM = '--system=x86_64-unknown-linux-gnu'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'testing-tools-'))
})
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

function tarList(file: string): string[] {
  const res = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`tar -tzf ${file}: ${res.stderr}`)
  return res.stdout.split('\n').filter(Boolean)
}

function tarCat(file: string, member: string): Buffer {
  const res = spawnSync('tar', ['-xzOf', file, member], { maxBuffer: 64 * 1024 * 1024 })
  if (res.status !== 0) throw new Error(`tar -xzOf ${file} ${member}: ${res.stderr}`)
  return res.stdout
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** Every fixture file relative to the fixture directory (SOURCES.md is documentation, not data). */
function fixtureFiles(): string[] {
  const out: string[] = []
  for (const pkg of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue
    for (const ent of readdirSync(path.join(FIXTURES, pkg.name), { withFileTypes: true })) {
      if (ent.isFile()) out.push(`${pkg.name}/${ent.name}`)
      else
        for (const f of readdirSync(path.join(FIXTURES, pkg.name, ent.name)))
          out.push(`${pkg.name}/${ent.name}/${f}`)
    }
  }
  return out.sort()
}

function byteSorted(list: string[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if (Buffer.compare(Buffer.from(list[i - 1]), Buffer.from(list[i])) >= 0) return false
  }
  return true
}

describe('buildSampleArchive', () => {
  const rev = '0123456789abcdef0123456789abcdef01234567'
  let archive: string
  let members: string[]

  beforeAll(async () => {
    archive = path.join(tmp, 'sample.tar.gz')
    const res = await buildSampleArchive({ outFile: archive, rev })
    expect(res.topLevel).toBe(`all-cabal-hashes-${rev}`)
    expect(res.packages).toHaveLength(24)
    expect(res.packages).toContainEqual({ name: 'zlib', version: '0.7.1.1' })
    expect(res.packages).toContainEqual({ name: 'containers', version: '0.1.0.0' })
    members = tarList(archive)
  })

  it('has one top-level directory, directory entries, and members in byte order', () => {
    const top = `all-cabal-hashes-${rev}/`
    expect(members[0]).toBe(top)
    expect(members.every(m => m.startsWith(top))).toBe(true)
    expect(byteSorted(members)).toBe(true)
    expect(members).toContain(`${top}zlib/`)
    expect(members).toContain(`${top}zlib/0.7.1.1/`)
    expect(members).toContain(`${top}aeson/preferred-versions`)
    // Uppercase names sort first, as in the real archive.
    expect(members[1]).toBe(`${top}AC-Colour/`)
    const files = members.filter(m => !m.endsWith('/')).map(m => m.slice(top.length))
    expect(files.sort()).toEqual(fixtureFiles())
    expect(members.some(m => m.includes('SOURCES.md'))).toBe(false)
  })

  it('stores every fixture byte-for-byte (CRLF included)', () => {
    const zlib = tarCat(archive, `all-cabal-hashes-${rev}/zlib/0.7.1.1/zlib.cabal`)
    expect(zlib.equals(readFileSync(ZLIB_CABAL))).toBe(true)
    expect(zlib.includes('\r\n')).toBe(true)

    const out = path.join(tmp, 'sample-extracted')
    mkdirSync(out)
    expect(spawnSync('tar', ['-xzf', archive, '-C', out]).status).toBe(0)
    for (const rel of fixtureFiles()) {
      const got = readFileSync(path.join(out, `all-cabal-hashes-${rev}`, rel))
      expect({ rel, same: got.equals(readFileSync(path.join(FIXTURES, rel))) }).toEqual({
        rel,
        same: true
      })
    }
  })

  it('starts with a pax global header carrying the revision, like GitHub archives', async () => {
    const raw = gunzipSync(readFileSync(archive))
    expect(raw.subarray(0, 17).toString()).toBe('pax_global_header')
    expect(String.fromCharCode(raw[156])).toBe('g')
    expect(raw.subarray(512, 1024).toString()).toContain(`comment=${rev}\n`)
    const git = spawnSync('git', ['get-tar-commit-id'], { input: raw, encoding: 'utf8' })
    if (git.status === 0) expect(git.stdout.trim()).toBe(rev)

    // tar-stream (what the extractor uses) reads the same members with the same bytes.
    const seen = new Map<string, Buffer>()
    const extract = tar.extract()
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = []
      stream.on('data', c => chunks.push(c as Buffer))
      stream.on('end', () => {
        if (header.type === 'file') seen.set(header.name, Buffer.concat(chunks))
        next()
      })
    })
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve)
      extract.on('error', reject)
      extract.end(raw)
    })
    expect(seen.size).toBe(fixtureFiles().length)
    const json = seen.get(`all-cabal-hashes-${rev}/zlib/0.7.1.1/zlib.json`)
    expect(json?.equals(readFileSync(path.join(FIXTURES, 'zlib/0.7.1.1/zlib.json')))).toBe(true)
  })

  it('is deterministic', async () => {
    const again = path.join(tmp, 'sample-again.tar.gz')
    await buildSampleArchive({ outFile: again, rev })
    expect(sha256File(again)).toBe(sha256File(archive))
  })

  it('can write an uncompressed tarball', async () => {
    const plain = path.join(tmp, 'sample.tar')
    await buildSampleArchive({ outFile: plain, gzip: false })
    const res = spawnSync('tar', ['-tf', plain], { encoding: 'utf8' })
    expect(res.status).toBe(0)
    expect(res.stdout.split('\n')[0]).toBe('all-cabal-hashes-sample/')
  })
})

describe('buildArchiveFromEntries', () => {
  it('writes hostile members: traversal, absolute, links, long names, oversized, raw bytes', async () => {
    const longName = `all-cabal-hashes-x/${'a'.repeat(120)}/1.0/${'a'.repeat(120)}.cabal`
    const longName2 = `all-cabal-hashes-x/${'b'.repeat(120)}/1.0/${'b'.repeat(120)}.cabal`
    const outFile = path.join(tmp, 'hostile.tar.gz')
    await buildArchiveFromEntries({
      outFile,
      globalComment: 'x',
      entries: [
        { name: 'all-cabal-hashes-x/', type: 'directory' },
        { name: 'all-cabal-hashes-x/../evil/1.0/evil.cabal', body: 'name: evil\n' },
        { name: '/etc/evil.json', body: '{}' },
        {
          name: 'all-cabal-hashes-x/zlib/1.0/zlib.cabal',
          type: 'symlink',
          linkname: '/etc/passwd'
        },
        {
          name: 'all-cabal-hashes-x/zlib/1.0/zlib.json',
          type: 'link',
          linkname: 'all-cabal-hashes-x/../evil/1.0/evil.cabal'
        },
        { name: longName, body: 'pax long name\n' },
        { name: longName2, body: 'gnu long name\n', longName: 'gnu' },
        { name: 'all-cabal-hashes-x/huge/1.0/huge.cabal', size: 5 * 1024 * 1024 + 3 },
        { name: 'all-cabal-hashes-x/extra/1.0/extra.cabal', body: 'x', pax: { comment: 'hello' } }
      ]
    })
    const verbose = spawnSync('tar', ['-tvzf', outFile], { encoding: 'utf8' })
    expect(verbose.status).toBe(0)
    const names = tarList(outFile)
    expect(names).toEqual(
      expect.arrayContaining([
        'all-cabal-hashes-x/../evil/1.0/evil.cabal',
        longName,
        longName2,
        'all-cabal-hashes-x/huge/1.0/huge.cabal'
      ])
    )
    expect(verbose.stdout).toContain('zlib.cabal -> /etc/passwd')
    expect(verbose.stdout).toContain('zlib.json link to')
    expect(tarCat(outFile, longName).toString()).toBe('pax long name\n')
    expect(tarCat(outFile, longName2).toString()).toBe('gnu long name\n')
    expect(tarCat(outFile, 'all-cabal-hashes-x/huge/1.0/huge.cabal').length).toBe(
      5 * 1024 * 1024 + 3
    )
  })

  it('copies raw entries verbatim (e.g. a truncated archive)', async () => {
    const outFile = path.join(tmp, 'raw.tar.gz')
    await buildArchiveFromEntries({
      outFile,
      entries: [
        { name: 'top/a.cabal', body: 'a' },
        { raw: Buffer.from('garbage that is not a tar header') }
      ]
    })
    const res = spawnSync('tar', ['-tzf', outFile], { encoding: 'utf8' })
    expect(res.stdout).toContain('top/a.cabal')
    expect(res.status).not.toBe(0)
  })
})

describe('generateFullSizeArchive', () => {
  let first: Awaited<ReturnType<typeof generateFullSizeArchive>>

  beforeAll(async () => {
    first = await generateFullSizeArchive({
      outFile: path.join(tmp, 'full-a.tar.gz'),
      seed: 7,
      scale: 0.01
    })
  })

  it('is deterministic for a seed', async () => {
    const second = await generateFullSizeArchive({
      outFile: path.join(tmp, 'full-b.tar.gz'),
      seed: 7,
      scale: 0.01
    })
    expect(sha256File(second.outFile)).toBe(sha256File(first.outFile))
    expect(readFileSync(second.indexFile, 'utf8')).toBe(readFileSync(first.indexFile, 'utf8'))
    expect(second.topLevel).toBe(first.topLevel)
    const other = await generateFullSizeArchive({
      outFile: path.join(tmp, 'full-c.tar.gz'),
      seed: 8,
      scale: 0.01
    })
    expect(sha256File(other.outFile)).not.toBe(sha256File(first.outFile))
  })

  it('has the real layout and sizes, and contains the fixture packages byte-exact', () => {
    expect(first.packageCount).toBe(180)
    expect(first.versionCount).toBeGreaterThan(600)
    expect(first.unpackedBytes / first.versionCount).toBeGreaterThan(2500)
    expect(first.gzippedBytes).toBeLessThan(first.unpackedBytes / 4)
    expect(first.topLevel).toMatch(/^all-cabal-hashes-[0-9a-f]{40}$/)

    const members = tarList(first.outFile)
    const top = `${first.topLevel}/`
    expect(members[0]).toBe(top)
    expect(members.every(m => m.startsWith(top))).toBe(true)
    expect(byteSorted(members)).toBe(true)
    for (const rel of fixtureFiles()) expect(members).toContain(top + rel)
    const cabals = members.filter(m => m.endsWith('.cabal'))
    expect(cabals).toHaveLength(first.versionCount)
    for (const m of cabals) {
      const [, pkg, ver, file] = m.split('/')
      expect(file).toBe(`${pkg}.cabal`)
      expect(pkg).toMatch(/^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*$/)
      expect(ver).toMatch(/^[0-9]+(\.[0-9]+)*$/)
      expect(members).toContain(m.replace(/\.cabal$/, '.json'))
    }
    const zlib = tarCat(first.outFile, `${top}zlib/0.7.1.1/zlib.cabal`)
    expect(zlib.equals(readFileSync(ZLIB_CABAL))).toBe(true)

    // Generated .json files have the fixture shape.
    const someJson = members.find(m => m.endsWith('.json') && !m.includes('/zlib/'))
    const parsed = JSON.parse(tarCat(first.outFile, someJson as string).toString())
    expect(Object.keys(parsed['package-hashes']).sort()).toEqual([
      'MD5',
      'SHA1',
      'SHA256',
      'SHA512',
      'Skein512_512'
    ])
    expect(parsed['package-hashes'].SHA256).toMatch(/^[0-9a-f]{64}$/)
    expect(parsed['package-locations']).toHaveLength(2)
  })

  it('writes an index, and pickSpread picks latest versions spread over the alphabet', () => {
    const index = JSON.parse(readFileSync(first.indexFile, 'utf8')) as ArchiveIndex
    expect(index.packages).toHaveLength(180)
    expect(index.packages.reduce((n, p) => n + p.versions.length, 0)).toBe(first.versionCount)
    const picked = pickSpread(index, 10)
    expect(picked).toHaveLength(10)
    expect(pickSpread(index, 10)).toEqual(picked)
    expect(new Set(picked.map(p => p.name)).size).toBe(10)
    expect(byteSorted(picked.map(p => `${p.name}/`))).toBe(true)
    const names = index.packages.map(p => p.name)
    expect(names.indexOf(picked[0].name)).toBeLessThan(names.length / 10)
    expect(names.indexOf(picked[9].name)).toBeGreaterThan((names.length * 8) / 10)
    for (const p of picked) {
      const versions = index.packages.find(q => q.name === p.name)?.versions ?? []
      expect([...versions].sort(compareVersionStrings).pop()).toBe(p.version)
    }
    expect(pickSpread(index.packages, 1000)).toHaveLength(180)
  })

  it('generates .cabal files the cabal2nix test double accepts', () => {
    const members = tarList(first.outFile).filter(m => m.endsWith('.cabal'))
    const out = path.join(tmp, 'full-extracted')
    mkdirSync(out)
    expect(spawnSync('tar', ['-xzf', first.outFile, '-C', out]).status).toBe(0)
    const step = Math.max(1, Math.floor(members.length / 25))
    for (let i = 0; i < members.length; i += step) {
      const res = runDouble([
        COMPILER,
        SYSTEM,
        `--sha256=${'0'.repeat(64)}`,
        path.join(out, members[i])
      ])
      expect({ member: members[i], status: res.status, stderr: res.stderr }).toEqual({
        member: members[i],
        status: 0,
        stderr: ''
      })
      const [, pkg, ver] = members[i].split('/')
      expect(res.stdout).toContain(`pname = "${pkg}";`)
      expect(res.stdout).toContain(`version = "${ver}";`)
    }
  })
})

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

function runDouble(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const res = spawnSync(process.execPath, [DOUBLE, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    timeout: 30000
  })
  return { status: res.status, stdout: res.stdout, stderr: res.stderr }
}

describe('cabal2nix test double', () => {
  it('is executable and says it is a test double', () => {
    const res = spawnSync(DOUBLE, ['--version'], { encoding: 'utf8' })
    expect(res.status).toBe(0)
    expect(res.stdout).toBe('cabal2nix 2.19.1 (some-cabal2nix test double)\n')
  })

  it('produces nixpkgs-shaped output with editedCabalFile from the raw CRLF bytes', () => {
    const res = runDouble([COMPILER, SYSTEM, `--sha256=${ZLIB_SHA256}`, ZLIB_CABAL])
    expect(res.status).toBe(0)
    expect(res.stdout).toMatch(/^\{ mkDerivation, base, bytestring, lib,/)
    expect(res.stdout).toContain('mkDerivation {\n  pname = "zlib";\n  version = "0.7.1.1";\n')
    expect(res.stdout).toContain(`  sha256 = "${ZLIB_SHA256}";\n`)
    expect(res.stdout).toContain(
      '  revision = "1";\n  editedCabalFile = "0vxv71vn1g82n9dmysrbm4z7xwzncp65jpbh9gr9y1anjqzvpn2n";\n'
    )
    expect(res.stdout).toContain('  libraryHaskellDepends = [ base bytestring ];\n')
    expect(res.stdout).toContain('  license = lib.licenses.bsd3;\n}\n')
    // The package itself (a test-suite dependency) is not a dependency.
    expect(res.stdout).not.toMatch(/HaskellDepends = \[[^\]]*\bzlib\b/)
    // Deterministic.
    expect(runDouble([COMPILER, SYSTEM, `--sha256=${ZLIB_SHA256}`, ZLIB_CABAL]).stdout).toBe(
      res.stdout
    )
  })

  it('leaves out revision/editedCabalFile for unrevised packages, and handles the legacy format', () => {
    const hashable = runDouble([
      COMPILER,
      SYSTEM,
      `--sha256=${'1'.repeat(64)}`,
      path.join(FIXTURES, 'hashable/1.5.1.0/hashable.cabal')
    ])
    expect(hashable.status).toBe(0)
    expect(hashable.stdout).not.toContain('revision')
    expect(hashable.stdout).not.toContain('editedCabalFile')
    const legacy = runDouble([
      COMPILER,
      SYSTEM,
      `--sha256=${'1'.repeat(64)}`,
      path.join(FIXTURES, 'containers/0.1.0.0/containers.cabal')
    ])
    expect(legacy.status).toBe(0)
    expect(legacy.stdout).toContain('libraryHaskellDepends = [ array base ];')
    const hello = runDouble([
      COMPILER,
      SYSTEM,
      `--sha256=${'1'.repeat(64)}`,
      path.join(FIXTURES, 'hello/1.0.0.2/hello.cabal')
    ])
    expect(hello.stdout).toContain('isLibrary = false;\n  isExecutable = true;')
  })

  it('accepts every fixture', () => {
    for (const rel of fixtureFiles().filter(f => f.endsWith('.cabal'))) {
      const res = runDouble([
        COMPILER,
        SYSTEM,
        `--sha256=${'2'.repeat(64)}`,
        path.join(FIXTURES, rel)
      ])
      expect({ rel, status: res.status, stderr: res.stderr }).toEqual({
        rel,
        status: 0,
        stderr: ''
      })
    }
  })

  it('resolves conditionals against --system and --compiler', () => {
    const network = path.join(FIXTURES, 'network/3.1.2.8/network.cabal')
    const sha = `--sha256=${'3'.repeat(64)}`
    const linux = runDouble([COMPILER, SYSTEM, sha, network])
    const windows = runDouble([COMPILER, '--system=x86_64-w64-mingw32', sha, network])
    expect(linux.stdout).not.toContain('ws2_32')
    expect(windows.stdout).toContain('librarySystemDepends = [ iphlpapi mswsock ws2_32 ];')
    const bytestring = path.join(FIXTURES, 'bytestring/0.12.2.0/bytestring.cabal')
    const newGhc = runDouble(['--compiler=ghc-9.10.1', SYSTEM, sha, bytestring])
    const oldGhc = runDouble(['--compiler=ghc-8.10.7', SYSTEM, sha, bytestring])
    expect(newGhc.stdout).not.toContain('data-array-byte')
    expect(oldGhc.stdout).toContain('data-array-byte')
  })

  it('handles a directory: src = ./. for ".", the path otherwise, hpack package.yaml', () => {
    const dir = path.join(tmp, 'local-pkg')
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'zlib.cabal'), readFileSync(ZLIB_CABAL))
    const dot = runDouble([COMPILER, SYSTEM, '.'], { cwd: dir })
    expect(dot.status).toBe(0)
    expect(dot.stdout).toContain('  src = ./.;\n')
    expect(dot.stdout).not.toContain('sha256')
    const abs = runDouble([COMPILER, SYSTEM, dir])
    expect(abs.stdout).toContain(`  src = ${dir};\n`)

    const hp = path.join(tmp, 'hpack-pkg')
    mkdirSync(hp)
    writeFileSync(
      path.join(hp, 'package.yaml'),
      'name: my-hpack\nversion: 0.2.0\nlicense: MIT\ndependencies:\n  - base >= 4 && < 5\n  - text\n'
    )
    const yaml = runDouble([COMPILER, SYSTEM, '.'], { cwd: hp })
    expect(yaml.status).toBe(0)
    expect(yaml.stdout).toContain('pname = "my-hpack";')
    expect(yaml.stdout).toContain('version = "0.2.0";')
    expect(yaml.stdout).toContain('src = ./.;')
    expect(yaml.stdout).toContain('libraryHaskellDepends = [ base text ];')
    expect(yaml.stdout).toContain('license = lib.licenses.mit;')

    const empty = path.join(tmp, 'empty-pkg')
    mkdirSync(empty)
    expect(runDouble([COMPILER, SYSTEM, empty]).status).not.toBe(0)
  })

  it('fails like cabal2nix on bad invocations', () => {
    const noSha = runDouble([COMPILER, SYSTEM, ZLIB_CABAL])
    expect(noSha.status).toBe(1)
    expect(noSha.stderr).toBe('cabal2nix: --sha256 required offline (test double)\n')

    const missing = runDouble([
      COMPILER,
      SYSTEM,
      `--sha256=${ZLIB_SHA256}`,
      path.join(tmp, 'nope.cabal')
    ])
    expect(missing.status).not.toBe(0)
    expect(missing.stderr).toContain('nope.cabal')

    const bad = path.join(tmp, 'bad.cabal')
    writeFileSync(bad, 'synopsis: no name or version here\n')
    const badRes = runDouble([COMPILER, SYSTEM, `--sha256=${ZLIB_SHA256}`, bad])
    expect(badRes.status).not.toBe(0)
    expect(badRes.stderr).toMatch(/no name or version/)

    const unknown = runDouble([
      '--frobnicate',
      COMPILER,
      SYSTEM,
      `--sha256=${ZLIB_SHA256}`,
      ZLIB_CABAL
    ])
    expect(unknown.status).not.toBe(0)
    expect(unknown.stderr).toContain('unknown option --frobnicate')

    expect(runDouble([SYSTEM, `--sha256=${ZLIB_SHA256}`, ZLIB_CABAL]).status).not.toBe(0)
    expect(runDouble([COMPILER, `--sha256=${ZLIB_SHA256}`, ZLIB_CABAL]).status).not.toBe(0)
    expect(runDouble([COMPILER, SYSTEM, '--sha256=not-a-hash', ZLIB_CABAL]).status).not.toBe(0)
    expect(runDouble([COMPILER, SYSTEM, `--sha256=${ZLIB_SHA256}`]).status).not.toBe(0)
  })

  it('honours the fault knobs and logs every run', async () => {
    const log = path.join(tmp, 'cabal2nix.log')
    const args = [COMPILER, SYSTEM, `--sha256=${ZLIB_SHA256}`, ZLIB_CABAL]
    const fail = runDouble(args, {
      env: { CABAL2NIX_TEST_DOUBLE_FAIL: 'aeson,zlib', CABAL2NIX_TEST_DOUBLE_LOG: log }
    })
    expect(fail.status).toBe(1)
    expect(fail.stderr).toBe('cabal2nix: simulated failure for zlib\n')
    expect(fail.stdout).toBe('')

    const other = runDouble(args, {
      env: { CABAL2NIX_TEST_DOUBLE_FAIL: 'aeson', CABAL2NIX_TEST_DOUBLE_LOG: log }
    })
    expect(other.status).toBe(0)

    const garbage = runDouble(args, {
      env: { CABAL2NIX_TEST_DOUBLE_GARBAGE: 'zlib', CABAL2NIX_TEST_DOUBLE_LOG: log }
    })
    expect(garbage.status).toBe(0)
    expect(garbage.stdout).toBe('this is not a nix expression\n')

    expect(readFileSync(log, 'utf8')).toBe('zlib 0.7.1.1\n'.repeat(3))

    const child = spawn(process.execPath, [DOUBLE, ...args], {
      env: { ...process.env, CABAL2NIX_TEST_DOUBLE_HANG: 'zlib' },
      stdio: 'ignore'
    })
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
    const state = await Promise.race([
      exited.then(() => 'exited'),
      new Promise(r => setTimeout(() => r('running'), 1500))
    ])
    expect(state).toBe('running')
    child.kill('SIGTERM')
    await exited
  })

  it('does not write to $HOME', () => {
    const home = path.join(tmp, 'home')
    mkdirSync(home)
    const res = runDouble([COMPILER, SYSTEM, `--sha256=${ZLIB_SHA256}`, ZLIB_CABAL], {
      env: { HOME: home }
    })
    expect(res.status).toBe(0)
    expect(readdirSync(home)).toEqual([])
    expect(existsSync(path.join(home, '.cache'))).toBe(false)
  })
})

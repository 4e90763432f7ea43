import { execFile } from 'node:child_process'
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { runCli, usage } from '../src/cli.js'
import { buildSampleArchive } from '../testing/archives.mjs'
import { cabal2nixDouble, findCabal2nix } from '../testing/cabal2nix.mjs'
import { fixturesDir, readTree, repoRoot, tempDir, writeTree } from './support/files.js'

const run = promisify(execFile)

/** The real cabal2nix where there is one; the double only for failures the real tool will not show. */
const cabal2nix = findCabal2nix()
const testWithRealCabal2nix = cabal2nix.real ? test : test.skip

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  const out: string[] = []
  const err: string[] = []
  try {
    const code = await runCli(args, { write: t => out.push(t), log: t => err.push(t) })
    return { code, stdout: out.join('\n'), stderr: err.join('\n') }
  } finally {
    for (const key of Object.keys(env)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

let work: string
let archive: string
let overrides: string
/** One version of every fixture package: 22 packages. */
const ALL = [
  ['AC-Colour', '1.1.6'],
  ['X11', '1.10.1'],
  ['aeson', '2.3.2.0'],
  ['bytestring', '0.12.2.0'],
  ['containers', '0.6.4.1'],
  ['hashable', '1.5.1.0'],
  ['hello', '1.0.0.2'],
  ['hmatrix', '0.20.2'],
  ['hpack', '0.39.1'],
  ['http-types', '0.12.6'],
  ['lens', '5.3.2'],
  ['megaparsec', '9.8.0'],
  ['network', '3.1.2.8'],
  ['optparse-applicative', '0.18.0.0'],
  ['postgresql-libpq', '0.9.5.0'],
  ['sdl2', '2.5.5.0'],
  ['servant', '0.20.3.0'],
  ['text', '2.1.4'],
  ['text-icu', '0.8.0.5'],
  ['unordered-containers', '0.2.19.0'],
  ['vector', '0.13.2.0'],
  ['zlib', '0.7.1.1']
]

beforeAll(async () => {
  work = await tempDir('build')
  archive = (
    await buildSampleArchive({ outFile: path.join(work, 'all-cabal-hashes-r1.tar.gz'), rev: 'r1' })
  ).outFile
  overrides = path.join(work, 'overrides.nix')
  await writeFile(overrides, `{\n${ALL.map(([n, v]) => `  ${n} = "${v}";`).join('\n')}\n}\n`)
})

function buildArgs(out: string, extra: string[] = [], file = overrides): string[] {
  return [
    'build',
    '--overrides',
    file,
    '--archive',
    archive,
    '--out',
    out,
    '--cabal2nix',
    cabal2nix.command,
    ...extra
  ]
}

/** The same command line with the test double, whose CABAL2NIX_TEST_DOUBLE_* knobs make it fail. */
function withDouble(args: string[]): string[] {
  return args.map(a => (a === cabal2nix.command ? cabal2nixDouble : a))
}

test('a batch of 22 Hackage packages: one default.nix each plus the manifest', async () => {
  const out = path.join(work, 'out-all')
  const timingsFile = path.join(work, 'timings.json')
  const result = await cli(buildArgs(out, ['--timings-file', timingsFile]))
  expect(result).toMatchObject({ code: 0 })
  // No machine lines for people; the timings go where they were asked for.
  expect(result.stderr).toBe('')
  expect(JSON.parse(await readFile(timingsFile, 'utf8'))).toEqual({
    archiveMs: expect.any(Number),
    cabal2nixMs: expect.any(Number),
    writeMs: expect.any(Number)
  })
  expect(result.stdout).toMatch(/^wrote .*out-all: 22 packages \(archive pass/)
  const tree = await readTree(out)
  expect(Object.keys(tree).sort()).toEqual(
    [...ALL.map(([n]) => `${n}/default.nix`), 'manifest.json'].sort()
  )
  const manifest = JSON.parse(tree['manifest.json'])
  expect(manifest).toMatchObject({
    format: 1,
    generator: 'some-cabal2nix 0.1.0',
    archive: 'all-cabal-hashes-r1',
    cabal2nix: cabal2nix.version,
    compiler: 'ghc-9.8.4',
    system: `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-unknown-linux-gnu`
  })
  const zlibJson = JSON.parse(
    await readFile(path.join(fixturesDir, 'zlib/0.7.1.1/zlib.json'), 'utf8')
  )
  expect(manifest.packages).toContainEqual({
    name: 'zlib',
    version: '0.7.1.1',
    sha256: zlibJson['package-hashes'].SHA256
  })
  // Only the CRLF bytes give this editedCabalFile: the .cabal reached cabal2nix unchanged.
  expect(tree['zlib/default.nix']).toContain(
    'editedCabalFile = "0vxv71vn1g82n9dmysrbm4z7xwzncp65jpbh9gr9y1anjqzvpn2n";'
  )
  expect(tree['zlib/default.nix']).toContain(`sha256 = "${zlibJson['package-hashes'].SHA256}";`)
})

testWithRealCabal2nix(
  "every fixture package's default.nix is byte for byte what the real cabal2nix prints with nixpkgs' command line",
  async () => {
    // All 24 fixture versions; a batch holds one version per name, so two batches.
    const versions: Array<[string, string]> = []
    for (const name of await readdir(fixturesDir, { withFileTypes: true })) {
      if (!name.isDirectory()) continue
      for (const v of await readdir(path.join(fixturesDir, name.name), { withFileTypes: true }))
        if (v.isDirectory()) versions.push([name.name, v.name])
    }
    expect(versions).toHaveLength(24)
    const batches: Array<Array<[string, string]>> = [[], []]
    for (const entry of versions)
      batches[batches[0].some(([n]) => n === entry[0]) ? 1 : 0].push(entry)
    const dir = await tempDir('fidelity')
    const system = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-unknown-linux-gnu`
    for (const [i, batch] of batches.entries()) {
      const file = path.join(dir, `o${i}.nix`)
      await writeFile(file, `{\n${batch.map(([n, v]) => `  ${n} = "${v}";`).join('\n')}\n}\n`)
      const out = path.join(dir, `out${i}`)
      expect(await cli(buildArgs(out, ['--compiler', 'ghc-9.6.6'], file))).toMatchObject({
        code: 0
      })
      for (const [name, version] of batch) {
        const home = await tempDir('fidelity-home')
        const sha256 = JSON.parse(
          await readFile(path.join(fixturesDir, name, version, `${name}.json`), 'utf8')
        )['package-hashes'].SHA256
        // make-package-set.nix's haskellSrc2nix, run by hand in the package's directory.
        const direct = await run(
          cabal2nix.command,
          ['--compiler=ghc-9.6.6', `--system=${system}`, `--sha256=${sha256}`, `${name}.cabal`],
          { cwd: path.join(fixturesDir, name, version), env: { HOME: home, LANG: 'C.UTF-8' } }
        )
        expect({ name, text: await readFile(path.join(out, name, 'default.nix'), 'utf8') }).toEqual(
          {
            name,
            text: direct.stdout
          }
        )
      }
    }
  }
)

test('the same inputs give byte-identical output, whatever the source form and job count', async () => {
  const unpacked = fixturesDir
  const a = path.join(work, 'same-a')
  const b = path.join(work, 'same-b')
  expect((await cli(buildArgs(a, ['--jobs', '1']))).code).toBe(0)
  const fromDir = await cli([
    'build',
    '--overrides',
    overrides,
    '--archive',
    unpacked,
    '--out',
    b,
    '--cabal2nix',
    cabal2nix.command,
    '--jobs',
    '7'
  ])
  expect(fromDir.code).toBe(0)
  const treeA = await readTree(a)
  const treeB = await readTree(b)
  // The directory form is not named all-cabal-hashes-r1, so only the manifest's archive field differs.
  expect(JSON.parse(treeB['manifest.json']).archive).toBe('all-cabal-hashes-sample')
  delete treeA['manifest.json']
  delete treeB['manifest.json']
  expect(treeB).toEqual(treeA)
  const again = path.join(work, 'same-c')
  expect((await cli(buildArgs(again, ['--jobs', '3']))).code).toBe(0)
  expect(await readTree(again)).toEqual({ ...(await readTree(a)) })
})

test("cabal2nix gets exactly nixpkgs' command line, a private HOME and a UTF-8 locale", async () => {
  const dir = await tempDir('argv')
  const log = path.join(dir, 'argv.log')
  const wrapper = path.join(dir, 'cabal2nix')
  await writeFile(
    wrapper,
    `#!/bin/sh\n[ "$1" = --version ] || echo "$HOME|$LANG|$*" >> ${log}\nexec ${cabal2nix.command} "$@"\n`
  )
  await chmod(wrapper, 0o755)
  const small = path.join(dir, 'small.nix')
  await writeFile(small, '{ zlib = "0.7.1.1"; }')
  const out = path.join(dir, 'out')
  const result = await cli(
    buildArgs(out, ['--compiler', 'ghc-9.6.6', '--system', 'aarch64-unknown-linux-gnu'], small).map(
      a => (a === cabal2nix.command ? wrapper : a)
    )
  )
  expect(result.code).toBe(0)
  const [home, lang, args] = (await readFile(log, 'utf8')).trim().split('|')
  const sha = JSON.parse(await readFile(path.join(fixturesDir, 'zlib/0.7.1.1/zlib.json'), 'utf8'))[
    'package-hashes'
  ].SHA256
  expect(args).toMatch(
    new RegExp(
      `^--compiler=ghc-9\\.6\\.6 --system=aarch64-unknown-linux-gnu --sha256=${sha} /\\S+/zlib-0\\.7\\.1\\.1/zlib\\.cabal$`
    )
  )
  expect(home.startsWith(os.tmpdir())).toBe(true)
  expect(home).not.toBe(os.homedir())
  expect(lang).toBe('C.UTF-8')
  await expect(readdir(home)).rejects.toThrow()
})

test('local packages (cabal and hpack) get src = ./. and no machine path', async () => {
  const root = await writeTree({
    'overrides.nix': '{ my-lib = ./libs/my-lib; my-app = ./app; zlib = "0.7.1.1"; }',
    'libs/my-lib/my-lib.cabal':
      'cabal-version: 2.4\nname: my-lib\nversion: 0.1.0\nlibrary\n  build-depends: base, text\n',
    'libs/my-lib/src/Lib.hs': 'module Lib where\n',
    'app/package.yaml': 'name: my-app\nversion: 1.2.0\ndependencies:\n  - base\n'
  })
  const out = path.join(root, 'out')
  const result = await cli(buildArgs(out, [], path.join(root, 'overrides.nix')))
  expect(result).toMatchObject({ code: 0 })
  const tree = await readTree(out)
  expect(tree['my-lib/default.nix']).toContain('src = ./.;')
  expect(tree['my-app/default.nix']).toContain('src = ./.;')
  expect(tree['my-app/default.nix']).toContain('version = "1.2.0";')
  for (const text of Object.values(tree)) expect(text).not.toContain(root)
  // Like the batch the Nix library builds: where the source lives is not part of the batch.
  expect(JSON.parse(tree['manifest.json']).packages).toEqual([
    { name: 'my-app', path: './my-app' },
    { name: 'my-lib', path: './my-lib' },
    { name: 'zlib', version: '0.7.1.1', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }
  ])
})

describe('failures leave no batch behind', () => {
  async function expectNoBatch(out: string) {
    const siblings = await readdir(path.dirname(out))
    expect(siblings.filter(n => n.startsWith(path.basename(out)))).toEqual([])
  }

  test('one failing package names the package and its stderr', async () => {
    const out = path.join(work, 'fail-one')
    const result = await cli(withDouble(buildArgs(out)), { CABAL2NIX_TEST_DOUBLE_FAIL: 'lens' })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^error: cabal2nix failed for lens 5\.3\.2: cabal2nix exited with 1: cabal2nix: simulated failure for lens$/m
    )
    expect(result.stderr).toMatch(/^hint: no batch was written/m)
    await expectNoBatch(out)
  })

  test('several failures are listed together', async () => {
    const out = path.join(work, 'fail-two')
    const result = await cli(withDouble(buildArgs(out)), {
      CABAL2NIX_TEST_DOUBLE_FAIL: 'lens,aeson',
      CABAL2NIX_TEST_DOUBLE_GARBAGE: 'zlib'
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: cabal2nix failed for 3 packages$/m)
    expect(result.stderr).toMatch(/^ {2}aeson 2\.3\.2\.0: cabal2nix exited with 1/m)
    expect(result.stderr).toMatch(
      /^ {2}zlib 0\.7\.1\.1: cabal2nix printed something that is not a package function: "this is not a nix expression/m
    )
    await expectNoBatch(out)
  })

  test('a hanging cabal2nix is stopped by --timeout and named', async () => {
    // Only the hanging package: under load any other cabal2nix run could itself take 2 s.
    const dir = await tempDir('hang')
    const onlyVector = path.join(dir, 'o.nix')
    await writeFile(onlyVector, '{ vector = "0.13.2.0"; }\n')
    const out = path.join(work, 'fail-hang')
    const started = Date.now()
    const result = await cli(withDouble(buildArgs(out, ['--timeout', '2'], onlyVector)), {
      CABAL2NIX_TEST_DOUBLE_HANG: 'vector'
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^error: cabal2nix failed for vector 0\.13\.2\.0: cabal2nix did not finish within 2 s$/m
    )
    expect(Date.now() - started).toBeLessThan(60_000)
    await expectNoBatch(out)
  })

  test('a failed rebuild keeps the previous complete batch', async () => {
    const out = path.join(work, 'keep-previous')
    expect((await cli(buildArgs(out))).code).toBe(0)
    const before = await readTree(out)
    expect(
      (await cli(withDouble(buildArgs(out)), { CABAL2NIX_TEST_DOUBLE_FAIL: 'text' })).code
    ).toBe(1)
    expect(await readTree(out)).toEqual(before)
  })

  test('a missing version stops before cabal2nix runs and lists near versions', async () => {
    const dir = await tempDir('missing')
    const file = path.join(dir, 'o.nix')
    const log = path.join(dir, 'runs.log')
    await writeFile(file, '{\n  aeson = "2.3.1.0";\n  zlib = "0.7.1.1";\n}\n')
    const out = path.join(dir, 'out')
    const result = await cli(withDouble(buildArgs(out, [], file)), {
      CABAL2NIX_TEST_DOUBLE_LOG: log
    })
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toBe('error: aeson 2.3.1.0 is not in all-cabal-hashes-r1')
    expect(result.stderr).toContain('no such version; nearest that exist: 2.3.2.0')
    await expect(readFile(log, 'utf8')).rejects.toThrow()
    await expectNoBatch(out)
  })

  test('a missing cabal2nix fails before the archive is read', async () => {
    const out = path.join(work, 'no-cabal2nix')
    const result = await cli(
      buildArgs(out).map(a => (a === cabal2nix.command ? '/nonexistent/cabal2nix' : a))
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: cannot run cabal2nix '\/nonexistent\/cabal2nix'/)
  })
})

describe('command line', () => {
  test.each([
    [['build', '--archive', 'x', '--out', 'y'], /build needs --overrides FILE/],
    [['build', '--overrides', 'x'], /build needs --out DIR/],
    [
      ['build', '--overrides', 'x', '--out', 'y', '--jobs', '0'],
      /--jobs takes a whole number above 0, not '0'/
    ],
    [
      ['build', '--overrides', 'x', '--out', 'y', '--compiler', '9.6.6'],
      /--compiler takes ghc-X\.Y\.Z/
    ],
    [['build', '--overides', 'x'], /Unknown option '--overides'/],
    [['frobnicate'], /unknown command 'frobnicate'/]
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const result = await cli(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  test('--help, plan --help and build --help show the defaults and --version, as the README does', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    for (const args of [
      ['plan', '--help'],
      ['build', '-h']
    ])
      expect(await cli(args)).toEqual({ code: 0, stdout: help.stdout, stderr: '' })
    expect(help.stdout).toContain('--compiler ghc-X.Y.Z    default: ghc-9.8.4')
    expect(help.stdout).toContain('--cabal2nix CMD         default: cabal2nix from PATH')
    expect(help.stdout).toContain('--version')
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
    expect(readme).toContain('```\n' + usage('x86_64-unknown-linux-gnu') + '\n```')
    expect(readme).toContain(
      `\`some-cabal2nix --version\` prints \`${(await cli(['--version'])).stdout}\``
    )
  })

  test('plan --json prints the normalized list', async () => {
    const result = await cli(['plan', '--overrides', overrides, '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).packages).toHaveLength(22)
    expect(JSON.parse(result.stdout).packages[0]).toEqual({ name: 'AC-Colour', version: '1.1.6' })
  })

  test('the bundled dist/cli.js runs the same build as a program', async () => {
    const out = path.join(work, 'dist-cli')
    const { stdout } = await run(process.execPath, [
      path.join(repoRoot, 'dist/cli.js'),
      ...buildArgs(out)
    ])
    expect(stdout).toMatch(/wrote .*: 22 packages/)
    const viaDist = await readTree(out)
    const inProcess = await readTree(path.join(work, 'out-all'))
    expect(viaDist).toEqual(inProcess)
    const failed = await run(process.execPath, [
      path.join(repoRoot, 'dist/cli.js'),
      'plan',
      '--overrides',
      path.join(work, 'nope.nix')
    ]).catch(e => e)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toBe(
      `error: ${path.join(work, 'nope.nix')}: overrides file not found\nhint: pass the file with --overrides (or the action input overrides-file)\n`
    )
  })
})

describe('--out replaces only what a batch wrote', () => {
  const mineOnly = { 'keep/mine.txt': 'my notes\n' }

  test.each([
    [
      'a directory with other files',
      mineOnly,
      'keep',
      /holds files that are not a some-cabal2nix batch/
    ],
    ['the overrides file itself', { 'o.nix': '{ zlib = "0.7.1.1"; }\n' }, 'o.nix', /is a file/],
    [
      'a project folder (--out .)',
      { 'overrides.nix': '{ zlib = "0.7.1.1"; }\n', 'README.md': 'hi\n' },
      '.',
      /holds files that are not a some-cabal2nix batch/
    ],
    [
      'a batch-looking directory with an extra file',
      {
        'manifest.json': '{"format": 1, "packages": []}\n',
        'zlib/default.nix': '{ }: { }\n',
        'zlib/notes.txt': 'mine\n'
      },
      '.',
      /holds files that are not a some-cabal2nix batch/
    ]
  ])('%s is refused before any work, and left as it was', async (_label, files, outName, why) => {
    const root = await writeTree(files, 'out-refused')
    const file = path.join(root, 'o.nix')
    await writeFile(file, '{ zlib = "0.7.1.1"; }\n').catch(() => undefined)
    const out = path.join(root, outName)
    const before = await readTree(root)
    // Before any work: a cabal2nix that does not exist and an archive that does not exist are never reached.
    const result = await cli(
      buildArgs(out, [], file).map(a =>
        a === cabal2nix.command
          ? '/nonexistent/cabal2nix'
          : a === archive
            ? '/nonexistent.tar.gz'
            : a
      )
    )
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toMatch(why)
    expect(result.stderr).toContain(`--out ${out}`)
    expect(result.stderr).toMatch(
      /^hint: pass --out a new path, an empty directory or a previous batch/m
    )
    expect(await readTree(root)).toEqual(before)
  })

  test('an empty directory and a previous batch are replaced', async () => {
    const root = await writeTree({}, 'out-ok')
    const file = path.join(root, 'o.nix')
    await writeFile(file, '{ zlib = "0.7.1.1"; }\n')
    const out = path.join(root, 'batch')
    await mkdir(out)
    expect((await cli(buildArgs(out, [], file))).code).toBe(0)
    await writeFile(file, '{ zlib = "0.7.1.1"; hashable = "1.5.1.0"; }\n')
    expect((await cli(buildArgs(out, [], file))).code).toBe(0)
    expect(Object.keys(await readTree(out)).sort()).toEqual([
      'hashable/default.nix',
      'manifest.json',
      'zlib/default.nix'
    ])
  })

  test('an unwritable --out is one line and a hint, exit 1, before the archive pass (dist/cli.js as an ordinary user)', async () => {
    const root = await writeTree({ 'o.nix': '{ zlib = "0.7.1.1"; }\n' }, 'out-unwritable')
    await chmod(root, 0o755)
    // As root everything is writable: run the bundled CLI as an unprivileged user instead.
    const asUser =
      process.getuid?.() === 0
        ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
        : []
    const [command, ...prefix] = [...asUser, process.execPath]
    const failed = await run(command, [
      ...prefix,
      path.join(repoRoot, 'dist/cli.js'),
      ...buildArgs('/usr/o2', [], path.join(root, 'o.nix')).map(a =>
        a === archive ? '/nonexistent.tar.gz' : a === cabal2nix.command ? '/nonexistent/c2n' : a
      )
    ]).catch(e => e)
    expect({ code: failed.code, stderr: failed.stderr }).toEqual({
      code: 1,
      stderr:
        'error: --out /usr/o2: /usr is not writable\n' +
        'hint: pass --out a path in a directory you can write to; nothing was built\n'
    })
  })
})

describe('--out where no directory can be made', () => {
  // /proc exists but takes no new directories (mkdir says ENOENT); Node's recursive mkdir took that
  // for a missing parent and retried for ever. The bundled CLI runs in a child with a kill timer, so
  // a regression fails here instead of hanging the suite.
  test.each([
    ['/proc/some-cabal2nix-test/out', 'no directory can be made in /proc (ENOENT)'],
    ['/proc/some-cabal2nix-test', 'no directory can be made in /proc (ENOENT)'],
    ['/proc/self/some-cabal2nix-test/out', 'no directory can be made in /proc/self (ENOENT)'],
    ['/dev/null/out', '/dev/null cannot be written (ENOTDIR)']
  ])('--out %s is refused before any work: one line and a hint, exit 1', async (out, why) => {
    const root = await writeTree({ 'o.nix': '{ zlib = "0.7.1.1"; }\n' }, 'out-pseudo-fs')
    const failed = await run(
      process.execPath,
      [
        path.join(repoRoot, 'dist/cli.js'),
        ...['build', '--overrides', path.join(root, 'o.nix'), '--out', out],
        ...['--archive', '/nonexistent.tar.gz', '--cabal2nix', '/nonexistent/c2n']
      ],
      { timeout: 60_000, killSignal: 'SIGKILL' }
    ).catch(e => e)
    expect({ code: failed.code, stderr: failed.stderr }).toEqual({
      code: 1,
      stderr:
        `error: --out ${out}: ${why}\n` +
        'hint: pass --out a path in a directory you can write to; nothing was built\n'
    })
  })
})

describe('--archive that is not the archive', () => {
  async function buildWith(archivePath: string): Promise<CliRun> {
    const out = path.join(await tempDir('not-archive'), 'out')
    return cli(buildArgs(out).map(a => (a === archive ? archivePath : a)))
  }

  test('a directory that is not an unpacked all-cabal-hashes says so, not that every package is missing', async () => {
    const dir = await writeTree({ 'notes/readme.txt': 'hi\n' }, 'emptydir')
    for (const location of [dir, path.join(dir, 'notes')]) {
      const result = await buildWith(location)
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 1,
        stderr:
          `error: archive ${location} is a directory, but not an unpacked all-cabal-hashes (no <package>/<version>/<package>.cabal in it)\n` +
          'hint: pass --archive the all-cabal-hashes .tar.gz, or the directory it was unpacked into'
      })
    }
  })

  test('a plain .tar says it is not gzip-compressed, not that it should be fetched again', async () => {
    const tarFile = path.join(await tempDir('plain-tar'), 'all-cabal-hashes.tar')
    await writeFile(tarFile, gunzipSync(await readFile(archive)))
    const result = await buildWith(tarFile)
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 1,
      stderr:
        `error: archive ${tarFile} is a plain tar file, not gzip-compressed\n` +
        `hint: gzip it (gzip -k ${tarFile}), or unpack it (tar -xf) and pass the directory`
    })
  })
})

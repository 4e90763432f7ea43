import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describeError, isBatchError, type BatchError } from '../src/common/errors.js'
import {
  nearestVersions,
  isValidPackageName,
  isValidVersion,
  similarPackageNames
} from '../src/builder/hackage.js'
import { parseNixOverrides, parseJsonOverrides } from '../src/builder/overrides.js'
import { MAX_OVERRIDES_BYTES, planFromOverrides, planToJson } from '../src/builder/plan.js'
import { runCli } from '../src/cli.js'
import { writeTree } from './support/files.js'
import { findNix } from './support/nix.js'

async function planError(file: string, options = {}): Promise<BatchError> {
  try {
    await planFromOverrides(file, options)
  } catch (error) {
    if (isBatchError(error)) return error
    throw error
  }
  throw new Error(`expected ${file} to be rejected`)
}

describe('Hackage names and versions', () => {
  test.each(['aeson', 'http-types', 'X11', 'AC-Colour', 'base64-bytestring', 'h2'])(
    '%s is a valid name',
    name => {
      expect(isValidPackageName(name)).toBe(true)
    }
  )
  test.each(['', '-aeson', 'aeson-', 'foo--bar', '123', 'foo-1', 'foo_bar', 'foo.bar', 'foo bar'])(
    '%j is not a valid name',
    name => expect(isValidPackageName(name)).toBe(false)
  )
  test.each(['0', '1.2.3.4', '2.2.3.0', '0.10.1'])('%s is a valid version', v =>
    expect(isValidVersion(v)).toBe(true)
  )
  test.each(['', '1.', '.1', '1..2', '01.2', 'v1.2', '1.2-beta', '1234567890'])(
    '%j is not a valid version',
    v => expect(isValidVersion(v)).toBe(false)
  )
  test('nearest versions sort numerically around the requested one', () => {
    const existing = [
      '2.0.3.0',
      '2.1.0.0',
      '2.1.2.1',
      '2.2.0.0',
      '2.2.1.0',
      '2.2.2.0',
      '2.2.3.0',
      '2.10.0.0'
    ]
    expect(nearestVersions('2.2.2.5', existing)).toEqual([
      '2.2.0.0',
      '2.2.1.0',
      '2.2.2.0',
      '2.2.3.0',
      '2.10.0.0'
    ])
    expect(nearestVersions('9.9', ['1.0', '1.1'])).toEqual(['1.0', '1.1'])
  })
  test('similar names find case slips and typos', () => {
    expect(similarPackageNames('Aeson', ['aeson', 'lens'])).toEqual(['aeson'])
    expect(similarPackageNames('aesn', ['aeson', 'lens', 'vector'])).toEqual(['aeson'])
    expect(similarPackageNames('zzzzzz', ['aeson'])).toEqual([])
  })
})

describe('the Nix overrides subset', () => {
  test('reads comments, quoted names, paths and trailing whitespace', () => {
    const parsed = parseNixOverrides(
      [
        '# pinned versions   ',
        '{',
        '  aeson = "2.2.3.0";   ',
        '  "http-types" = "0.12.4"; # quoted',
        '  /* a block',
        '     comment */ my-lib = ./libs/my-lib;',
        '  abs = /srv/abs;',
        '  str-path = "/srv/str";',
        '}',
        ''
      ].join('\n')
    )
    expect(parsed).toEqual({
      ok: true,
      entries: [
        { name: 'aeson', value: { kind: 'version', version: '2.2.3.0' }, line: 3 },
        { name: 'http-types', value: { kind: 'version', version: '0.12.4' }, line: 4 },
        { name: 'my-lib', value: { kind: 'path', path: './libs/my-lib' }, line: 6 },
        { name: 'abs', value: { kind: 'path', path: '/srv/abs' }, line: 7 },
        { name: 'str-path', value: { kind: 'path', path: '/srv/str' }, line: 8 }
      ]
    })
  })
  test.each([
    ['{\n  aeson = "2.2.3.0"\n  lens = "5.3";\n}', 2, /missing ';'/],
    ['{\n  aeson = "2.2.3.0;\n}', 2, /unterminated string/],
    ['{\n  aeson = "1";\n', 3, /missing '}'/],
    ['{\n  aeson "1";\n}', 2, /expected '=' after 'aeson'/],
    ['{\n  aeson = ;\n}', 2, /has no value/],
    ['{ a = "1"; }\n}', 2, /after the closing/],
    ['/* never closed\n{ }', 1, /unterminated \/\* comment/]
  ])('syntax error %#: line %i', (text, line, message) => {
    const parsed = parseNixOverrides(text)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) {
      expect(parsed.reason).toBe('syntax')
      expect(parsed.line).toBe(line)
      expect(parsed.message).toMatch(message)
    }
  })
  test.each([
    ['let v = "1"; in { a = v; }', 1],
    ['{ pkgs, ... }:\n{ a = "1"; }', 1],
    ['{\n  a = "${"1"}";\n}', 2],
    ['{ a = "1"; } // { b = "2"; }', 1],
    ['{\n  a.b = "1";\n}', 2],
    ['{ inherit (x) a; }', 1],
    ['{\n  a = builtins.foo;\n}', 2],
    ['{\n  a = v;\n}', 2]
  ])('Nix beyond the subset is recognised as such: %j', (text, line) => {
    const parsed = parseNixOverrides(text)
    expect(parsed).toMatchObject({ ok: false, reason: 'beyond-subset', line })
  })
})

describe('the JSON overrides form', () => {
  test('versions, {"version"} and {"path"} entries keep their lines', () => {
    const parsed = parseJsonOverrides(
      '{\n  "aeson": "2.2.3.0",\n  "my-lib": {"path": "./my-lib"},\n  "lens": {"version": "5.3.2"}\n}'
    )
    expect(parsed).toEqual({
      ok: true,
      entries: [
        { name: 'aeson', value: { kind: 'version', version: '2.2.3.0' }, line: 2 },
        { name: 'my-lib', value: { kind: 'path', path: './my-lib' }, line: 3 },
        { name: 'lens', value: { kind: 'version', version: '5.3.2' }, line: 4 }
      ]
    })
  })
  test('the plan JSON that plan --json prints is accepted as input', () => {
    const parsed = parseJsonOverrides(
      '{\n  "packages": [\n    { "name": "aeson", "version": "2.2.3.0" },\n    { "name": "my-lib", "path": "/src/my-lib" }\n  ]\n}'
    )
    expect(parsed).toEqual({
      ok: true,
      entries: [
        { name: 'aeson', value: { kind: 'version', version: '2.2.3.0' }, line: 3 },
        { name: 'my-lib', value: { kind: 'path', path: '/src/my-lib' }, line: 4 }
      ]
    })
  })
  test('duplicate JSON keys are caught, not silently merged', async () => {
    const root = await writeTree({ 'o.json': '{\n  "aeson": "2.2.3.0",\n  "aeson": "2.2.2.0"\n}' })
    const error = await planError(path.join(root, 'o.json'))
    expect(error.message).toMatch(/o\.json:3: 'aeson' is listed twice \(first on line 2\)$/)
  })
  test('invalid JSON reports the line', () => {
    expect(parseJsonOverrides('{\n  "aeson": "1",\n  "lens": \n}')).toMatchObject({
      ok: false,
      line: 4
    })
  })
  test('a value of the wrong type names the package', () => {
    expect(parseJsonOverrides('{\n"aeson": 2\n}')).toMatchObject({
      ok: false,
      line: 2,
      message: expect.stringMatching(/'aeson'/)
    })
  })
})

describe('planFromOverrides', () => {
  test('a mixed Nix file gives a sorted, normalized plan with local paths resolved', async () => {
    const root = await writeTree({
      'nix/overrides.nix':
        '{\n  zlib = "0.7.1.1";\n  aeson = "2.3.2.0";\n  my-lib = ../libs/my-lib;\n}\n',
      'libs/my-lib/my-lib.cabal': 'name: my-lib\nversion: 0.1\n'
    })
    const plan = await planFromOverrides(path.join(root, 'nix/overrides.nix'))
    expect(planToJson(plan)).toEqual({
      packages: [
        { name: 'aeson', version: '2.3.2.0' },
        { name: 'my-lib', path: '../libs/my-lib' },
        { name: 'zlib', version: '0.7.1.1' }
      ]
    })
    expect(plan.packages[1]).toMatchObject({
      source: 'local',
      absolutePath: path.join(root, 'libs/my-lib')
    })
  })

  test('the JSON form and the Nix form give the same plan', async () => {
    const root = await writeTree({
      'a.nix': '{ lens = "5.3.2"; hpack-lib = ./hp; }',
      'a.json': '{ "lens": "5.3.2", "hpack-lib": { "path": "./hp" } }',
      'hp/package.yaml': 'name: hpack-lib\nversion: 1.0\n'
    })
    const fromNix = planToJson(await planFromOverrides(path.join(root, 'a.nix')))
    const fromJson = planToJson(await planFromOverrides(path.join(root, 'a.json')))
    expect(fromJson).toEqual(fromNix)
  })

  test('every bad entry is reported at once with file:line, under one headline', async () => {
    const root = await writeTree({
      'overrides.nix': [
        '{',
        '  aeson = "2.2.3.0";',
        '  aeson = "2.2.2.0";',
        '  "bad_name" = "1.0";',
        '  lens = "5.3-rc1";',
        '  ghost = ./not-there;',
        '  empty = ./empty-dir;',
        '}'
      ].join('\n'),
      'empty-dir/README': 'no cabal file here'
    })
    const file = path.join(root, 'overrides.nix')
    const error = await planError(file)
    expect(error.kind).toBe('overrides')
    expect(error.message).toBe(`${file}:3: 'aeson' is listed twice (first on line 2)`)
    expect(error.details).toEqual([
      `${file}:4: 'bad_name' is not a valid Hackage package name (letters, digits and single dashes; no word all digits)`,
      `${file}:5: 'lens': "5.3-rc1" is not a valid version (numbers separated by dots, like "2.2.3.0")`,
      `${file}:6: 'ghost': local package ./not-there does not exist`,
      `${file}:7: 'empty': local package ./empty-dir has no .cabal file or package.yaml`
    ])
    expect(describeError(error).split('\n')[0]).toBe(
      `error: ${file}:3: 'aeson' is listed twice (first on line 2)`
    )
    expect(describeError(error)).toMatch(/\nhint: /)
  })

  test('a syntax error names the file and line', async () => {
    const root = await writeTree({ 'o.nix': '{\n  aeson = "2.2.3.0"\n}\n' })
    const error = await planError(path.join(root, 'o.nix'))
    expect(error.message).toBe(
      `${path.join(root, 'o.nix')}:2: missing ';' after the value of 'aeson'`
    )
  })

  test('an empty file, a missing file, a huge file and non-UTF-8 bytes are each one clear error', async () => {
    const root = await writeTree({
      'empty.nix': '  \n\n',
      'latin1.nix': Buffer.concat([
        Buffer.from('{\n  # caf'),
        Buffer.from([0xe9]),
        Buffer.from('\n  a = "1";\n}\n')
      ])
    })
    await writeFile(path.join(root, 'huge.nix'), Buffer.alloc(10 * 1024 * 1024, 0x20))
    expect((await planError(path.join(root, 'empty.nix'))).message).toMatch(
      /empty\.nix: the overrides file is empty$/
    )
    expect((await planError(path.join(root, 'missing.nix'))).message).toMatch(
      /missing\.nix: overrides file not found$/
    )
    expect((await planError(path.join(root, 'huge.nix'))).message).toMatch(
      /huge\.nix: file is 10\.0 MB/
    )
    expect(10 * 1024 * 1024).toBeGreaterThan(MAX_OVERRIDES_BYTES)
    expect((await planError(path.join(root, 'latin1.nix'))).message).toMatch(
      /latin1\.nix:2: the file is not valid UTF-8$/
    )
  })

  const withNix = findNix().available || process.env.CI ? test : test.skip
  withNix('an evaluation error from Nix keeps the file and the line it points at', async () => {
    const root = await writeTree({
      'o.nix': '{\n  aeson = "2.3.2.0";\n  zlib = builtins.notAThing;\n}\n'
    })
    const file = path.join(root, 'o.nix')
    const error = await planError(file)
    expect(error.message).toMatch(
      new RegExp(`^${file.replace(/[.]/g, '\\.')}:3: Nix could not evaluate it: .*notAThing`)
    )
  })

  withNix(
    'plan --json on a file Nix evaluates prints local paths relative to the file, as --help says',
    async () => {
      const root = await writeTree({
        'nix/o.nix':
          'let v = "2.2.3.0"; in {\n  aeson = v;\n  my-lib = ./libs/my-lib;\n  up-lib = ../up-lib;\n}\n',
        'nix/libs/my-lib/my-lib.cabal': 'name: my-lib\n',
        'up-lib/package.yaml': 'name: up-lib\n'
      })
      const out: string[] = []
      const code = await runCli(['plan', '--overrides', path.join(root, 'nix/o.nix'), '--json'], {
        write: t => out.push(t),
        log: t => out.push(t)
      })
      expect({ code, packages: JSON.parse(out.join('\n')).packages }).toEqual({
        code: 0,
        packages: [
          { name: 'aeson', version: '2.2.3.0' },
          { name: 'my-lib', path: './libs/my-lib' },
          { name: 'up-lib', path: '../up-lib' }
        ]
      })
    }
  )

  test('Nix beyond the subset without nix-instantiate says which line and what to do', async () => {
    const root = await writeTree({ 'o.nix': '{\n  aeson = "2.2.${"3"}.0";\n}\n' })
    const error = await planError(path.join(root, 'o.nix'), { nixInstantiate: false })
    expect(error.message).toMatch(/o\.nix:2: uses string interpolation/)
    expect(error.hint).toMatch(/install Nix/)
  })
})

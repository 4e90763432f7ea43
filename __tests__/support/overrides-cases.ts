/**
 * One table of overrides files, valid and invalid, that both readers are tested against
 * (__tests__/overrides-agreement.test.ts): the CLI (`some-cabal2nix plan`, which the Action runs)
 * and the Nix library (nix/overrides.nix, which every evaluation runs). Same verdict, same words.
 *
 * Files are written into one directory that also holds `my-lib/` (a local package) and
 * `no-cabal/` (a directory without a .cabal file). `FILE` in the expected words is the file's
 * absolute path.
 */
export interface OverridesCase {
  label: string
  file: string
  text: string | Buffer
  /** Valid: the package list as `plan --json` prints it. */
  packages?: Array<{ name: string; version: string } | { name: string; path: string }>
  /** Invalid: what the CLI prints on stderr, line by line (every line is in Nix's message too). */
  error?: string[]
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const FIX = 'hint: fix the overrides file; nothing was built'
const AESON_HTTP_TYPES_MY_LIB = [
  { name: 'aeson', version: '2.2.3.0' },
  { name: 'http-types', version: '0.12.4' },
  { name: 'my-lib', path: './my-lib' }
]

export const OVERRIDES_CASES: OverridesCase[] = [
  {
    label: 'a plain attribute set with comments, quoted names and a local package',
    file: 'plain.nix',
    text: '# pins\n{\n  # aeson = "2.2.2.0";\n  aeson = "2.2.3.0";   # current\n  "http-types" = "0.12.4";\n  my-lib = ./my-lib;\n}\n',
    packages: AESON_HTTP_TYPES_MY_LIB
  },
  {
    label: 'the JSON form',
    file: 'form.json',
    text: '{ "aeson": "2.2.3.0", "http-types": { "version": "0.12.4" }, "my-lib": { "path": "./my-lib" } }\n',
    packages: AESON_HTTP_TYPES_MY_LIB
  },
  {
    label: 'plan --json output',
    file: 'plan.json',
    text: '{\n  "packages": [\n    {\n      "name": "aeson",\n      "version": "2.2.3.0"\n    },\n    {\n      "name": "my-lib",\n      "path": "./my-lib"\n    }\n  ]\n}\n',
    packages: [
      { name: 'aeson', version: '2.2.3.0' },
      { name: 'my-lib', path: './my-lib' }
    ]
  },
  {
    label: 'JSON with a byte order mark (JSON readers skip it)',
    file: 'bom.json',
    text: Buffer.concat([BOM, Buffer.from('{ "zlib": "0.7.1.1" }\n')]),
    packages: [{ name: 'zlib', version: '0.7.1.1' }]
  },
  {
    label: 'a Nix file with a byte order mark (Nix cannot import it)',
    file: 'bom.nix',
    text: Buffer.concat([BOM, Buffer.from('{ zlib = "0.7.1.1"; }\n')]),
    error: [
      'error: FILE:1: the file starts with a byte order mark (BOM), which Nix cannot read',
      'hint: save it as UTF-8 without a BOM'
    ]
  },
  {
    label: 'a name listed twice in a Nix file',
    file: 'twice.nix',
    text: '{\n  aeson = "2.2.3.0";\n  zlib = "0.7.1.1";\n  aeson = "2.2.3.1";\n}\n',
    error: ["error: FILE:4: 'aeson' is listed twice (first on line 2)", FIX]
  },
  {
    label: 'a name listed twice in JSON',
    file: 'twice.json',
    text: '{\n  "aeson": "2.2.3.0",\n  "zlib": "0.7.1.1",\n  "aeson": "2.2.3.1"\n}\n',
    error: ["error: FILE:4: 'aeson' is listed twice (first on line 2)", FIX]
  },
  {
    label: 'a name listed twice in plan JSON',
    file: 'twice-plan.json',
    text: '{\n  "packages": [\n    { "name": "aeson", "version": "2.2.3.0" },\n    { "name": "aeson", "version": "2.2.3.1" }\n  ]\n}\n',
    error: ["error: FILE:4: 'aeson' is listed twice (first on line 3)", FIX]
  },
  {
    label: "the README's example: a name listed twice and a bad version, both reported (Nix)",
    file: 'readme-example.nix',
    text: '{\n  aeson = "2.2.3.0";\n  aeson = "2.2.3.1";\n  zlib = "0.7.1.1";\n  lens = "5.3-rc1";\n}\n',
    error: [
      "error: FILE:3: 'aeson' is listed twice (first on line 2)",
      '  FILE:5: \'lens\': "5.3-rc1" is not a valid version (numbers separated by dots, like "2.2.3.0")',
      FIX
    ]
  },
  {
    label:
      'a name listed twice beside a missing local package and a bad name, comments in between (Nix)',
    file: 'twice-and-more.nix',
    text: '# my-lib = ./my-lib;\n{\n  my-lib = ./does-not-exist; /* "123" = "1.0"; */\n  "123" = "1.0";\n  my-lib = ./my-lib;\n  "http-types" = "0.12.4";\n  "http-types" = "0.12.5";\n}\n',
    error: [
      "error: FILE:3: 'my-lib': local package ./does-not-exist does not exist",
      "  FILE:4: '123' is not a valid Hackage package name (letters, digits and single dashes; no word all digits)",
      "  FILE:5: 'my-lib' is listed twice (first on line 3)",
      "  FILE:7: 'http-types' is listed twice (first on line 6)",
      FIX
    ]
  },
  {
    label: 'a name listed twice and a bad version in JSON, both reported',
    file: 'twice-and-more.json',
    text: '{\n  "aeson": "2.2.3.0",\n  "lens": "5.3-rc1",\n  "aeson": "2.2.3.1"\n}\n',
    error: [
      'error: FILE:3: \'lens\': "5.3-rc1" is not a valid version (numbers separated by dots, like "2.2.3.0")',
      "  FILE:4: 'aeson' is listed twice (first on line 2)",
      FIX
    ]
  },
  {
    label: 'a JSON file with // comments',
    file: 'comments.json',
    text: '{\n  "aeson": "2.2.3.0",\n  // pinned for the release\n  "zlib": "0.7.1.1"\n}\n',
    error: [
      'error: FILE:3: invalid JSON: comments are not allowed in JSON',
      'hint: JSON has no comments: remove them, or write the overrides as a .nix file, where # comments are fine'
    ]
  },
  {
    // A version is exactly what Hackage names it: no reader trims it into one.
    label: 'versions with surrounding whitespace',
    file: 'spaced.nix',
    text: '{\n  aeson = " 2.2.3.0";\n  zlib = "0.7.1.1 ";\n}\n',
    error: [
      'error: FILE:2: \'aeson\': " 2.2.3.0" is not a valid version (numbers separated by dots, like "2.2.3.0")',
      '  FILE:3: \'zlib\': "0.7.1.1 " is not a valid version (numbers separated by dots, like "2.2.3.0")',
      FIX
    ]
  },
  {
    label: 'a JSON version with a trailing space',
    file: 'spaced.json',
    text: '{ "aeson": "2.2.3.0 " }\n',
    error: [
      'error: FILE:1: \'aeson\': "2.2.3.0 " is not a valid version (numbers separated by dots, like "2.2.3.0")',
      FIX
    ]
  },
  {
    label: 'bad names and versions, all reported at once',
    file: 'bad-names.nix',
    text: '{\n  aeson = "2.3.x";\n  zlib = "0.7.1.1";\n  "123" = "1.0";\n}\n',
    error: [
      'error: FILE:2: \'aeson\': "2.3.x" is not a valid version (numbers separated by dots, like "2.2.3.0")',
      "  FILE:4: '123' is not a valid Hackage package name (letters, digits and single dashes; no word all digits)",
      FIX
    ]
  },
  {
    label: 'a local package that does not exist',
    file: 'missing-dir.nix',
    text: '{\n  zlib = "0.7.1.1";\n  my-lib = ./does-not-exist;\n}\n',
    error: ["error: FILE:3: 'my-lib': local package ./does-not-exist does not exist", FIX]
  },
  {
    label: 'a local package without a .cabal file',
    file: 'no-cabal.nix',
    text: '{ no-cabal = ./no-cabal; }\n',
    error: [
      "error: FILE:1: 'no-cabal': local package ./no-cabal has no .cabal file or package.yaml",
      FIX
    ]
  },
  {
    label: 'a value that is neither a version nor a path (Nix)',
    file: 'not-a-string.nix',
    text: '{\n  aeson = 3;\n}\n',
    error: [
      "error: FILE:2: 'aeson' evaluates to a int; expected a version string or a path",
      'hint: expected { package-name = "version"; local-package = ./path; }'
    ]
  },
  {
    label: 'a value that is neither a version nor a path (JSON)',
    file: 'bad.json',
    text: '{\n  "zlib": "0.7.1.1",\n  "aeson": 3\n}\n',
    error: [
      'error: FILE:3: \'aeson\' must be a version string, {"version": "…"} or {"path": "./dir"}'
    ]
  },
  {
    label: 'no packages',
    file: 'none.nix',
    text: '# nothing yet\n{ }\n',
    error: [
      'error: FILE: no packages to build',
      'hint: add at least one package, e.g. { aeson = "2.2.3.0"; }'
    ]
  },
  {
    label: 'an empty file',
    file: 'empty.nix',
    text: '\n',
    error: [
      'error: FILE: the overrides file is empty',
      'hint: write { package-name = "version"; } or the JSON form'
    ]
  }
]

/**
 * Reading Nix's evaluation errors: Nix 2.8 puts the message first; Nix >= 2.19 prints a bare
 * `error:`, the trace from the outermost frame in, and the message last. The samples are what
 * each version prints (with --show-trace) for the same mistakes; the Nix-facing suites check the
 * live output on every Nix of the CI matrix.
 */
import { firstBuildError, nixEvaluationError } from '../src/common/nix-output.js'

const FILE = '/tmp/scn/o.nix'

const NIX_2_8_UNDEFINED = `error: undefined variable 'x'

       at /tmp/scn/o.nix:3:11:

            2|   zlib = "0.7.1.1";
            3|   aeson = x;
             |           ^
            4| }

       … while evaluating the file '/tmp/scn/o.nix':
`

const NIX_2_34_UNDEFINED = `error:
       … while calling the 'import' builtin
         at «string»:1:12:
            1| { file }: import (/. + file)
             |            ^

       … while evaluating the file '/tmp/scn/o.nix':

       error: undefined variable 'x'
       at /tmp/scn/o.nix:3:11:
            2|   zlib = "0.7.1.1";
            3|   aeson = x;
             |           ^
            4| }
`

const NIX_2_34_THROW_IN_CALL = `error:
       … while evaluating the attribute 'lens'
         at /tmp/scn/o.nix:2:3:
            1| self: super: {
            2|   lens = super.callHackage "lens" "5.3.2" { };
             |   ^

       … while calling 'callHackage'
         at /tmp/scn/o.nix:5:3:

       … while calling the 'throw' builtin
         at «string»:9:7:

       error: some-cabal2nix: callHackage needs a literal version
`

test.each([
  ['Nix 2.8', NIX_2_8_UNDEFINED, { message: "undefined variable 'x'", line: 3 }],
  ['Nix 2.34', NIX_2_34_UNDEFINED, { message: "undefined variable 'x'", line: 3 }],
  [
    'Nix 2.34, an error raised outside the file: the innermost frame in it',
    NIX_2_34_THROW_IN_CALL,
    { message: 'callHackage needs a literal version', line: 5 }
  ]
])('%s: the message and the line of the file', (_label, stderr, expected) => {
  expect(nixEvaluationError(stderr, FILE)).toEqual(expected)
})

test('colours and a missing position: still the message, line 0', () => {
  expect(nixEvaluationError('\u001b[31;1merror:\u001b[0m\n       error: boom\n', FILE)).toEqual({
    message: 'boom',
    line: 0
  })
})

test('a build error on newer Nix: the indented message, not the bare error: line', () => {
  const stderr = `error:
       … while evaluating the attribute 'drvPath'

       error: attribute 'meta' missing
       at /nix/store/x-some-cabal2nix/aeson/default.nix:37:13:
`
  expect(firstBuildError(stderr)).toBe("error: attribute 'meta' missing")
})

/**
 * The CLI and the Nix library read overrides files alike: every case of the shared table
 * (support/overrides-cases.ts) gets the same verdict and the same words from `some-cabal2nix plan`
 * and from nix/overrides.nix evaluated by the real Nix.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseNixOverrides } from '../src/builder/overrides.js'
import { runCli } from '../src/cli.js'
import { tempDir } from './support/files.js'
import { describeWithNix, repoRoot, run } from './support/nix.js'
import { OVERRIDES_CASES, type OverridesCase } from './support/overrides-cases.js'

let dir: string

beforeAll(async () => {
  dir = await tempDir('agreement')
  await mkdir(path.join(dir, 'my-lib'))
  await writeFile(path.join(dir, 'my-lib', 'my-lib.cabal'), 'name: my-lib\nversion: 0.1\n')
  await mkdir(path.join(dir, 'no-cabal'))
  await writeFile(path.join(dir, 'no-cabal', 'README.md'), 'not a Haskell package\n')
  for (const c of OVERRIDES_CASES) await writeFile(path.join(dir, c.file), c.text)
})

function expectedLines(file: string, lines: string[]): string[] {
  return lines.map(l => l.replaceAll('FILE', path.join(dir, file)))
}

/** Files beyond the plain subset: the CLI reads them by evaluating them with Nix. */
function cliNeedsNix(c: OverridesCase): boolean {
  if (!c.file.endsWith('.nix')) return false
  const parsed = parseNixOverrides(c.text.toString().replace(/^\uFEFF/, ''))
  return !parsed.ok && parsed.reason === 'beyond-subset'
}

async function expectCliAgrees(c: OverridesCase): Promise<void> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['plan', '--overrides', path.join(dir, c.file), '--json'], {
    write: t => out.push(t),
    log: t => err.push(t)
  })
  if (c.packages) {
    expect({ code, stderr: err.join('\n') }).toEqual({ code: 0, stderr: '' })
    expect(JSON.parse(out.join('\n')).packages).toEqual(c.packages)
  } else {
    expect({ code, stderr: err.join('\n').split('\n') }).toEqual({
      code: 1,
      stderr: expectedLines(c.file, c.error as string[])
    })
  }
}

const cases = (list: OverridesCase[]) => list.map(c => [c.label, c] as const)

describe('the CLI (some-cabal2nix plan)', () => {
  test.each(cases(OVERRIDES_CASES.filter(c => !cliNeedsNix(c))))('%s', (_label, c) =>
    expectCliAgrees(c)
  )
})

describeWithNix('the CLI (some-cabal2nix plan) on files it evaluates with Nix', () => {
  test.each(cases(OVERRIDES_CASES.filter(cliNeedsNix)))('%s', (_label, c) => expectCliAgrees(c))
})

describeWithNix('the Nix library (nix/overrides.nix)', () => {
  const expr = (file: string) =>
    `map (e: if e.kind == "hackage" then { inherit (e) name version; } else { inherit (e) name; path = toString e.src; }) ` +
    `((import ${path.join(repoRoot, 'nix')}).readOverrides ${file}).entries`

  test.each(OVERRIDES_CASES.map(c => [c.label, c] as const))('%s', async (_label, c) => {
    const file = path.join(dir, c.file)
    const result = await run('nix-instantiate', [
      '--eval',
      '--strict',
      '--json',
      '--readonly-mode',
      '--expr',
      expr(file)
    ])
    if (c.packages) {
      expect({ code: result.code, stderr: result.stderr.replace(/^warning: .*\n/gm, '') }).toEqual({
        code: 0,
        stderr: ''
      })
      // Nix gives local packages as the absolute path; the CLI as written in the file.
      const packages = (c.packages ?? []).map(p =>
        'path' in p ? { name: p.name, path: path.join(dir, p.path) } : p
      )
      expect(JSON.parse(result.stdout)).toEqual(packages)
    } else {
      expect(result.code).not.toBe(0)
      // Nix prints `error: <message>` and indents the message's further lines.
      const nixLines = result.stderr.split('\n').map(l => l.trim())
      expect(nixLines).toEqual(
        expect.arrayContaining(expectedLines(c.file, c.error as string[]).map(l => l.trim()))
      )
    }
  })
})

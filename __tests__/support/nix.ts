/**
 * Shared setup for the end-to-end tests with the real Nix (__tests__/nix-*.test.ts): finds Nix,
 * decides whether the tests run, and prepares a private Nix configuration, a fresh
 * all-cabal-hashes archive (new store paths every run) and the cabal2nix test double.
 *
 * Without Nix the tests are skipped loudly on a developer machine; in CI (CI set) a missing Nix
 * fails, so the Nix library is never silently untested there.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { buildSampleArchive } from '../../testing/archives.mjs'
import {
  copyProject,
  createNixEnv,
  findNix,
  makeCabal2nixPrefix,
  nodePrefix,
  type NixEnv
} from '../../testing/nix/harness.mjs'
import { tempDir } from './files.js'
import { warnSkipped } from './skip.js'

export * from '../../testing/nix/harness.mjs'

export const nix = findNix()

/**
 * Whether this Nix tees its records to `json-log-path`, asked of Nix as the Action asks it
 * (`nix config show --json`, `nix show-config --json` before 2.20), never read off the version.
 */
export function nixKnowsJsonLogPath(): boolean {
  if (!nix.available) return false
  for (const args of [['config', 'show'], ['show-config']]) {
    const result = spawnSync(
      'nix',
      ['--extra-experimental-features', 'nix-command', ...args, '--json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
    )
    if (result.status === 0) return 'json-log-path' in JSON.parse(result.stdout)
  }
  return false
}

/**
 * `describe` when Nix is installed. Otherwise: outside CI, one line on stderr and `describe.skip`; in CI,
 * one failing test saying why.
 */
export function describeWithNix(name: string, body: () => void): void {
  if (nix.available) {
    describe(name, body)
    return
  }
  if (process.env.CI) {
    describe(name, () => {
      test('needs Nix (nix-instantiate on PATH)', () => {
        throw new Error(
          'Nix is not installed, and CI must run the Nix end-to-end tests (scripts/setup.sh installs nix-bin)'
        )
      })
    })
    return
  }
  warnSkipped(
    name,
    'Nix is not installed (nix-instantiate not on PATH). Install nix-bin to run these tests.'
  )
  describe.skip(name, body)
}

export interface NixWorkspace {
  dir: string
  nix: NixEnv
  /** A fresh all-cabal-hashes tarball of the 24 sample packages (unique revision). */
  archive: string
  archiveName: string
  rev: string
  /** Package prefixes for the Nix library. */
  cabal2nix: string
  nodejs: string
  /** Every cabal2nix run appends `<name> <version>` here. */
  cabal2nixLog: string
  /** A private copy of testing/nix/project. */
  projectDir: string
}

/** Everything one test file needs; a new archive revision means new store paths (cold runs). */
export async function createNixWorkspace(label: string): Promise<NixWorkspace> {
  const dir = await tempDir(`nix-${label}`)
  const rev = `${label}-${randomBytes(6).toString('hex')}`
  const archive = path.join(dir, `all-cabal-hashes-${rev}.tar.gz`)
  await buildSampleArchive({ outFile: archive, rev })
  const cabal2nixLog = path.join(dir, 'cabal2nix.log')
  const cabal2nix = await makeCabal2nixPrefix(path.join(dir, 'cabal2nix'), {
    logFile: cabal2nixLog
  })
  const projectDir = await copyProject(path.join(dir, 'project'))
  await mkdir(path.join(dir, 'tmp'), { recursive: true })
  return {
    dir,
    nix: await createNixEnv(dir),
    archive,
    archiveName: `${rev}.tar.gz`,
    rev,
    cabal2nix,
    nodejs: nodePrefix(),
    cabal2nixLog,
    projectDir
  }
}

/** The arguments of evalProject that come from the workspace. */
export function projectArgs(ws: NixWorkspace) {
  return {
    archive: ws.archive,
    archiveName: ws.archiveName,
    cabal2nix: ws.cabal2nix,
    nodejs: ws.nodejs,
    projectDir: ws.projectDir
  }
}

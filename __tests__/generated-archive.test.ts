/**
 * The full-size generator's .cabal files are ones the real cabal2nix accepts, so a batch over a
 * generated archive can run the real tool. A sample of packages from a few seeds, every version.
 */
import { execFile } from 'node:child_process'
import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { generateFullSizeArchive, realCabal2nix } from '../testing/archives.mjs'
import { tempDir } from './support/files.js'

const run = promisify(execFile)
const cabal2nix = realCabal2nix()
if (!cabal2nix) {
  console.warn(
    'generated-archive.test.ts: NO REAL cabal2nix ($CABAL2NIX, PATH, ../shared/cabal2nix): the generated .cabal files are not checked'
  )
}

const testWithCabal2nix = cabal2nix ? test : test.skip

testWithCabal2nix.each([1, 7, 23])(
  'seed %i: every version of 60 generated packages passes the real cabal2nix',
  async seed => {
    const dir = await tempDir(`generated-${seed}`)
    const outFile = path.join(dir, 'archive.tar.gz')
    await generateFullSizeArchive({ outFile, seed, packages: 84 })
    const unpacked = path.join(dir, 'unpacked')
    const home = path.join(dir, 'home')
    await mkdir(unpacked)
    await mkdir(home)
    await run('tar', ['-xzf', outFile, '-C', unpacked, '--wildcards', '*.cabal'])
    const [top] = await readdir(unpacked)
    const files: string[] = []
    for (const pkg of await readdir(path.join(unpacked, top))) {
      for (const version of await readdir(path.join(unpacked, top, pkg)).catch(() => [])) {
        files.push(path.join(unpacked, top, pkg, version, `${pkg}.cabal`))
      }
    }
    expect(files.length).toBeGreaterThan(150)
    const refused: string[] = []
    for (const file of files) {
      try {
        await run(
          cabal2nix as string,
          [
            '--compiler=ghc-9.6.6',
            '--system=x86_64-unknown-linux-gnu',
            `--sha256=${'0'.repeat(64)}`,
            file
          ],
          { env: { ...process.env, HOME: home, LC_ALL: 'C.UTF-8' } }
        )
      } catch (error) {
        const stderr = String((error as { stderr?: string }).stderr ?? error)
        refused.push(`${path.relative(unpacked, file)}: ${stderr.split('\n').slice(-3).join(' ')}`)
      }
    }
    expect(refused).toEqual([])
  },
  // About 170 cabal2nix runs one after another: ~60 s on a quiet machine, several times that under
  // load. The bound is there to stop a hang, not to measure speed.
  900_000
)

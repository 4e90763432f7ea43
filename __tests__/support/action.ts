/** Shared setup for tests that run the Action (dist/index.js) against the real Nix. */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  startActionsCacheServer,
  type ActionsCacheServer
} from '../../testing/servers/actions-cache-server.mjs'
import { repoRoot } from './files.js'
import { createNixWorkspace, generateCacheKey, run, type NixWorkspace } from './nix.js'
import { SimulatedRunner, type StepResult } from './runner.js'

export const PACKAGES: Array<[string, string]> = [
  ['AC-Colour', '1.1.6'],
  ['X11', '1.10.1'],
  ['aeson', '2.3.2.0'],
  ['bytestring', '0.12.2.0'],
  ['containers', '0.6.4.1'],
  ['hashable', '1.5.1.0'],
  ['hmatrix', '0.20.2'],
  ['http-types', '0.12.6'],
  ['lens', '5.3.2'],
  ['megaparsec', '9.8.0'],
  ['network', '3.1.2.8'],
  ['text', '2.1.4'],
  ['vector', '0.13.2.0'],
  ['zlib', '0.7.1.1']
]

export function overridesText(packages: Array<[string, string]>): string {
  return `# Hackage pins\n{\n${packages.map(([n, v]) => `  ${n} = "${v}";`).join('\n')}\n}\n`
}

export interface Scenario {
  ws: NixWorkspace
  workspace: string
  runnerTemp: string
  secretKey: string
  publicKey: string
  binaryCacheDir: string
  /** Run the steps as this user (see support/daemon.ts). */
  user?: { uid: number; gid: number }
}

export async function createScenario(label: string, packages = PACKAGES): Promise<Scenario> {
  const ws = await createNixWorkspace(label)
  const workspace = path.join(ws.dir, 'repo')
  await mkdir(path.join(workspace, 'ci'), { recursive: true })
  await writeFile(path.join(workspace, 'overrides.nix'), overridesText(packages))
  await writeFile(
    path.join(workspace, 'ci', 'batch.nix'),
    `(import ${path.join(repoRoot, 'nix')}).someCabal2nix {
  overrides = ../overrides.nix;
  allCabalHashes = ${ws.archive};
  cabal2nix = "${ws.cabal2nix}";
  nodejs = "${ws.nodejs}";
  compiler = "ghc-9.8.4";
  system = "x86_64-unknown-linux-gnu";
}
`
  )
  const keys = await generateCacheKey(ws.nix, path.join(ws.dir, 'keys'), `${label}-cache-1`)
  return {
    ws,
    workspace,
    runnerTemp: path.join(ws.dir, 'runner-temp'),
    secretKey: (await readFile(keys.secretKeyFile, 'utf8')).trim(),
    publicKey: keys.publicKey,
    binaryCacheDir: path.join(ws.dir, 'binary-cache')
  }
}

export async function runMain(
  s: Scenario,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<StepResult> {
  return (await createRunner(s, inputs, env)).runMain()
}

/** A runner for one job of the scenario (main step, then the post step if wanted). */
export function createRunner(
  s: Scenario,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<SimulatedRunner> {
  return SimulatedRunner.create({
    workspace: s.workspace,
    runnerTemp: s.runnerTemp,
    inputs: { installable: 'ci/batch.nix', comment: 'false', ...inputs },
    user: s.user,
    env: {
      NIX_CONF_DIR: s.ws.nix.confDir,
      XDG_CACHE_HOME: s.ws.nix.env.XDG_CACHE_HOME as string,
      NIX_PATH: '',
      ...env
    }
  })
}

export function cacheEnv(server: ActionsCacheServer, s: Scenario): Record<string, string> {
  return { ...server.env, RUNNER_TEMP: s.runnerTemp }
}

/** A scenario whose cold run built the batch and saved it to a fresh loopback Actions cache. */
export async function coldRunSaved(
  label: string,
  packages: Array<[string, string]>
): Promise<{ s: Scenario; server: ActionsCacheServer; cold: StepResult }> {
  const s = await createScenario(label, packages)
  const server = await startActionsCacheServer()
  const cold = await runMain(s, {}, cacheEnv(server, s))
  expectGreen(cold)
  return { s, server, cold }
}

export async function deleteFromStore(s: Scenario, storePath: string): Promise<void> {
  const result = await run('nix-store', ['--delete', storePath], { env: s.ws.nix.env })
  if (result.code !== 0) throw new Error(`could not delete ${storePath}: ${result.stderr}`)
  expect(existsSync(storePath)).toBe(false)
}

export function expectGreen(result: StepResult): void {
  if (result.code !== 0) throw new Error(`main step failed:\n${result.stdout}\n${result.stderr}`)
}

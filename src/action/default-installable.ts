/**
 * What to pre-warm when the installable input is empty: the repository's own flake output when it
 * has one, else the zero-config expression over the plan, saying which nixpkgs and library it
 * uses (and warning when they are unpinned).
 */
import * as core from '@actions/core'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PackagePlan } from '../builder/plan.js'
import type { ActionConfig } from './config.js'
import { flakeBatchOutput } from './flake-output.js'
import type { Installable } from './store.js'
import { zeroConfigInstallable, zeroConfigSources } from './zero-config.js'

/** Drop-in mode without an installable: the Nix library reads the recorded plan as JSON. */
async function writePlanFile(plan: PackagePlan): Promise<string> {
  const file = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'some-cabal2nix-plan.json')
  const packages = plan.packages.map(p =>
    p.source === 'hackage'
      ? { name: p.name, version: p.version }
      : { name: p.name, path: p.absolutePath }
  )
  await writeFile(file, JSON.stringify({ packages }, null, 2) + '\n')
  return file
}

/** The zero-config installable, saying which nixpkgs and library it uses (and warning when unpinned). */
async function zeroConfig(config: ActionConfig, plan: PackagePlan): Promise<Installable> {
  const flakeLock = await readFile(path.join(config.workingDirectory, 'flake.lock'), 'utf8').catch(
    () => undefined
  )
  const sources = zeroConfigSources(flakeLock, process.env.NIX_PATH)
  for (const note of sources.notes) core.info(`zero-config ${note}`)
  for (const warning of sources.warnings) core.warning(warning)
  return zeroConfigInstallable(
    {
      workingDirectory: config.workingDirectory,
      overridesFile: config.overridesFile ?? (await writePlanFile(plan)),
      actionRoot: actionRoot()
    },
    sources
  )
}

/** Without an installable: the repo's own flake output when it has one, else zero-config. */
export async function defaultInstallable(
  config: ActionConfig,
  plan: PackagePlan
): Promise<Installable> {
  const flake = await flakeBatchOutput(config.workingDirectory)
  core.info(`no installable input: ${flake.note}`)
  return flake.installable ?? zeroConfig(config, plan)
}

function actionRoot(): string {
  return path.dirname(path.dirname(fileURLToPath(import.meta.url)))
}

/**
 * The audit's side effects: read what Nix recorded while the main build ran (build logs under
 * $NIX_LOG_DIR, registrations in `nix path-info --all`, the batches' `.drv` files) — or take what
 * the job's Nix processes reported (observe/) — and hand it to audit.ts's pure classification.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { errorMessage } from '../common/errors.js'
import {
  auditFrom,
  auditFromObserved,
  derivationEnv,
  drvPathOfLog,
  isBatchName,
  storeName,
  type BuiltDerivation,
  type Evidence,
  type MainBuildAudit,
  type ObservedFindings,
  type OurBatch
} from './audit.js'
import { NixStore } from './store.js'
import type { PathInfo } from './store/path-info.js'

export function nixLogDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NIX_LOG_DIR || '/nix/var/log/nix'
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code ?? errorMessage(error)
}

/** Build logs whose last write falls in the window. Throws a one-line reason when unreadable. */
export async function buildLogsIn(
  logDir: string,
  window: { startMs: number; endMs: number }
): Promise<BuiltDerivation[]> {
  const drvs = path.join(logDir, 'drvs')
  let prefixes: string[]
  try {
    prefixes = await readdir(drvs)
  } catch (error) {
    throw new Error(`Nix's build logs at ${drvs} cannot be read: ${errorCode(error)}`, {
      cause: error
    })
  }
  const found: BuiltDerivation[] = []
  for (const prefix of prefixes) {
    const dir = path.join(drvs, prefix)
    const files = await readdir(dir).catch(() => [] as string[])
    for (const file of files) {
      const full = path.join(dir, file)
      const drvPath = drvPathOfLog(full)
      if (!drvPath) continue
      const info = await stat(full).catch(() => undefined)
      if (!info || info.mtimeMs < window.startMs || info.mtimeMs > window.endMs) continue
      const born = info.birthtimeMs > 0 ? info.birthtimeMs : undefined
      found.push({
        drvPath,
        name: storeName(drvPath),
        kind: 'other',
        startMs: born !== undefined && born <= info.mtimeMs ? born : undefined,
        endMs: info.mtimeMs
      })
    }
  }
  return found
}

async function registeredIn(
  window: { startMs: number; endMs: number },
  cwd: string
): Promise<PathInfo[]> {
  const from = Math.floor(window.startMs / 1000)
  const to = Math.ceil(window.endMs / 1000)
  return (await new NixStore(cwd).allPathInfo()).filter(
    i => i.registrationTime !== undefined && i.registrationTime >= from && i.registrationTime <= to
  )
}

async function drvEnv(drvPath: string): Promise<Record<string, string> | undefined> {
  const text = await readFile(drvPath, 'utf8').catch(() => undefined)
  return text === undefined ? undefined : derivationEnv(text)
}

/** The batches' `.drv` environments, a substituted batch's through its deriver. */
async function batchEnvs(drvs: string[], substituted: PathInfo[]): Promise<Evidence['envs']> {
  const envs: Evidence['envs'] = {}
  for (const drv of drvs) {
    const env = await drvEnv(drv)
    if (env) envs[drv] = env
  }
  for (const i of substituted) if (i.deriver && envs[i.deriver]) envs[i.path] = envs[i.deriver]
  return envs
}

/** The observed audit: the observation names a substituted batch's path, not its derivation. */
async function observedAudit(
  found: ObservedFindings,
  ours: OurBatch,
  window: { startMs: number; endMs: number },
  cwd: string
): Promise<MainBuildAudit> {
  const substitutedBatches = found.substituted.filter(s => s.kind === 'batch').map(s => s.path)
  const batches = substitutedBatches.length
    ? await new NixStore(cwd).pathInfo(substitutedBatches)
    : []
  const envs = await batchEnvs(
    [
      ...(ours.drvPath ? [ours.drvPath] : []),
      ...found.built.filter(d => d.kind === 'batch').map(d => d.drvPath),
      ...batches.flatMap(i => (i.deriver ? [i.deriver] : []))
    ],
    batches
  )
  return auditFromObserved(found, envs, ours, window)
}

/**
 * The main build's audit: from what the job's Nix processes reported when there is an
 * observation, else from what Nix recorded between the end of our main step and now
 * (`inferredBecause` says why); an unknown audit when neither can be read.
 */
export async function auditMainBuild(
  ours: OurBatch,
  window: { startMs: number; endMs: number },
  options: {
    env?: NodeJS.ProcessEnv
    cwd?: string
    observed?: ObservedFindings
    inferredBecause?: string
  } = {}
): Promise<MainBuildAudit> {
  const cwd = options.cwd ?? process.cwd()
  try {
    if (options.observed) return await observedAudit(options.observed, ours, window, cwd)
    const built = await buildLogsIn(nixLogDir(options.env), window)
    const registered = await registeredIn(window, cwd)
    const ourName = storeName(ours.outPath)
    const envs = await batchEnvs(
      [
        ...(ours.drvPath ? [ours.drvPath] : []),
        ...built.filter(d => isBatchName(d.name, ourName)).map(d => d.drvPath),
        ...registered
          .filter(i => isBatchName(storeName(i.path), ourName) && i.deriver)
          .map(i => i.deriver as string)
      ],
      registered
    )
    return auditFrom({ built, registered, envs }, ours, window, options.inferredBecause)
  } catch (error) {
    return { status: 'unknown', reason: errorMessage(error) }
  }
}

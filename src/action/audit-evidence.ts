/**
 * The audit's side effects: read what Nix recorded while the main build ran (build logs under
 * $NIX_LOG_DIR, registrations in `nix path-info --all`, the batches' `.drv` files) and hand it to
 * audit.ts's pure classification.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { errorMessage } from '../common/errors.js'
import {
  auditFrom,
  derivationEnv,
  drvPathOfLog,
  isBatchName,
  storeName,
  type BuiltDerivation,
  type Evidence,
  type MainBuildAudit,
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

/** Reads what Nix recorded between the end of our main step and now; an unknown audit when it cannot. */
export async function auditMainBuild(
  ours: OurBatch,
  window: { startMs: number; endMs: number },
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}
): Promise<MainBuildAudit> {
  try {
    const built = await buildLogsIn(nixLogDir(options.env), window)
    const registered = await registeredIn(window, options.cwd ?? process.cwd())
    const envs: Evidence['envs'] = {}
    const ourName = storeName(ours.outPath)
    const batchDrvs = [
      ...(ours.drvPath ? [ours.drvPath] : []),
      ...built.filter(d => isBatchName(d.name, ourName)).map(d => d.drvPath),
      ...registered
        .filter(i => isBatchName(storeName(i.path), ourName) && i.deriver)
        .map(i => i.deriver as string)
    ]
    for (const drv of batchDrvs) {
      const env = await drvEnv(drv)
      if (env) envs[drv] = env
    }
    // A substituted batch is compared through its deriver's environment.
    for (const i of registered) if (i.deriver && envs[i.deriver]) envs[i.path] = envs[i.deriver]
    return auditFrom({ built, registered, envs }, ours, window)
  } catch (error) {
    return { status: 'unknown', reason: errorMessage(error) }
  }
}

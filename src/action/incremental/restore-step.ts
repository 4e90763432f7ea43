/**
 * Main step, incremental builds: for every package the `incremental` input names, restore the
 * newest intermediates entry of (package, GHC, platform) from the Actions cache (GitHub looks in
 * this branch, then the base branch, then the default branch), import it into the store the way a
 * batch entry is imported (with signing-key or trusted-public-keys, only when signed by a trusted
 * key), and lay the imported trees out in one directory. The `nix-args` output points the user's
 * build at it. Every failure here is a warning: the build then starts from zero. With a GHC older
 * than 9.4 (which recompiles by file times) nothing is restored: the Nix library builds from zero
 * there anyway, and says so.
 */
import * as core from '@actions/core'
import { chmod, cp, lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import type { PackagePlan } from '../../builder/plan.js'
import { errorMessage } from '../../common/errors.js'
import { derivationEnv } from '../audit.js'
import { restoreBatch } from '../cache.js'
import { entryPublicKeys, importCacheEntry } from '../cache-entry.js'
import type { ActionConfig } from '../config.js'
import type { IncrementalState } from '../state.js'
import type { NixStore } from '../store.js'
import { fileTimesReason, recompilesByHash } from './outcome.js'
import { intermediatesKeyPrefix, nixArgs, selectedPackages } from './plan.js'

/** The GHC version the batch was generated for (its `compiler`, `ghc-X.Y.Z`). */
export async function batchGhcVersion(batchDrvPath: string): Promise<string | undefined> {
  const aterm = await readFile(batchDrvPath, 'utf8').catch(() => undefined)
  const compiler = aterm === undefined ? undefined : derivationEnv(aterm).compiler
  return compiler?.startsWith('ghc-') ? compiler.slice(4) : undefined
}

export interface RestoreIntermediatesOptions {
  config: ActionConfig
  store: NixStore
  plan: PackagePlan
  batchDrvPath: string
  useCache: boolean
  /** Where entries are restored to and the previous intermediates are laid out. */
  workDir: string
}

/** → the state for the post step and the `nix-args` output; undefined when incremental is off. */
export async function restoreIntermediates(
  options: RestoreIntermediatesOptions
): Promise<{ state: IncrementalState; nixArgs: string } | undefined> {
  const { config, store, plan } = options
  const localPackages = plan.packages.filter(p => p.source !== 'hackage').map(p => p.name)
  const names = selectedPackages(config.incremental, localPackages)
  if (names.length === 0) return undefined
  const ghcVersion = await batchGhcVersion(options.batchDrvPath)
  if (!ghcVersion) {
    core.warning(
      `incremental: cannot tell the GHC version from ${options.batchDrvPath}; building ${names.join(', ')} from zero`
    )
    return undefined
  }
  const platform = `${process.platform}-${process.arch}`
  const previousDir = path.join(options.workDir, 'previous-intermediates')
  await rm(previousDir, { recursive: true, force: true })
  const state: IncrementalState = { ghcVersion, platform, packages: [] }
  const keyPrefixOf = (pname: string) =>
    intermediatesKeyPrefix({ prefix: config.cacheKeyPrefix, platform, pname, ghcVersion })
  if (!recompilesByHash(ghcVersion)) {
    const reason = fileTimesReason(ghcVersion)
    for (const pname of names) {
      state.packages.push({ pname, keyPrefix: keyPrefixOf(pname), reason })
      core.info(`${pname}: full build: ${reason}`)
    }
    return { state, nixArgs: '' }
  }
  for (const pname of names) {
    const keyPrefix = keyPrefixOf(pname)
    const outcome = options.useCache
      ? await restorePackage(
          store,
          config,
          keyPrefix,
          path.join(options.workDir, 'entries', pname),
          previousDir
        )
      : undefined
    const untrusted = outcome !== undefined && 'untrusted' in outcome
    const restored = untrusted ? undefined : outcome
    state.packages.push({ pname, keyPrefix, restored, ...(untrusted ? { untrusted } : {}) })
    core.info(
      restored
        ? `${pname}: resuming from ${restored.key}${restored.origin ? ` (${restored.origin.branch} @ ${restored.origin.sha.slice(0, 7)}, run ${restored.origin.runNumber})` : ''}`
        : untrusted
          ? `${pname}: the previous intermediates are not trusted; the build starts from zero`
          : `${pname}: no previous intermediates for GHC ${ghcVersion}; the build starts from zero`
    )
  }
  const anyRestored = state.packages.some(p => p.restored)
  return { state, nixArgs: nixArgs(anyRestored ? previousDir : undefined) }
}

async function restorePackage(
  store: NixStore,
  config: ActionConfig,
  keyPrefix: string,
  entryDir: string,
  previousDir: string
): Promise<IncrementalState['packages'][number]['restored'] | { untrusted: true }> {
  // No exact key: any entry under the prefix, the newest GitHub lets this run read.
  const outcome = await restoreBatch(entryDir, keyPrefix, [keyPrefix])
  if (outcome.hit === 'none') {
    if (outcome.warning) core.warning(outcome.warning)
    return undefined
  }
  const { metadata } = outcome
  const publicKeys = entryPublicKeys(config.signingKey, config.trustedPublicKeys)
  // With keys, the entry itself must verify even when its path is already in the store: the path
  // may be there from another job (a fork's) that must not decide what this build starts from.
  if (publicKeys || !(await store.isValid(metadata.outPath))) {
    const { warning } = await importCacheEntry(store, outcome, publicKeys)
    if (warning) {
      core.warning(
        warning
          .replace('the cached batch', 'the intermediates entry')
          .replace('building or substituting the batch instead', 'building from zero instead')
      )
      return { untrusted: true }
    }
  }
  try {
    await mkdir(previousDir, { recursive: true })
    await cp(metadata.outPath, previousDir, { recursive: true, force: true })
    await makeWritable(previousDir)
  } catch (error) {
    core.warning(
      `incremental: could not lay out ${metadata.outPath} (${errorMessage(error)}); building from zero`
    )
    return undefined
  }
  return {
    key: outcome.key,
    outPath: metadata.outPath,
    origin: metadata.origin,
    ...(typeof metadata.lastFullBuildMs === 'number'
      ? { lastFullBuildMs: metadata.lastFullBuildMs }
      : {})
  }
}

/** Store paths are read-only; the copies must be replaceable by the next package's and removable. */
async function makeWritable(dir: string): Promise<void> {
  const paths = [dir, ...(await readdir(dir, { recursive: true })).map(p => path.join(dir, p))]
  for (const p of paths) {
    const info = await lstat(p)
    if (!info.isSymbolicLink()) await chmod(p, info.mode | 0o200)
  }
}

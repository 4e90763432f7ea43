/**
 * The GitHub Actions cache side of "store": the batch travels with `batch.json` (out path,
 * package list) either as a `nix-store --export` file and its digest, or, when a signing key is
 * set, as a signed `file://` binary cache (see cache-entry.ts). Every failure here is a warning:
 * the caller falls back to building, which is slower but correct.
 */
import * as cache from '@actions/cache'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { PlanJsonEntry } from '../builder/plan.js'
import { errorMessage } from '../common/errors.js'

export const EXPORT_FILE = 'batch.nar-export'
export const METADATA_FILE = 'batch.json'
/** The signed entry's `file://` binary cache (narinfo + zstd NAR), beside batch.json. */
export const BINARY_CACHE_DIR = 'binary-cache'

export interface CachedBatchMetadata {
  format: 1
  key: string
  outPath: string
  /** sha256 of the export file, checked before anything is imported into the store. */
  exportSha256?: string
  /** The entry is a signed binary cache in BINARY_CACHE_DIR instead of an export file. */
  signed?: boolean
  packages: PlanJsonEntry[]
  /** Intermediates entries: the run that saved them (branch, commit, run number). */
  origin?: { branch: string; sha: string; runNumber: string }
  /** Intermediates entries: how long the last full build of the package took (ms), when known. */
  lastFullBuildMs?: number
}

export type RestoreOutcome =
  | { hit: 'exact' | 'previous'; key: string; metadata: CachedBatchMetadata; exportFile: string }
  | { hit: 'none'; warning?: string }

export async function readMetadata(dir: string): Promise<CachedBatchMetadata | undefined> {
  try {
    const data = JSON.parse(
      await readFile(path.join(dir, METADATA_FILE), 'utf8')
    ) as CachedBatchMetadata
    return data.format === 1 && typeof data.outPath === 'string' && Array.isArray(data.packages)
      ? data
      : undefined
  } catch {
    return undefined
  }
}

export async function writeMetadata(dir: string, metadata: CachedBatchMetadata): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, METADATA_FILE), JSON.stringify(metadata, null, 2) + '\n')
}

export async function restoreBatch(
  dir: string,
  key: string,
  restoreKeys: string[]
): Promise<RestoreOutcome> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  let matched: string | undefined
  try {
    matched = await cache.restoreCache([dir], key, restoreKeys)
  } catch (error) {
    return {
      hit: 'none',
      warning: `Actions cache restore failed (${errorMessage(error)}); building instead`
    }
  }
  if (!matched) return { hit: 'none' }
  const metadata = await readMetadata(dir)
  if (!metadata) {
    return {
      hit: 'none',
      warning: `the Actions cache entry ${matched} has no readable ${METADATA_FILE}; ignoring it`
    }
  }
  return {
    hit: matched === key ? 'exact' : 'previous',
    key: matched,
    metadata,
    exportFile: path.join(dir, EXPORT_FILE)
  }
}

/** Saves the directory under the key; returns a warning instead of throwing. */
export async function saveBatch(
  dir: string,
  key: string
): Promise<{ saved: boolean; warning?: string }> {
  try {
    const id = await cache.saveCache([dir], key)
    return id === -1
      ? { saved: false, warning: `the Actions cache did not store ${key} (see the messages above)` }
      : { saved: true }
  } catch (error) {
    const name = (error as Error).name
    if (name === 'ReserveCacheError')
      return {
        saved: false,
        warning: `${key} is already in the Actions cache (saved by another job)`
      }
    return { saved: false, warning: `Actions cache save failed (${errorMessage(error)})` }
  }
}

export function actionsCacheAvailable(): boolean {
  return cache.isFeatureAvailable()
}

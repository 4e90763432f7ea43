/**
 * Deleting a branch's superseded intermediates entries from the Actions cache. Intermediates are far
 * bigger than a batch and GitHub evicts a repository's caches LRU past 10 GB, so once a newer entry
 * of a package is saved, the older ones of the same branch only crowd out other caches.
 *
 * REST: GET /repos/{owner}/{repo}/actions/caches?key=PREFIX&ref=REF lists them, DELETE
 * /repos/{owner}/{repo}/actions/caches?key=KEY&ref=REF deletes one key. Deleting needs the token's
 * `actions: write` permission; without it the outcome is one notice, never a failure.
 */
import { getOctokit } from '@actions/github'

export interface CacheCleanupRequest {
  token: string
  baseUrl?: string
  owner: string
  repo: string
  /** The ref the entries were saved from: `refs/heads/<branch>` or `refs/pull/<n>/merge`. */
  ref: string
  /** Every key of this package's intermediates starts with it. */
  keyPrefix: string
  /** The entry just saved, kept. */
  keep: string
}

export type CacheCleanupOutcome =
  | { kind: 'deleted'; keys: string[] }
  | { kind: 'notice'; message: string }
  | { kind: 'warning'; message: string }

/** HTTP status of an Octokit error, if it has one. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** The keys under `keyPrefix` saved from `ref`, other than `keep` (each once). */
export function supersededKeys(
  entries: { key?: string; ref?: string }[],
  request: Pick<CacheCleanupRequest, 'ref' | 'keyPrefix' | 'keep'>
): string[] {
  const keys = entries
    .filter(e => e.ref === request.ref)
    .map(e => e.key ?? '')
    .filter(key => key.startsWith(request.keyPrefix) && key !== request.keep)
  return [...new Set(keys)]
}

export async function deleteSupersededEntries(
  request: CacheCleanupRequest
): Promise<CacheCleanupOutcome> {
  const octokit = getOctokit(request.token, request.baseUrl ? { baseUrl: request.baseUrl } : {})
  const { owner, repo, ref } = request
  try {
    const entries = await octokit.paginate(octokit.rest.actions.getActionsCacheList, {
      owner,
      repo,
      ref,
      key: request.keyPrefix,
      per_page: 100
    })
    const keys = supersededKeys(entries, request)
    const deleted: string[] = []
    for (const key of keys) {
      try {
        await octokit.rest.actions.deleteActionsCacheByKey({ owner, repo, key, ref })
        deleted.push(key)
      } catch (error) {
        // Gone already (another job of this run deleted it, or GitHub evicted it): nothing to do.
        if (statusOf(error) !== 404) throw error
      }
    }
    return { kind: 'deleted', keys: deleted }
  } catch (error) {
    if (statusOf(error) === 403)
      return {
        kind: 'notice',
        message: `superseded intermediates of ${ref} stay in the Actions cache until GitHub evicts them: deleting them needs the permission \`actions: write\``
      }
    return {
      kind: 'warning',
      message: `could not delete superseded intermediates of ${ref}: ${(error as Error).message}`
    }
  }
}

/**
 * The Actions cache key of a batch: a small pure function. The exact key is the batch's evaluated
 * drvPath, so an exact hit is always the right batch; the prefix finds the newest other batch,
 * only to report what changed in the package list (package-diff.ts).
 */
import { createHash } from 'node:crypto'

export interface KeyInputs {
  prefix: string
  /** Runner OS and architecture: batches are per system. */
  platform: string
  /**
   * The batch's evaluated derivation. It is what the batch is (package list, local .cabal files,
   * archive, cabal2nix, compiler, the builder itself), wherever those were set: `flake.nix`, a
   * file the installable imports, `flake.lock`. A different batch can never hit this entry.
   */
  drvPath: string
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Stable JSON: object keys sorted, so the same inputs always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Every batch of this prefix and platform: restored on a miss only to diff the package lists. */
export function restoreKeyPrefix(inputs: Pick<KeyInputs, 'prefix' | 'platform'>): string {
  return `${inputs.prefix}-${inputs.platform}-`
}

export function batchCacheKey(inputs: KeyInputs): string {
  const digest = sha256(canonicalJson({ drvPath: inputs.drvPath }))
  return `${restoreKeyPrefix(inputs)}${digest.slice(0, 32)}`
}

/**
 * What goes into the Actions cache entry and what comes out of it into the Nix store.
 *
 * Without a signing key (and no trusted-public-keys input) the entry is a `nix-store --export`
 * file whose sha256 is in batch.json: that checks integrity, not authenticity, so it trusts
 * whoever can write the repository's Actions cache, and importing it needs a user the store
 * trusts (root, or trusted-users with the daemon).
 *
 * With a key the entry is a `file://` binary cache written by `nix copy --to
 * 'file://…?compression=zstd&secret-key=…'`, and it is imported only after Nix itself checked it
 * (`nix store verify` against the expected public keys, then `nix copy --from`, where the store
 * checks the signature again). Unsigned, foreign-signed or altered entries are reported and left
 * out; the caller then builds or substitutes the batch.
 */
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import {
  BINARY_CACHE_DIR,
  EXPORT_FILE,
  writeMetadata,
  type CachedBatchMetadata,
  type RestoreOutcome
} from './cache.js'
import { errorMessage } from '../common/errors.js'
import { publicKeyOf, withKeyFile } from './signing-key.js'
import { fileSha256, type NixStore } from './store.js'

type ExactHit = Extract<RestoreOutcome, { key: string }>

/**
 * The keys a restored entry must be signed with: the signing key's public half and the
 * trusted-public-keys input. Undefined when neither is set (unsigned entries, today's format).
 */
export function entryPublicKeys(
  signingKey: string | undefined,
  trustedPublicKeys: readonly string[] = []
): string[] | undefined {
  const derived = signingKey ? publicKeyOf(signingKey) : undefined
  const keys = [...(derived ? [derived] : []), ...trustedPublicKeys]
  return keys.length > 0 ? [...new Set(keys)] : undefined
}

function fileUrl(dir: string): string {
  return `file://${path.join(dir, BINARY_CACHE_DIR)}`
}

const TRUST_HINT =
  "add the runner's user to trusted-users in the Nix daemon's nix.conf, or set signing-key so the entry is signed and add its public key to the daemon's trusted-public-keys"

/** Writes the entry for `outPath` into `dir` (emptied first): signed when a key is given. */
export async function writeCacheEntry(
  store: NixStore,
  dir: string,
  metadata: Pick<
    CachedBatchMetadata,
    'key' | 'outPath' | 'packages' | 'origin' | 'lastFullBuildMs'
  >,
  signingKey: string | undefined
): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  if (signingKey) {
    await withKeyFile(signingKey, keyFile =>
      store.copyTo(`${fileUrl(dir)}?compression=zstd&secret-key=${keyFile}`, metadata.outPath)
    )
    await writeMetadata(dir, { format: 1, ...metadata, signed: true })
    return
  }
  const exportFile = path.join(dir, EXPORT_FILE)
  await store.exportTo(metadata.outPath, exportFile)
  await writeMetadata(dir, { format: 1, ...metadata, exportSha256: await fileSha256(exportFile) })
}

/**
 * Imports an exact hit into the store. Never throws for the entry itself: a refused, unsigned,
 * foreign-signed or altered entry comes back as one warning, and nothing of it is imported.
 */
export async function importCacheEntry(
  store: NixStore,
  entry: ExactHit,
  publicKeys: readonly string[] | undefined
): Promise<{ warning?: string }> {
  const { metadata, key } = entry
  const dir = path.dirname(entry.exportFile)
  const refused = (why: string, hint?: string) => ({
    warning: `${why}; not importing it, building or substituting the batch instead${hint ? ` (${hint})` : ''}`
  })
  if (publicKeys && !metadata.signed) {
    return refused(
      `the cached batch ${key} is not signed, and with signing-key or trusted-public-keys set only entries signed by ${publicKeys.join(', ')} are imported`
    )
  }
  try {
    if (metadata.signed) {
      if (publicKeys) {
        const reason = await store.verifyInCache(fileUrl(dir), metadata.outPath, publicKeys)
        if (reason) {
          return refused(
            `the cached batch ${key} does not verify against ${publicKeys.join(', ')}: ${reason}`
          )
        }
      }
      await store.copyFrom(fileUrl(dir), metadata.outPath, publicKeys)
    } else {
      const digest = await fileSha256(entry.exportFile).catch(() => 'unreadable')
      if (digest !== metadata.exportSha256)
        return refused(`the cached batch ${key} is corrupt (digest mismatch)`)
      await store.importFrom(entry.exportFile)
    }
  } catch (error) {
    const message = errorMessage(error)
    const needsTrust = /signature|not privileged|trusted/i.test(message)
    return refused(
      `the Nix store refused the cached batch ${key} (${message})`,
      needsTrust
        ? metadata.signed && publicKeys
          ? `add ${publicKeys[0]} to trusted-public-keys in the Nix daemon's nix.conf, or the runner's user to trusted-users`
          : TRUST_HINT
        : undefined
    )
  }
  return {}
}

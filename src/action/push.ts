/**
 * Stage "push": the batch to binary caches (`nix copy` to any store URL, or the cachix CLI for
 * `cachix:NAME`), signed when a key is given. A target that already has the path is skipped.
 * Binary-cache URLs (file, http(s), s3) sign on the way out (`URL?secret-key=FILE`), which needs no
 * trust in the local store; other stores (ssh, a local store) get the signature added to the
 * local store first, which needs a trusted user with the Nix daemon.
 */
import { errorMessage } from '../common/errors.js'
import { commandExists, runCommand } from '../common/process.js'
import { redactStoreUrl } from '../common/redact.js'
import { signsOnCopy, withKeyFile, withSecretKey } from './signing-key.js'
import { NixStore } from './store.js'

export interface PushResult {
  target: string
  status: 'pushed' | 'already-present' | 'failed'
  ms: number
  error?: string
}

export interface PushOptions {
  /** The secret key's text (`name:base64`), never written anywhere but a private temp file. */
  signingKey?: string
  cachixAuthToken?: string
  env?: NodeJS.ProcessEnv
  log?: (line: string) => void
}

async function pushWithNixCopy(
  store: NixStore,
  storePath: string,
  target: string,
  sign: (() => Promise<void>) | string | undefined
): Promise<PushResult['status']> {
  if (await store.hasIn(target, storePath)) return 'already-present'
  if (typeof sign === 'function') await sign()
  await store.pushTo(typeof sign === 'string' ? withSecretKey(target, sign) : target, storePath)
  return 'pushed'
}

/** `nix store sign` in the local store, at most once; a failure says what to configure. */
function localSigner(store: NixStore, storePath: string, keyFile: string) {
  let signing: Promise<void> | undefined
  return () =>
    (signing ??= store.signLocally(keyFile, storePath).then(refused => {
      if (refused !== undefined) {
        throw new Error(
          `signing ${storePath} in the local store failed: ${refused} (this target needs the signature in the local store: add the runner's user to trusted-users, or push to a file://, https:// or s3:// cache, which signs while copying)`
        )
      }
    }))
}

async function pushWithCachix(
  storePath: string,
  cache: string,
  options: PushOptions
): Promise<PushResult['status']> {
  if (!(await commandExists('cachix', ['--version']))) {
    throw new Error(
      'the cachix CLI is not on PATH (install it, e.g. with cachix/cachix-action, before this step)'
    )
  }
  const env = {
    ...(options.env ?? process.env),
    ...(options.cachixAuthToken ? { CACHIX_AUTH_TOKEN: options.cachixAuthToken } : {})
  }
  const result = await runCommand('cachix', ['push', cache, storePath], { env })
  if (result.code !== 0)
    throw new Error(
      result.stderr.trim().split('\n').slice(-1)[0] || `cachix exited with ${result.code}`
    )
  return 'pushed'
}

/** Pushes to every target; one target failing does not stop the others. */
export async function pushToBinaryCaches(
  storePath: string,
  targets: readonly string[],
  options: PushOptions = {}
): Promise<PushResult[]> {
  const store = new NixStore(process.cwd(), options.env ?? process.env)
  return withKeyFile(options.signingKey, async keyFile => {
    const signLocally = keyFile ? localSigner(store, storePath, keyFile) : undefined
    const results: PushResult[] = []
    for (const target of targets) {
      const started = performance.now()
      const shown = redactStoreUrl(target)
      options.log?.(`offering ${storePath} to ${shown}`)
      try {
        const status = target.startsWith('cachix:')
          ? await pushWithCachix(storePath, target.slice('cachix:'.length), options)
          : await pushWithNixCopy(
              store,
              storePath,
              target,
              keyFile && signsOnCopy(target) ? keyFile : signLocally
            )
        const ms = performance.now() - started
        options.log?.(
          `${shown}: ${status === 'pushed' ? 'pushed' : 'already has it, nothing pushed'} (${(ms / 1000).toFixed(1)} s)`
        )
        results.push({ target: shown, status, ms })
      } catch (error) {
        const message = errorMessage(error)
        options.log?.(`${shown}: push failed: ${message}`)
        results.push({
          target: shown,
          status: 'failed',
          ms: performance.now() - started,
          error: message
        })
      }
    }
    return results
  })
}

/**
 * Stage "publish": push the batch to binary caches (`nix copy` to any store URL, or the cachix CLI
 * for `cachix:NAME`), signed when a key is given. A target that already has the path is skipped.
 * Binary-cache URLs (file, http(s), s3) sign on the way out (`URL?secret-key=FILE`), which needs no
 * trust in the local store; other stores (ssh, a local store) get the signature added to the
 * local store first, which needs a trusted user with the Nix daemon.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { commandExists, runCommand } from '../common/process.js'
import { NIX_FEATURE_FLAGS } from '../common/nix-command.js'
import { firstBuildError } from '../common/nix-output.js'

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

export function parseTargets(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map(t => t.trim())
    .filter(Boolean)
}

/** Store URLs never show credentials in logs: drop user info and query parameters. */
export function redactTarget(target: string): string {
  return target.replace(/\/\/[^/@]*@/, '//***@').replace(/\?.*$/, '')
}

/** Runs `use` with the key in a private temporary file (removed afterwards), or undefined. */
export async function withKeyFile<T>(
  key: string | undefined,
  use: (file: string | undefined) => Promise<T>
): Promise<T> {
  if (!key) return use(undefined)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'some-cabal2nix-key-'))
  const file = path.join(dir, 'signing-key')
  try {
    await writeFile(file, key.trim(), { mode: 0o600 })
    await chmod(file, 0o600)
    return await use(file)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Store URLs whose stores sign what they receive when given `secret-key=FILE`. */
export function signsOnCopy(target: string): boolean {
  return /^(file|https?|s3):\/\//.test(target)
}

export function withSecretKey(target: string, keyFile: string): string {
  return `${target}${target.includes('?') ? '&' : '?'}secret-key=${keyFile}`
}

async function pushWithNixCopy(
  storePath: string,
  target: string,
  env: NodeJS.ProcessEnv,
  sign: (() => Promise<void>) | string | undefined
): Promise<PushResult['status']> {
  const present = await runCommand(
    'nix',
    [...NIX_FEATURE_FLAGS, 'path-info', '--store', target, storePath],
    { env }
  )
  if (present.code === 0) return 'already-present'
  if (typeof sign === 'function') await sign()
  const copied = await runCommand(
    'nix',
    [
      ...NIX_FEATURE_FLAGS,
      'copy',
      '--to',
      typeof sign === 'string' ? withSecretKey(target, sign) : target,
      storePath
    ],
    { env }
  )
  if (copied.code !== 0) throw new Error(firstBuildError(copied.stderr))
  return 'pushed'
}

/** `nix store sign` in the local store, at most once; a failure says what to configure. */
function localSigner(storePath: string, keyFile: string, env: NodeJS.ProcessEnv) {
  let signing: Promise<void> | undefined
  return () =>
    (signing ??= runCommand(
      'nix',
      [...NIX_FEATURE_FLAGS, 'store', 'sign', '--key-file', keyFile, storePath],
      { env }
    ).then(signed => {
      if (signed.code !== 0) {
        throw new Error(
          `signing ${storePath} in the local store failed: ${firstBuildError(signed.stderr)} (this target needs the signature in the local store: add the runner's user to trusted-users, or push to a file://, https:// or s3:// cache, which signs while copying)`
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
  const env = options.env ?? process.env
  return withKeyFile(options.signingKey, async keyFile => {
    const signLocally = keyFile ? localSigner(storePath, keyFile, env) : undefined
    const results: PushResult[] = []
    for (const target of targets) {
      const started = performance.now()
      const shown = redactTarget(target)
      options.log?.(`offering ${storePath} to ${shown}`)
      try {
        const status = target.startsWith('cachix:')
          ? await pushWithCachix(storePath, target.slice('cachix:'.length), options)
          : await pushWithNixCopy(
              storePath,
              target,
              env,
              keyFile && signsOnCopy(target) ? keyFile : signLocally
            )
        const ms = performance.now() - started
        options.log?.(
          `${shown}: ${status === 'pushed' ? 'pushed' : 'already has it, nothing pushed'} (${(ms / 1000).toFixed(1)} s)`
        )
        results.push({ target: shown, status, ms })
      } catch (error) {
        const message = (error as Error).message
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

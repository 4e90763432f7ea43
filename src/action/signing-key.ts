/**
 * Nix signing keys (`name:base64`): the secret key only ever lives in a private temporary file
 * while Nix reads it, and its public half is read off the key itself. The public key of a Nix
 * secret key is its last 32 bytes (libsodium's ed25519 secret key is seed ‖ public key), so no
 * crypto is done here.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

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

/** `name:base64(public key)` of a Nix secret key `name:base64(seed ‖ public key)`. */
export function publicKeyOf(secretKey: string): string | undefined {
  const at = secretKey.indexOf(':')
  if (at <= 0) return undefined
  const bytes = Buffer.from(secretKey.slice(at + 1).trim(), 'base64')
  if (bytes.length !== 64) return undefined
  return `${secretKey.slice(0, at)}:${bytes.subarray(32).toString('base64')}`
}

/** The base64 half of a key, which must be masked on its own too. */
export function secretPartOf(key: string): string | undefined {
  return key.includes(':') ? key.slice(key.indexOf(':') + 1) : undefined
}

/** Store URLs whose stores sign what they receive when given `secret-key=FILE`. */
export function signsOnCopy(target: string): boolean {
  return /^(file|https?|s3):\/\//.test(target)
}

export function withSecretKey(target: string, keyFile: string): string {
  return `${target}${target.includes('?') ? '&' : '?'}secret-key=${keyFile}`
}

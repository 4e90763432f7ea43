/**
 * Action inputs → typed configs; the only module that reads inputs. Secrets are masked here, before
 * anything can print them.
 */
import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
import type { InputName } from './names.js'
import { secretPartOf } from './signing-key.js'

export type CommentMode = 'auto' | 'always' | 'never'

export interface ActionConfig {
  workingDirectory: string
  overridesFile?: string
  overlayFile?: string
  installable?: string
  binaryCaches: string[]
  signingKey?: string
  /** Keys a restored Actions cache entry may be signed with, besides the signing key's own. */
  trustedPublicKeys?: string[]
  cachixAuthToken?: string
  useActionsCache: boolean
  cacheKeyPrefix: string
  githubToken?: string
  comment: CommentMode
  commentId: string
  failOnPushError: boolean
}

/** Where people keep the overrides file when the input is left empty, in the order we look. */
export const OVERRIDES_CANDIDATES = [
  'overrides.nix',
  'nix/overrides.nix',
  'hackage-overrides.nix',
  'nix/hackage-overrides.nix',
  'overrides.json',
  'nix/overrides.json'
]

function input(name: InputName): string {
  return core.getInput(name)
}

/** A list input: entries separated by whitespace or commas. */
export function parseTargets(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map(t => t.trim())
    .filter(Boolean)
}

function booleanInput(name: InputName, fallback: boolean): boolean {
  const raw = input(name).trim().toLowerCase()
  if (raw === '') return fallback
  if (['true', 'yes', '1', 'on'].includes(raw)) return true
  if (['false', 'no', '0', 'off'].includes(raw)) return false
  throw new BatchError('usage', `input ${name} must be true or false, not '${raw}'`)
}

function commentMode(): CommentMode {
  const raw = input('comment').trim().toLowerCase() || 'auto'
  if (raw === 'auto') return 'auto'
  if (['true', 'always', 'yes'].includes(raw)) return 'always'
  if (['false', 'never', 'no'].includes(raw)) return 'never'
  throw new BatchError('usage', `input comment must be auto, true or false, not '${raw}'`)
}

/**
 * The secret inputs' values: masked in the log here, and redacted by the post step from what it
 * sends (spans, comment, summary), which the runner's masking does not reach.
 */
export function secretInputs(): string[] {
  const signingKey = input('signing-key').trim()
  const values = [signingKey, input('cachix-auth-token').trim(), input('github-token').trim()]
  // The base64 half of a Nix key (`name:base64`) is the secret; mask it on its own too.
  const secretPart = signingKey && secretPartOf(signingKey)
  if (secretPart) values.push(secretPart)
  return values.filter(Boolean)
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ActionConfig {
  const signingKey = input('signing-key').trim() || undefined
  const cachixAuthToken = input('cachix-auth-token').trim() || undefined
  const githubToken = input('github-token').trim() || undefined
  for (const secret of secretInputs()) core.setSecret(secret)

  const workingDirectory = path.resolve(
    env.GITHUB_WORKSPACE ?? process.cwd(),
    input('working-directory') || '.'
  )
  const overlayFile = input('overlay-file').trim() || undefined
  let overridesFile = input('overrides-file').trim() || undefined
  if (overlayFile && overridesFile) {
    throw new BatchError('usage', 'set either overrides-file or overlay-file, not both')
  }
  if (!overlayFile && !overridesFile) {
    overridesFile = OVERRIDES_CANDIDATES.find(c => existsSync(path.join(workingDirectory, c)))
    if (!overridesFile) {
      throw new BatchError(
        'usage',
        `no overrides file found (looked for ${OVERRIDES_CANDIDATES.join(', ')})`,
        {
          hint: 'set the overrides-file input (or overlay-file for an overlay that calls callHackage)'
        }
      )
    }
  }
  const prefix = input('cache-key-prefix').trim() || 'some-cabal2nix'
  if (!/^[A-Za-z0-9._-]+$/.test(prefix)) {
    throw new BatchError(
      'usage',
      `cache-key-prefix '${prefix}' may only use letters, digits, '.', '_' and '-'`
    )
  }
  return {
    workingDirectory,
    overridesFile,
    overlayFile,
    installable: input('installable').trim() || undefined,
    binaryCaches: parseTargets(input('binary-caches')),
    signingKey,
    trustedPublicKeys: parseTargets(input('trusted-public-keys')),
    cachixAuthToken,
    useActionsCache: booleanInput('use-actions-cache', true),
    cacheKeyPrefix: prefix,
    githubToken,
    comment: commentMode(),
    commentId: input('comment-id').trim() || env.GITHUB_JOB || 'some-cabal2nix',
    failOnPushError: booleanInput('fail-on-push-error', false)
  }
}

/** The post step's one input: the token to update the comment with (masked), or undefined. */
export function readPostConfig(): { githubToken?: string } {
  const githubToken = input('github-token').trim() || undefined
  if (githubToken) core.setSecret(githubToken)
  return { githubToken }
}

/** The trace inputs as given (trace.ts combines them with the OTEL_* environment). */
export function readTraceInputs(): { endpoint?: string; headers?: string } {
  return {
    endpoint: input('otlp-endpoint').trim() || undefined,
    headers: input('otlp-headers').trim() || undefined
  }
}

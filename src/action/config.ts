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
import { parseIncrementalInput, type IncrementalSelection } from './incremental/plan.js'

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
  /** A committed copy of the batch to check, relative to the working directory. */
  materializedDirectory?: string
  failOnStaleMaterialization?: boolean
  /** Which of the repository's own packages resume from their previous intermediates. */
  incremental: IncrementalSelection
  /** The largest intermediates (NAR bytes) the post step saves. */
  intermediatesMaxBytes: number
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3
}

/** `500MB`, `2GB`, `1GiB` or a number of bytes. */
export function parseSize(name: InputName, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text)
  const unit = m ? SIZE_UNITS[m[2].toUpperCase()] : undefined
  if (!m || unit === undefined)
    throw new BatchError(
      'usage',
      `input ${name} must be a size such as 500MB or 2GB, not '${text.trim()}'`
    )
  return Math.round(Number(m[1]) * unit)
}

function incrementalInput(): IncrementalSelection {
  const selection = parseIncrementalInput(input('incremental'))
  if (selection.kind === 'error') {
    const [message, hint] = selection.message.split('\nhint: ')
    throw new BatchError('usage', message, { hint })
  }
  return selection
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
    failOnPushError: booleanInput('fail-on-push-error', false),
    materializedDirectory: input('materialized-directory').trim() || undefined,
    failOnStaleMaterialization: booleanInput('fail-on-stale-materialization', false),
    incremental: incrementalInput(),
    intermediatesMaxBytes: parseSize(
      'intermediates-max-size',
      input('intermediates-max-size') || '1GB'
    )
  }
}

/**
 * The post step's inputs: the token to update the comment and clean the Actions cache with, and
 * what saving intermediates needs (the key signs them; both masked).
 */
export function readPostConfig(): {
  githubToken?: string
  signingKey?: string
  intermediatesMaxBytes: number
} {
  const githubToken = input('github-token').trim() || undefined
  if (githubToken) core.setSecret(githubToken)
  const signingKey = input('signing-key').trim() || undefined
  if (signingKey) core.setSecret(signingKey)
  return {
    githubToken,
    signingKey,
    intermediatesMaxBytes: parseSize(
      'intermediates-max-size',
      input('intermediates-max-size') || '1GB'
    )
  }
}

/** The trace inputs as given (trace.ts combines them with the OTEL_* environment). */
export function readTraceInputs(): { endpoint?: string; headers?: string } {
  return {
    endpoint: input('otlp-endpoint').trim() || undefined,
    headers: input('otlp-headers').trim() || undefined
  }
}

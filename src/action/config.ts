/** Action inputs → a typed config. Secrets are masked here, before anything can print them. */
import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
import { parseTargets } from './publish.js'

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

function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase()
  if (raw === '') return fallback
  if (['true', 'yes', '1', 'on'].includes(raw)) return true
  if (['false', 'no', '0', 'off'].includes(raw)) return false
  throw new BatchError('usage', `input ${name} must be true or false, not '${raw}'`)
}

function commentMode(): CommentMode {
  const raw = core.getInput('comment').trim().toLowerCase() || 'auto'
  if (raw === 'auto') return 'auto'
  if (['true', 'always', 'yes'].includes(raw)) return 'always'
  if (['false', 'never', 'no'].includes(raw)) return 'never'
  throw new BatchError('usage', `input comment must be auto, true or false, not '${raw}'`)
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ActionConfig {
  const signingKey = core.getInput('signing-key').trim() || undefined
  const cachixAuthToken = core.getInput('cachix-auth-token').trim() || undefined
  const githubToken = core.getInput('github-token').trim() || undefined
  for (const secret of [signingKey, cachixAuthToken, githubToken])
    if (secret) core.setSecret(secret)
  // The base64 half of a Nix key (`name:base64`) is the secret; mask it on its own too.
  if (signingKey?.includes(':')) core.setSecret(signingKey.slice(signingKey.indexOf(':') + 1))

  const workingDirectory = path.resolve(
    env.GITHUB_WORKSPACE ?? process.cwd(),
    core.getInput('working-directory') || '.'
  )
  const overlayFile = core.getInput('overlay-file').trim() || undefined
  let overridesFile = core.getInput('overrides-file').trim() || undefined
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
  const prefix = core.getInput('cache-key-prefix').trim() || 'some-cabal2nix'
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
    installable: core.getInput('installable').trim() || undefined,
    binaryCaches: parseTargets(core.getInput('binary-caches')),
    signingKey,
    trustedPublicKeys: parseTargets(core.getInput('trusted-public-keys')),
    cachixAuthToken,
    useActionsCache: booleanInput('use-actions-cache', true),
    cacheKeyPrefix: prefix,
    githubToken,
    comment: commentMode(),
    commentId: core.getInput('comment-id').trim() || env.GITHUB_JOB || 'some-cabal2nix',
    failOnPushError: booleanInput('fail-on-push-error', false)
  }
}

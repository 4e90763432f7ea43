/**
 * The sticky pull-request comment: one comment per pull request and comment id, found again by a
 * hidden marker and edited in place.
 *
 * Which comment is ours (all must hold):
 * 1. its first line is exactly `<!-- some-cabal2nix:<comment-id> -->` for this comment id;
 * 2. its author is us: when we know our login (from a comment this job already wrote, or from
 *    GET /user, which only personal access tokens may call), the author's login equals it;
 *    otherwise (GITHUB_TOKEN and GitHub App installation tokens, `ghs_…`, which cannot call
 *    GET /user) the author is a Bot account, such as `github-actions[bot]` or an app's `…[bot]`;
 * 3. it is not minimized (hidden). The REST API does not say, so one GraphQL query asks for the
 *    candidates; if it fails, candidates count as visible.
 * The oldest such comment is edited. If editing it is refused (403/404: not ours after all, or
 * deleted meanwhile), a new comment is created instead.
 *
 * Nothing here throws: every outcome, including "no permission", is a result the caller turns into
 * at most one warning. Comments are best effort; the job summary always has the report.
 */
import { getOctokit } from '@actions/github'
import { defaults as githubDefaults } from '@actions/github/lib/utils'
import { existsSync, readFileSync } from 'node:fs'
import type { CommentMode } from './config.js'
import { COMMENT_MAX_CHARS, redactSecrets } from './report.js'

export interface PullRequestTarget {
  owner: string
  repo: string
  issueNumber: number
}

export type CommentDecision = { target: PullRequestTarget } | { skip: string }

export interface WorkflowEvent {
  name: string
  payload: Record<string, unknown>
}

/** The event that started the workflow, as the runner gives it: GITHUB_EVENT_NAME and the payload file. */
export function readEvent(env: NodeJS.ProcessEnv = process.env): WorkflowEvent {
  let payload: Record<string, unknown> = {}
  const file = env.GITHUB_EVENT_PATH
  if (file && existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (parsed && typeof parsed === 'object') payload = parsed as Record<string, unknown>
    } catch {
      // An unreadable payload means no pull request to comment on.
    }
  }
  return { name: env.GITHUB_EVENT_NAME ?? '', payload }
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined
}

/** The pull request number in an event payload, if the event is about one. */
export function pullRequestNumber(event: WorkflowEvent): number | undefined {
  const fromPull = positiveInteger(field(event.payload.pull_request, 'number'))
  if (fromPull) return fromPull
  const issue = event.payload.issue
  if (field(issue, 'pull_request')) return positiveInteger(field(issue, 'number'))
  if (PULL_REQUEST_EVENTS.has(event.name)) return positiveInteger(event.payload.number)
  return undefined
}

/** auto: pull_request / pull_request_target events; always: any event whose payload names a PR; never: none. */
export function decideComment(
  mode: CommentMode,
  event: WorkflowEvent,
  repository: string | undefined
): CommentDecision {
  if (mode === 'never') return { skip: 'the comment input is false' }
  if (mode === 'auto' && !PULL_REQUEST_EVENTS.has(event.name)) {
    return { skip: `comment is auto and this is a ${event.name || 'non-pull-request'} event` }
  }
  const issueNumber = pullRequestNumber(event)
  if (!issueNumber)
    return { skip: `the ${event.name || 'workflow'} event payload names no pull request` }
  const [owner, repo] = (repository ?? '').split('/')
  if (!owner || !repo) return { skip: 'GITHUB_REPOSITORY is not set' }
  return { target: { owner, repo, issueNumber } }
}

/** The hidden first line of our comment. The id is kept readable but cannot end the HTML comment. */
export function commentMarker(commentId: string): string {
  const id = commentId
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/--+|[<>]/g, '_')
  return `<!-- some-cabal2nix:${id} -->`
}

export function hasMarker(body: string | undefined | null, marker: string): boolean {
  if (!body) return false
  const firstLine = body.split('\n', 1)[0].replace(/\r$/, '').trim()
  return firstLine === marker
}

/** Marker line + body, cut (with a note) if it would pass GitHub's 65,536-character limit. */
export function commentBody(commentId: string, body: string): string {
  const full = `${commentMarker(commentId)}\n${body}`
  if ([...full].length <= COMMENT_MAX_CHARS) return full
  const note = '\n\n_(cut to fit GitHub’s comment size limit; the job summary has everything)_\n'
  const room = COMMENT_MAX_CHARS - [...note].length
  return [...full].slice(0, room).join('') + note
}

export interface CommentAuthor {
  login: string
  type?: string
}

/** Rule 2 above. */
export function isOurAuthor(user: CommentAuthor | null | undefined, knownLogin?: string): boolean {
  if (!user?.login) return false
  if (knownLogin) return user.login.toLowerCase() === knownLogin.toLowerCase()
  return user.type === 'Bot'
}

/** GITHUB_TOKEN and GitHub App installation tokens: GET /user answers 403 for them. */
export function isInstallationToken(token: string): boolean {
  return token.startsWith('ghs_')
}

export interface StickyCommentOptions extends PullRequestTarget {
  token: string
  /** API base, e.g. $GITHUB_API_URL; api.github.com when unset. */
  baseUrl?: string
  commentId: string
  /** The body without the marker line. */
  body: string
  /** A comment this job already wrote (saved by the main step for the post step). */
  knownCommentId?: number
  /** The login that wrote it. */
  knownLogin?: string
  /** Deadline for all requests together. */
  timeoutMs?: number
  /** For tests: the fetch Octokit uses. */
  fetch?: typeof globalThis.fetch
  log?: (line: string) => void
}

export interface CommentWritten {
  ok: true
  status: 'created' | 'updated'
  id: number
  url: string
  login: string
  requests: number
}

export interface CommentNotWritten {
  ok: false
  status: 'denied' | 'failed'
  httpStatus?: number
  message: string
  requests: number
}

export type StickyCommentResult = CommentWritten | CommentNotWritten

interface ApiComment {
  id: number
  node_id?: string
  body?: string | null
  html_url: string
  user?: CommentAuthor | null
}

function httpStatus(error: unknown): number | undefined {
  const status = field(error, 'status')
  return typeof status === 'number' ? status : undefined
}

function errorMessage(error: unknown): string {
  const status = httpStatus(error)
  const raw = error instanceof Error ? error.message : String(error)
  const name = error instanceof Error ? error.name : ''
  const message = name === 'AbortError' || name === 'TimeoutError' ? 'timed out' : raw
  return redactSecrets(status ? `HTTP ${status}: ${message}` : message)
}

/** 401, 403 and 404 all mean this token may not comment here (a 404 hides a private repository). */
function isPermissionError(error: unknown): boolean {
  const status = httpStatus(error)
  return status === 401 || status === 403 || status === 404
}

/** Creates or edits our comment. Never throws. */
export async function upsertStickyComment(
  options: StickyCommentOptions
): Promise<StickyCommentResult> {
  const log = options.log ?? (() => undefined)
  const timeoutMs = options.timeoutMs ?? 60_000
  const signal = AbortSignal.timeout(timeoutMs)
  let requests = 0
  const octokit = getOctokit(options.token, {
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    request: {
      ...(githubDefaults.request ?? {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      signal
    }
  })
  octokit.hook.before('request', () => {
    requests++
  })
  const { owner, repo, issueNumber } = options
  const body = commentBody(options.commentId, options.body)
  const marker = commentMarker(options.commentId)

  const update = async (id: number) => {
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })
    return {
      ok: true as const,
      status: 'updated' as const,
      id: data.id,
      url: data.html_url,
      login: data.user?.login ?? '',
      requests
    }
  }
  const create = async () => {
    const { data } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body
    })
    return {
      ok: true as const,
      status: 'created' as const,
      id: data.id,
      url: data.html_url,
      login: data.user?.login ?? '',
      requests
    }
  }
  const failure = (error: unknown): CommentNotWritten =>
    signal.aborted
      ? { ok: false, status: 'failed', message: `timed out after ${timeoutMs / 1000} s`, requests }
      : {
          ok: false,
          status: isPermissionError(error) ? 'denied' : 'failed',
          httpStatus: httpStatus(error),
          message: errorMessage(error),
          requests
        }

  try {
    if (options.knownCommentId) {
      try {
        return await update(options.knownCommentId)
      } catch (error) {
        if (httpStatus(error) !== 404) return failure(error)
        log(`comment ${options.knownCommentId} is gone; looking for another one`)
      }
    }

    let login = options.knownLogin
    if (!login && !isInstallationToken(options.token)) {
      try {
        login = (await octokit.rest.users.getAuthenticated()).data.login
      } catch (error) {
        log(
          `GET /user failed (${errorMessage(error)}); recognising our comments by their Bot author`
        )
      }
    }

    const comments = (await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100
    })) as ApiComment[]
    const candidates = comments.filter(c => hasMarker(c.body, marker) && isOurAuthor(c.user, login))
    const minimized = await minimizedComments(octokit, candidates, log)
    const ours = candidates.find(c => !minimized.has(c.id))
    log(
      `${comments.length} comments on #${issueNumber}, ${candidates.length} with our marker by ` +
        `${login ?? 'a Bot account'}${minimized.size ? ` (${minimized.size} minimized)` : ''}`
    )
    if (ours) {
      try {
        return await update(ours.id)
      } catch (error) {
        const status = httpStatus(error)
        if (status !== 403 && status !== 404) return failure(error)
        log(`editing comment ${ours.id} was refused (${errorMessage(error)}); creating a new one`)
      }
    }
    return await create()
  } catch (error) {
    return failure(error)
  }
}

type Octokit = ReturnType<typeof getOctokit>

/** Ids of candidates that are minimized. Best effort: on any error, none are. */
async function minimizedComments(
  octokit: Octokit,
  candidates: ApiComment[],
  log: (line: string) => void
): Promise<Set<number>> {
  const withNodes = candidates.filter(c => c.node_id)
  if (withNodes.length === 0) return new Set()
  try {
    const result = await octokit.graphql<{
      nodes: Array<{ id?: string; isMinimized?: boolean } | null>
    }>('query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }', {
      ids: withNodes.map(c => c.node_id as string)
    })
    const hidden = new Set(result.nodes.filter(n => n?.isMinimized).map(n => n?.id))
    return new Set(withNodes.filter(c => hidden.has(c.node_id)).map(c => c.id))
  } catch (error) {
    log(
      `could not ask whether our comments are minimized (${errorMessage(error)}); assuming they are not`
    )
    return new Set()
  }
}

/** What the main step tells the post step about the comment (saved as state `comment`). */
export type CommentState =
  | { status: 'posted'; target: PullRequestTarget; commentId: string; id: number; login: string }
  | { status: 'failed'; target: PullRequestTarget; commentId: string; reason: string }
  | { status: 'skipped' | 'denied'; reason: string }

export function parseCommentState(raw: string): CommentState | undefined {
  if (!raw) return undefined
  try {
    const value = JSON.parse(raw) as CommentState
    return value && typeof value === 'object' && typeof value.status === 'string'
      ? value
      : undefined
  } catch {
    return undefined
  }
}

/** The warning for a failed comment: one line, saying what to do about it. */
export function commentWarning(result: CommentNotWritten, issueNumber: number): string {
  if (result.status === 'denied') {
    return (
      `could not write the some-cabal2nix comment on pull request #${issueNumber} (${result.message}). ` +
      'The token may not write comments here: pull requests from forks get a read-only token, and ' +
      'the workflow needs `permissions: pull-requests: write`. The timing report is in the job summary; ' +
      'set `comment: false` to stop trying.'
    )
  }
  return (
    `could not write the some-cabal2nix comment on pull request #${issueNumber} (${result.message}). ` +
    'The timing report is in the job summary.'
  )
}

/** Link to this workflow run, from the runner's environment. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env
  if (!server || !repository || !run) return undefined
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1'
      ? `/attempts/${env.GITHUB_RUN_ATTEMPT}`
      : ''
  return `${server}/${repository}/actions/runs/${run}${attempt}`
}

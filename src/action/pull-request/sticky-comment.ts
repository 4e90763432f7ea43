/**
 * The sticky pull-request comment's REST calls: one comment per pull request and comment id, found
 * again (our-comment.ts says which is ours) and edited in place. Whether a candidate is minimized
 * is not in the REST API, so one GraphQL query asks; if it fails, candidates count as visible.
 * The oldest visible one is edited. If editing it is refused (403/404: not ours after all, or
 * deleted meanwhile), a new comment is created instead.
 *
 * Nothing here throws: every outcome, including "no permission", is a result the caller turns into
 * at most one warning. Comments are best effort; the job summary always has the report.
 */
import { getOctokit } from '@actions/github'
import { defaults as githubDefaults } from '@actions/github/lib/utils'
import { errorMessage } from '../../common/errors.js'
import { redactSecrets } from '../../common/redact.js'
import { field, type PullRequestTarget } from './event.js'
import {
  commentBody,
  commentMarker,
  hasMarker,
  isInstallationToken,
  isOurAuthor,
  type CommentAuthor
} from './our-comment.js'

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

type Octokit = ReturnType<typeof getOctokit>

/** One upsert's connection and what every request of it needs. */
interface Session extends PullRequestTarget {
  octokit: Octokit
  /** The full body, marker line included. */
  body: string
  log: (line: string) => void
  /** Requests made so far. */
  requests: () => number
}

function httpStatus(error: unknown): number | undefined {
  const status = field(error, 'status')
  return typeof status === 'number' ? status : undefined
}

/** An API error in one line: the HTTP status, "timed out" for an aborted request, no secrets. */
function apiErrorMessage(error: unknown): string {
  const status = httpStatus(error)
  const name = error instanceof Error ? error.name : ''
  const message =
    name === 'AbortError' || name === 'TimeoutError' ? 'timed out' : errorMessage(error)
  return redactSecrets(status ? `HTTP ${status}: ${message}` : message)
}

/** 401, 403 and 404 all mean this token may not comment here (a 404 hides a private repository). */
function isPermissionError(error: unknown): boolean {
  const status = httpStatus(error)
  return status === 401 || status === 403 || status === 404
}

function written(session: Session, status: CommentWritten['status'], data: ApiComment) {
  return {
    ok: true as const,
    status,
    id: data.id,
    url: data.html_url,
    login: data.user?.login ?? '',
    requests: session.requests()
  }
}

async function updateComment(session: Session, id: number): Promise<CommentWritten> {
  const { octokit, owner, repo, body } = session
  const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })
  return written(session, 'updated', data)
}

async function createComment(session: Session): Promise<CommentWritten> {
  const { octokit, owner, repo, issueNumber, body } = session
  const { data } = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body
  })
  return written(session, 'created', data)
}

/** Our login: the one we know, else GET /user's (personal access tokens only), else undefined. */
async function ourLogin(
  session: Session,
  token: string,
  knownLogin: string | undefined
): Promise<string | undefined> {
  if (knownLogin || isInstallationToken(token)) return knownLogin
  try {
    return (await session.octokit.rest.users.getAuthenticated()).data.login
  } catch (error) {
    session.log(
      `GET /user failed (${apiErrorMessage(error)}); recognising our comments by their Bot author`
    )
    return undefined
  }
}

/** The oldest visible comment with our marker by us, if any. */
async function findOurComment(
  session: Session,
  marker: string,
  login: string | undefined
): Promise<ApiComment | undefined> {
  const { octokit, owner, repo, issueNumber } = session
  const comments = (await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100
  })) as ApiComment[]
  const candidates = comments.filter(c => hasMarker(c.body, marker) && isOurAuthor(c.user, login))
  const minimized = await minimizedComments(session, candidates)
  session.log(
    `${comments.length} comments on #${issueNumber}, ${candidates.length} with our marker by ` +
      `${login ?? 'a Bot account'}${minimized.size ? ` (${minimized.size} minimized)` : ''}`
  )
  return candidates.find(c => !minimized.has(c.id))
}

/** Ids of candidates that are minimized. Best effort: on any error, none are. */
async function minimizedComments(session: Session, candidates: ApiComment[]): Promise<Set<number>> {
  const withNodes = candidates.filter(c => c.node_id)
  if (withNodes.length === 0) return new Set()
  try {
    const result = await session.octokit.graphql<{
      nodes: Array<{ id?: string; isMinimized?: boolean } | null>
    }>('query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }', {
      ids: withNodes.map(c => c.node_id as string)
    })
    const hidden = new Set(result.nodes.filter(n => n?.isMinimized).map(n => n?.id))
    return new Set(withNodes.filter(c => hidden.has(c.node_id)).map(c => c.id))
  } catch (error) {
    session.log(
      `could not ask whether our comments are minimized (${apiErrorMessage(error)}); assuming they are not`
    )
    return new Set()
  }
}

/** Creates or edits our comment. Never throws. */
export async function upsertStickyComment(
  options: StickyCommentOptions
): Promise<StickyCommentResult> {
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
  const session: Session = {
    octokit,
    owner: options.owner,
    repo: options.repo,
    issueNumber: options.issueNumber,
    body: commentBody(options.commentId, options.body),
    log: options.log ?? (() => undefined),
    requests: () => requests
  }
  const failure = (error: unknown): CommentNotWritten =>
    signal.aborted
      ? { ok: false, status: 'failed', message: `timed out after ${timeoutMs / 1000} s`, requests }
      : {
          ok: false,
          status: isPermissionError(error) ? 'denied' : 'failed',
          httpStatus: httpStatus(error),
          message: apiErrorMessage(error),
          requests
        }

  try {
    if (options.knownCommentId) {
      try {
        return await updateComment(session, options.knownCommentId)
      } catch (error) {
        if (httpStatus(error) !== 404) return failure(error)
        session.log(`comment ${options.knownCommentId} is gone; looking for another one`)
      }
    }
    const login = await ourLogin(session, options.token, options.knownLogin)
    const ours = await findOurComment(session, commentMarker(options.commentId), login)
    if (ours) {
      try {
        return await updateComment(session, ours.id)
      } catch (error) {
        const status = httpStatus(error)
        if (status !== 403 && status !== 404) return failure(error)
        session.log(
          `editing comment ${ours.id} was refused (${apiErrorMessage(error)}); creating a new one`
        )
      }
    }
    return await createComment(session)
  } catch (error) {
    return failure(error)
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

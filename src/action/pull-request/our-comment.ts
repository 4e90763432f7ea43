/**
 * Which comment is ours (all must hold):
 * 1. its first line is exactly `<!-- some-cabal2nix:<comment-id> -->` for this comment id;
 * 2. its author is us: when we know our login (from a comment this job already wrote, or from
 *    GET /user, which only personal access tokens may call), the author's login equals it;
 *    otherwise (GITHUB_TOKEN and GitHub App installation tokens, `ghs_…`, which cannot call
 *    GET /user) the author is a Bot account, such as `github-actions[bot]` or an app's `…[bot]`;
 * 3. it is not minimized (hidden); sticky-comment.ts asks GitHub about that.
 * Pure: the marker, the body with it, and the author check.
 */
import { COMMENT_MAX_CHARS } from '../report/fit.js'

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

export type StatusFault = number | { status: number; times?: number; message?: string }

export interface GitHubUserSpec {
  login: string
  type?: 'Bot' | 'User' | 'Organization'
  id?: number
}

export interface GitHubApiFaults {
  /** Every GET answers with this status (GitHub-style `{ message, documentation_url, status }`). */
  getStatus?: StatusFault
  postStatus?: StatusFault
  patchStatus?: StatusFault
  deleteStatus?: StatusFault
  /** Delay before every response, in milliseconds. */
  delayMs?: number
  /** Every connection is destroyed as soon as a request arrives. */
  down?: boolean
}

export interface GitHubApiServerOptions {
  /** The user any token authenticates as when `tokens` is not given (default github-actions[bot], Bot). */
  user?: GitHubUserSpec
  /** Token → user. When given, other tokens get 401 "Bad credentials". */
  tokens?: Record<string, GitHubUserSpec>
  /** Tokens that get 403 "Resource not accessible by integration" on POST/PATCH/DELETE. */
  readOnlyTokens?: string[]
  /** Only this `owner/name` exists (others 404); also the repository of seeded comments. */
  repo?: string
  faults?: GitHubApiFaults
  /** Extra fields merged into GET /repos/{owner}/{repo}/pulls/{n}, by pull request number. */
  pulls?: Record<number, Record<string, unknown>>
}

export interface GitHubUserJson {
  login: string
  id: number
  node_id: string
  avatar_url: string
  gravatar_id: string
  url: string
  html_url: string
  type: string
  user_view_type: string
  site_admin: boolean
}

export interface GitHubCommentJson {
  url: string
  html_url: string
  issue_url: string
  id: number
  node_id: string
  user: GitHubUserJson
  created_at: string
  updated_at: string
  author_association: string
  body: string
  performed_via_github_app: null
}

export interface GitHubApiRequest {
  method: string
  path: string
  status: number
  time: number
  /** Login of the authenticated user, when there was one. */
  user?: string
}

export interface SeedComment {
  body: string
  user?: GitHubUserSpec
  created_at?: string
  updated_at?: string
}

export interface GitHubActionsCacheJson {
  id: number
  ref: string
  key: string
  version: string
  created_at: string
  last_accessed_at: string
  size_in_bytes: number
}

export interface GitHubApiServer {
  /** `http://127.0.0.1:PORT`, for getOctokit(token, { baseUrl: url }). */
  url: string
  stop(): Promise<void>
  /** The comments on an issue / pull request, oldest first, as the API returns them. */
  comments(issueNumber: number): GitHubCommentJson[]
  /** Adds comments (default author: the default user) and returns them as the API would. */
  seedComments(issueNumber: number, comments: Array<string | SeedComment>): GitHubCommentJson[]
  /** The repository's Actions cache entries, oldest first, as GET …/actions/caches returns them. */
  caches(): GitHubActionsCacheJson[]
  /** Adds Actions cache entries (newest last). */
  seedCaches(entries: Array<{ key: string; ref: string; size_in_bytes?: number }>): void
  requests(): GitHubApiRequest[]
  clearRequests(): void
  /** Replaces all faults (`setFaults({})` clears them). */
  setFaults(faults?: GitHubApiFaults): void
}

export function startGitHubApiServer(options?: GitHubApiServerOptions): Promise<GitHubApiServer>

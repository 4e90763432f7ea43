// A loopback stand-in for the parts of the GitHub REST API a sticky pull-request comment needs, so
// tests can drive the real @actions/github Octokit (getOctokit(token, { baseUrl })) against it.
//
// Endpoints:
//   GET    /repos/{owner}/{repo}/issues/{n}/comments     (per_page ≤ 100, default 30; page ≥ 1)
//   GET    /repositories/{repo_id}/issues/{n}/comments   (the form GitHub puts in Link headers)
//   POST   /repos/{owner}/{repo}/issues/{n}/comments     {"body": "..."}
//   GET    /repos/{owner}/{repo}/issues/comments/{id}
//   PATCH  /repos/{owner}/{repo}/issues/comments/{id}    {"body": "..."}
//   DELETE /repos/{owner}/{repo}/issues/comments/{id}
//   GET    /repos/{owner}/{repo}/pulls/{n}               (minimal pull request object)
//   GET    /user                                         (403 for Bot tokens, as with GITHUB_TOKEN)
//   GET    /repos/{owner}/{repo}/actions/caches          (?key= prefix, ?ref= exact, per_page, page)
//   DELETE /repos/{owner}/{repo}/actions/caches?key=…[&ref=…]   (every entry with that exact key)
//
// Behaviour copied from api.github.com:
// - Pagination: `Link` header with rel="prev", "next", "last", "first" (in that order, only the
//   ones that apply, none when everything fits on one page), absolute URLs of the form
//   .../repositories/{id}/issues/{n}/comments?per_page=..&page=.. keeping the caller's other query
//   parameters. Octokit's paginate() follows rel="next".
// - Authorization: `token X` or `Bearer X`. Without a header, reads are allowed (public repo) and
//   writes get 401 "Requires authentication". With a `tokens` map, unknown tokens get 401
//   "Bad credentials". Tokens in `readOnlyTokens` get 403 "Resource not accessible by integration"
//   for POST/PATCH/DELETE, which is what a workflow token on a pull request from a fork gets.
// - A comment body longer than 65536 characters gets 422 "Validation Failed" with the error object
//   GitHub returns ({"resource":"IssueComment","code":"unprocessable","field":"data",
//   "message":"Body is too long (maximum is 65536 characters)"}).
// - Comments: id, node_id, url, html_url, issue_url, user { login, id, type, ... }, created_at,
//   updated_at (ISO 8601, second precision), author_association, body, performed_via_github_app.
//
// - Actions caches (seeded with `seedCaches`): listed newest first ({ total_count, actions_caches:
//   [{ id, ref, key, version, last_accessed_at, created_at, size_in_bytes }] }); DELETE by key
//   answers 200 with the deleted entries, 404 when none matched, and 403 "Resource not accessible
//   by integration" for `readOnlyTokens` (a token without `actions: write`).
//
// Comments are stored per issue number (the owner/repo of the request is kept for URLs only), so
// `comments(n)` works without naming the repository. Pass `repo: 'owner/name'` to make every
// other repository 404.
import crypto from 'node:crypto'
import http from 'node:http'
import { URLSearchParams } from 'node:url'
import {
  connectionFaultsStop,
  copyFaults,
  listenOnLoopback,
  stopOnce,
  takeStatusFault
} from './loopback.mjs'

const MAX_BODY = 65536
const DOCS = 'https://docs.github.com/rest'
const DOC_CREATE = `${DOCS}/issues/comments#create-an-issue-comment`
const DOC_UPDATE = `${DOCS}/issues/comments#update-an-issue-comment`
const DOC_DELETE = `${DOCS}/issues/comments#delete-an-issue-comment`
const DOC_LIST = `${DOCS}/issues/comments#list-issue-comments`
const DOC_DELETE_CACHE = `${DOCS}/actions/cache#delete-github-actions-caches-for-a-repository-using-a-cache-key`

/** @type {Record<number, string>} */
const DEFAULT_MESSAGES = {
  400: 'Problems parsing JSON',
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  422: 'Validation Failed',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable'
}

/**
 * @typedef {{ login: string, type?: 'Bot' | 'User' | 'Organization', id?: number }} UserSpec
 * @typedef {number | { status: number, times?: number, message?: string }} StatusFault
 * @typedef {{
 *   getStatus?: StatusFault, postStatus?: StatusFault, patchStatus?: StatusFault,
 *   deleteStatus?: StatusFault, delayMs?: number, down?: boolean
 * }} GitHubApiFaults
 * @typedef {{
 *   id: number, issueNumber: number, owner: string, repo: string, body: string,
 *   user: UserSpec, createdAt: number, updatedAt: number
 * }} StoredComment
 */

function stableId(/** @type {string} */ text, /** @type {number} */ floor) {
  const n = crypto.createHash('sha256').update(text).digest().readUInt32BE(0)
  return floor + (n % 100000000)
}

function isoSeconds(/** @type {number} */ ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * @param {{
 *   user?: UserSpec,
 *   tokens?: Record<string, UserSpec>,
 *   readOnlyTokens?: string[],
 *   repo?: string,
 *   faults?: GitHubApiFaults,
 *   pulls?: Record<number, Record<string, unknown>>
 * }} [options]
 */
export async function startGitHubApiServer(options = {}) {
  /** @type {UserSpec} */
  const defaultUser = { login: 'github-actions[bot]', type: 'Bot', ...(options.user ?? {}) }
  const tokens = options.tokens
  const readOnly = new Set(options.readOnlyTokens ?? [])
  const restrictRepo = options.repo
  const defaultRepo = options.repo ?? 'octo-org/octo-repo'

  /** @type {Map<number, StoredComment>} */
  const comments = new Map()
  /** @type {Array<{ id: number, ref: string, key: string, version: string, created_at: string, last_accessed_at: string, size_in_bytes: number }>} */
  let caches = []
  let nextCacheId = 1
  let nextCommentId = 2000000001
  let clock = 0
  /** @type {Array<{ method: string, path: string, status: number, time: number, user?: string }>} */
  const log = []
  /** @type {GitHubApiFaults} */
  let faults = {}
  setFaults(options.faults)
  /** @type {Map<string, number>} */
  const repoIds = new Map()

  function setFaults(/** @type {GitHubApiFaults | undefined} */ next) {
    faults = copyFaults(next)
  }

  /** The fault injected for this HTTP method, if one applies. @param {string} method */
  function methodFault(method) {
    const name = /** @type {'getStatus' | 'postStatus' | 'patchStatus' | 'deleteStatus'} */ (
      `${method.toLowerCase()}Status`
    )
    return takeStatusFault(faults[name])
  }

  /** Monotonic timestamps, so two writes in one millisecond still order. */
  function now() {
    clock = Math.max(clock + 1, Date.now())
    return clock
  }

  function repoId(/** @type {string} */ owner, /** @type {string} */ repo) {
    const full = `${owner}/${repo}`
    let id = repoIds.get(full)
    if (id === undefined) {
      id = stableId(full, 100000000)
      repoIds.set(full, id)
    }
    return id
  }

  function userJson(/** @type {UserSpec} */ user) {
    const type = user.type ?? 'User'
    const id =
      user.id ??
      (user.login === 'github-actions[bot]' ? 41898282 : stableId(`user:${user.login}`, 1000000))
    const slug = encodeURIComponent(user.login)
    return {
      login: user.login,
      id,
      node_id: Buffer.from(`04:${type}${id}`).toString('base64'),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: `${baseUrl}/users/${slug}`,
      html_url:
        type === 'Bot'
          ? `https://github.com/apps/${slug.replace(/%5Bbot%5D$/, '')}`
          : `https://github.com/${slug}`,
      type,
      user_view_type: 'public',
      site_admin: false
    }
  }

  function commentJson(/** @type {StoredComment} */ c) {
    const repoPath = `${c.owner}/${c.repo}`
    return {
      url: `${baseUrl}/repos/${repoPath}/issues/comments/${c.id}`,
      html_url: `https://github.com/${repoPath}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${baseUrl}/repos/${repoPath}/issues/${c.issueNumber}`,
      id: c.id,
      node_id: `IC_${Buffer.from(`comment${c.id}`).toString('base64url')}`,
      user: userJson(c.user),
      created_at: isoSeconds(c.createdAt),
      updated_at: isoSeconds(c.updatedAt),
      author_association: c.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
      body: c.body,
      performed_via_github_app: null
    }
  }

  function issueComments(/** @type {number} */ issueNumber) {
    return [...comments.values()]
      .filter(c => c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id)
  }

  function send(
    /** @type {http.ServerResponse} */ res,
    /** @type {number} */ status,
    /** @type {unknown} */ body,
    extra = {}
  ) {
    const headers = {
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-github-request-id': crypto.randomUUID().toUpperCase(),
      ...extra
    }
    if (body === undefined) {
      res.writeHead(status, headers)
      res.end()
      return
    }
    const text = JSON.stringify(body)
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text)
    })
    res.end(text)
  }

  function sendError(
    /** @type {http.ServerResponse} */ res,
    /** @type {number} */ status,
    /** @type {string | undefined} */ message,
    docs = DOCS,
    extra = {}
  ) {
    send(res, status, {
      message: message ?? DEFAULT_MESSAGES[status] ?? 'Error',
      documentation_url: docs,
      status: String(status),
      ...extra
    })
  }

  async function readJson(/** @type {http.IncomingMessage} */ req) {
    /** @type {Buffer[]} */
    const chunks = []
    for await (const chunk of req) chunks.push(/** @type {Buffer} */ (chunk))
    const text = Buffer.concat(chunks).toString('utf8')
    if (!text) return {}
    return JSON.parse(text)
  }

  /** @returns {{ ok: true, token?: string, user?: UserSpec } | { ok: false }} */
  function authenticate(/** @type {http.IncomingMessage} */ req) {
    const header = req.headers.authorization
    if (!header) return { ok: true }
    const m = /^(token|bearer)\s+(\S+)$/i.exec(header.trim())
    if (!m) return { ok: false }
    const token = m[2]
    if (tokens) {
      const user = tokens[token]
      return user ? { ok: true, token, user } : { ok: false }
    }
    return { ok: true, token, user: defaultUser }
  }

  function pageLinks(
    /** @type {URL} */ url,
    /** @type {string} */ listPath,
    /** @type {number} */ page,
    /** @type {number} */ lastPage
  ) {
    if (lastPage <= 1) return undefined
    const linkFor = (/** @type {number} */ p) => {
      const q = new URLSearchParams(url.searchParams)
      q.set('page', String(p))
      return `<${baseUrl}${listPath}?${q}>`
    }
    /** @type {string[]} */
    const parts = []
    if (page > 1) parts.push(`${linkFor(Math.min(page - 1, lastPage))}; rel="prev"`)
    if (page < lastPage) {
      parts.push(`${linkFor(page + 1)}; rel="next"`)
      parts.push(`${linkFor(lastPage)}; rel="last"`)
    }
    if (page > 1) parts.push(`${linkFor(1)}; rel="first"`)
    return parts.join(', ')
  }

  async function route(
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
    /** @type {URL} */ url,
    /** @type {{ user?: string }} */ record
  ) {
    const method = req.method ?? 'GET'
    const auth = authenticate(req)
    if (!auth.ok) {
      await readJson(req).catch(() => undefined)
      return sendError(res, 401, 'Bad credentials')
    }
    if (auth.user) record.user = auth.user.login
    const isWrite =
      method === 'POST' || method === 'PATCH' || method === 'DELETE' || method === 'PUT'

    const injected = methodFault(method)
    if (injected) {
      await readJson(req).catch(() => undefined)
      return sendError(res, injected.status, injected.message)
    }

    const p = url.pathname.replace(/\/+$/, '')
    /** @type {RegExpExecArray | null} */
    let m

    if (p === '/user' && method === 'GET') {
      if (!auth.user) return sendError(res, 401, 'Requires authentication')
      if ((auth.user.type ?? 'User') === 'Bot') {
        return sendError(
          res,
          403,
          'Resource not accessible by integration',
          `${DOCS}/users/users#get-the-authenticated-user`
        )
      }
      return send(res, 200, userJson(auth.user))
    }

    /** @type {{ owner: string, repo: string } | undefined} */
    let repoRef
    let rest
    if ((m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(p))) {
      repoRef = { owner: decodeURIComponent(m[1]), repo: decodeURIComponent(m[2]) }
      rest = m[3] ?? ''
    } else if ((m = /^\/repositories\/(\d+)(\/.*)?$/.exec(p))) {
      const id = Number(m[1])
      const found = [...repoIds.entries()].find(([, v]) => v === id)
      if (found) {
        const [owner, repo] = found[0].split('/')
        repoRef = { owner, repo }
      }
      rest = m[2] ?? ''
      if (!repoRef) return sendError(res, 404, 'Not Found')
    } else {
      return sendError(res, 404, 'Not Found')
    }
    if (
      restrictRepo &&
      `${repoRef.owner}/${repoRef.repo}`.toLowerCase() !== restrictRepo.toLowerCase()
    ) {
      return sendError(res, 404, 'Not Found')
    }
    const { owner, repo } = repoRef
    const rid = repoId(owner, repo)

    if (isWrite && !auth.user) return sendError(res, 401, 'Requires authentication')

    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issueNumber = Number(m[1])
      if (method === 'GET') {
        const rawPerPage = Number.parseInt(url.searchParams.get('per_page') ?? '', 10)
        const perPage = Number.isNaN(rawPerPage) || rawPerPage < 1 ? 30 : Math.min(rawPerPage, 100)
        const rawPage = Number.parseInt(url.searchParams.get('page') ?? '', 10)
        const page = Number.isNaN(rawPage) || rawPage < 1 ? 1 : rawPage
        const all = issueComments(issueNumber)
        const lastPage = Math.max(1, Math.ceil(all.length / perPage))
        const slice = all.slice((page - 1) * perPage, page * perPage).map(commentJson)
        const link = pageLinks(
          url,
          `/repositories/${rid}/issues/${issueNumber}/comments`,
          page,
          lastPage
        )
        return send(res, 200, slice, link ? { Link: link } : {})
      }
      if (method === 'POST') {
        if (auth.token && readOnly.has(auth.token)) {
          await readJson(req).catch(() => undefined)
          return sendError(res, 403, 'Resource not accessible by integration', DOC_CREATE)
        }
        return writeComment(req, res, DOC_CREATE, body => {
          const t = now()
          /** @type {StoredComment} */
          const c = {
            id: nextCommentId++,
            issueNumber,
            owner,
            repo,
            body,
            user: /** @type {UserSpec} */ (auth.user),
            createdAt: t,
            updatedAt: t
          }
          comments.set(c.id, c)
          return send(res, 201, commentJson(c), {
            Location: `${baseUrl}/repos/${owner}/${repo}/issues/comments/${c.id}`
          })
        })
      }
      return sendError(res, 404, 'Not Found', DOC_LIST)
    }

    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const c = comments.get(Number(m[1]))
      const docs = method === 'PATCH' ? DOC_UPDATE : method === 'DELETE' ? DOC_DELETE : DOCS
      if (isWrite && auth.token && readOnly.has(auth.token)) {
        await readJson(req).catch(() => undefined)
        return sendError(res, 403, 'Resource not accessible by integration', docs)
      }
      if (!c) {
        await readJson(req).catch(() => undefined)
        return sendError(res, 404, 'Not Found', docs)
      }
      if (method === 'GET') return send(res, 200, commentJson(c))
      if (method === 'PATCH') {
        return writeComment(req, res, DOC_UPDATE, body => {
          c.body = body
          c.updatedAt = now()
          return send(res, 200, commentJson(c))
        })
      }
      if (method === 'DELETE') {
        comments.delete(c.id)
        return send(res, 204, undefined)
      }
      return sendError(res, 404, 'Not Found')
    }

    if (rest === '/actions/caches') {
      const key = url.searchParams.get('key') ?? undefined
      const ref = url.searchParams.get('ref') ?? undefined
      if (method === 'GET') {
        const rawPerPage = Number.parseInt(url.searchParams.get('per_page') ?? '', 10)
        const perPage = Number.isNaN(rawPerPage) || rawPerPage < 1 ? 30 : Math.min(rawPerPage, 100)
        const rawPage = Number.parseInt(url.searchParams.get('page') ?? '', 10)
        const page = Number.isNaN(rawPage) || rawPage < 1 ? 1 : rawPage
        const matching = caches
          .filter(
            c =>
              (key === undefined || c.key.startsWith(key)) && (ref === undefined || c.ref === ref)
          )
          .sort((a, b) => b.id - a.id)
        const lastPage = Math.max(1, Math.ceil(matching.length / perPage))
        const link = pageLinks(url, `/repos/${owner}/${repo}/actions/caches`, page, lastPage)
        return send(
          res,
          200,
          {
            total_count: matching.length,
            actions_caches: matching.slice((page - 1) * perPage, page * perPage)
          },
          link ? { Link: link } : {}
        )
      }
      if (method === 'DELETE') {
        if (auth.token && readOnly.has(auth.token)) {
          return sendError(res, 403, 'Resource not accessible by integration', DOC_DELETE_CACHE)
        }
        if (!key) return sendError(res, 422, 'Validation Failed', DOC_DELETE_CACHE)
        const deleted = caches.filter(c => c.key === key && (ref === undefined || c.ref === ref))
        if (deleted.length === 0) return sendError(res, 404, 'Not Found', DOC_DELETE_CACHE)
        caches = caches.filter(c => !deleted.includes(c))
        return send(res, 200, { total_count: deleted.length, actions_caches: deleted })
      }
    }

    if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && method === 'GET') {
      const n = Number(m[1])
      const full = `${owner}/${repo}`
      const base = {
        url: `${baseUrl}/repos/${full}/pulls/${n}`,
        id: stableId(`pull:${full}#${n}`, 1000000000),
        number: n,
        state: 'open',
        locked: false,
        title: `Pull request #${n}`,
        html_url: `https://github.com/${full}/pull/${n}`,
        comments_url: `${baseUrl}/repos/${full}/issues/${n}/comments`,
        user: userJson({ login: 'octocat', type: 'User' }),
        draft: false,
        merged: false,
        head: {
          label: `octocat:feature-${n}`,
          ref: `feature-${n}`,
          sha: crypto.createHash('sha1').update(`head:${full}#${n}`).digest('hex'),
          repo: { id: rid, full_name: full, fork: false }
        },
        base: {
          label: `${owner}:main`,
          ref: 'main',
          sha: crypto.createHash('sha1').update(`base:${full}#${n}`).digest('hex'),
          repo: { id: rid, full_name: full, fork: false }
        }
      }
      return send(res, 200, { ...base, ...(options.pulls?.[n] ?? {}) })
    }

    await readJson(req).catch(() => undefined)
    return sendError(res, 404, 'Not Found')
  }

  async function writeComment(
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
    /** @type {string} */ docs,
    /** @type {(body: string) => void} */ apply
  ) {
    /** @type {Record<string, unknown>} */
    let payload
    try {
      payload = await readJson(req)
    } catch {
      return sendError(res, 400, 'Problems parsing JSON', docs)
    }
    const body = payload?.body
    if (typeof body !== 'string') {
      return sendError(res, 422, 'Invalid request.\n\n"body" wasn\'t supplied.', docs)
    }
    if ([...body].length > MAX_BODY) {
      return sendError(res, 422, 'Validation Failed', docs, {
        errors: [
          {
            resource: 'IssueComment',
            code: 'unprocessable',
            field: 'data',
            message: `Body is too long (maximum is ${MAX_BODY} characters)`
          }
        ]
      })
    }
    return apply(body)
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    /** @type {{ method: string, path: string, status: number, time: number, user?: string }} */
    const record = { method: req.method ?? '', path: url.pathname, status: 0, time: Date.now() }
    log.push(record)
    res.on('finish', () => {
      record.status = res.statusCode
    })
    const handle = async () => {
      if (await connectionFaultsStop(req, res, faults)) return
      await route(req, res, url, record)
    }
    handle().catch(error => {
      if (!res.headersSent) sendError(res, 500, `Server Error: ${error?.message ?? error}`)
      else res.destroy()
    })
  })

  const baseUrl = await listenOnLoopback(server)
  return {
    url: baseUrl,
    stop: stopOnce(server),
    comments(/** @type {number} */ issueNumber) {
      return issueComments(issueNumber).map(commentJson)
    },
    /** The repository's Actions cache entries, oldest first. */
    caches() {
      return caches.map(c => ({ ...c }))
    },
    seedCaches(/** @type {Array<{ key: string, ref: string, size_in_bytes?: number }>} */ seed) {
      for (const entry of seed) {
        const t = isoSeconds(now())
        caches.push({
          id: nextCacheId++,
          ref: entry.ref,
          key: entry.key,
          version: crypto.createHash('sha256').update(entry.key).digest('hex'),
          created_at: t,
          last_accessed_at: t,
          size_in_bytes: entry.size_in_bytes ?? 1024
        })
      }
    },
    seedComments(
      /** @type {number} */ issueNumber,
      /** @type {Array<string | { body: string, user?: UserSpec, created_at?: string, updated_at?: string }>} */ seed
    ) {
      const [owner, repo] = defaultRepo.split('/')
      repoId(owner, repo)
      return seed.map(item => {
        const spec = typeof item === 'string' ? { body: item } : item
        const created = spec.created_at ? Date.parse(spec.created_at) : now()
        /** @type {StoredComment} */
        const c = {
          id: nextCommentId++,
          issueNumber,
          owner,
          repo,
          body: spec.body,
          user: spec.user ?? defaultUser,
          createdAt: created,
          updatedAt: spec.updated_at ? Date.parse(spec.updated_at) : created
        }
        comments.set(c.id, c)
        return commentJson(c)
      })
    },
    requests() {
      return log.map(r => ({ ...r }))
    },
    clearRequests() {
      log.length = 0
    },
    setFaults
  }
}

/** @typedef {Awaited<ReturnType<typeof startGitHubApiServer>>} GitHubApiServer */

/**
 * The sticky PR comment against the loopback GitHub REST server (testing/servers/github-api-server),
 * driven through the real @actions/github Octokit: create, edit in place, one per comment id,
 * other people's comments with our marker, pagination, minimized comments, and every failure
 * (read-only token, 500, timeouts) ending as one warning and a green job.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  startGitHubApiServer,
  type GitHubApiServer
} from '../testing/servers/github-api-server.mjs'
import type { ActionConfig } from '../src/action/config.js'
import { decideComment, pullRequestNumber } from '../src/action/pull-request/event.js'
import {
  commentBody,
  commentMarker,
  hasMarker,
  isOurAuthor
} from '../src/action/pull-request/our-comment.js'
import {
  upsertStickyComment,
  type StickyCommentOptions
} from '../src/action/pull-request/sticky-comment.js'
import { renderCommentBody } from '../src/action/report/comment-body.js'
import { COMMENT_MAX_CHARS } from '../src/action/report/fit.js'
import type { BatchRunReport } from '../src/action/report/model.js'
import { parseCommentState } from '../src/action/state.js'
import { writeReport } from '../src/action/write-report.js'
import { tempDir } from './support/files.js'

const OWNER = 'octo-org'
const REPO = 'haskell-app'
const HUMAN = { login: 'octocat', type: 'User' as const }

const report: BatchRunReport = {
  storePath: '/nix/store/0c7n1mdwzrdyq5f5hbm4wfvnvqpbqjfj-some-cabal2nix-batch',
  source: 'actions-cache',
  rebuilt: false,
  packages: [
    { name: 'aeson', version: '2.2.3.0' },
    { name: 'lens', version: '5.3.2' }
  ],
  diff: { added: [], removed: [], bumped: [], unchanged: 2 },
  phases: [
    { name: 'plan', ms: 40 },
    { name: 'restore', ms: 900 },
    { name: 'evaluate', ms: 1900 }
  ],
  pushes: [],
  totalMs: 2900
}

let server: GitHubApiServer

beforeAll(async () => {
  server = await startGitHubApiServer({
    repo: `${OWNER}/${REPO}`,
    tokens: {
      'ghs_workflow-token': { login: 'github-actions[bot]', type: 'Bot' },
      'ghs_fork-token': { login: 'github-actions[bot]', type: 'Bot' },
      'ghp_alice-pat': { login: 'alice', type: 'User' }
    },
    readOnlyTokens: ['ghs_fork-token']
  })
})

afterEach(() => {
  server.setFaults({})
  server.clearRequests()
})

afterAll(async () => {
  await server?.stop()
})

let nextIssue = 100
/** Each test gets its own pull request number, so tests never see each other's comments. */
function freshIssue(): number {
  return nextIssue++
}

function upsert(issueNumber: number, overrides: Partial<StickyCommentOptions> = {}) {
  return upsertStickyComment({
    owner: OWNER,
    repo: REPO,
    issueNumber,
    token: 'ghs_workflow-token',
    baseUrl: server.url,
    commentId: 'build',
    body: 'report body\n',
    ...overrides
  })
}

/** Writes to comments (the GraphQL minimized query is a POST too, and is left out). */
function writes(): string[] {
  return server
    .requests()
    .filter(r => r.method !== 'GET' && r.path !== '/graphql')
    .map(r => `${r.method} ${r.status}`)
}

describe('finding and writing our comment', () => {
  test('creates the comment on the first run and edits it in place on the second', async () => {
    const pr = freshIssue()
    server.seedComments(pr, [{ body: 'LGTM', user: HUMAN }])
    const first = await upsert(pr, { body: 'first run\n' })
    expect(first).toMatchObject({ ok: true, status: 'created', login: 'github-actions[bot]' })
    const second = await upsert(pr, { body: 'second run\n' })
    expect(second).toMatchObject({ ok: true, status: 'updated' })
    expect(first.ok && second.ok && second.id === first.id).toBe(true)

    const comments = server.comments(pr)
    expect(comments.map(c => c.body)).toEqual([
      'LGTM',
      '<!-- some-cabal2nix:build -->\nsecond run\n'
    ])
    expect(writes()).toEqual(['POST 201', 'PATCH 200'])
  })

  test('one comment per comment id: matrix entries keep their own', async () => {
    const pr = freshIssue()
    await upsert(pr, { commentId: 'ghc-9.6 ubuntu-latest', body: 'a1\n' })
    await upsert(pr, { commentId: 'ghc-9.8 ubuntu-latest', body: 'b1\n' })
    await upsert(pr, { commentId: 'ghc-9.6 ubuntu-latest', body: 'a2\n' })
    await upsert(pr, { commentId: 'ghc-9.8 ubuntu-latest', body: 'b2\n' })
    expect(server.comments(pr).map(c => c.body)).toEqual([
      '<!-- some-cabal2nix:ghc-9.6 ubuntu-latest -->\na2\n',
      '<!-- some-cabal2nix:ghc-9.8 ubuntu-latest -->\nb2\n'
    ])
  })

  test("ignores other people's comments that carry our marker, and markers not on the first line", async () => {
    const pr = freshIssue()
    const marker = commentMarker('build')
    const [copied, quoted] = server.seedComments(pr, [
      { body: `${marker}\nI copied this from the bot`, user: HUMAN },
      `Quoting:\n${marker}\nnot ours either`
    ])
    const result = await upsert(pr, { body: 'ours\n' })
    expect(result).toMatchObject({ status: 'created' })
    const comments = server.comments(pr)
    expect(comments).toHaveLength(3)
    expect(comments.find(c => c.id === copied.id)?.body).toBe(copied.body)
    expect(comments.find(c => c.id === quoted.id)?.body).toBe(quoted.body)
    expect(comments[2].body).toBe(`${marker}\nours\n`)
  })

  test('walks every page (> 100 comments) to find the comment and edits it', async () => {
    const pr = freshIssue()
    const seeded = server.seedComments(
      pr,
      Array.from({ length: 230 }, (_, i) =>
        i === 170
          ? `${commentMarker('build')}\nold report`
          : { body: `review comment ${i}`, user: HUMAN }
      )
    )
    server.clearRequests()
    const result = await upsert(pr, { body: 'new report\n' })
    expect(result).toMatchObject({ status: 'updated', id: seeded[170].id })
    expect(server.comments(pr)).toHaveLength(230)
    expect(server.comments(pr)[170].body).toBe(`${commentMarker('build')}\nnew report\n`)
    const lists = server.requests().filter(r => r.method === 'GET')
    expect(lists).toHaveLength(3) // pages of 100, 100 and 30
    expect(lists[1].path).toMatch(/^\/repositories\/\d+\/issues\/\d+\/comments$/)
  })

  test('skips a minimized (hidden) comment and edits the next one of ours', async () => {
    const pr = freshIssue()
    const [hidden, visible] = server.seedComments(pr, [
      `${commentMarker('build')}\nhidden as outdated`,
      `${commentMarker('build')}\nstill visible`
    ])
    const asked: unknown[] = []
    // The REST API does not say whether a comment is minimized; GraphQL does.
    const fetchWithGraphql: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      if (url.endsWith('/graphql')) {
        const { variables } = JSON.parse(String(init?.body)) as { variables: { ids: string[] } }
        asked.push(variables.ids)
        const nodes = variables.ids.map(id => ({ id, isMinimized: id === hidden.node_id }))
        return new Response(JSON.stringify({ data: { nodes } }), {
          status: 200,
          headers: { 'content-type': 'application/json' }
        })
      }
      return fetch(input, init)
    }
    const result = await upsert(pr, { body: 'new\n', fetch: fetchWithGraphql })
    expect(asked).toEqual([[hidden.node_id, visible.node_id]])
    expect(result).toMatchObject({ status: 'updated', id: visible.id })
    expect(server.comments(pr).map(c => c.body)).toEqual([
      hidden.body,
      `${commentMarker('build')}\nnew\n`
    ])
  })

  test('without GraphQL (the test server has none) candidates count as visible', async () => {
    const pr = freshIssue()
    const [ours] = server.seedComments(pr, [`${commentMarker('build')}\nold`])
    const logs: string[] = []
    const result = await upsert(pr, { log: line => logs.push(line) })
    expect(result).toMatchObject({ status: 'updated', id: ours.id })
    expect(logs.join('\n')).toMatch(/could not ask whether our comments are minimized/)
  })

  test('a personal access token: GET /user gives our login; Bot comments are then not ours', async () => {
    const pr = freshIssue()
    const [botComment, aliceComment] = server.seedComments(pr, [
      `${commentMarker('build')}\nby the workflow token`,
      {
        body: `${commentMarker('build')}\nby alice's token`,
        user: { login: 'alice', type: 'User' }
      }
    ])
    const result = await upsert(pr, { token: 'ghp_alice-pat', body: 'pat run\n' })
    expect(result).toMatchObject({ status: 'updated', id: aliceComment.id, login: 'alice' })
    expect(server.comments(pr)[0].body).toBe(botComment.body)
    expect(server.requests().map(r => `${r.method} ${r.path}`)).toContain('GET /user')
  })

  test('an installation token never calls GET /user', async () => {
    const pr = freshIssue()
    await upsert(pr)
    expect(server.requests().some(r => r.path === '/user')).toBe(false)
  })

  test('the post step edits the known comment directly, and finds or creates one if it is gone', async () => {
    const pr = freshIssue()
    const created = await upsert(pr, { body: 'main step\n' })
    if (!created.ok) throw new Error('expected a comment')
    server.clearRequests()
    const direct = await upsert(pr, {
      body: 'post step\n',
      knownCommentId: created.id,
      knownLogin: created.login
    })
    expect(direct).toMatchObject({ status: 'updated', id: created.id, requests: 1 })
    expect(server.requests().map(r => r.method)).toEqual(['PATCH'])

    const gone = await upsert(pr, {
      body: 'again\n',
      knownCommentId: 999_999,
      knownLogin: created.login
    })
    expect(gone).toMatchObject({ status: 'updated', id: created.id })
    expect(server.comments(pr)).toHaveLength(1)
  })

  test('a body over the limit is cut to fit instead of being rejected', async () => {
    const pr = freshIssue()
    const result = await upsert(pr, { body: 'x'.repeat(80_000) })
    expect(result).toMatchObject({ status: 'created' })
    const body = server.comments(pr)[0].body
    expect([...body].length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(body).toMatch(/cut to fit GitHub’s comment size limit/)
  })
})

describe('failures are results, never exceptions', () => {
  test('a read-only token (fork pull request) is "denied"', async () => {
    const pr = freshIssue()
    const result = await upsert(pr, { token: 'ghs_fork-token' })
    expect(result).toMatchObject({ ok: false, status: 'denied', httpStatus: 403 })
    expect(!result.ok && result.message).toMatch(/Resource not accessible by integration/)
    expect(server.comments(pr)).toHaveLength(0)
  })

  test('a read-only token with an existing comment: edit refused, create refused, still one result', async () => {
    const pr = freshIssue()
    server.seedComments(pr, [`${commentMarker('build')}\nfrom an earlier run`])
    const result = await upsert(pr, { token: 'ghs_fork-token' })
    expect(result).toMatchObject({ status: 'denied', httpStatus: 403 })
    expect(writes()).toEqual(['PATCH 403', 'POST 403'])
  })

  test('500 is "failed"', async () => {
    const pr = freshIssue()
    server.setFaults({ postStatus: 500 })
    const result = await upsert(pr)
    expect(result).toMatchObject({ ok: false, status: 'failed', httpStatus: 500 })
  })

  test('a hanging API is given up on', async () => {
    const pr = freshIssue()
    // The reply comes far later than the bound, so a busy machine cannot blur the two.
    const delayMs = 5000
    server.setFaults({ delayMs })
    const started = Date.now()
    const result = await upsert(pr, { timeoutMs: 200 })
    expect(result).toMatchObject({ ok: false, status: 'failed', message: 'timed out after 0.2 s' })
    const elapsed = Date.now() - started
    expect(elapsed).toBeLessThan(delayMs - 1000)
    await new Promise(resolve => setTimeout(resolve, delayMs - elapsed + 200)) // the server's delayed reply
  })

  test('bad credentials are "denied"', async () => {
    const result = await upsert(freshIssue(), { token: 'ghs_not-a-token' })
    expect(result).toMatchObject({ status: 'denied', httpStatus: 401 })
  })
})

describe('when to comment', () => {
  const pr = (name: string, payload: Record<string, unknown>) => ({ name, payload })
  const onPr = pr('pull_request', { number: 7, pull_request: { number: 7 } })

  test('auto: pull_request and pull_request_target only', () => {
    expect(decideComment('auto', onPr, 'o/r')).toEqual({
      target: { owner: 'o', repo: 'r', issueNumber: 7 }
    })
    expect(
      decideComment('auto', pr('pull_request_target', { pull_request: { number: 8 } }), 'o/r')
    ).toEqual({
      target: { owner: 'o', repo: 'r', issueNumber: 8 }
    })
    expect(decideComment('auto', pr('push', {}), 'o/r')).toHaveProperty('skip')
    expect(
      decideComment('auto', pr('issue_comment', { issue: { number: 9, pull_request: {} } }), 'o/r')
    ).toHaveProperty('skip')
  })

  test('always: whenever the payload names a pull request', () => {
    expect(
      decideComment(
        'always',
        pr('issue_comment', { issue: { number: 9, pull_request: {} } }),
        'o/r'
      )
    ).toEqual({
      target: { owner: 'o', repo: 'r', issueNumber: 9 }
    })
    expect(
      decideComment('always', pr('issue_comment', { issue: { number: 9 } }), 'o/r')
    ).toHaveProperty('skip')
    expect(decideComment('always', pr('push', { number: 3 }), 'o/r')).toHaveProperty('skip')
    expect(decideComment('always', onPr, undefined)).toHaveProperty('skip')
  })

  test('never: never', () => {
    expect(decideComment('never', onPr, 'o/r')).toHaveProperty('skip')
  })

  test('markers, authors and state', () => {
    expect(commentMarker('ghc-9.8 (ubuntu)')).toBe('<!-- some-cabal2nix:ghc-9.8 (ubuntu) -->')
    expect(commentMarker('evil --> <b>')).toBe('<!-- some-cabal2nix:evil __ _b_ -->')
    expect(hasMarker(`${commentMarker('a')}\r\nbody`, commentMarker('a'))).toBe(true)
    expect(hasMarker(`${commentMarker('ab')}\nbody`, commentMarker('a'))).toBe(false)
    expect(hasMarker(null, commentMarker('a'))).toBe(false)
    expect(commentBody('a', 'b')).toBe(`${commentMarker('a')}\nb`)
    expect(isOurAuthor({ login: 'github-actions[bot]', type: 'Bot' })).toBe(true)
    expect(isOurAuthor({ login: 'octocat', type: 'User' })).toBe(false)
    expect(isOurAuthor({ login: 'github-actions[bot]', type: 'Bot' }, 'alice')).toBe(false)
    expect(isOurAuthor({ login: 'Alice', type: 'User' }, 'alice')).toBe(true)
    expect(pullRequestNumber(pr('pull_request', { number: 5 }))).toBe(5)
    expect(parseCommentState('not json')).toBeUndefined()
    expect(parseCommentState('')).toBeUndefined()
  })
})

/** writeReport (the main step's last call) in-process, with the runner's files and stdout captured. */
describe('writeReport: the job summary always, the comment when it can', () => {
  interface Published {
    summary: string
    state: string
    warnings: string[]
    stdout: string
  }

  const config = (overrides: Partial<ActionConfig> = {}): ActionConfig => ({
    workingDirectory: '/tmp',
    binaryCaches: [],
    useActionsCache: true,
    cacheKeyPrefix: 'some-cabal2nix',
    githubToken: 'ghs_workflow-token',
    comment: 'auto',
    commentId: 'build',
    failOnPushError: false,
    incremental: { kind: 'off' },
    intermediatesMaxBytes: 1e9,
    ...overrides
  })

  // @actions/core remembers the summary file of the first write (one process is one step), so the
  // runner's files stay the same across these tests and are emptied before each, like a new step.
  let files: { GITHUB_STEP_SUMMARY: string; GITHUB_STATE: string; GITHUB_EVENT_PATH: string }
  beforeAll(async () => {
    const dir = await tempDir('publish')
    files = {
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_STATE: path.join(dir, 'state'),
      GITHUB_EVENT_PATH: path.join(dir, 'event.json')
    }
  })

  async function publish(
    event: { name: string; payload: unknown },
    cfg: ActionConfig
  ): Promise<Published> {
    for (const file of [files.GITHUB_STEP_SUMMARY, files.GITHUB_STATE]) await writeFile(file, '')
    await writeFile(files.GITHUB_EVENT_PATH, JSON.stringify(event.payload))
    const env: Record<string, string> = {
      ...files,
      GITHUB_EVENT_NAME: event.name,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: server.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242'
    }
    const saved = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]))
    Object.assign(process.env, env)
    const chunks: string[] = []
    const write = process.stdout.write
    process.stdout.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return true
    }) as typeof process.stdout.write
    try {
      await writeReport(report, cfg)
    } finally {
      process.stdout.write = write
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
    const stdout = chunks.join('')
    return {
      summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
      state: await readFile(files.GITHUB_STATE, 'utf8'),
      warnings: stdout.split('\n').filter(l => l.startsWith('::warning')),
      stdout
    }
  }

  const prEvent = (n: number) => ({
    name: 'pull_request',
    payload: { number: n, pull_request: { number: n } }
  })

  test('on a pull request: summary, comment, and the comment id saved for the post step', async () => {
    const n = freshIssue()
    const out = await publish(prEvent(n), config())
    expect(out.warnings).toEqual([])
    expect(out.summary).toContain(
      '### some-cabal2nix: batch restored from the Actions cache in 2.9 s'
    )
    const [comment] = server.comments(n)
    expect(comment.body.split('\n')[0]).toBe('<!-- some-cabal2nix:build -->')
    expect(comment.body).toContain('main build: still running')
    expect(comment.body).toContain(
      '[workflow run](https://github.com/octo-org/haskell-app/actions/runs/4242)'
    )
    expect(out.state).toContain('comment<<')
    expect(out.state).toContain(`"id":${comment.id}`)
    expect(out.state).not.toContain('ghs_workflow-token')
  })

  test('fork pull request (read-only token): exactly one warning, the summary is still written', async () => {
    const n = freshIssue()
    const out = await publish(prEvent(n), config({ githubToken: 'ghs_fork-token' }))
    expect(out.warnings).toHaveLength(1)
    expect(out.warnings[0]).toMatch(
      /could not write the some-cabal2nix comment on pull request #\d+ \(HTTP 403/
    )
    expect(out.warnings[0]).toMatch(/pull-requests: write/)
    expect(out.summary).toContain('### some-cabal2nix:')
    expect(out.state).toContain('"status":"denied"')
    expect(server.comments(n)).toHaveLength(0)
  })

  test('500 from the API: one warning, summary written', async () => {
    const n = freshIssue()
    server.setFaults({ getStatus: 500 })
    const out = await publish(prEvent(n), config())
    expect(out.warnings).toHaveLength(1)
    expect(out.warnings[0]).toMatch(/HTTP 500/)
    expect(out.summary).toContain('### some-cabal2nix:')
    expect(out.state).toContain('"status":"failed"')
  })

  test('comment: never makes no API calls; auto on push makes none either', async () => {
    const never = await publish(prEvent(freshIssue()), config({ comment: 'never' }))
    const push = await publish({ name: 'push', payload: { ref: 'refs/heads/main' } }, config())
    expect(server.requests()).toEqual([])
    expect([...never.warnings, ...push.warnings]).toEqual([])
    expect(never.summary).toContain('### some-cabal2nix:')
    expect(push.summary).toContain('### some-cabal2nix:')
  })

  test('comment: always comments on an issue_comment event on a pull request', async () => {
    const n = freshIssue()
    const out = await publish(
      { name: 'issue_comment', payload: { issue: { number: n, pull_request: { url: 'x' } } } },
      config({ comment: 'always' })
    )
    expect(out.warnings).toEqual([])
    expect(server.comments(n)).toHaveLength(1)
  })

  test('no token: one warning, no API calls', async () => {
    const out = await publish(prEvent(freshIssue()), config({ githubToken: undefined }))
    expect(out.warnings).toHaveLength(1)
    expect(out.warnings[0]).toMatch(/github-token input is empty/)
    expect(server.requests()).toEqual([])
  })
})

test('the incremental packages the post step reported are in the comment', () => {
  const body = renderCommentBody({
    ...report,
    incremental: ['my-app: incremental from main @ 1a2b3c4 (run 41): compiled 3 of 140 modules']
  })
  expect(body).toContain(
    '**Incremental builds**\n\n- my-app: incremental from main @ 1a2b3c4 (run 41): compiled 3 of 140 modules'
  )
  expect(renderCommentBody(report)).not.toContain('Incremental builds')
})

/**
 * The post step (dist/post.js) run the way the runner runs it (SimulatedRunner.runPost): the main
 * step's state comes back as STATE_report / STATE_main-finished-at / STATE_comment, inputs as
 * INPUT_*, and the step writes its own job-summary section and edits the sticky comment with the
 * main build's time. Whatever happens, it exits 0.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import path from 'node:path'
import {
  startGitHubApiServer,
  type GitHubApiServer
} from '../testing/servers/github-api-server.mjs'
import { upsertStickyComment } from '../src/action/pull-request/sticky-comment.js'
import type { BatchRunReport } from '../src/action/report/model.js'
import type { CommentState } from '../src/action/state.js'
import { tempDir } from './support/files.js'
import { SimulatedRunner } from './support/runner.js'

const OWNER = 'octo-org'
const REPO = 'haskell-app'
const TOKEN = 'ghs_post-step-token'

const report: BatchRunReport = {
  storePath: '/nix/store/0c7n1mdwzrdyq5f5hbm4wfvnvqpbqjfj-some-cabal2nix-batch',
  source: 'built',
  rebuilt: true,
  packages: [
    { name: 'aeson', version: '2.2.3.0' },
    { name: 'lens', version: '5.3.2' },
    { name: 'text', version: '2.1.4' }
  ],
  phases: [
    { name: 'plan', ms: 40 },
    { name: 'evaluate', ms: 2100 },
    { name: 'archive pass', ms: 6000 },
    { name: 'cabal2nix', ms: 90 },
    { name: 'store', ms: 600 }
  ],
  pushes: [],
  totalMs: 8900
}

let server: GitHubApiServer
let nextIssue = 500

beforeAll(async () => {
  server = await startGitHubApiServer({ repo: `${OWNER}/${REPO}` })
})

afterEach(() => {
  server.setFaults({})
  server.clearRequests()
})

afterAll(async () => {
  await server?.stop()
})

async function runner(
  issueNumber: number,
  inputs: Record<string, string> = {}
): Promise<SimulatedRunner> {
  const dir = await tempDir('post')
  return SimulatedRunner.create({
    workspace: dir,
    runnerTemp: path.join(dir, 'runner-temp'),
    inputs,
    token: TOKEN,
    event: {
      name: 'pull_request',
      payload: { number: issueNumber, pull_request: { number: issueNumber } }
    },
    env: { GITHUB_API_URL: server.url, GITHUB_REPOSITORY: `${OWNER}/${REPO}` }
  })
}

/** What the main step leaves behind: the report, its finish time and the comment it wrote. */
function mainState(finishedAgoMs: number, comment?: CommentState): Record<string, string> {
  return {
    STATE_report: JSON.stringify(report),
    'STATE_main-finished-at': String(Date.now() - finishedAgoMs),
    ...(comment ? { STATE_comment: JSON.stringify(comment) } : {})
  }
}

async function mainStepComment(issueNumber: number): Promise<CommentState> {
  const created = await upsertStickyComment({
    owner: OWNER,
    repo: REPO,
    issueNumber,
    token: TOKEN,
    baseUrl: server.url,
    commentId: 'build',
    body: 'main step report: main build: still running\n'
  })
  if (!created.ok) throw new Error(`could not seed the comment: ${created.message}`)
  server.clearRequests()
  return {
    status: 'posted',
    target: { owner: OWNER, repo: REPO, issueNumber },
    commentId: 'build',
    id: created.id,
    login: created.login
  }
}

test('adds the main build time to the job summary and edits the comment in place', async () => {
  const pr = nextIssue++
  const comment = await mainStepComment(pr)
  const step = await (await runner(pr)).runPost(mainState(95_000, comment))

  expect(step.code).toBe(0)
  expect(step.warnings).toEqual([])
  expect(step.summary).toMatch(/^### some-cabal2nix: main build took 1 min 3[5-9] s\n/)
  expect(step.summary).toContain('Before it, some-cabal2nix took 8.9 s (batch built).')
  expect(step.summary).toContain('about 18.0 s more on serial IFD (3 × the 6.0 s archive pass')
  expect(step.stdout).toMatch(/main build took 1 min 3\d s/)

  const comments = server.comments(pr)
  expect(comments).toHaveLength(1)
  expect(comments[0].id).toBe(comment.status === 'posted' ? comment.id : -1)
  expect(comments[0].body.split('\n')[0]).toBe('<!-- some-cabal2nix:build -->')
  expect(comments[0].body).toMatch(/main build \*\*1 min 3\d s\*\*/)
  expect(comments[0].body).toMatch(/\| main build \| 1 min 3\d s \|/)
  expect(comments[0].body).toContain(
    '[workflow run](https://github.com/octo-org/haskell-app/actions/runs/4242)'
  )
  // The main step said which comment: one PATCH, no listing.
  expect(server.requests().map(r => r.method)).toEqual(['PATCH'])
})

test('after a failed comment in the main step, the post step tries once more', async () => {
  const pr = nextIssue++
  const state: CommentState = {
    status: 'failed',
    target: { owner: OWNER, repo: REPO, issueNumber: pr },
    commentId: 'build',
    reason: 'HTTP 500'
  }
  const step = await (await runner(pr)).runPost(mainState(5_000, state))
  expect(step.code).toBe(0)
  expect(step.warnings).toEqual([])
  expect(server.comments(pr)).toHaveLength(1)
  expect(server.comments(pr)[0].body).toMatch(/main build \*\*\d\.\d s\*\*/)
})

test('an API error in the post step is one warning; the summary is written and the job stays green', async () => {
  const pr = nextIssue++
  const comment = await mainStepComment(pr)
  server.setFaults({ patchStatus: 500 })
  const step = await (await runner(pr)).runPost(mainState(2_000, comment))
  expect(step.code).toBe(0)
  expect(step.warnings).toHaveLength(1)
  expect(step.warnings[0]).toMatch(
    /could not write the some-cabal2nix comment on pull request #\d+ \(HTTP 500/
  )
  expect(step.summary).toMatch(/^### some-cabal2nix: main build took \d\.\d s/)
})

test('no permission in the main step: the post step does not ask again', async () => {
  const pr = nextIssue++
  const step = await (
    await runner(pr)
  ).runPost(
    mainState(2_000, {
      status: 'denied',
      reason: 'HTTP 403: Resource not accessible by integration'
    })
  )
  expect(step.code).toBe(0)
  expect(step.warnings).toEqual([])
  expect(server.requests()).toEqual([])
  expect(step.summary).toContain('main build took')
})

test('comment: false in the main step means no API calls in the post step', async () => {
  const pr = nextIssue++
  const step = await (
    await runner(pr, { comment: 'false' })
  ).runPost(mainState(1_000, { status: 'skipped', reason: 'the comment input is false' }))
  expect(step.code).toBe(0)
  expect(server.requests()).toEqual([])
  expect(step.summary).toContain('main build took')
})

test('without state from the main step (it failed early) the post step does nothing, quietly', async () => {
  const step = await (await runner(nextIssue++)).runPost()
  expect(step.code).toBe(0)
  expect(step.warnings).toEqual([])
  expect(step.summary).toBe('')
  expect(server.requests()).toEqual([])
})

test('a corrupt saved report is one warning, not a failure', async () => {
  const step = await (
    await runner(nextIssue++)
  ).runPost({
    STATE_report: '{"storePath": ',
    'STATE_main-finished-at': String(Date.now())
  })
  expect(step.code).toBe(0)
  expect(step.errors).toEqual([])
  expect(step.warnings).toHaveLength(1)
  expect(step.warnings[0]).toMatch(/^some-cabal2nix post step: /)
})

test('the token never appears in what the post step prints or writes', async () => {
  const pr = nextIssue++
  const comment = await mainStepComment(pr)
  const step = await (await runner(pr)).runPost(mainState(3_000, comment))
  expect(step.code).toBe(0)
  // `::add-mask::` is the one line that must name it: the runner swallows it and masks the value.
  expect(step.stdout).toContain(`::add-mask::${TOKEN}`)
  const printed = step.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const text of [
    printed,
    step.stderr,
    step.summary,
    ...server.comments(pr).map(c => c.body)
  ]) {
    expect(text).not.toContain(TOKEN)
  }
})

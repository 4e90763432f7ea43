/**
 * The post step: measures the main build (the time between the end of our main step and the start
 * of this step, i.e. the user's `nix build` and whatever else ran in between), adds it to the job
 * summary and re-renders the sticky comment with it. It never fails the job: everything that can go
 * wrong is at most a warning.
 */
import * as core from '@actions/core'
import {
  commentWarning,
  parseCommentState,
  runUrl,
  upsertStickyComment,
  type CommentState
} from './comment.js'
import { auditMainBuild, auditVerdict, type MainBuildAudit } from './audit.js'
import type { BatchRunReport } from './report.js'
import { PhaseTimer, formatDuration, renderCommentBody, renderPostSummary } from './report.js'
import { writeSummary } from './report-publish.js'
import { mainBuildNode, phaseNodes, tracePostStep } from './trace-steps.js'

function readReport(): BatchRunReport | undefined {
  const raw = core.getState('report')
  if (!raw) return undefined
  const report = JSON.parse(raw) as BatchRunReport
  if (!report || typeof report !== 'object' || !Array.isArray(report.phases)) {
    throw new Error('the saved report is not a some-cabal2nix report')
  }
  return report
}

/** Milliseconds since the main step finished, or undefined when that is unknown or nonsense. */
export function mainBuildDuration(finishedAtState: string, now: number): number | undefined {
  const finishedAt = Number(finishedAtState)
  if (
    !finishedAtState ||
    !Number.isFinite(finishedAt) ||
    finishedAt <= 0 ||
    finishedAt > now + 60_000
  ) {
    return undefined
  }
  return Math.max(0, now - finishedAt)
}

async function updateComment(
  report: BatchRunReport,
  state: CommentState | undefined
): Promise<void> {
  if (!state || (state.status !== 'posted' && state.status !== 'failed')) {
    core.debug(
      `no pull request comment to update (${state ? state.status : 'none from the main step'})`
    )
    return
  }
  const token = core.getInput('github-token').trim()
  if (!token) return
  core.setSecret(token)
  const result = await upsertStickyComment({
    ...state.target,
    token,
    baseUrl: process.env.GITHUB_API_URL,
    commentId: state.commentId,
    body: renderCommentBody(report, { commentId: state.commentId, runUrl: runUrl() }),
    knownCommentId: state.status === 'posted' ? state.id : undefined,
    knownLogin: state.status === 'posted' ? state.login || undefined : undefined,
    log: line => core.debug(line)
  })
  if (result.ok) {
    core.info(`${result.status} the pull request comment ${result.url} with the main build's time`)
  } else {
    core.warning(commentWarning(result, state.target.issueNumber))
  }
}

/** The audit never throws: whatever goes wrong is the one-line reason of an unknown audit. */
async function audit(
  report: BatchRunReport,
  window: { startMs: number; endMs: number }
): Promise<MainBuildAudit> {
  try {
    return await auditMainBuild(
      {
        drvPath: report.drvPath,
        outPath: report.storePath,
        overridesFile: report.overridesFile,
        overrides: report.packages.length
      },
      window
    )
  } catch (error) {
    return { status: 'unknown', reason: (error as Error).message }
  }
}

async function runPost(): Promise<void> {
  const startedAt = Date.now()
  const timer = new PhaseTimer()
  const report = readReport()
  if (!report) {
    core.info(
      'some-cabal2nix: the main step saved no report (it failed or did not run); nothing to add'
    )
    return
  }
  const mainBuildMs = mainBuildDuration(core.getState('main-finished-at'), startedAt)
  if (mainBuildMs === undefined) {
    core.info('some-cabal2nix: the main step saved no finish time; the main build was not measured')
    return
  }
  report.mainBuildMs = mainBuildMs
  core.info(
    `some-cabal2nix: main build took ${formatDuration(mainBuildMs)} (from the end of our main step to this post step)`
  )
  const window = { startMs: startedAt - mainBuildMs, endMs: startedAt }
  report.audit = await timer.time('audit', () => audit(report, window))
  core.info(`some-cabal2nix: ${auditVerdict(report.audit)}`)
  await timer.time('summary', () => writeSummary(renderPostSummary(report)))
  await timer.time('comment', () =>
    updateComment(report, parseCommentState(core.getState('comment')))
  )
  const endMs = Date.now()
  await tracePostStep(
    [
      mainBuildNode(report.audit, window),
      {
        name: 'some-cabal2nix post step',
        startMs: startedAt,
        endMs,
        children: phaseNodes(timer.phases, startedAt)
      }
    ],
    endMs
  )
}

export async function post(): Promise<void> {
  try {
    await runPost()
  } catch (error) {
    core.warning(`some-cabal2nix post step: ${(error as Error)?.message ?? String(error)}`)
  }
}

/**
 * The post step: measures the main build (the time between the end of our main step and the start
 * of this step, i.e. the user's `nix build` and whatever else ran in between), audits it, adds it
 * to the job summary, re-renders the sticky comment with it and completes the trace. It never fails
 * the job: everything that can go wrong is at most a warning.
 */
import * as core from '@actions/core'
import { errorMessage } from '../common/errors.js'
import type { MainBuildAudit } from './audit.js'
import { auditMainBuild } from './audit-evidence.js'
import { readPostConfig } from './config.js'
import { runUrl } from './pull-request/event.js'
import { commentWarning, upsertStickyComment } from './pull-request/sticky-comment.js'
import { auditVerdict } from './report/audit-text.js'
import { renderCommentBody } from './report/comment-body.js'
import { formatDuration } from './report/markdown.js'
import type { BatchRunReport } from './report/model.js'
import { PhaseTimer } from './report/phase-timer.js'
import { renderPostSummary } from './report/summary.js'
import { loadCommentState, loadMainFinishedAt, loadReport, type CommentState } from './state.js'
import { mainBuildNode, phaseNodes, tracePostStep } from './trace-steps.js'
import { writeSummary } from './write-report.js'

type Window = { startMs: number; endMs: number }

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

/** Step "comment": the main step's comment again, now with the main build in it. */
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
  const { githubToken: token } = readPostConfig()
  if (!token) return
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

/** Step "audit": never throws; whatever goes wrong is the one-line reason of an unknown audit. */
async function audit(report: BatchRunReport, window: Window): Promise<MainBuildAudit> {
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
    return { status: 'unknown', reason: errorMessage(error) }
  }
}

/** The main build's window, from the main step's finish time; undefined (and why) without it. */
function measureMainBuild(startedAt: number): Window | undefined {
  const mainBuildMs = mainBuildDuration(loadMainFinishedAt(), startedAt)
  if (mainBuildMs === undefined) {
    core.info('some-cabal2nix: the main step saved no finish time; the main build was not measured')
    return undefined
  }
  core.info(
    `some-cabal2nix: main build took ${formatDuration(mainBuildMs)} (from the end of our main step to this post step)`
  )
  return { startMs: startedAt - mainBuildMs, endMs: startedAt }
}

/** Step "trace": the main build's spans and this step's own, under the job's root span. */
function traceSteps(
  report: BatchRunReport,
  window: Window,
  timer: PhaseTimer,
  startedAt: number
): Promise<void> {
  const endMs = Date.now()
  return tracePostStep(
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

async function runPost(): Promise<void> {
  const startedAt = Date.now()
  const timer = new PhaseTimer()
  const report = loadReport()
  if (!report) {
    core.info(
      'some-cabal2nix: the main step saved no report (it failed or did not run); nothing to add'
    )
    return
  }
  const window = measureMainBuild(startedAt)
  if (!window) return
  report.mainBuildMs = window.endMs - window.startMs

  report.audit = await timer.time('audit', () => audit(report, window))
  core.info(`some-cabal2nix: ${auditVerdict(report.audit)}`)
  await timer.time('summary', () => writeSummary(renderPostSummary(report)))
  await timer.time('comment', () => updateComment(report, loadCommentState()))
  await traceSteps(report, window, timer, startedAt)
}

export async function post(): Promise<void> {
  try {
    await runPost()
  } catch (error) {
    core.warning(`some-cabal2nix post step: ${errorMessage(error)}`)
  }
}

/**
 * The post step: measures the main build (the time between the end of our main step and the start
 * of this step, i.e. the user's `nix build` and whatever else ran in between), audits it, adds it
 * to the job summary, re-renders the sticky comment with it and completes the trace. It never fails
 * the job: everything that can go wrong is at most a warning.
 */
import * as core from '@actions/core'
import os from 'node:os'
import path from 'node:path'
import { errorMessage } from '../common/errors.js'
import type { MainBuildAudit } from './audit.js'
import { auditMainBuild } from './audit-evidence.js'
import { readPostConfig } from './config.js'
import { runUrl } from './pull-request/event.js'
import { commentWarning, upsertStickyComment } from './pull-request/sticky-comment.js'
import { auditVerdict } from './report/audit-text.js'
import { renderCommentBody } from './report/comment-body.js'
import { formatDuration } from './report/markdown.js'
import { incrementalSection, type BatchRunReport } from './report/model.js'
import { PhaseTimer } from './report/phase-timer.js'
import { renderPostSummary } from './report/summary.js'
import { outcomeSpans } from './incremental/outcome.js'
import { saveIntermediates, type SavedIntermediates } from './incremental/save-step.js'
import {
  loadCollectorState,
  loadCommentState,
  loadIncrementalState,
  loadMainFinishedAt,
  loadReport,
  type CommentState,
  type IncrementalState
} from './state.js'
import { NixStore } from './store.js'
import type { SpanNode } from './trace.js'
import { mainBuildNode, phaseNodes, tracePostStep } from './trace-steps.js'
import { writeSummary } from './write-report.js'
import { redactTree, redactor, registeredSecrets } from './observe/redact.js'
import { observedMainBuildNode } from './observe/spans.js'
import { discardObservation, finishObservation } from './observe/steps.js'

type Window = { startMs: number; endMs: number }
type Redact = (text: string) => string

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
  state: CommentState | undefined,
  redact: Redact
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
    body: redact(renderCommentBody(report, { commentId: state.commentId, runUrl: runUrl() })),
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

/**
 * Step "audit": observed when the job's Nix processes reported to the listener, else inferred
 * from the logs; with the main build's span. Never throws: whatever goes wrong is the one-line
 * reason of an unknown audit.
 */
async function audit(
  report: BatchRunReport,
  window: Window
): Promise<{ audit: MainBuildAudit; span: SpanNode }> {
  const ours = {
    drvPath: report.drvPath,
    outPath: report.storePath,
    overridesFile: report.overridesFile,
    overrides: report.packages.length
  }
  try {
    const outcome = await finishObservation(loadCollectorState(), ours, window)
    const audited = await auditMainBuild(
      ours,
      window,
      outcome.mode === 'observed' ? { observed: outcome.main } : { inferredBecause: outcome.reason }
    )
    const span =
      outcome.mode === 'observed' && audited.status === 'ok'
        ? observedMainBuildNode(outcome.main.processes, { window })
        : mainBuildNode(audited, window)
    return { audit: audited, span }
  } catch (error) {
    const unknown: MainBuildAudit = { status: 'unknown', reason: errorMessage(error) }
    return { audit: unknown, span: mainBuildNode(unknown, window) }
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
  mainBuild: SpanNode,
  redact: Redact,
  timer: PhaseTimer,
  startedAt: number
): Promise<void> {
  const endMs = Date.now()
  return tracePostStep(
    [
      redactTree(mainBuild, redact),
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

/** Step "intermediates": save what the incremental packages' builds produced; report lines and outcomes. */
async function intermediatesStep(
  state: IncrementalState,
  audit: MainBuildAudit
): Promise<SavedIntermediates> {
  const config = readPostConfig()
  try {
    const saved = await saveIntermediates({
      state,
      audit,
      store: new NixStore(process.env.GITHUB_WORKSPACE || process.cwd()),
      signingKey: config.signingKey,
      maxBytes: config.intermediatesMaxBytes,
      githubToken: config.githubToken,
      workDir: path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'some-cabal2nix-intermediates')
    })
    for (const line of saved.lines) core.info(`some-cabal2nix: ${line}`)
    return saved
  } catch (error) {
    core.warning(`some-cabal2nix: incremental intermediates not saved: ${errorMessage(error)}`)
    return { lines: [], outcomes: [] }
  }
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

  // What leaves the runner (summary, comment, spans) is redacted; GitHub masks only its log.
  const redact = redactor(registeredSecrets())
  const audited = await timer.time('audit', () => audit(report, window))
  report.audit = audited.audit
  core.info(`some-cabal2nix: ${auditVerdict(report.audit)}`)
  const incremental = loadIncrementalState()
  if (incremental) {
    const saved = await timer.time('intermediates', () =>
      intermediatesStep(incremental, report.audit!)
    )
    report.incremental = saved.lines
    // Under the main build, where the packages were built.
    audited.span.children = [
      ...(audited.span.children ?? []),
      ...outcomeSpans(saved.outcomes, window)
    ]
  }
  await timer.time('summary', () =>
    writeSummary(redact(renderPostSummary(report) + incrementalSection(report).join('\n')))
  )
  await timer.time('comment', () => updateComment(report, loadCommentState(), redact))
  await traceSteps(audited.span, redact, timer, startedAt)
}

export async function post(): Promise<void> {
  try {
    await runPost()
  } catch (error) {
    core.warning(`some-cabal2nix post step: ${errorMessage(error)}`)
  } finally {
    // Whatever happened above: the listener does not outlive the job, nor do its records.
    await discardObservation(loadCollectorState())
  }
}

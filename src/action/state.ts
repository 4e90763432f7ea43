/**
 * What the main step hands to the post step through `GITHUB_STATE`: one typed save/load pair per
 * key declared in names.ts. A load never throws for a missing value; it returns undefined, and the
 * post step says what it could not do.
 */
import * as core from '@actions/core'
import { State } from './names.js'
import type { PullRequestTarget } from './pull-request/event.js'
import type { BatchRunReport } from './report/model.js'
import { parseTraceState, type TraceState } from './trace.js'
import { parseCollectorState, type CollectorState } from './observe/collector.js'

export function saveReport(report: BatchRunReport): void {
  core.saveState(State.Report, JSON.stringify(report))
}

/** The main step's report; throws when the state holds something else. */
export function loadReport(): BatchRunReport | undefined {
  const raw = core.getState(State.Report)
  if (!raw) return undefined
  const report = JSON.parse(raw) as BatchRunReport
  if (!report || typeof report !== 'object' || !Array.isArray(report.phases)) {
    throw new Error('the saved report is not a some-cabal2nix report')
  }
  return report
}

export function saveMainFinishedAt(epochMs: number): void {
  core.saveState(State.MainFinishedAt, String(epochMs))
}

/** As saved (epoch ms as text); post.ts's mainBuildDuration checks it. */
export function loadMainFinishedAt(): string {
  return core.getState(State.MainFinishedAt)
}

/** What the main step tells the post step about the comment. */
export type CommentState =
  | { status: 'posted'; target: PullRequestTarget; commentId: string; id: number; login: string }
  | { status: 'failed'; target: PullRequestTarget; commentId: string; reason: string }
  | { status: 'skipped' | 'denied'; reason: string }

export function saveCommentState(state: CommentState): void {
  core.saveState(State.Comment, JSON.stringify(state))
}

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

export function loadCommentState(): CommentState | undefined {
  return parseCommentState(core.getState(State.Comment))
}

export function saveTraceState(state: TraceState): void {
  core.saveState(State.Trace, JSON.stringify(state))
}

export function loadTraceState(): TraceState | undefined {
  return parseTraceState(core.getState(State.Trace))
}

/** What the main step restored for incremental builds, for the post step to save after. */
export interface IncrementalState {
  ghcVersion: string
  platform: string
  packages: {
    pname: string
    keyPrefix: string
    /** The entry the build resumes from, when one was restored and imported. */
    restored?: {
      key: string
      outPath: string
      origin?: { branch: string; sha: string; runNumber: string }
      /** The entry's record of the last full build's time (ms), carried into the next entry. */
      lastFullBuildMs?: number
    }
    /** An entry was there but did not verify against the trusted keys. */
    untrusted?: boolean
    /** Why the build is a full one whatever was saved (GHC < 9.4): nothing is restored or saved. */
    reason?: string
  }[]
}

export function saveIncrementalState(state: IncrementalState): void {
  core.saveState(State.Incremental, JSON.stringify(state))
}

export function loadIncrementalState(): IncrementalState | undefined {
  const raw = core.getState(State.Incremental)
  if (!raw) return undefined
  try {
    const value = JSON.parse(raw) as IncrementalState
    return value && Array.isArray(value.packages) ? value : undefined
  } catch {
    return undefined
  }
}

export function saveCollectorState(state: CollectorState): void {
  core.saveState(State.Observation, JSON.stringify(state))
}

export function loadCollectorState(): CollectorState | undefined {
  return parseCollectorState(core.getState(State.Observation))
}

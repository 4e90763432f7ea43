/**
 * Writes the main step's report where people read it: the job summary and the sticky PR comment.
 * Never throws and never fails the job: a summary or comment that cannot be written is one warning.
 * Tells the post step (state `comment`) which comment it should update with the main build's time.
 */
import * as core from '@actions/core'
import { errorMessage } from '../common/errors.js'
import type { ActionConfig } from './config.js'
import { decideComment, readEvent, runUrl } from './pull-request/event.js'
import { commentWarning, upsertStickyComment } from './pull-request/sticky-comment.js'
import { renderCommentBody } from './report/comment-body.js'
import type { BatchRunReport } from './report/model.js'
import { renderSummary } from './report/summary.js'
import { saveCommentState, type CommentState } from './state.js'

export async function writeSummary(markdown: string): Promise<void> {
  if (!markdown) return
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set; no job summary written')
    return
  }
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.warning(`could not write the job summary: ${errorMessage(error)}`)
  } finally {
    core.summary.emptyBuffer()
  }
}

async function writeComment(report: BatchRunReport, config: ActionConfig): Promise<CommentState> {
  const decision = decideComment(config.comment, readEvent(), process.env.GITHUB_REPOSITORY)
  if ('skip' in decision) {
    core.info(`no pull request comment: ${decision.skip}`)
    return { status: 'skipped', reason: decision.skip }
  }
  const { issueNumber } = decision.target
  if (!config.githubToken) {
    const reason = 'the github-token input is empty'
    core.warning(
      `could not write the some-cabal2nix comment on pull request #${issueNumber}: ${reason}`
    )
    return { status: 'skipped', reason }
  }
  const result = await upsertStickyComment({
    ...decision.target,
    token: config.githubToken,
    baseUrl: process.env.GITHUB_API_URL,
    commentId: config.commentId,
    body: renderCommentBody(report, { commentId: config.commentId, runUrl: runUrl() }),
    log: line => core.debug(line)
  })
  if (result.ok) {
    core.info(`${result.status} the pull request comment ${result.url}`)
    return {
      status: 'posted',
      target: decision.target,
      commentId: config.commentId,
      id: result.id,
      login: result.login
    }
  }
  core.warning(commentWarning(result, issueNumber))
  return result.status === 'denied'
    ? { status: 'denied', reason: result.message }
    : {
        status: 'failed',
        target: decision.target,
        commentId: config.commentId,
        reason: result.message
      }
}

export async function writeReport(report: BatchRunReport, config: ActionConfig): Promise<void> {
  try {
    await writeSummary(renderSummary(report))
  } catch (error) {
    core.warning(`could not write the job summary: ${errorMessage(error)}`)
  }
  try {
    saveCommentState(await writeComment(report, config))
  } catch (error) {
    core.warning(`could not write the pull request comment: ${errorMessage(error)}`)
  }
}

/**
 * Which pull request, if any, this run comments on: the event that started the workflow and the
 * `comment` input decide it. Pure apart from reading the event payload file.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { CommentMode } from '../config.js'

export interface PullRequestTarget {
  owner: string
  repo: string
  issueNumber: number
}

export type CommentDecision = { target: PullRequestTarget } | { skip: string }

export interface WorkflowEvent {
  name: string
  payload: Record<string, unknown>
}

/** The event that started the workflow, as the runner gives it: GITHUB_EVENT_NAME and the payload file. */
export function readEvent(env: NodeJS.ProcessEnv = process.env): WorkflowEvent {
  let payload: Record<string, unknown> = {}
  const file = env.GITHUB_EVENT_PATH
  if (file && existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (parsed && typeof parsed === 'object') payload = parsed as Record<string, unknown>
    } catch {
      // An unreadable payload means no pull request to comment on.
    }
  }
  return { name: env.GITHUB_EVENT_NAME ?? '', payload }
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
}

/** `value[name]` when value is an object. */
export function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined
}

/** The pull request number in an event payload, if the event is about one. */
export function pullRequestNumber(event: WorkflowEvent): number | undefined {
  const fromPull = positiveInteger(field(event.payload.pull_request, 'number'))
  if (fromPull) return fromPull
  const issue = event.payload.issue
  if (field(issue, 'pull_request')) return positiveInteger(field(issue, 'number'))
  if (PULL_REQUEST_EVENTS.has(event.name)) return positiveInteger(event.payload.number)
  return undefined
}

/** auto: pull_request / pull_request_target events; always: any event whose payload names a PR; never: none. */
export function decideComment(
  mode: CommentMode,
  event: WorkflowEvent,
  repository: string | undefined
): CommentDecision {
  if (mode === 'never') return { skip: 'the comment input is false' }
  if (mode === 'auto' && !PULL_REQUEST_EVENTS.has(event.name)) {
    return { skip: `comment is auto and this is a ${event.name || 'non-pull-request'} event` }
  }
  const issueNumber = pullRequestNumber(event)
  if (!issueNumber)
    return { skip: `the ${event.name || 'workflow'} event payload names no pull request` }
  const [owner, repo] = (repository ?? '').split('/')
  if (!owner || !repo) return { skip: 'GITHUB_REPOSITORY is not set' }
  return { target: { owner, repo, issueNumber } }
}

/** Link to this workflow run, from the runner's environment. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env
  if (!server || !repository || !run) return undefined
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1'
      ? `/attempts/${env.GITHUB_RUN_ATTEMPT}`
      : ''
  return `${server}/${repository}/actions/runs/${run}${attempt}`
}

/**
 * Stage "report": what one run did, as data (BatchRunReport) and as text (verdict line, job
 * summary). Rendering is pure so it can be snapshot-tested; writing happens in main/post.
 */
import type { PackageDiff } from './keys.js'
import type { PlanJsonEntry } from './plan.js'
import type { PushResult } from './publish.js'

export type BatchSource = 'actions-cache' | 'binary-cache' | 'local' | 'built'

export interface Phase {
  name: string
  ms: number
}

export interface BatchRunReport {
  storePath: string
  source: BatchSource
  rebuilt: boolean
  packages: PlanJsonEntry[]
  /** Against the previous batch found in the Actions cache; undefined when there was none. */
  diff?: PackageDiff
  phases: Phase[]
  pushes: PushResult[]
  cacheKey?: string
  totalMs: number
  /** Set by the post step: time between the end of our main step and the start of the post step. */
  mainBuildMs?: number
}

export class PhaseTimer {
  readonly phases: Phase[] = []
  private readonly started = performance.now()

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await work()
    } finally {
      this.record(name, performance.now() - start)
    }
  }

  record(name: string, ms: number): void {
    this.phases.push({ name, ms })
  }

  elapsedMs(): number {
    return performance.now() - this.started
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`
}

const SOURCE_WORDS: Record<BatchSource, string> = {
  'actions-cache': 'restored from actions-cache',
  'binary-cache': 'substituted from binary-cache',
  local: 'already in the local store',
  built: 'built'
}

export function verdictLine(report: BatchRunReport): string {
  const rebuilt = report.rebuilt ? report.packages.length : 0
  return `batch ${report.storePath}: ${SOURCE_WORDS[report.source]} in ${formatDuration(report.totalMs)}, ${rebuilt} package${rebuilt === 1 ? '' : 's'} rebuilt`
}

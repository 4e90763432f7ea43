/**
 * What one run did, as data: every stage fills a part of it, the main step saves it for the post
 * step, and the renderers beside this file turn it into text.
 */
import type { PlanJsonEntry } from '../../builder/plan.js'
import type { MainBuildAudit } from '../audit.js'
import type { PackageDiff } from '../package-diff.js'
import type { PushResult } from '../push.js'

export type BatchSource = 'actions-cache' | 'binary-cache' | 'local' | 'built'

export interface Phase {
  name: string
  ms: number
  /** Epoch ms when the phase started (for traces); older reports lack it. */
  startMs?: number
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
  /** The batch's derivation, for the post step's audit. */
  drvPath?: string
  /** The overrides file the plan came from (the fix for a straggler names it). */
  overridesFile?: string
  /** Set by the post step: what the main build built and substituted. */
  audit?: MainBuildAudit
}

/** The main build row's label, shared by the table, the chart and the post step's section. */
export const MAIN_BUILD_LABEL = 'main build'

export function hackageCount(report: BatchRunReport): number {
  return report.packages.filter(p => 'version' in p).length
}

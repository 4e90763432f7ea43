/**
 * The main build's audit from the observation: only the Nix processes of this job that started
 * after our main step, with ms times for builds and substitutions alike. Pure; the classification
 * (stragglers, other batches) is the log-file audit's, so both modes report the same way.
 */
import {
  ifdOf,
  isBatchName,
  storeName,
  type DerivationKind,
  type ObservedFindings
} from '../audit.js'
import type { Observation, ObservedActivity, ObservedProcess } from './processes.js'

/** The span/attribute kinds, finer than the report's: an IFD that is not Hackage's is its own. */
export type ActivityKind = 'ifd-straggler' | 'batch' | 'ifd-other' | 'build' | 'substitute'

export interface ClassifiedActivity extends ObservedActivity {
  name: string
  kind: ActivityKind
}

export interface ClassifiedProcess extends Omit<ObservedProcess, 'activities'> {
  activities: ClassifiedActivity[]
}

export interface ObservedMainBuild extends ObservedFindings {
  processes: ClassifiedProcess[]
}

export function activityKind(
  activity: ObservedActivity,
  ifdDrvs: ReadonlySet<string>,
  ourBatchName: string
): ActivityKind {
  const name = storeName(activity.path)
  if (ifdOf(name)) return 'ifd-straggler'
  if (isBatchName(name, ourBatchName)) return 'batch'
  if (activity.activity === 'build' && ifdDrvs.has(activity.path)) return 'ifd-other'
  return activity.activity === 'build' ? 'build' : 'substitute'
}

const REPORT_KIND: Record<ActivityKind, DerivationKind> = {
  'ifd-straggler': 'ifd',
  batch: 'batch',
  'ifd-other': 'ifd-other',
  build: 'other',
  substitute: 'other'
}

/**
 * The processes of the main build: those that connected after our main step finished (the main
 * step's own Nix calls are observed too, and left out here), with every activity classified.
 */
export function observedMainBuild(
  observation: Observation,
  ours: { outPath: string; drvPath?: string },
  window: { startMs: number; endMs: number }
): ObservedMainBuild {
  const ourName = storeName(ours.outPath)
  const processes: ClassifiedProcess[] = observation.processes
    .filter(p => p.startMs >= window.startMs && p.startMs <= window.endMs)
    .map(p => {
      const ifds = new Set(p.ifdDrvs)
      return {
        ...p,
        activities: p.activities
          .filter(a => a.path !== ours.drvPath && a.path !== ours.outPath)
          .map(a => ({ ...a, name: storeName(a.path), kind: activityKind(a, ifds, ourName) }))
      }
    })
  const activities = processes.flatMap(p => p.activities)
  // A path built or substituted twice (two processes) is reported once, at its first time.
  const first = new Map<string, ClassifiedActivity>()
  for (const a of [...activities].sort((x, y) => x.startMs - y.startMs))
    if (!first.has(a.path)) first.set(a.path, a)
  const unique = [...first.values()]
  const ofActivity = (activity: ClassifiedActivity['activity']) =>
    unique.filter(a => a.activity === activity)
  const reported = (a: ClassifiedActivity) => ({
    name: a.name,
    kind: REPORT_KIND[a.kind],
    endMs: a.endMs
  })
  return {
    processes,
    built: ofActivity('build').map(a => ({
      drvPath: a.path,
      ...reported(a),
      startMs: a.startMs
    })),
    substituted: ofActivity('substitute').map(a => ({
      path: a.path,
      ...reported(a),
      atMs: a.startMs,
      ...(a.bytes !== undefined ? { narSize: a.bytes } : {})
    })),
    otherIfds: unique
      .filter(a => a.kind === 'ifd-other')
      .map(a => ({ name: a.name, drvPath: a.path, ms: a.endMs - a.startMs })),
    evaluationMs: processes.reduce((sum, p) => sum + p.outsideMs, 0)
  }
}

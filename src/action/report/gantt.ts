import { formatDuration } from './markdown.js'
import { MAIN_BUILD_LABEL, type BatchRunReport } from './model.js'

/** A small Mermaid gantt of the phases, in order. The axis counts seconds from the step's start. */
export function phaseGantt(report: BatchRunReport): string {
  const lines = [
    '```mermaid',
    'gantt',
    '  dateFormat x',
    '  axisFormat %s',
    '  title some-cabal2nix phases (axis in seconds)',
    '  section this step'
  ]
  let at = 0
  const task = (name: string, ms: number) => {
    const length = Math.max(1, Math.round(ms))
    const label = `${name} ${formatDuration(ms)}`.replace(/[:#;]/g, ' ')
    lines.push(`  ${label} : ${at}, ${at + length}`)
    at += length
  }
  for (const p of report.phases.slice(0, 20)) task(p.name, p.ms)
  if (report.mainBuildMs !== undefined) {
    lines.push('  section after this step')
    at = Math.max(at, Math.round(report.totalMs))
    const mainStart = at
    task(MAIN_BUILD_LABEL, report.mainBuildMs)
    const audit = report.audit
    const timed = audit?.status === 'ok' ? audit.built.filter(d => d.startMs !== undefined) : []
    if (audit?.status === 'ok' && timed.length > 0) {
      lines.push(`  section ${MAIN_BUILD_LABEL}`)
      for (const d of timed.slice(0, 20)) {
        at = mainStart + Math.max(0, Math.round((d.startMs as number) - audit.windowStartMs))
        task(d.name, d.endMs - (d.startMs as number))
      }
      if (timed.length > 20)
        lines.push(`  ${timed.length - 20} more derivations : ${at}, ${at + 1}`)
    }
  }
  lines.push('```')
  return lines.join('\n')
}

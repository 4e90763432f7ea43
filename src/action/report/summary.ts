/** The job summaries: the main step's full report and the post step's main-build section. */
import { auditSections, auditVerdict } from './audit-text.js'
import {
  SOURCE_HEADLINES,
  changesText,
  estimateAvoidedIfd,
  estimateParagraph,
  headline,
  packageCountText,
  sourceText
} from './facts.js'
import { fit, SUMMARY_MAX_BYTES, type RenderOptions } from './fit.js'
import { phaseGantt } from './gantt.js'
import { code, formatDuration, plural } from './markdown.js'
import { MAIN_BUILD_LABEL, type BatchRunReport } from './model.js'
import { diffTable, packageList, phaseRows, pushLines } from './tables.js'

/** A summary fitted to the runner's limit (or `maxSize` bytes), listing up to 1000 rows a table. */
function fitSummary(render: (limit: number) => string, options: RenderOptions): string {
  return fit(render, options.maxSize ?? SUMMARY_MAX_BYTES, 'bytes', 1000)
}

/** The main step's job summary. */
export function renderSummary(report: BatchRunReport, options: RenderOptions = {}): string {
  return fitSummary(limit => renderSummaryWith(report, limit), options)
}

function renderSummaryWith(report: BatchRunReport, limit: number): string {
  const out: string[] = [`### some-cabal2nix: ${headline(report)}`, '']
  out.push(`- **Batch:** ${code(report.storePath)}`)
  out.push(`- **Source:** ${sourceText(report)}`)
  out.push(`- **Packages:** ${packageCountText(report)}`)
  out.push(`- **Changes:** ${changesText(report.diff)}`)
  if (report.cacheKey) out.push(`- **Actions cache key:** ${code(report.cacheKey)}`)
  out.push('', '#### Phases', '', ...phaseRows(report, true), '')
  const estimate = estimateAvoidedIfd(report)
  if (estimate) out.push('#### Serial IFD time avoided', '', estimateParagraph(estimate), '')
  if (report.diff) {
    const table = diffTable(report.diff, limit, 'the step’s `diff` output has all of them')
    if (table.length) out.push('#### Package changes', '', ...table, '')
  }
  if (report.pushes.length) out.push('#### Binary caches', '', ...pushLines(report.pushes), '')
  out.push(
    '<details><summary>Phases as a chart</summary>',
    '',
    phaseGantt(report),
    '',
    '</details>'
  )
  if (report.packages.length) {
    out.push(
      '',
      `<details><summary>${plural(report.packages.length, 'package')}</summary>`,
      '',
      packageList(report.packages, limit),
      '',
      '</details>'
    )
  }
  return out.join('\n') + '\n'
}

/** The post step's short job-summary section: the main build's time, next to ours. */
export function renderPostSummary(report: BatchRunReport, options: RenderOptions = {}): string {
  return fitSummary(limit => renderPostSummaryWith(report, limit), options)
}

function renderPostSummaryWith(report: BatchRunReport, limit: number): string {
  if (report.mainBuildMs === undefined) return ''
  const out = [
    `### some-cabal2nix: ${MAIN_BUILD_LABEL} took ${formatDuration(report.mainBuildMs)}`,
    '',
    ...(report.audit ? [`**${auditVerdict(report.audit)}**`, ''] : []),
    `Measured from the end of the some-cabal2nix step to the start of its post step, so it covers ` +
      `every step in between (normally the \`nix build\`). Before it, some-cabal2nix took ` +
      `${formatDuration(report.totalMs)} (batch ${SOURCE_HEADLINES[report.source]}).`
  ]
  const estimate = estimateAvoidedIfd(report)
  if (estimate) {
    out.push(
      '',
      `Without the batch, evaluation would have spent about ${formatDuration(estimate.ms)} more on ` +
        `serial IFD (${estimate.hackagePackages} × the ${formatDuration(estimate.archivePassMs)} archive pass measured above).`
    )
  }
  if (report.audit) {
    out.push('', ...auditSections(report.audit, limit, 'cut to fit the summary', true))
    out.push(
      `<details><summary>${MAIN_BUILD_LABEL} as a chart</summary>`,
      '',
      phaseGantt(report),
      '',
      '</details>'
    )
  }
  return out.join('\n').replace(/\n+$/, '') + '\n'
}

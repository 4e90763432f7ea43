/** The sticky pull-request comment's body (the marker line is added by pull-request/). */
import { redactSecrets } from '../../common/redact.js'
import { auditSections, auditVerdict } from './audit-text.js'
import * as facts from './facts.js'
import { COMMENT_MAX_CHARS, fit, type RenderOptions } from './fit.js'
import { cell, code, formatDuration } from './markdown.js'
import { MAIN_BUILD_LABEL, type BatchRunReport } from './model.js'
import { PUSH_WORDS, diffTable, phaseRows } from './tables.js'

/**
 * The sticky comment's body, without its marker line. `maxSize` is in characters and defaults to
 * what is left of GitHub's limit after a marker line.
 */
export function renderCommentBody(report: BatchRunReport, options: RenderOptions = {}): string {
  return fit(
    limit => renderCommentWith(report, options, limit),
    options.maxSize ?? COMMENT_MAX_CHARS - 200,
    'chars',
    100
  )
}

function renderCommentWith(report: BatchRunReport, options: RenderOptions, limit: number): string {
  const title = options.commentId ? `some-cabal2nix · ${cell(options.commentId)}` : 'some-cabal2nix'
  const line = [
    `Batch **${facts.SOURCE_HEADLINES[report.source]}** in **${formatDuration(report.totalMs)}**`,
    facts.packageCountText(report),
    facts.changesText(report.diff, true)
  ]
  line.push(
    report.mainBuildMs !== undefined
      ? `${MAIN_BUILD_LABEL} **${formatDuration(report.mainBuildMs)}**`
      : `${MAIN_BUILD_LABEL}: still running (its time is added when the job's post steps run)`
  )
  const out: string[] = [`### ${title}`, '']
  if (report.audit) out.push(`**${auditVerdict(report.audit)}**`, '')
  out.push(line.join(' · '), '', ...phaseRows(report, false), '')
  if (report.audit)
    out.push(...auditSections(report.audit, limit, 'the job summary has the rest', false))
  const estimate = facts.estimateAvoidedIfd(report)
  if (estimate) out.push(facts.estimateParagraph(estimate), '')
  if (report.diff) {
    const table = diffTable(report.diff, limit, 'the job summary has the rest')
    if (table.length) {
      out.push('<details><summary>Package changes</summary>', '', ...table, '', '</details>', '')
    }
  }
  if (report.pushes.length) {
    out.push(
      `Binary caches: ${report.pushes
        .map(p => `${code(redactSecrets(p.target))} ${PUSH_WORDS[p.status]}`)
        .join(', ')}`,
      ''
    )
  }
  const footer = [`batch ${code(report.storePath)}`]
  if (options.runUrl) footer.unshift(`[workflow run](${options.runUrl})`)
  out.push(`<sub>${footer.join(' · ')}</sub>`)
  return out.join('\n') + '\n'
}

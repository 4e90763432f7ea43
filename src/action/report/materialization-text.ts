/** How the materialized-directory check reads in the log, the summary and the comment. */
import type { MaterializationCheck } from '../materialization.js'
import { isEmptyDiff, summarizeDiff } from '../package-diff.js'
import { code } from './markdown.js'

const FILES_SHOWN = 5

/** "2 files differ (aeson/default.nix, manifest.json); packages: aeson 2.1.2.1 → 2.2.3.0" */
export function materializationSummary(check: MaterializationCheck): string {
  const files = check.changedFiles
  const shown = files.slice(0, FILES_SHOWN).join(', ')
  const more = files.length > FILES_SHOWN ? `, ${files.length - FILES_SHOWN} more` : ''
  const parts = [
    `${files.length} ${files.length === 1 ? 'file differs' : 'files differ'} (${shown}${more})`
  ]
  if (!isEmptyDiff(check.packages)) parts.push(`packages: ${summarizeDiff(check.packages)}`)
  return parts.join('; ')
}

/** Markdown lines for the summary and the comment. */
export function materializationLines(check: MaterializationCheck): string[] {
  if (check.current) return [`Materialized batch ${code(check.directory)}: current`, '']
  return [
    `**Materialized batch ${code(check.directory)} is stale**: ${materializationSummary(check)}. Refresh it:`,
    '',
    '```sh',
    check.refreshCommand,
    '```',
    ''
  ]
}

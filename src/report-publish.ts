/** Writes the report where people read it: the job summary (and, later, the PR comment). */
import * as core from '@actions/core'
import type { ActionConfig } from './config.js'
import type { BatchRunReport } from './report.js'
import { formatDuration } from './report.js'

export async function publishReport(report: BatchRunReport, _config: ActionConfig): Promise<void> {
  try {
    await core.summary
      .addHeading('some-cabal2nix', 3)
      .addTable([
        [{ data: 'phase', header: true }, { data: 'time', header: true }],
        ...report.phases.map(p => [p.name, formatDuration(p.ms)])
      ])
      .write()
  } catch (error) {
    core.warning(`could not write the job summary: ${(error as Error).message}`)
  }
}

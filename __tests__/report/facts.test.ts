/** The run's facts as phrases: the IFD estimate and the log's verdict line. */
import { describe, expect, test } from '@jest/globals'
import { renderCommentBody } from '../../src/action/report/comment-body.js'
import { estimateAvoidedIfd, verdictLine } from '../../src/action/report/facts.js'
import { formatDuration } from '../../src/action/report/markdown.js'
import type { BatchRunReport } from '../../src/action/report/model.js'
import { renderSummary } from '../../src/action/report/summary.js'
import { cold, STORE_PATH, warm } from './fixtures.js'

describe('what the report says', () => {
  test('the IFD estimate appears only after an archive pass, and says how it was made', () => {
    expect(estimateAvoidedIfd(warm)).toBeUndefined()
    expect(renderSummary(warm)).not.toMatch(/IFD time avoided|estimate/i)
    expect(renderCommentBody(warm)).not.toMatch(/estimate/i)

    const estimate = estimateAvoidedIfd(cold)
    expect(estimate).toEqual({ ms: 6 * 6120.7, hackagePackages: 6, archivePassMs: 6120.7 })
    const text = renderSummary(cold)
    expect(text).toContain(`≈ **${formatDuration(6 * 6120.7)}**`)
    expect(text).toContain('the estimate is 6 × 6.1 s')
    // A build whose log had no inner timings has no archive pass to extrapolate from.
    const opaque: BatchRunReport = { ...cold, phases: [{ name: 'build', ms: 9000 }] }
    expect(estimateAvoidedIfd(opaque)).toBeUndefined()
    // Only local packages: nothing from Hackage, nothing avoided.
    const local: BatchRunReport = { ...cold, packages: [{ name: 'my-lib', path: './my-lib' }] }
    expect(estimateAvoidedIfd(local)).toBeUndefined()
  })

  test('the verdict line is unchanged', () => {
    expect(verdictLine(cold)).toBe(`batch ${STORE_PATH}: built in 13.8 s, 7 packages rebuilt`)
    expect(verdictLine(warm)).toBe(
      `batch ${STORE_PATH}: restored from actions-cache in 3.6 s, 0 packages rebuilt`
    )
  })
})

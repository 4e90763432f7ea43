/** The sticky comment's body. */
import { describe, expect, test } from '@jest/globals'
import { redactSecrets } from '../../src/common/redact.js'
import { renderCommentBody } from '../../src/action/report/comment-body.js'
import { COMMENT_MAX_CHARS } from '../../src/action/report/fit.js'
import type { BatchRunReport } from '../../src/action/report/model.js'
import { renderSummary } from '../../src/action/report/summary.js'
import { changed, cold, RUN_URL, warm } from './fixtures.js'

describe('comment body snapshots', () => {
  test('cold run, before the post step', () => {
    expect(renderCommentBody(cold, { commentId: 'build', runUrl: RUN_URL })).toMatchSnapshot()
  })

  test('warm run, after the post step', () => {
    expect(
      renderCommentBody(
        { ...warm, mainBuildMs: 41_000 },
        { commentId: 'ghc98-ubuntu', runUrl: RUN_URL }
      )
    ).toMatchSnapshot()
  })

  test('changed run, after the post step', () => {
    expect(
      renderCommentBody(
        { ...changed, mainBuildMs: 250_000 },
        { commentId: 'build', runUrl: RUN_URL }
      )
    ).toMatchSnapshot()
  })
})

describe('what the comment says', () => {
  test('a huge package list is cut to fit a comment, with a note', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({
      name: `package-number-${i}`,
      to: `1.0.${i}`
    }))
    const huge: BatchRunReport = {
      ...changed,
      packages: many.map(p => ({ name: p.name, version: p.to })),
      diff: { added: many, removed: [], bumped: [], unchanged: 0 }
    }
    const body = renderCommentBody(huge, { commentId: 'build' })
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS - 200)
    expect(body).toContain('| added | package-number-0 | 1.0.0 |')
    expect(body).toMatch(/… and \d+ more changes \(the job summary has the rest\)\./)
    const summary = renderSummary(huge)
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1_000_000)
    expect(summary).toMatch(/… and 19000 more changes/)
    // A tiny limit still gives valid, bounded text.
    expect(renderCommentBody(huge, { maxSize: 300 }).length).toBeLessThanOrEqual(300)
  })

  test('no credentials reach the report', () => {
    const text = renderSummary(changed) + renderCommentBody(changed)
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('AKIA')
    expect(text).not.toContain('/tmp/k')
    expect(text).toContain(
      'failed: cannot open s3://***@team-cache?secret-key=*** 403 \\| Forbidden'
    )
    expect(redactSecrets('token ghp_abcdef123 and github_pat_11AB_cd')).toBe(
      'token ghp_*** and github_pat_***'
    )
  })
})

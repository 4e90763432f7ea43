/**
 * The report's markdown: job summary, post-step section and PR comment body, for hand-made
 * reports (no clock, no environment), so the snapshots are deterministic.
 */
import { describe, expect, test } from '@jest/globals'
import type { PackageDiff } from '../src/action/keys.js'
import {
  COMMENT_MAX_CHARS,
  estimateAvoidedIfd,
  formatDuration,
  phaseGantt,
  redactSecrets,
  renderCommentBody,
  renderPostSummary,
  renderSummary,
  verdictLine,
  type BatchRunReport
} from '../src/action/report.js'

const PACKAGES: BatchRunReport['packages'] = [
  { name: 'aeson', version: '2.2.3.0' },
  { name: 'hashable', version: '1.5.1.0' },
  { name: 'lens', version: '5.3.2' },
  { name: 'megaparsec', version: '9.8.0' },
  { name: 'text', version: '2.1.4' },
  { name: 'vector', version: '0.13.2.0' },
  { name: 'my-lib', path: './my-lib' }
]
const STORE_PATH = '/nix/store/0c7n1mdwzrdyq5f5hbm4wfvnvqpbqjfj-some-cabal2nix-batch'
const CACHE_KEY = 'some-cabal2nix-linux-x64-6f1d0c2a9b8e7d6c5b4a39281706f5e4'
const RUN_URL = 'https://github.com/octo-org/haskell-app/actions/runs/4242'

/** First run: nothing in the Actions cache, the batch is built here. */
const cold: BatchRunReport = {
  storePath: STORE_PATH,
  source: 'built',
  rebuilt: true,
  packages: PACKAGES,
  phases: [
    { name: 'plan', ms: 41.2 },
    { name: 'restore', ms: 388.9 },
    { name: 'evaluate', ms: 2210.4 },
    { name: 'archive pass', ms: 6120.7 },
    { name: 'cabal2nix', ms: 96.3 },
    { name: 'store', ms: 641.0 },
    { name: 'push', ms: 1830.5 },
    { name: 'save', ms: 2402.2 }
  ],
  pushes: [{ target: 'file:///srv/nix-cache', status: 'pushed', ms: 1830.5 }],
  cacheKey: CACHE_KEY,
  totalMs: 13791.6
}

/** Next run, same package list: restored from the Actions cache, nothing rebuilt. */
const warm: BatchRunReport = {
  storePath: STORE_PATH,
  source: 'actions-cache',
  rebuilt: false,
  packages: PACKAGES,
  diff: { added: [], removed: [], bumped: [], unchanged: 7 },
  phases: [
    { name: 'plan', ms: 38.0 },
    { name: 'restore', ms: 912.4 },
    { name: 'import', ms: 402.8 },
    { name: 'evaluate', ms: 1904.1 },
    { name: 'push', ms: 260.2 }
  ],
  pushes: [{ target: 'file:///srv/nix-cache', status: 'already-present', ms: 260.2 }],
  cacheKey: CACHE_KEY,
  totalMs: 3560.9
}

const changedDiff: PackageDiff = {
  added: [{ name: 'servant', to: '0.20.3.0' }],
  removed: [{ name: 'hashable', from: '1.5.1.0' }],
  bumped: [
    { name: 'aeson', from: '2.2.3.0', to: '2.3.2.0' },
    { name: 'my-lib', from: 'path ./my-lib', to: 'path ./libs/my-lib' }
  ],
  unchanged: 4
}

/** A pin changed: the previous batch is restored for the diff, the new one is built and pushed. */
const changed: BatchRunReport = {
  storePath: '/nix/store/x9a2kq6mw1n5l0bdc7yh3p8r4s0tvzgf-some-cabal2nix-batch',
  source: 'built',
  rebuilt: true,
  packages: [
    { name: 'aeson', version: '2.3.2.0' },
    { name: 'lens', version: '5.3.2' },
    { name: 'megaparsec', version: '9.8.0' },
    { name: 'servant', version: '0.20.3.0' },
    { name: 'text', version: '2.1.4' },
    { name: 'vector', version: '0.13.2.0' },
    { name: 'my-lib', path: './libs/my-lib' }
  ],
  diff: changedDiff,
  phases: [
    { name: 'plan', ms: 40.1 },
    { name: 'restore', ms: 930.0 },
    { name: 'evaluate', ms: 2301.9 },
    { name: 'archive pass', ms: 5890.3 },
    { name: 'cabal2nix', ms: 88.8 },
    { name: 'store', ms: 600.6 },
    { name: 'push', ms: 4210.0 },
    { name: 'save', ms: 2399.5 }
  ],
  pushes: [
    { target: 'file:///srv/nix-cache', status: 'pushed', ms: 1210.0 },
    {
      target: 's3://***@team-cache',
      status: 'failed',
      ms: 3000.0,
      error: 'cannot open s3://AKIA:hunter2@team-cache?secret-key=/tmp/k: 403 | Forbidden'
    }
  ],
  cacheKey: CACHE_KEY,
  totalMs: 16461.2
}

describe('job summary snapshots', () => {
  test('cold run: built, first batch, with the IFD estimate', () => {
    expect(renderSummary(cold)).toMatchSnapshot()
  })

  test('warm run: restored from the Actions cache, no changes, no estimate', () => {
    expect(renderSummary(warm)).toMatchSnapshot()
  })

  test('changed run: built, with a diff and a failed push', () => {
    expect(renderSummary(changed)).toMatchSnapshot()
  })

  test('post step section (main build time)', () => {
    expect(renderPostSummary({ ...cold, mainBuildMs: 192_400 })).toMatchSnapshot()
    expect(renderPostSummary({ ...warm, mainBuildMs: 41_000 })).toMatchSnapshot()
    expect(renderPostSummary(warm)).toBe('')
  })
})

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

describe('what the report says', () => {
  test('the summary has the facts people look for', () => {
    const text = renderSummary(changed)
    expect(text).toContain('### some-cabal2nix: batch built in 16.5 s')
    expect(text).toContain('7 packages (6 from Hackage, 1 local)')
    expect(text).toContain('1 added, 1 removed, 2 bumped, 4 unchanged since the cached batch')
    expect(text).toContain('| bumped | aeson | 2.2.3.0 → 2.3.2.0 |')
    expect(text).toContain('| archive pass | 5.9 s |')
    expect(renderSummary(cold)).toContain('first batch')
    expect(renderSummary(warm)).toContain('no package changes since the cached batch (7 unchanged)')
  })

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

  test('the gantt is small and lists the phases in order, the main build after them', () => {
    const gantt = phaseGantt({ ...cold, mainBuildMs: 60_000 })
    const tasks = gantt.split('\n').filter(l => /^ {2}\S.* : \d+, \d+$/.test(l))
    expect(tasks.map(t => t.trim().split(' ')[0])).toEqual([
      'plan',
      'restore',
      'evaluate',
      'archive',
      'cabal2nix',
      'store',
      'push',
      'save',
      'main'
    ])
    expect(gantt).toContain('  dateFormat x\n  axisFormat %s')
    expect(gantt.length).toBeLessThan(1000)
  })

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

  test('odd names cannot break the markdown', () => {
    const odd: BatchRunReport = {
      ...warm,
      packages: [{ name: 'weird', path: './a|b<script>`x`' }],
      diff: {
        added: [{ name: 'weird', to: 'path ./a|b<script>' }],
        removed: [],
        bumped: [],
        unchanged: 0
      }
    }
    const text = renderSummary(odd)
    expect(text).not.toContain('<script>')
    expect(text).toContain('| added | weird | path ./a\\|b&lt;script&gt; |')
  })

  test('the verdict line is unchanged', () => {
    expect(verdictLine(cold)).toBe(`batch ${STORE_PATH}: built in 13.8 s, 7 packages rebuilt`)
    expect(verdictLine(warm)).toBe(
      `batch ${STORE_PATH}: restored from actions-cache in 3.6 s, 0 packages rebuilt`
    )
  })
})

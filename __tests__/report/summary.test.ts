/** The job summaries: the main step's report and the post step's section. */
import { describe, expect, test } from '@jest/globals'
import type { BatchRunReport } from '../../src/action/report/model.js'
import { renderPostSummary, renderSummary } from '../../src/action/report/summary.js'
import { changed, cold, warm } from './fixtures.js'

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

describe('what the summary says', () => {
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
})

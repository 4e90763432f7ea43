/** The text helpers every renderer shares. */
import { expect, test } from '@jest/globals'
import { fit } from '../../src/action/report/fit.js'
import {
  cell,
  code,
  formatBytes,
  formatDuration,
  plural
} from '../../src/action/report/markdown.js'

test('durations read as seconds below a minute, minutes and seconds above', () => {
  expect(formatDuration(420)).toBe('0.42 s')
  expect(formatDuration(6120.7)).toBe('6.1 s')
  expect(formatDuration(192_400)).toBe('3 min 12 s')
})

test('sizes read as KiB below a MiB, MiB above', () => {
  expect(formatBytes(2048)).toBe('2.0 KiB')
  expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB')
})

test('counts agree with their noun', () => {
  expect(plural(1, 'package')).toBe('1 package')
  expect(plural(2, 'package')).toBe('2 packages')
  expect(plural(0, 'more package')).toBe('0 more packages')
})

test('a cell is one line without pipes or HTML; a code span survives backticks', () => {
  expect(cell(' a|b\n<i> ')).toBe('a\\|b &lt;i&gt;')
  expect(code('x')).toBe('`x`')
  expect(code('a `b` c')).toBe('``a `b` c``')
  expect(code('`edge`')).toBe('`` `edge` ``')
})

test('fit halves the list limit until the text fits, and cuts only as a last resort', () => {
  const limits: number[] = []
  const render = (limit: number) => {
    limits.push(limit)
    return 'x'.repeat(limit * 10)
  }
  expect(fit(render, 250, 'chars', 100)).toBe('x'.repeat(250))
  expect(limits).toEqual([100, 50, 25])
  const cut = fit(() => 'é'.repeat(1000), 200, 'bytes', 0)
  expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(200)
  expect(cut).toContain('cut to fit')
})

/** The Mermaid chart of the phases. */
import { describe, expect, test } from '@jest/globals'
import { phaseGantt } from '../../src/action/report/gantt.js'
import { cold } from './fixtures.js'

describe('what the chart says', () => {
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
})

/**
 * The names the Action shares with the runner are declared once (src/action/names.ts): every
 * declared input and output exists in action.yml and every one action.yml has is declared, and the
 * runner's name-taking calls appear only in the modules that own them.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { INPUT_NAMES, Outputs, State } from '../src/action/names.js'
import { repoRoot, sourceFiles } from './support/files.js'

const ROOT = repoRoot
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

/** Source files (relative to the repository) that call `core.<name>(`. */
function callers(name: string): string[] {
  return sourceFiles(path.join(ROOT, 'src'))
    .filter(file => new RegExp(`\\bcore\\.${name}\\(`).test(readFileSync(file, 'utf8')))
    .map(file => path.relative(ROOT, file))
    .sort()
}

describe('names declared once', () => {
  test('inputs: declared ones exist in action.yml, and action.yml has no undeclared one', () => {
    expect([...INPUT_NAMES].sort()).toEqual(Object.keys(action.inputs).sort())
  })

  test('outputs: declared ones exist in action.yml, and action.yml has no undeclared one', () => {
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(action.outputs).sort())
  })

  test('state keys are distinct', () => {
    const keys = Object.values(State)
    expect(new Set(keys).size).toBe(keys.length)
  })

  test('inputs are read only in config.ts, state only in state.ts, outputs only in main.ts', () => {
    expect(callers('getInput')).toEqual(['src/action/config.ts'])
    expect(callers('saveState')).toEqual(['src/action/state.ts'])
    expect(callers('getState')).toEqual(['src/action/state.ts'])
    expect(callers('setOutput')).toEqual(['src/action/main.ts'])
  })

  test('outputs are set by their declared names', () => {
    const main = readFileSync(path.join(ROOT, 'src/action/main.ts'), 'utf8')
    const set = [...main.matchAll(/core\.setOutput\(\s*([^,]+),/g)].map(m => m[1].trim())
    expect(set.every(name => name.startsWith('Outputs.'))).toBe(true)
    expect(set.length).toBe(Object.keys(Outputs).length)
  })
})

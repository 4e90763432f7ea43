/**
 * Where the Action's side effects live: every Nix command it runs goes through the store module
 * (src/action/store.ts and src/action/store/), so the version differences of Nix's output are
 * handled in one place.
 */
import { expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot, sourceFiles } from './support/files.js'

/** A command spawned by name: runCommand('nix', …), this.run('nix-store', …), spawn('nix', …). */
const NIX_SPAWN =
  /\b(?:runCommand|run|spawn|execFile|exec)\(\s*'nix(?:-store|-instantiate|-build)?'/

test('only the store module runs Nix', () => {
  const runners = sourceFiles(path.join(repoRoot, 'src', 'action'))
    .filter(file => NIX_SPAWN.test(readFileSync(file, 'utf8')))
    .map(file => path.relative(repoRoot, file))
  expect(runners).toEqual(['src/action/store.ts'])
})

test('nix path-info --json is parsed in one place', () => {
  const parsers = sourceFiles(path.join(repoRoot, 'src'))
    .filter(file => /\bexport function parsePathInfo\b/.test(readFileSync(file, 'utf8')))
    .map(file => path.relative(repoRoot, file))
  expect(parsers).toEqual(['src/action/store/path-info.ts'])
})

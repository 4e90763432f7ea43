// Which cabal2nix the tests, the demo and the benchmarks run: the real one wherever it can be
// found, the test double only where none exists (loudly) or where a test needs a failure the real
// tool will not show (a hang, garbage output, a crash).
//
// Looked for, in order: $CABAL2NIX, `cabal2nix` on PATH, then ../shared/cabal2nix/bin/cabal2nix
// beside the repository (the real 2.21.3, what nixpkgs ships).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const cabal2nixDouble = path.join(repoRoot, 'testing', 'cabal2nix-test-double.mjs')

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name)
  }
  return undefined
}

/** The first line of `cabal2nix --version`, if it runs. @param {string} command */
function versionOf(command) {
  const r = spawnSync(command, ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, HOME: '/nonexistent' }
  })
  if (r.error || r.status !== 0) return undefined
  return r.stdout.split('\n')[0].trim()
}

/** @type {{ real: boolean, command: string, version: string } | undefined} */
let found
let warned = false

/** The first cabal2nix found that runs and is not the double, else the double. */
function locate() {
  if (!found) {
    const candidates = [
      process.env.CABAL2NIX,
      onPath('cabal2nix'),
      path.join(repoRoot, '..', 'shared', 'cabal2nix', 'bin', 'cabal2nix')
    ].filter(c => c && existsSync(c))
    for (const command of /** @type {string[]} */ (candidates)) {
      const version = versionOf(command)
      if (version && !version.includes('test double')) {
        found = { real: true, command: path.resolve(command), version }
        break
      }
    }
    found ??= { real: false, command: cabal2nixDouble, version: 'test double' }
  }
  return found
}

/**
 * The real cabal2nix as `{ real: true, command, version }`, or the test double as
 * `{ real: false, … }` when no real one runs here (with one warning on stderr per process).
 */
export function findCabal2nix() {
  const cabal2nix = locate()
  if (!cabal2nix.real && !warned) {
    warned = true
    process.stderr.write(
      'WARNING: no real cabal2nix found ($CABAL2NIX, PATH, ../shared/cabal2nix/bin/cabal2nix): ' +
        'running the cabal2nix TEST DOUBLE instead; its expressions are not what nixpkgs makes\n'
    )
  }
  return cabal2nix
}

/**
 * The real cabal2nix's path, for what only the real tool can check (generated .cabal files it
 * must accept); undefined where there is none, without a warning: the caller skips or says so.
 */
export function realCabal2nix() {
  const cabal2nix = locate()
  return cabal2nix.real ? cabal2nix.command : undefined
}

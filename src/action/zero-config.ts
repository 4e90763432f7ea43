/**
 * The zero-config installable: when no installable is given, build the batch from the repo's
 * overrides file (or, in drop-in mode, the plan recorded from its overlay) with
 *   - the nixpkgs the repo pins in flake.lock (following `follows`), else `<nixpkgs>` from
 *     NIX_PATH, loudly, because then nothing ties the batch to what the main build imports;
 *   - the some-cabal2nix library the repo pins in flake.lock, else the one bundled in this
 *     action: the batch's derivation includes the library's builder and CLI, so only the pinned
 *     revision gives the batch the main build imports.
 */
import path from 'node:path'
import type { Installable } from './store.js'

export interface ZeroConfigInputs {
  workingDirectory: string
  /** An overrides file in any format the Nix library reads, including the CLI's plan JSON. */
  overridesFile: string
  actionRoot: string
  /** The text of the repo's flake.lock, when there is one. */
  flakeLock?: string
}

type LockedInput = Record<string, unknown>

interface FlakeLockNode {
  inputs?: Record<string, string | string[]>
  locked?: LockedInput
  original?: Record<string, unknown>
}

interface FlakeLock {
  nodes: Record<string, FlakeLockNode>
  root: string
}

export interface ZeroConfigSources {
  /** fetchTree arguments of the locked nixpkgs, or undefined for `<nixpkgs>`. */
  nixpkgs?: LockedInput
  /** fetchTree arguments of the locked some-cabal2nix, or undefined for the bundled library. */
  library?: LockedInput
  /** What the user should know (one line each): where the sources were not pinned. */
  warnings: string[]
  /** What was used, for the log. */
  notes: string[]
}

function parseLock(text: string): FlakeLock | undefined {
  try {
    const lock = JSON.parse(text) as Partial<FlakeLock>
    if (lock && typeof lock.nodes === 'object' && lock.nodes && typeof lock.root === 'string')
      return lock as FlakeLock
  } catch {
    // An unreadable lock pins nothing; the warning below says what is used instead.
  }
  return undefined
}

/**
 * The node an input of `from` refers to: a node name, or (`follows`) a path of input names
 * starting at the root node, each step resolved the same way.
 */
export function resolveLockInput(
  lock: FlakeLock,
  from: string,
  input: string,
  depth = 0
): string | undefined {
  const ref = lock.nodes[from]?.inputs?.[input]
  if (ref === undefined || depth > 32) return undefined
  if (typeof ref === 'string') return ref
  let node: string | undefined = lock.root
  for (const step of ref) {
    node = node === undefined ? undefined : resolveLockInput(lock, node, step, depth + 1)
  }
  return node
}

/** A root input that is some-cabal2nix: named so, or fetched from a repository of that name. */
function libraryInput(lock: FlakeLock): string | undefined {
  const inputs = Object.keys(lock.nodes[lock.root]?.inputs ?? {})
  const isOurs = (name: string) => {
    const node = lock.nodes[resolveLockInput(lock, lock.root, name) ?? '']
    const original = node?.original ?? {}
    return (
      original.repo === 'some-cabal2nix' ||
      (typeof original.url === 'string' && /\/some-cabal2nix(\.git)?([?#/]|$)/.test(original.url))
    )
  }
  return inputs.find(n => n === 'some-cabal2nix') ?? inputs.find(isOurs)
}

export function zeroConfigSources(
  flakeLock: string | undefined,
  nixPathEnv?: string
): ZeroConfigSources {
  const lock = flakeLock === undefined ? undefined : parseLock(flakeLock)
  const sources: ZeroConfigSources = { warnings: [], notes: [] }
  const lockedOf = (input: string | undefined) =>
    input === undefined || !lock
      ? undefined
      : lock.nodes[resolveLockInput(lock, lock.root, input) ?? '']?.locked
  sources.nixpkgs = lockedOf(lock && lock.nodes[lock.root]?.inputs?.nixpkgs ? 'nixpkgs' : undefined)
  const library = lock ? libraryInput(lock) : undefined
  sources.library = lockedOf(library)

  const why =
    flakeLock === undefined
      ? 'there is no flake.lock'
      : !lock
        ? 'flake.lock cannot be read'
        : 'flake.lock has no nixpkgs input'
  if (sources.nixpkgs) sources.notes.push('nixpkgs: as locked in flake.lock')
  else
    sources.warnings.push(
      `zero-config: ${why}, so the batch is built with <nixpkgs> from NIX_PATH (${
        nixPathEnv ? `NIX_PATH=${nixPathEnv}` : 'NIX_PATH is empty'
      }); if your build takes nixpkgs from anywhere else it will not import this batch. ` +
        "Pin nixpkgs in flake.lock, or set the 'installable' input to what your build uses"
    )
  sources.notes.push(
    sources.library
      ? `some-cabal2nix library: input '${library}' as locked in flake.lock`
      : 'some-cabal2nix library: the one bundled in this action'
  )
  return sources
}

/** A Nix expression for `text` as a string literal. */
function nixString(text: string): string {
  return JSON.stringify(text).replace(/\$\{/g, '\\${')
}

function nixPath(absolute: string): string {
  return `(/. + ${nixString(absolute)})`
}

function fetchLocked(locked: LockedInput): string {
  return `builtins.fetchTree (builtins.fromJSON ${nixString(JSON.stringify(locked))})`
}

export function zeroConfigInstallable(
  inputs: ZeroConfigInputs,
  sources: ZeroConfigSources = zeroConfigSources(inputs.flakeLock, process.env.NIX_PATH)
): Installable {
  const nixpkgs = sources.nixpkgs ? fetchLocked(sources.nixpkgs) : '<nixpkgs>'
  const library = sources.library
    ? `"\${${fetchLocked(sources.library)}}/nix"`
    : nixPath(path.join(inputs.actionRoot, 'nix'))
  const overrides = nixPath(path.resolve(inputs.workingDirectory, inputs.overridesFile))
  const expr = `
let
  pkgs = import (${nixpkgs}) { };
  someCabal2nix = import ${library};
in (someCabal2nix.someCabal2nixFor { inherit pkgs; overrides = ${overrides}; }).batch
`
  return { kind: 'expr', expr }
}

/**
 * Incremental builds in the Action, the pure part: which packages the `incremental` input names,
 * the Actions cache keys of a package's intermediates and the `nix-args` a build appends (what a
 * package's build did, and how that is reported, is outcome.ts).
 *
 * Keys: `<prefix>-intermediates-<os>-<arch>-<pname>-ghc-<version>-<run id>-<attempt>`. Restoring
 * with the key up to `ghc-<version>-` as the restore prefix gives the newest entry the run may
 * read: GitHub looks in this branch first, then the pull request's base branch, then the default
 * branch.
 */
export type IncrementalSelection =
  { kind: 'off' } | { kind: 'auto' } | { kind: 'names'; names: string[] }

const PACKAGE_NAME = /^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*$/

/** The `incremental` input: empty or `false` → off, `auto`, or package names (spaces, commas, newlines). */
export function parseIncrementalInput(
  text: string
): IncrementalSelection | { kind: 'error'; message: string } {
  const words = text
    .split(/[\s,]+/)
    .map(w => w.trim())
    .filter(Boolean)
  if (words.length === 0 || (words.length === 1 && words[0] === 'false')) return { kind: 'off' }
  if (words.length === 1 && words[0] === 'auto') return { kind: 'auto' }
  const invalid = words.filter(w => !PACKAGE_NAME.test(w) || w === 'auto')
  if (invalid.length > 0)
    return {
      kind: 'error',
      message: `incremental: ${invalid.map(w => `'${w}'`).join(', ')} ${invalid.length === 1 ? 'is not a package name' : 'are not package names'}\nhint: write package names (my-app my-lib) or auto (every local package of the overrides file)`
    }
  return { kind: 'names', names: [...new Set(words)] }
}

/** The packages to resume: `auto` → every local package of the overrides file. */
export function selectedPackages(
  selection: IncrementalSelection,
  localPackages: string[]
): string[] {
  if (selection.kind === 'off') return []
  if (selection.kind === 'auto') return [...localPackages].sort()
  return selection.names
}

export interface IntermediatesKeyParts {
  prefix: string
  /** `<os>-<arch>` of the runner. */
  platform: string
  pname: string
  ghcVersion: string
}

/** Every entry of one package built by one GHC on one platform starts with this. */
export function intermediatesKeyPrefix(parts: IntermediatesKeyParts): string {
  return `${parts.prefix}-intermediates-${parts.platform}-${parts.pname}-ghc-${parts.ghcVersion}-`
}

/** A new entry's key: unique per run attempt, so a later run never overwrites an older entry in place. */
export function intermediatesKey(keyPrefix: string, run: { id: string; attempt: string }): string {
  return `${keyPrefix}${run.id}-${run.attempt}`
}

/**
 * What the main build appends to its `nix build` line: the directory of restored intermediates as
 * the library's flake input. Empty when nothing was restored.
 */
export function nixArgs(restoredDir: string | undefined, libraryInput = 'some-cabal2nix'): string {
  return restoredDir
    ? `--override-input ${libraryInput}/previous-intermediates path:${restoredDir}`
    : ''
}

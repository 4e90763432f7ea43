/** The run's facts as short phrases: where the batch came from, how many packages, what changed. */
import type { PackageDiff } from '../package-diff.js'
import { formatDuration, plural } from './markdown.js'
import { hackageCount, type BatchRunReport, type BatchSource } from './model.js'

const SOURCE_WORDS: Record<BatchSource, string> = {
  'actions-cache': 'restored from actions-cache',
  'binary-cache': 'substituted from binary-cache',
  local: 'already in the local store',
  built: 'built'
}

export const SOURCE_HEADLINES: Record<BatchSource, string> = {
  'actions-cache': 'restored from the Actions cache',
  'binary-cache': 'substituted from a binary cache',
  local: 'already in the Nix store',
  built: 'built'
}

/** The log's last line. */
export function verdictLine(report: BatchRunReport): string {
  const rebuilt = report.rebuilt ? report.packages.length : 0
  return `batch ${report.storePath}: ${SOURCE_WORDS[report.source]} in ${formatDuration(report.totalMs)}, ${rebuilt} package${rebuilt === 1 ? '' : 's'} rebuilt`
}

export function headline(report: BatchRunReport): string {
  return `batch ${SOURCE_HEADLINES[report.source]} in ${formatDuration(report.totalMs)}`
}

export function sourceText(report: BatchRunReport): string {
  if (report.source !== 'built') return SOURCE_HEADLINES[report.source]
  return `built in this job (cabal2nix ran for ${plural(report.packages.length, 'package')})`
}

export function packageCountText(report: BatchRunReport): string {
  const total = report.packages.length
  const hackage = hackageCount(report)
  const local = total - hackage
  if (local === 0) return `${plural(total, 'package')} from Hackage`
  if (hackage === 0) return `${plural(total, 'local package')}`
  return `${plural(total, 'package')} (${hackage} from Hackage, ${local} local)`
}

export function changesText(diff: PackageDiff | undefined, short = false): string {
  if (!diff) {
    return short
      ? 'first batch'
      : 'first batch: no earlier batch in the Actions cache to compare with'
  }
  const changed = diff.added.length + diff.removed.length + diff.bumped.length
  if (changed === 0) {
    return short
      ? 'no package changes'
      : `no package changes since the cached batch (${diff.unchanged} unchanged)`
  }
  const parts: string[] = []
  if (diff.added.length) parts.push(`${diff.added.length} added`)
  if (diff.removed.length) parts.push(`${diff.removed.length} removed`)
  if (diff.bumped.length) parts.push(`${diff.bumped.length} bumped`)
  parts.push(`${diff.unchanged} unchanged`)
  return short ? parts.join(', ') : `${parts.join(', ')} since the cached batch`
}

export interface IfdEstimate {
  /** Estimated serial IFD time avoided, in milliseconds. */
  ms: number
  hackagePackages: number
  archivePassMs: number
}

/**
 * Only a run that made an archive pass has a measurement to extrapolate from: without the batch,
 * every `callHackage` is its own IFD whose `all-cabal-hashes-component-*` derivation scans the whole
 * tarball, one after another. So: number of Hackage packages × this run's one archive pass.
 */
export function estimateAvoidedIfd(report: BatchRunReport): IfdEstimate | undefined {
  const pass = report.phases.find(p => p.name === 'archive pass')
  const hackagePackages = hackageCount(report)
  if (!pass || hackagePackages === 0) return undefined
  return { ms: hackagePackages * pass.ms, hackagePackages, archivePassMs: pass.ms }
}

export function estimateParagraph(estimate: IfdEstimate): string {
  return (
    `≈ **${formatDuration(estimate.ms)}** of serial import-from-derivation avoided (estimate). ` +
    `How it is estimated: without the batch, nixpkgs' \`callHackage\` builds one ` +
    `\`all-cabal-hashes-component\` derivation per package, each a full pass over the ` +
    `all-cabal-hashes tarball, one after another while Nix evaluates. This run made that pass once, for ` +
    `its ${plural(estimate.hackagePackages, 'Hackage package')} together, in ${formatDuration(estimate.archivePassMs)}, ` +
    `so the estimate is ${estimate.hackagePackages} × ${formatDuration(estimate.archivePassMs)}. ` +
    `It leaves out the per-package cabal2nix derivations and Nix's own overhead.`
  )
}

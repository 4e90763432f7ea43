/** The report's markdown tables and lists: phases, package changes, binary caches, packages. */
import type { PlanJsonEntry } from '../../builder/plan.js'
import { redactSecrets } from '../../common/redact.js'
import type { PackageChange, PackageDiff } from '../package-diff.js'
import type { PushResult } from '../push.js'
import { cell, code, formatDuration } from './markdown.js'
import { MAIN_BUILD_LABEL, type BatchRunReport } from './model.js'

const PHASE_DESCRIPTIONS: Record<string, string> = {
  plan: 'read the package list',
  restore: 'look the batch up in the Actions cache and download it',
  import: 'import the downloaded batch into the Nix store',
  evaluate: 'evaluate the batch derivation',
  'archive pass': 'one pass over all-cabal-hashes for every package',
  cabal2nix: 'cabal2nix for every package',
  store: 'write the output into the Nix store',
  build: 'build the batch',
  substitute: 'fetch the batch from a binary cache',
  intermediates: "restore the incremental packages' previous intermediates",
  push: 'push to the binary caches',
  save: 'save the batch to the Actions cache'
}

export const PUSH_WORDS: Record<PushResult['status'], string> = {
  pushed: 'pushed',
  'already-present': 'already there',
  failed: 'failed'
}

export function phaseRows(report: BatchRunReport, withDescriptions: boolean): string[] {
  const rows = report.phases.map(p =>
    withDescriptions
      ? `| ${cell(p.name)} | ${formatDuration(p.ms)} | ${cell(PHASE_DESCRIPTIONS[p.name] ?? '')} |`
      : `| ${cell(p.name)} | ${formatDuration(p.ms)} |`
  )
  const total = withDescriptions
    ? `| **some-cabal2nix** | **${formatDuration(report.totalMs)}** | this step, all phases |`
    : `| **some-cabal2nix** | **${formatDuration(report.totalMs)}** |`
  rows.push(total)
  if (report.mainBuildMs !== undefined) {
    rows.push(
      withDescriptions
        ? `| ${MAIN_BUILD_LABEL} | ${formatDuration(report.mainBuildMs)} | the steps after this one, up to its post step |`
        : `| ${MAIN_BUILD_LABEL} | ${formatDuration(report.mainBuildMs)} |`
    )
  }
  return withDescriptions
    ? ['| phase | time | what it did |', '| --- | ---: | --- |', ...rows]
    : ['| phase | time |', '| --- | ---: |', ...rows]
}

function changeRows(kind: string, changes: PackageChange[], limit: number): string[] {
  return changes.slice(0, limit).map(c => {
    const version =
      c.from !== undefined && c.to !== undefined ? `${c.from} → ${c.to}` : (c.to ?? c.from ?? '')
    return `| ${kind} | ${cell(c.name)} | ${cell(version)} |`
  })
}

/** The diff as a table with at most `limit` rows per kind, and a note for what was left out. */
export function diffTable(diff: PackageDiff, limit: number, whereTheRestIs: string): string[] {
  const rows = [
    ...changeRows('added', diff.added, limit),
    ...changeRows('removed', diff.removed, limit),
    ...changeRows('bumped', diff.bumped, limit)
  ]
  const total = diff.added.length + diff.removed.length + diff.bumped.length
  const lines = rows.length
    ? ['| change | package | version |', '| --- | --- | --- |', ...rows]
    : []
  if (rows.length < total) {
    lines.push('', `… and ${total - rows.length} more changes (${whereTheRestIs}).`)
  }
  return lines
}

export function pushLines(pushes: PushResult[]): string[] {
  if (pushes.length === 0) return []
  return [
    '| binary cache | result | time |',
    '| --- | --- | ---: |',
    ...pushes.map(p => {
      const result =
        p.status === 'failed' && p.error
          ? `failed: ${redactSecrets(p.error).slice(0, 300)}`
          : PUSH_WORDS[p.status]
      return `| ${code(redactSecrets(p.target))} | ${cell(result)} | ${formatDuration(p.ms)} |`
    })
  ]
}

export function packageList(packages: PlanJsonEntry[], limit: number): string {
  const shown = packages
    .slice(0, limit)
    .map(p => ('version' in p ? `${p.name} ${p.version}` : `${p.name} (${p.path})`))
    .map(cell)
  const rest = packages.length - shown.length
  return shown.join(' · ') + (rest > 0 ? ` · … and ${rest} more (see the \`packages\` output)` : '')
}

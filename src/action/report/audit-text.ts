/** The main build's audit as text: the one-line verdict, its figures, stragglers, other batches. */
import { buildFigures, type AuditEvidence, type MainBuildAudit, type Straggler } from '../audit.js'
import { cell, code, formatBytes, formatDuration, plural } from './markdown.js'
import { MAIN_BUILD_LABEL } from './model.js'

type KnownAudit = Extract<MainBuildAudit, { status: 'ok' }>

function packageId(s: Straggler): string {
  return s.version === undefined ? s.package : `${s.package} ${s.version}`
}

/** The audit in one line, for the top of the comment and the log. */
export function auditVerdict(audit: MainBuildAudit): string {
  if (audit.status === 'unknown')
    return `main build: cannot tell which IFDs it ran (${audit.reason})`
  const parts: string[] = []
  if (audit.stragglers.length > 0) {
    const names = audit.stragglers.slice(0, 5).map(packageId)
    const more = audit.stragglers.length - names.length
    parts.push(
      `main build still ran ${plural(audit.stragglers.length, 'cabal2nix IFD')}: ${names.join(', ')}${more > 0 ? `, … and ${more} more` : ''}`
    )
  }
  if (audit.otherBatches.length > 0) {
    const why = audit.otherBatches[0].reasons
    parts.push(
      `${parts.length ? 'and it' : 'main build'} imported a different batch${why.length ? ` (${why.join('; ')})` : ''}`
    )
  }
  const how = ` (${evidenceText(audit.evidence)})`
  if (parts.length) return parts.join('; ') + how
  return `main build: 0 IFD builds — none of the ${plural(audit.overrides, 'override')} needed its own cabal2nix run${how}`
}

export function evidenceText(evidence: AuditEvidence): string {
  return evidence.mode === 'observed' ? 'observed' : `inferred from logs: ${evidence.reason}`
}

/** One line of figures: built and substituted, total and longest times, the IFD time left. */
export function auditFiguresText(audit: KnownAudit): string {
  const f = buildFigures(audit)
  const built =
    f.built === 0
      ? 'nothing built'
      : `${plural(f.built, 'derivation')} built in ${formatDuration(f.builtMs)} together` +
        (f.longest ? ` (longest: ${code(f.longest.name)}, ${formatDuration(f.longest.ms)})` : '')
  const substituted =
    f.substituted === 0
      ? 'nothing substituted'
      : `${plural(f.substituted, 'path')} substituted (${formatBytes(f.substitutedBytes)}` +
        (f.substitutedMs > 0 ? `, ${formatDuration(f.substitutedMs)} together)` : ')')
  const evaluation =
    audit.evaluationMs === undefined
      ? ''
      : ` · evaluation outside builds: ${formatDuration(audit.evaluationMs)}`
  return `${built} · ${substituted} · IFD time left: ${formatDuration(f.ifdMs)}${evaluation}`
}

function stragglerTable(audit: KnownAudit, limit: number, whereTheRestIs: string): string[] {
  if (audit.stragglers.length === 0) return []
  const rows = audit.stragglers
    .slice(0, limit)
    .map(
      s =>
        `| ${cell(s.package)} | ${cell(s.version ?? 'local')} | ${s.derivations.map(code).join(' ')} | ${formatDuration(s.ms)} | ${cell(s.fix)} |`
    )
  const lines = [
    '| package | version | IFD derivations | time | fix |',
    '| --- | --- | --- | ---: | --- |',
    ...rows
  ]
  const rest = audit.stragglers.length - rows.length
  if (rest > 0) lines.push('', `… and ${plural(rest, 'more package')} (${whereTheRestIs}).`)
  return lines
}

function otherBatchLines(audit: KnownAudit, limit: number): string[] {
  if (audit.otherBatches.length === 0) return []
  const lines = audit.otherBatches
    .slice(0, limit)
    .map(
      b =>
        `- ${code(b.path)}: ${b.reasons.length ? cell(b.reasons.join('; ')) : 'why it differs cannot be told from its derivation'}`
    )
  const rest = audit.otherBatches.length - lines.length
  if (rest > 0) lines.push(`- … and ${rest} more`)
  return [
    'The main build imported a batch other than the one this step prepared. Set the ' +
      '`installable` input to the expression your build takes the batch from ' +
      '(for a flake: `.#packages.<system>.some-cabal2nix`).',
    '',
    ...lines
  ]
}

/** IFDs that are not Hackage's: nothing in the overrides file removes them, but they cost time. */
function otherIfdLines(audit: KnownAudit, limit: number): string[] {
  if (audit.otherIfds.length === 0) return []
  const lines = audit.otherIfds
    .slice(0, limit)
    .map(i => `- ${code(i.name)}: ${formatDuration(i.ms)}`)
  const rest = audit.otherIfds.length - lines.length
  if (rest > 0) lines.push(`- … and ${rest} more`)
  return [`Other IFDs (not Hackage's; the batch does not cover them):`, '', ...lines]
}

function derivationRows(audit: KnownAudit, limit: number): string[] {
  const kinds = { ifd: 'IFD straggler', batch: 'batch', 'ifd-other': 'other IFD', other: 'other' }
  const rows = [
    ...audit.built.map(
      d =>
        `| ${code(d.name)} | built | ${kinds[d.kind]} | ${d.startMs === undefined ? '?' : formatDuration(d.endMs - d.startMs)} |`
    ),
    ...audit.substituted.map(
      s =>
        `| ${code(s.name)} | substituted | ${kinds[s.kind]} |${s.endMs === undefined ? '' : ` ${formatDuration(s.endMs - s.atMs)}`} |`
    )
  ]
  if (rows.length === 0) return []
  const shown = rows.slice(0, limit)
  const lines = ['| derivation | how | kind | time |', '| --- | --- | --- | ---: |', ...shown]
  if (rows.length > shown.length) lines.push('', `… and ${rows.length - shown.length} more.`)
  return lines
}

/** The audit's sections: figures, stragglers, other batches (and, in the summary, every derivation). */
export function auditSections(
  audit: MainBuildAudit,
  limit: number,
  whereTheRestIs: string,
  withDerivations: boolean
): string[] {
  if (audit.status !== 'ok') return []
  const out = [`${MAIN_BUILD_LABEL}: ${auditFiguresText(audit)}`, '']
  const stragglers = stragglerTable(audit, limit, whereTheRestIs)
  if (stragglers.length) out.push(...stragglers, '')
  const others = otherBatchLines(audit, limit)
  if (others.length) out.push(...others, '')
  const otherIfds = otherIfdLines(audit, limit)
  if (otherIfds.length) out.push(...otherIfds, '')
  if (withDerivations) {
    const rows = derivationRows(audit, limit)
    if (rows.length)
      out.push(
        `<details><summary>What the ${MAIN_BUILD_LABEL} built and substituted</summary>`,
        '',
        ...rows,
        '',
        '</details>',
        ''
      )
  }
  return out
}

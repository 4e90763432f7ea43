/**
 * Stage "report": what one run did, as data (BatchRunReport) and as text (verdict line, job
 * summary, PR comment body). Rendering is pure — markdown strings from a report and a few options,
 * no clock, no environment — so it can be snapshot-tested; writing happens in report-publish
 * (main step), post and comment.
 */
import type { PackageChange, PackageDiff } from './keys.js'
import type { PlanJsonEntry } from '../builder/plan.js'
import type { PushResult } from './publish.js'
import { auditVerdict, buildFigures, type MainBuildAudit } from './audit.js'

export type BatchSource = 'actions-cache' | 'binary-cache' | 'local' | 'built'

export interface Phase {
  name: string
  ms: number
  /** Epoch ms when the phase started (for traces); older reports lack it. */
  startMs?: number
}

export interface BatchRunReport {
  storePath: string
  source: BatchSource
  rebuilt: boolean
  packages: PlanJsonEntry[]
  /** Against the previous batch found in the Actions cache; undefined when there was none. */
  diff?: PackageDiff
  phases: Phase[]
  pushes: PushResult[]
  cacheKey?: string
  totalMs: number
  /** Set by the post step: time between the end of our main step and the start of the post step. */
  mainBuildMs?: number
  /** The batch's derivation, for the post step's audit. */
  drvPath?: string
  /** The overrides file the plan came from (the fix for a straggler names it). */
  overridesFile?: string
  /** Set by the post step: what the main build built and substituted. */
  audit?: MainBuildAudit
}

export class PhaseTimer {
  readonly phases: Phase[] = []
  private readonly started = performance.now()
  /** Epoch ms when the timer started. */
  readonly startedAtMs = Date.now()

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await work()
    } finally {
      this.record(name, performance.now() - start, this.epochOf(start))
    }
  }

  /** A phase of `ms` that started at `startMs` (epoch ms; by default it just ended). */
  record(name: string, ms: number, startMs = this.epochOf(performance.now()) - ms): void {
    this.phases.push({ name, ms, startMs })
  }

  /** Epoch ms of a performance.now() reading. */
  epochOf(now: number): number {
    return this.startedAtMs + (now - this.started)
  }

  elapsedMs(): number {
    return performance.now() - this.started
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`
}

const SOURCE_WORDS: Record<BatchSource, string> = {
  'actions-cache': 'restored from actions-cache',
  'binary-cache': 'substituted from binary-cache',
  local: 'already in the local store',
  built: 'built'
}

export function verdictLine(report: BatchRunReport): string {
  const rebuilt = report.rebuilt ? report.packages.length : 0
  return `batch ${report.storePath}: ${SOURCE_WORDS[report.source]} in ${formatDuration(report.totalMs)}, ${rebuilt} package${rebuilt === 1 ? '' : 's'} rebuilt`
}

// ---------------------------------------------------------------------------------------------
// Markdown rendering (job summary and PR comment)
// ---------------------------------------------------------------------------------------------

/** GitHub rejects comment bodies over 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536
/** The runner refuses a step summary over 1 MiB; stay well below it. */
export const SUMMARY_MAX_BYTES = 1_000_000

export interface RenderOptions {
  /** Link to the workflow run, shown in the comment's footer. */
  runUrl?: string
  /** The comment id (matrix entry / job), shown in the comment's heading. */
  commentId?: string
  /** Upper bound for the rendered text (characters for comments, UTF-8 bytes for summaries). */
  maxSize?: number
}

const SOURCE_HEADLINES: Record<BatchSource, string> = {
  'actions-cache': 'restored from the Actions cache',
  'binary-cache': 'substituted from a binary cache',
  local: 'already in the Nix store',
  built: 'built'
}

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
  push: 'push to the binary caches',
  save: 'save the batch to the Actions cache'
}

const PUSH_WORDS: Record<PushResult['status'], string> = {
  pushed: 'pushed',
  'already-present': 'already there',
  failed: 'failed'
}

/** The main build row's label, shared by the table, the chart and the post step's section. */
export const MAIN_BUILD_LABEL = 'main build'

function hackageCount(report: BatchRunReport): number {
  return report.packages.filter(p => 'version' in p).length
}

/** Text for a table cell: one line, no pipes, no HTML. */
function cell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[<>]/g, c => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\|/g, '\\|')
    .trim()
}

/** An inline code span that survives backticks in its content. */
function code(text: string): string {
  const clean = text.replace(/\s+/g, ' ')
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map(run => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${clean}${pad}${fence}`
}

/** Credentials never reach the report, even when an error message quotes a store URL. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\/\/[^/@\s]*@/g, '//***@')
    .replace(/(secret-key|access-key|secret|token|password)=[^&\s]*/gi, '$1=***')
    .replace(/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]+/g, '$1***')
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
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

function estimateParagraph(estimate: IfdEstimate): string {
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

function headline(report: BatchRunReport): string {
  return `batch ${SOURCE_HEADLINES[report.source]} in ${formatDuration(report.totalMs)}`
}

function sourceText(report: BatchRunReport): string {
  if (report.source !== 'built') return SOURCE_HEADLINES[report.source]
  return `built in this job (cabal2nix ran for ${plural(report.packages.length, 'package')})`
}

function phaseRows(report: BatchRunReport, withDescriptions: boolean): string[] {
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

/** A small Mermaid gantt of the phases, in order. The axis counts seconds from the step's start. */
export function phaseGantt(report: BatchRunReport): string {
  const lines = [
    '```mermaid',
    'gantt',
    '  dateFormat x',
    '  axisFormat %s',
    '  title some-cabal2nix phases (axis in seconds)',
    '  section this step'
  ]
  let at = 0
  const task = (name: string, ms: number) => {
    const length = Math.max(1, Math.round(ms))
    const label = `${name} ${formatDuration(ms)}`.replace(/[:#;]/g, ' ')
    lines.push(`  ${label} : ${at}, ${at + length}`)
    at += length
  }
  for (const p of report.phases.slice(0, 20)) task(p.name, p.ms)
  if (report.mainBuildMs !== undefined) {
    lines.push('  section after this step')
    at = Math.max(at, Math.round(report.totalMs))
    const mainStart = at
    task(MAIN_BUILD_LABEL, report.mainBuildMs)
    const audit = report.audit
    const timed = audit?.status === 'ok' ? audit.built.filter(d => d.startMs !== undefined) : []
    if (audit?.status === 'ok' && timed.length > 0) {
      lines.push(`  section ${MAIN_BUILD_LABEL}`)
      for (const d of timed.slice(0, 20)) {
        at = mainStart + Math.max(0, Math.round((d.startMs as number) - audit.windowStartMs))
        task(d.name, d.endMs - (d.startMs as number))
      }
      if (timed.length > 20)
        lines.push(`  ${timed.length - 20} more derivations : ${at}, ${at + 1}`)
    }
  }
  lines.push('```')
  return lines.join('\n')
}

function changeRows(kind: string, changes: PackageChange[], limit: number): string[] {
  return changes.slice(0, limit).map(c => {
    const version =
      c.from !== undefined && c.to !== undefined ? `${c.from} → ${c.to}` : (c.to ?? c.from ?? '')
    return `| ${kind} | ${cell(c.name)} | ${cell(version)} |`
  })
}

/** The diff as a table with at most `limit` rows per kind, and a note for what was left out. */
function diffTable(diff: PackageDiff, limit: number, whereTheRestIs: string): string[] {
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

function pushLines(pushes: PushResult[]): string[] {
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

function packageList(packages: PlanJsonEntry[], limit: number): string {
  const shown = packages
    .slice(0, limit)
    .map(p => ('version' in p ? `${p.name} ${p.version}` : `${p.name} (${p.path})`))
    .map(cell)
  const rest = packages.length - shown.length
  return shown.join(' · ') + (rest > 0 ? ` · … and ${rest} more (see the \`packages\` output)` : '')
}

function sizeOf(text: string, unit: 'chars' | 'bytes'): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length
}

/**
 * Renders with a list limit, halving it until the text fits; as a last resort cuts the text.
 * (String length counts UTF-16 units, never fewer than the characters GitHub counts.)
 */
function fit(
  render: (limit: number) => string,
  max: number,
  unit: 'chars' | 'bytes',
  limit: number
): string {
  let text = render(limit)
  while (sizeOf(text, unit) > max && limit > 0) {
    limit = Math.floor(limit / 2)
    text = render(limit)
  }
  if (sizeOf(text, unit) <= max) return text
  const note = '\n\n_(cut to fit GitHub’s size limit)_\n'
  let cut = Math.max(0, max - sizeOf(note, unit) - 8)
  while (cut > 0 && sizeOf(text.slice(0, cut), unit) > max - sizeOf(note, unit)) cut -= 64
  return text.slice(0, Math.max(0, cut)) + note
}

// ---------------------------------------------------------------------------------------------
// The main build's audit
// ---------------------------------------------------------------------------------------------

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

type KnownAudit = Extract<MainBuildAudit, { status: 'ok' }>

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
      : `${plural(f.substituted, 'path')} substituted (${formatBytes(f.substitutedBytes)})`
  return `${built} · ${substituted} · IFD time left: ${formatDuration(f.ifdMs)}`
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

function derivationRows(audit: KnownAudit, limit: number): string[] {
  const kinds = { ifd: 'IFD straggler', batch: 'batch', other: 'other' }
  const rows = [
    ...audit.built.map(
      d =>
        `| ${code(d.name)} | built | ${kinds[d.kind]} | ${d.startMs === undefined ? '?' : formatDuration(d.endMs - d.startMs)} |`
    ),
    ...audit.substituted.map(s => `| ${code(s.name)} | substituted | ${kinds[s.kind]} | |`)
  ]
  if (rows.length === 0) return []
  const shown = rows.slice(0, limit)
  const lines = ['| derivation | how | kind | time |', '| --- | --- | --- | ---: |', ...shown]
  if (rows.length > shown.length) lines.push('', `… and ${rows.length - shown.length} more.`)
  return lines
}

/** The audit's sections: figures, stragglers, other batches (and, in the summary, every derivation). */
function auditSections(
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

/** The main step's job summary. */
export function renderSummary(report: BatchRunReport, options: RenderOptions = {}): string {
  return fit(
    limit => renderSummaryWith(report, limit),
    options.maxSize ?? SUMMARY_MAX_BYTES,
    'bytes',
    1000
  )
}

function renderSummaryWith(report: BatchRunReport, limit: number): string {
  const out: string[] = [`### some-cabal2nix: ${headline(report)}`, '']
  out.push(`- **Batch:** ${code(report.storePath)}`)
  out.push(`- **Source:** ${sourceText(report)}`)
  out.push(`- **Packages:** ${packageCountText(report)}`)
  out.push(`- **Changes:** ${changesText(report.diff)}`)
  if (report.cacheKey) out.push(`- **Actions cache key:** ${code(report.cacheKey)}`)
  out.push('', '#### Phases', '', ...phaseRows(report, true), '')
  const estimate = estimateAvoidedIfd(report)
  if (estimate) out.push('#### Serial IFD time avoided', '', estimateParagraph(estimate), '')
  if (report.diff) {
    const table = diffTable(report.diff, limit, 'the step’s `diff` output has all of them')
    if (table.length) out.push('#### Package changes', '', ...table, '')
  }
  if (report.pushes.length) out.push('#### Binary caches', '', ...pushLines(report.pushes), '')
  out.push(
    '<details><summary>Phases as a chart</summary>',
    '',
    phaseGantt(report),
    '',
    '</details>'
  )
  if (report.packages.length) {
    out.push(
      '',
      `<details><summary>${plural(report.packages.length, 'package')}</summary>`,
      '',
      packageList(report.packages, limit),
      '',
      '</details>'
    )
  }
  return out.join('\n') + '\n'
}

/** The post step's short job-summary section: the main build's time, next to ours. */
export function renderPostSummary(report: BatchRunReport, options: RenderOptions = {}): string {
  return fit(
    limit => renderPostSummaryWith(report, limit),
    options.maxSize ?? SUMMARY_MAX_BYTES,
    'bytes',
    1000
  )
}

function renderPostSummaryWith(report: BatchRunReport, limit: number): string {
  if (report.mainBuildMs === undefined) return ''
  const out = [
    `### some-cabal2nix: ${MAIN_BUILD_LABEL} took ${formatDuration(report.mainBuildMs)}`,
    '',
    ...(report.audit ? [`**${auditVerdict(report.audit)}**`, ''] : []),
    `Measured from the end of the some-cabal2nix step to the start of its post step, so it covers ` +
      `every step in between (normally the \`nix build\`). Before it, some-cabal2nix took ` +
      `${formatDuration(report.totalMs)} (batch ${SOURCE_HEADLINES[report.source]}).`
  ]
  const estimate = estimateAvoidedIfd(report)
  if (estimate) {
    out.push(
      '',
      `Without the batch, evaluation would have spent about ${formatDuration(estimate.ms)} more on ` +
        `serial IFD (${estimate.hackagePackages} × the ${formatDuration(estimate.archivePassMs)} archive pass measured above).`
    )
  }
  if (report.audit) {
    out.push('', ...auditSections(report.audit, limit, 'cut to fit the summary', true))
    out.push(
      `<details><summary>${MAIN_BUILD_LABEL} as a chart</summary>`,
      '',
      phaseGantt(report),
      '',
      '</details>'
    )
  }
  return out.join('\n').replace(/\n+$/, '') + '\n'
}

/**
 * The sticky comment's body, without its marker line (comment.ts adds that). `maxSize` is in
 * characters and defaults to what is left of GitHub's limit after a marker line.
 */
export function renderCommentBody(report: BatchRunReport, options: RenderOptions = {}): string {
  return fit(
    limit => renderCommentWith(report, options, limit),
    options.maxSize ?? COMMENT_MAX_CHARS - 200,
    'chars',
    100
  )
}

function renderCommentWith(report: BatchRunReport, options: RenderOptions, limit: number): string {
  const title = options.commentId ? `some-cabal2nix · ${cell(options.commentId)}` : 'some-cabal2nix'
  const facts = [
    `Batch **${SOURCE_HEADLINES[report.source]}** in **${formatDuration(report.totalMs)}**`,
    packageCountText(report),
    changesText(report.diff, true)
  ]
  facts.push(
    report.mainBuildMs !== undefined
      ? `${MAIN_BUILD_LABEL} **${formatDuration(report.mainBuildMs)}**`
      : `${MAIN_BUILD_LABEL}: still running (its time is added when the job's post steps run)`
  )
  const out: string[] = [`### ${title}`, '']
  if (report.audit) out.push(`**${auditVerdict(report.audit)}**`, '')
  out.push(facts.join(' · '), '', ...phaseRows(report, false), '')
  if (report.audit)
    out.push(...auditSections(report.audit, limit, 'the job summary has the rest', false))
  const estimate = estimateAvoidedIfd(report)
  if (estimate) out.push(estimateParagraph(estimate), '')
  if (report.diff) {
    const table = diffTable(report.diff, limit, 'the job summary has the rest')
    if (table.length) {
      out.push('<details><summary>Package changes</summary>', '', ...table, '', '</details>', '')
    }
  }
  if (report.pushes.length) {
    out.push(
      `Binary caches: ${report.pushes
        .map(p => `${code(redactSecrets(p.target))} ${PUSH_WORDS[p.status]}`)
        .join(', ')}`,
      ''
    )
  }
  const footer = [`batch ${code(report.storePath)}`]
  if (options.runUrl) footer.unshift(`[workflow run](${options.runUrl})`)
  out.push(`<sub>${footer.join(' · ')}</sub>`)
  return out.join('\n') + '\n'
}

/**
 * Drop-in mode: read the package list out of an existing overlay
 * (`self: super: { aeson = super.callHackage "aeson" "2.2.3.0" {}; foo = self.callCabal2nix "foo" ./foo {}; }`,
 * or a nixpkgs-level one that hands haskellPackages such an overlay) instead of an overrides file.
 *
 * Nix evaluates the overlay against stand-ins (src/builder/overlay-evaluator.ts), read-only:
 *  1. the overlay's attribute names (a failure here is the whole overlay's, with its line);
 *  2. what each attribute calls, all in one evaluation; when that fails in a way Nix cannot catch,
 *     the attributes are split in halves until the failing one stands alone, so it costs only
 *     itself (a package set a nixpkgs-level overlay sets is then read attribute by attribute);
 *  3. attributes that read a flag drop-in mode cannot know are evaluated again with flags true:
 *     a different package on the other branch joins the batch, and the plan says what it assumed.
 * The result is the same PackagePlan as `planFromOverrides`, checked by the same validateEntries,
 * so errors read the same.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
import { findAttributeLine, type OverrideEntry } from './overrides.js'
import { nixEvaluationError, stripTerminalCodes } from '../common/nix-output.js'
import { EVALUATE_OVERLAY } from './overlay-evaluator.js'
import {
  checkInputFile,
  overridesError,
  relativePath,
  validateEntries,
  type PackagePlan
} from './plan.js'
import { commandExists, runCommand } from '../common/process.js'

export interface SkippedCall {
  /** The overlay attribute. */
  attribute: string
  /** The package the call was for, when known. */
  name?: string
  reason: string
}

/** A plan plus the calls the batch cannot stand in for (they stay with nixpkgs). */
export interface OverlayPlan extends PackagePlan {
  skipped: SkippedCall[]
  /** Where the plan depends on values drop-in mode cannot know (flags, compiler arguments). */
  assumptions: Assumption[]
}

export interface OverlayPlanOptions {
  /** The nix-instantiate to run (default: `nix-instantiate` from PATH). */
  nixInstantiate?: string
  timeoutMs?: number
}

interface EvaluatedCall {
  attribute: string
  kind: 'hackage' | 'local' | 'unsupported'
  name?: string
  version?: string
  path?: string
  reason?: string
}

/** What one attribute of the overlay came to, and the unknown values it read on the way. */
interface AttributeOutcome {
  address: string[]
  records: EvaluatedCall[]
  reads: string[]
}

const UNDERSTOOD =
  'drop-in mode understands callHackage, callHackageDirect, callCabal2nix and haskell.lib wrappers; ' +
  'for anything else list the packages in an overrides file and use --overrides'

const BEGIN = /^trace: some-cabal2nix-begin (\d+)$/
const READ = /^trace: some-cabal2nix-read (.+)$/
const STAND_IN_PATH = /\/some-cabal2nix-stand-in\/[^\s'"`]*/g

type Request =
  | { mode: 'names' }
  | { mode: 'describe'; addresses: string[][]; flag?: boolean }
  | { mode: 'children'; addresses: string[][] }

interface EvaluatorRun {
  ok: boolean
  json?: unknown
  stderr: string
  /** Unknown values read, by the index of the attribute being evaluated (-1: before any). */
  readsByIndex: Map<number, string[]>
}

class OverlayEvaluator {
  private readonly absolute: string
  constructor(
    private readonly file: string,
    private readonly nix: string,
    private readonly timeoutMs: number
  ) {
    this.absolute = path.resolve(file)
  }

  async run(request: Request): Promise<EvaluatorRun> {
    const result = await runCommand(
      this.nix,
      [
        '--eval',
        '--strict',
        '--json',
        '--readonly-mode',
        // Newer Nix shows where an error happened only in the trace.
        '--show-trace',
        '--argstr',
        'file',
        this.absolute,
        '--argstr',
        'request',
        JSON.stringify(request),
        '--expr',
        EVALUATE_OVERLAY
      ],
      { timeoutMs: this.timeoutMs }
    )
    if (result.timedOut)
      throw overridesError(
        this.file,
        0,
        `Nix did not finish evaluating the overlay within ${Math.round(this.timeoutMs / 1000)} s`,
        UNDERSTOOD
      )
    const stderr = stripTerminalCodes(result.stderr)
    const readsByIndex = new Map<number, string[]>()
    let index = -1
    for (const line of stderr.split('\n')) {
      const begin = BEGIN.exec(line)
      const read = READ.exec(line)
      if (begin) index = Number(begin[1])
      else if (read) readsByIndex.set(index, [...(readsByIndex.get(index) ?? []), read[1]])
    }
    // Check the exit code first: on an error the JSON on stdout can be partial.
    if (result.code !== 0) return { ok: false, stderr, readsByIndex }
    return { ok: true, json: JSON.parse(result.stdout.toString('utf8')), stderr, readsByIndex }
  }

  failure(stderr: string): { message: string; line: number } {
    const failure = nixEvaluationError(stderr, this.absolute)
    // Newer Nix prints the value after "expected a Boolean but found a set:": our stand-ins.
    const message = failure.message
      .replace(/^(expected an? [\w ]+ but found an? \w+): .*$/, '$1')
      .replace(STAND_IN_PATH, 'a fetched source')
    return { ...failure, message }
  }

  /** The overlay's attribute names; a failure here is the whole overlay's. */
  async names(): Promise<{ names: string[]; reads: string[] }> {
    const result = await this.run({ mode: 'names' })
    if (!result.ok) {
      const failure = this.failure(result.stderr)
      throw overridesError(
        this.file,
        failure.line,
        `Nix could not evaluate the overlay: ${failure.message}`,
        UNDERSTOOD
      )
    }
    return {
      names: result.json as string[],
      reads: unique([...result.readsByIndex.values()].flat())
    }
  }

  /**
   * Describes the attributes at `addresses`, all in one evaluation when it succeeds. An attribute
   * can fail in ways `builtins.tryEval` does not catch (a stand-in used as the wrong type), so a
   * failed evaluation is split in halves until the failing attribute stands alone: it then costs
   * only itself (or, for a package set a nixpkgs-level overlay sets, is read attribute by attribute).
   */
  async describe(addresses: string[][], flag = false): Promise<AttributeOutcome[]> {
    if (addresses.length === 0) return []
    const result = await this.run({ mode: 'describe', addresses, flag })
    if (result.ok) {
      const described = result.json as Array<{ records: EvaluatedCall[] }>
      return described.map((d, i) => ({
        address: addresses[i],
        records: d.records,
        reads: unique(result.readsByIndex.get(i) ?? [])
      }))
    }
    if (addresses.length > 1) {
      const half = Math.ceil(addresses.length / 2)
      return [
        ...(await this.describe(addresses.slice(0, half), flag)),
        ...(await this.describe(addresses.slice(half), flag))
      ]
    }
    const [address] = addresses
    const children = await this.run({ mode: 'children', addresses })
    const names = children.ok ? (children.json as string[][])[0] : []
    if (names.length > 0)
      return this.describe(
        names.map(n => [...address, n]),
        flag
      )
    return [
      {
        address,
        records: [
          {
            attribute: address.join('.'),
            kind: 'unsupported',
            reason: `Nix could not evaluate it: ${this.failure(result.stderr).message}`
          }
        ],
        reads: unique(result.readsByIndex.get(0) ?? [])
      }
    ]
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}

/** Unknown flags are read as false; a plan that depends on one is evaluated with them true too. */
function isFlagRead(label: string): boolean {
  return /(^|[. ])(is|has|enable|use|with|do)[A-Z0-9][^.]*$/.test(label)
}

function describeRead(label: string): string {
  const what = label.startsWith('argument ') ? `the argument '${label.slice(9)}'` : label
  if (isFlagRead(label)) return `${what} (taken as false)`
  if (label.startsWith('argument '))
    return `${what} (taken as equal to no value it is compared with)`
  return `${what} (taken as "0")`
}

const NO_CALL = 'no batched call'

function describeCalls(records: EvaluatedCall[]): string {
  const calls = records.filter(r => r.kind !== 'unsupported')
  if (calls.length === 0) return NO_CALL
  return calls
    .map(r => (r.kind === 'hackage' ? `${r.name} ${r.version}` : `${r.name} (local)`))
    .join(', ')
}

/** A decision the plan took on a value drop-in mode cannot know. */
export interface Assumption {
  /** The overlay attribute, or '' for the whole overlay. */
  attribute: string
  text: string
}

export async function evaluateOverlay(
  file: string,
  options: OverlayPlanOptions = {}
): Promise<{ names: string[]; calls: EvaluatedCall[]; assumptions: Assumption[] }> {
  await checkInputFile(file, {
    name: 'overlay',
    missingHint: 'pass the haskellPackages overlay with --overlay FILE'
  })
  const nix = options.nixInstantiate ?? 'nix-instantiate'
  if (!(await commandExists(nix))) {
    throw new BatchError(
      'nix',
      `drop-in mode evaluates the overlay with Nix, and '${nix}' could not be run`,
      {
        hint: 'install Nix (nix-instantiate on PATH), or list the packages in an overrides file and use --overrides'
      }
    )
  }
  const evaluator = new OverlayEvaluator(file, nix, options.timeoutMs ?? 60_000)
  const { names, reads } = await evaluator.names()
  const assumptions: Assumption[] = reads.map(label => ({
    attribute: '',
    text: `the whole overlay depends on ${describeRead(label)}`
  }))
  // A read the whole overlay depends on is reported once, not for every attribute.
  const overlayWide = new Set(reads)
  const outcomes = (await evaluator.describe(names.map(n => [n]))).map(o => ({
    ...o,
    reads: o.reads.filter(r => !overlayWide.has(r))
  }))
  const calls: EvaluatedCall[] = []
  const dependent = outcomes.filter(o => o.reads.length > 0 && o.records.length > 0)
  const flipped = new Map(
    (
      await evaluator.describe(
        dependent.filter(o => o.reads.some(isFlagRead)).map(o => o.address),
        true
      )
    ).map(o => [o.address.join('.'), o])
  )
  for (const outcome of outcomes) {
    calls.push(...outcome.records)
    if (outcome.reads.length === 0 || outcome.records.length === 0) continue
    const attribute = outcome.address.join('.')
    const other = flipped.get(attribute)
    const taken = describeCalls(outcome.records)
    const unknowns = outcome.reads.map(describeRead).join(', ')
    if (other ? describeCalls(other.records) === taken : taken === NO_CALL) continue
    let text = `depends on ${unknowns}, which drop-in mode cannot know: the plan takes ${taken}`
    if (other) {
      const known = new Set(outcome.records.map(r => r.name))
      const added = other.records.filter(
        r => r.kind === 'hackage' && r.name !== undefined && !known.has(r.name)
      )
      calls.push(...added.map(r => ({ ...r, attribute: `${attribute} (other branch)` })))
      text +=
        added.length > 0
          ? `; with the flags true it is ${describeCalls(other.records)}, also in the batch`
          : `; with the flags true it would be ${describeCalls(other.records)}, left to nixpkgs`
    }
    assumptions.push({ attribute, text })
  }
  return { names, calls, assumptions }
}

/** Turns an overlay's calls into the plan (same type and checks as planFromOverrides). */
export async function planFromOverlay(
  file: string,
  options: OverlayPlanOptions = {}
): Promise<OverlayPlan> {
  const { names, calls, assumptions } = await evaluateOverlay(file, options)
  const text = await readFile(file, 'utf8')
  // Attributes of a package set that a nixpkgs-level overlay sets read `haskellPackages.aeson`.
  const lineOf = (attribute: string) =>
    findAttributeLine(
      text,
      attribute
        .replace(/ \(other branch\)$/, '')
        .split('.')
        .pop() ?? attribute
    )
  const absolute = path.resolve(file)
  const skipped: SkippedCall[] = []
  // One entry per package; where an overlay builds two versions of one package, the batch takes
  // the one bound to the attribute of the same name and leaves the other to nixpkgs.
  const ordered = [...calls].sort(
    (a, b) => Number(b.attribute === b.name) - Number(a.attribute === a.name)
  )
  const chosen = new Map<string, EvaluatedCall>()
  for (const call of ordered) {
    if (call.kind === 'unsupported') {
      skipped.push({
        attribute: call.attribute,
        name: call.name,
        reason: call.reason ?? 'not supported'
      })
      continue
    }
    const name = call.name as string
    const previous = chosen.get(name)
    if (!previous) {
      chosen.set(name, call)
    } else if (previous.version !== call.version || previous.path !== call.path) {
      skipped.push({
        attribute: call.attribute,
        name,
        reason: `another ${name} (attribute '${previous.attribute}') is already in the batch`
      })
    }
  }
  if (chosen.size === 0) {
    throw overridesError(file, 0, noCallMessage(skipped, names), UNDERSTOOD)
  }
  const entries: OverrideEntry[] = [...chosen.values()]
    .sort((a, b) => lineOf(a.attribute) - lineOf(b.attribute))
    .map(call => ({
      name: call.name as string,
      line: lineOf(call.attribute),
      value:
        call.kind === 'hackage'
          ? { kind: 'version', version: String(call.version) }
          : { kind: 'path', path: relativePath(path.dirname(absolute), call.path as string) }
    }))
  skipped.sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0))
  const plan = await validateEntries(file, entries)
  return { ...plan, skipped, assumptions }
}

/** "No call can be batched", with each reason once and the attributes that share it. */
function noCallMessage(skipped: SkippedCall[], names: string[]): string {
  const packageSets = names.filter(n => n === 'haskellPackages' || n === 'haskell')
  if (skipped.length === 0 && packageSets.length > 0)
    return (
      `the overlay sets ${packageSets.join(' and ')} but gives it no overlay with callHackage or callCabal2nix calls ` +
      '(haskellPackages.override { overrides = …; }, .extend or haskell.packageOverrides)'
    )
  if (skipped.length === 0) return 'the overlay has no callHackage or callCabal2nix calls'
  const byReason = new Map<string, string[]>()
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.attribute])
  const groups = [...byReason].map(([reason, attributes]) => `${reason}: ${attributes.join(', ')}`)
  return `no call in the overlay can be batched (${groups.join('; ')})`
}

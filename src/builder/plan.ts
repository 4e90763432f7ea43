/**
 * Stage 1, plan: overrides file → a normalized, sorted package list. Pure parsing lives in
 * overrides.ts; this module adds file checks, the Nix-evaluation fallback and validation.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
import { isValidPackageName, isValidVersion } from './hackage.js'
import {
  findAttributeLine,
  parseJsonOverrides,
  parseNixOverrides,
  type OverrideEntry,
  type OverridesParse
} from './overrides.js'
import { nixEvaluationError } from '../common/nix-output.js'
import { commandExists, runCommand } from '../common/process.js'

export type PlannedPackage =
  | { name: string; source: 'hackage'; version: string }
  | { name: string; source: 'local'; path: string; absolutePath: string }

export interface PackagePlan {
  overridesFile: string
  packages: PlannedPackage[]
}

/** Overrides files are a few KB; anything this large is a mistake (a lock file, a binary). */
export const MAX_OVERRIDES_BYTES = 1024 * 1024

export interface PlanOptions {
  /** Evaluate with nix-instantiate when the file uses Nix beyond the plain subset (default: if present). */
  nixInstantiate?: string | false
}

export function hackagePackages(plan: PackagePlan): Array<{ name: string; version: string }> {
  return plan.packages.flatMap(p =>
    p.source === 'hackage' ? [{ name: p.name, version: p.version }] : []
  )
}

/** The JSON form printed by `plan --json` and stored in manifests: stable and machine-independent. */
export type PlanJsonEntry = { name: string; version: string } | { name: string; path: string }

export function planToJson(plan: PackagePlan): { packages: PlanJsonEntry[] } {
  return {
    packages: plan.packages.map((p): PlanJsonEntry =>
      p.source === 'hackage' ? { name: p.name, version: p.version } : { name: p.name, path: p.path }
    )
  }
}

/** `target` as a local package path relative to `fromDir`: `./x`, `../x` or `.` (never absolute). */
export function relativePath(fromDir: string, target: string): string {
  const relative = path.relative(fromDir, target).split(path.sep).join('/')
  if (relative === '') return '.'
  return relative === '..' || relative.startsWith('../') ? relative : `./${relative}`
}

export function overridesError(
  file: string,
  line: number,
  message: string,
  hint?: string
): BatchError {
  return new BatchError('overrides', `${file}${line > 0 ? `:${line}` : ''}: ${message}`, { hint })
}

function firstInvalidUtf8Line(bytes: Buffer): number {
  let line = 1
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === 10) line++
    if (b < 0x80) continue
    const length = b >= 0xf0 && b < 0xf5 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0
    if (length === 0) return line
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return line
    i += length - 1
  }
  return line
}

/** Overrides and overlay files are small regular files; anything else is one clear error. */
export async function checkInputFile(
  file: string,
  what: { name: string; missingHint: string }
): Promise<void> {
  let info
  try {
    info = await stat(file)
  } catch {
    throw overridesError(file, 0, `${what.name} file not found`, what.missingHint)
  }
  if (!info.isFile()) throw overridesError(file, 0, 'not a regular file')
  if (info.size > MAX_OVERRIDES_BYTES) {
    throw overridesError(
      file,
      0,
      `file is ${(info.size / 1048576).toFixed(1)} MB; an ${what.name} file is expected to be a few KB`,
      'is this the right file?'
    )
  }
}

async function readOverridesText(file: string): Promise<string> {
  await checkInputFile(file, {
    name: 'overrides',
    missingHint: 'pass the file with --overrides (or the action input overrides-file)'
  })
  const bytes = await readFile(file)
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw overridesError(
      file,
      firstInvalidUtf8Line(bytes),
      'the file is not valid UTF-8',
      'save it as UTF-8'
    )
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  if (text.trim() === '')
    throw overridesError(
      file,
      0,
      'the overrides file is empty',
      'write { package-name = "version"; } or the JSON form'
    )
  // JSON readers skip a byte order mark; Nix does not, so the Nix library could not import the file.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf && !isJsonFile(file, text))
    throw overridesError(
      file,
      1,
      'the file starts with a byte order mark (BOM), which Nix cannot read',
      'save it as UTF-8 without a BOM'
    )
  return text
}

function isJsonFile(file: string, text: string): boolean {
  return (
    file.endsWith('.json') ||
    (/^\s*\{\s*("|\}\s*$)/.test(text) && !/^\s*\{\s*"[^"]*"\s*=/.test(text))
  )
}

// Paths are turned into strings before --json sees them, so nothing is copied to the store.
const EVALUATE_OVERRIDES = `{ file }:
let
  value = import (/. + file);
  # A function header ({ pkgs }: { … }, pkgs: { … }): an argument the file really uses is an error
  # naming it; one it only declares costs nothing.
  missing = what: throw "the overrides file uses \${what}, which an overrides file read on its own does not have";
  formals = builtins.functionArgs value;
  args = builtins.mapAttrs (n: _: missing "its argument '\${n}'") (builtins.removeAttrs formals (builtins.filter (n: formals.\${n}) (builtins.attrNames formals)));
  attrs = if !(builtins.isFunction value) then value else if formals == { } then value (missing "its argument") else value args;
  describe = x:
    if builtins.isPath x then { path = toString x; }
    else if builtins.isString x then x
    else { unsupported = builtins.typeOf x; };
in builtins.mapAttrs (_: describe) attrs`

async function evaluateWithNix(
  file: string,
  text: string,
  nixInstantiate: string
): Promise<OverridesParse> {
  const absolute = path.resolve(file)
  const result = await runCommand(nixInstantiate, [
    '--eval',
    '--strict',
    '--json',
    // Newer Nix shows where an error happened only in the trace.
    '--show-trace',
    '--argstr',
    'file',
    absolute,
    '--expr',
    EVALUATE_OVERRIDES
  ])
  if (result.code !== 0) {
    const failure = nixEvaluationError(result.stderr, absolute)
    return {
      ok: false,
      reason: 'syntax',
      line: failure.line,
      message: `Nix could not evaluate it: ${failure.message}`
    }
  }
  const data = JSON.parse(result.stdout.toString('utf8')) as Record<string, unknown>
  const entries: OverrideEntry[] = []
  for (const [name, raw] of Object.entries(data)) {
    const line = findAttributeLine(text, name)
    if (typeof raw === 'string') {
      entries.push({
        name,
        line,
        value: raw.startsWith('/') ? { kind: 'path', path: raw } : { kind: 'version', version: raw }
      })
    } else if (
      raw &&
      typeof raw === 'object' &&
      typeof (raw as { path?: unknown }).path === 'string'
    ) {
      // A Nix path comes back absolute; as written, it was relative to the file (as plan --json shows it).
      const nixPath = (raw as { path: string }).path
      entries.push({
        name,
        line,
        value: { kind: 'path', path: relativePath(path.dirname(absolute), nixPath) }
      })
    } else {
      const type = (raw as { unsupported?: string })?.unsupported ?? typeof raw
      return {
        ok: false,
        reason: 'syntax',
        line,
        message: `'${name}' evaluates to a ${type}; expected a version string or a path`
      }
    }
  }
  return { ok: true, entries }
}

async function parseOverrides(
  file: string,
  text: string,
  options: PlanOptions
): Promise<OverrideEntry[]> {
  if (isJsonFile(file, text)) {
    const parsed = parseJsonOverrides(text)
    if (!parsed.ok) throw overridesError(file, parsed.line, parsed.message, parsed.hint)
    return parsed.entries
  }
  let parsed = parseNixOverrides(text)
  if (!parsed.ok && parsed.reason === 'beyond-subset') {
    const nix = options.nixInstantiate ?? 'nix-instantiate'
    if (nix && (await commandExists(nix))) {
      parsed = await evaluateWithNix(file, text, nix)
    } else {
      throw overridesError(
        file,
        parsed.line,
        parsed.message,
        'write a plain attribute set ({ name = "1.2.3"; local = ./dir; }), or install Nix so the file can be evaluated'
      )
    }
  }
  if (!parsed.ok) {
    throw overridesError(
      file,
      parsed.line,
      parsed.message,
      'expected { package-name = "version"; local-package = ./path; }'
    )
  }
  return parsed.entries
}

async function localPackageProblem(absolutePath: string): Promise<string | undefined> {
  let names: string[]
  try {
    const info = await stat(absolutePath)
    if (!info.isDirectory()) return 'is not a directory'
    names = await readdir(absolutePath)
  } catch {
    return 'does not exist'
  }
  if (!names.some(n => n.endsWith('.cabal') || n === 'package.yaml'))
    return 'has no .cabal file or package.yaml'
  return undefined
}

/** Turn raw entries into the plan, checking every entry and reporting every problem at once. */
export async function validateEntries(
  file: string,
  entries: OverrideEntry[]
): Promise<PackagePlan> {
  const problems: Array<{ line: number; text: string }> = []
  const seen = new Map<string, number>()
  const packages: PlannedPackage[] = []
  const baseDir = path.dirname(path.resolve(file))
  for (const entry of entries) {
    const where = (message: string) => problems.push({ line: entry.line, text: message })
    const previous = seen.get(entry.name)
    if (previous !== undefined) {
      where(`'${entry.name}' is listed twice${previous > 0 ? ` (first on line ${previous})` : ''}`)
      continue
    }
    seen.set(entry.name, entry.line)
    if (!isValidPackageName(entry.name)) {
      where(
        `'${entry.name}' is not a valid Hackage package name (letters, digits and single dashes; no word all digits)`
      )
      continue
    }
    if (entry.value.kind === 'version') {
      if (!isValidVersion(entry.value.version)) {
        where(
          `'${entry.name}': "${entry.value.version}" is not a valid version (numbers separated by dots, like "2.2.3.0")`
        )
        continue
      }
      packages.push({ name: entry.name, source: 'hackage', version: entry.value.version })
    } else {
      const absolutePath = path.resolve(baseDir, entry.value.path)
      const problem = await localPackageProblem(absolutePath)
      if (problem) {
        where(`'${entry.name}': local package ${entry.value.path} ${problem}`)
        continue
      }
      packages.push({ name: entry.name, source: 'local', path: entry.value.path, absolutePath })
    }
  }
  if (problems.length > 0) {
    const [first, ...rest] = problems
    throw new BatchError(
      'overrides',
      `${file}${first.line > 0 ? `:${first.line}` : ''}: ${first.text}`,
      {
        details: rest.map(p => `${file}${p.line > 0 ? `:${p.line}` : ''}: ${p.text}`),
        hint: 'fix the overrides file; nothing was built'
      }
    )
  }
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { overridesFile: file, packages }
}

export async function planFromOverrides(
  file: string,
  options: PlanOptions = {}
): Promise<PackagePlan> {
  const text = await readOverridesText(file)
  const entries = await parseOverrides(file, text, options)
  const plan = await validateEntries(file, entries)
  if (plan.packages.length === 0) throw noPackagesError(file)
  return plan
}

/** The same words as nix/overrides.nix. */
export function noPackagesError(file: string): BatchError {
  return overridesError(
    file,
    0,
    'no packages to build',
    'add at least one package, e.g. { aeson = "2.2.3.0"; }'
  )
}

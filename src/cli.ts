/**
 * `some-cabal2nix plan|build`: the batch builder as a command. Thin: parses flags, calls the
 * pipeline, turns errors into one line plus a hint. Other tooling (the Nix builder, CI scripts)
 * calls these flag names; keep them stable.
 */
import { realpathSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { buildBatch } from './builder/build.js'
import { BatchError, describeError, isBatchError, errorMessage } from './common/errors.js'
import {
  DEFAULT_COMPILER,
  DEFAULT_TIMEOUT_MS,
  defaultJobs,
  defaultSystem
} from './builder/generate.js'
import { planFromOverrides, planToJson, relativePath, type PackagePlan } from './builder/plan.js'
import { TOOL_NAME, TOOL_VERSION } from './common/version.js'

/** The help text; the README shows it as printed here (the test compares them). */
export function usage(system = defaultSystem()): string {
  return `usage:
  ${TOOL_NAME} plan  --overrides FILE [--json] [--output FILE]
  ${TOOL_NAME} plan  --overlay FILE [--json] [--output FILE]
  ${TOOL_NAME} build --overrides FILE --archive PATH|URL --out DIR [options]
  ${TOOL_NAME} --version | --help

plan prints the package list; --json prints it as JSON, which is an overrides file too.
  --overlay FILE          drop-in mode: read the callHackage / callCabal2nix calls of a
                          haskellPackages overlay; calls left to nixpkgs are listed as
                          "# left to nixpkgs: …" (on stderr with --json or --output)
  --output FILE           write the JSON to FILE, local paths relative to FILE's directory
                          (default: stdout, paths relative to the overrides or overlay file)

build writes DIR/<name>/default.nix per package and DIR/manifest.json; DIR must be new, empty
or a previous batch.
  --archive PATH|URL      all-cabal-hashes: the .tar.gz, an unpacked copy or an http(s) URL
  --cabal2nix CMD         default: cabal2nix from PATH
  --compiler ghc-X.Y.Z    default: ${DEFAULT_COMPILER}
  --system CONFIG         cabal2nix --system; default: this machine's (${system})
  --jobs N                parallel cabal2nix runs; default: the CPU count (at most 16)
  --timeout SECONDS       per cabal2nix run; default: ${DEFAULT_TIMEOUT_MS / 1000}
  --timings-file FILE     also write the phase timings (archiveMs, cabal2nixMs, writeMs) as JSON

FILE is a Nix attrset as passed to packageSourceOverrides ({ aeson = "2.2.3.0"; my-lib = ./my-lib; })
or JSON ({ "aeson": "2.2.3.0", "my-lib": { "path": "./my-lib" } }).
Exit codes: 0 done, 1 an error you can fix (one line and a hint), 2 usage.`
}

function usageError(message: string): BatchError {
  return new BatchError('usage', message, { hint: `run '${TOOL_NAME} --help'` })
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

function formatPlan(plan: PackagePlan): string {
  return plan.packages
    .map(p => (p.source === 'hackage' ? `${p.name} ${p.version}` : `${p.name} ${p.path} (local)`))
    .join('\n')
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`${flag} takes a whole number above 0, not '${value}'`)
  return n
}

/** The JSON plan, local paths relative to `baseDir` when given (where the plan file will live). */
function planJson(plan: PackagePlan, baseDir?: string): string {
  const json = planToJson(plan)
  if (baseDir === undefined) return JSON.stringify(json, null, 2)
  const packages = plan.packages.map((p, i) =>
    p.source === 'hackage'
      ? json.packages[i]
      : { name: p.name, path: relativePath(baseDir, p.absolutePath) }
  )
  return JSON.stringify({ packages }, null, 2)
}

async function runPlan(
  args: string[],
  write: (text: string) => void,
  log: (text: string) => void
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      overrides: { type: 'string' },
      overlay: { type: 'string' },
      json: { type: 'boolean', default: false },
      output: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  if (values.help) return write(usage())
  if (values.overrides && values.overlay)
    throw usageError('plan takes --overrides FILE or --overlay FILE, not both')
  let plan: PackagePlan
  let notes: string[] = []
  if (values.overlay) {
    // Drop-in mode: the package list comes out of an existing haskellPackages overlay.
    const { planFromOverlay } = await import('./builder/overlay-plan.js')
    const overlayPlan = await planFromOverlay(values.overlay)
    notes = overlayPlan.skipped.map(s => `# left to nixpkgs: ${s.attribute} (${s.reason})`)
    plan = overlayPlan
  } else if (values.overrides) {
    plan = await planFromOverrides(values.overrides)
  } else {
    throw usageError('plan needs --overrides FILE (or --overlay FILE)')
  }
  if (values.output) {
    const output = values.output
    const text = planJson(plan, path.dirname(path.resolve(output))) + '\n'
    await writeFile(output, text).catch((error: NodeJS.ErrnoException) => {
      throw new BatchError(
        'output',
        `--output ${output} cannot be written (${error.code ?? error.message})`,
        {
          hint: 'pass --output a file in a directory you can write to'
        }
      )
    })
    for (const note of notes) log(note)
    log(`wrote ${output}: ${plan.packages.length} packages`)
    return
  }
  if (values.json) {
    write(planJson(plan))
    for (const note of notes) log(note)
    return
  }
  write([formatPlan(plan), ...notes].join('\n'))
}

async function runBuild(
  args: string[],
  write: (text: string) => void,
  log: (text: string) => void
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      overrides: { type: 'string' },
      archive: { type: 'string' },
      out: { type: 'string' },
      cabal2nix: { type: 'string', default: 'cabal2nix' },
      compiler: { type: 'string', default: DEFAULT_COMPILER },
      system: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      'timings-file': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  if (values.help) return write(usage())
  if (!values.overrides) throw usageError('build needs --overrides FILE')
  if (!values.out) throw usageError('build needs --out DIR')
  if (!/^ghc-\d+(\.\d+)*$/.test(values.compiler)) {
    throw usageError(
      `--compiler takes ghc-X.Y.Z (nixpkgs' haskellCompilerName), not '${values.compiler}'`
    )
  }
  const jobs = positiveInteger('--jobs', values.jobs, defaultJobs())
  const timeoutMs = positiveInteger('--timeout', values.timeout, DEFAULT_TIMEOUT_MS / 1000) * 1000
  const plan = await planFromOverrides(values.overrides)
  const outcome = await buildBatch(plan, {
    archive: values.archive,
    out: values.out,
    command: values.cabal2nix,
    compiler: values.compiler,
    system: values.system ?? defaultSystem(),
    jobs,
    timeoutMs,
    onArchiveProgress: ({ compressedBytesRead, totalBytes }) =>
      log(
        `archive pass: ${(compressedBytesRead / 1048576).toFixed(0)} MB` +
          (totalBytes ? ` of ${(totalBytes / 1048576).toFixed(0)} MB` : '')
      )
  })
  const { timings, manifest, archivePass } = outcome
  // For tools (the Nix builder, benchmarks): the phase timings as JSON, in a file of their choosing.
  const timingsFile = values['timings-file']
  if (timingsFile) await writeFile(timingsFile, `${JSON.stringify(timings)}\n`)
  write(
    `wrote ${values.out}: ${manifest.packages.length} packages` +
      ` (archive pass ${formatSeconds(timings.archiveMs)}` +
      (archivePass
        ? `, ${archivePass.entriesSeen} entries${archivePass.stoppedEarly ? ', stopped early' : ''}`
        : '') +
      `; cabal2nix ${formatSeconds(timings.cabal2nixMs)}; write ${formatSeconds(timings.writeMs)})`
  )
}

/** Runs the CLI and returns the exit code: 0 on success, 1 for errors a user can fix, 2 for usage. */
export async function runCli(
  argv: string[],
  io: { write: (text: string) => void; log: (text: string) => void } = {
    write: text => process.stdout.write(`${text}\n`),
    log: text => process.stderr.write(`${text}\n`)
  }
): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'plan':
        await runPlan(rest, io.write, io.log)
        return 0
      case 'build':
        await runBuild(rest, io.write, io.log)
        return 0
      case '--version':
      case 'version':
        io.write(`${TOOL_NAME} ${TOOL_VERSION}`)
        return 0
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.write(usage())
        return command === undefined ? 2 : 0
      default:
        throw usageError(`unknown command '${command}'`)
    }
  } catch (error) {
    if (isBatchError(error)) {
      io.log(describeError(error))
      return error.kind === 'usage' ? 2 : 1
    }
    // parseArgs reports unknown or malformed flags with a TypeError carrying an ERR_PARSE_ARGS code.
    const code = (error as NodeJS.ErrnoException).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.log(describeError(usageError(errorMessage(error))))
      return 2
    }
    io.log(`internal error: ${(error as Error).stack ?? String(error)}`)
    return 3
  }
}

function invokedDirectly(): boolean {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    )
  } catch {
    return false
  }
}
if (invokedDirectly()) {
  process.exitCode = await runCli(process.argv.slice(2))
}

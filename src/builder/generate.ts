/**
 * Stage 3, generate: cabal2nix for every package, with exactly nixpkgs' command line
 * (make-package-set.nix: `--compiler=<ghc-X.Y.Z> --system=<config> --sha256=<hex> <name>.cabal`),
 * in a bounded pool, with a private HOME because cabal2nix writes `~/.cache/cabal2nix`.
 */
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pLimit from 'p-limit'
import { BatchError, errorMessage } from '../common/errors.js'
import { runCommand } from '../common/process.js'

export type GenerateInput =
  | { source: 'hackage'; name: string; version: string; cabal: Buffer; sha256: string }
  | { source: 'local'; name: string; absolutePath: string }

export interface Cabal2nixSettings {
  /** Path or name of the cabal2nix executable. */
  command: string
  /** `ghc-X.Y.Z`, as nixpkgs' `ghc.haskellCompilerName`. */
  compiler: string
  /** The full platform config, as nixpkgs' `hostPlatform.config` (`x86_64-unknown-linux-gnu`). */
  system: string
  jobs: number
  timeoutMs: number
}

export interface GeneratedExpression {
  name: string
  expression: string
}

export const DEFAULT_TIMEOUT_MS = 120_000

export function defaultJobs(): number {
  return Math.max(1, Math.min(16, os.availableParallelism()))
}

/** nixpkgs' `hostPlatform.config` for the machine we run on. */
export function defaultSystem(): string {
  const cpu =
    process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch
  return process.platform === 'darwin' ? `${cpu}-apple-darwin` : `${cpu}-unknown-linux-gnu`
}

function cabal2nixEnv(home: string): NodeJS.ProcessEnv {
  // A UTF-8 locale: cabal2nix reads non-ASCII .cabal files (sdl2 has some) through the locale.
  return { ...process.env, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }
}

/** The first line of `cabal2nix --version`; part of the manifest and every cache key. */
export async function cabal2nixVersion(command: string): Promise<string> {
  let result
  try {
    result = await runCommand(command, ['--version'], { timeoutMs: 30_000 })
  } catch (error) {
    throw new BatchError(
      'cabal2nix',
      `cannot run cabal2nix '${command}' (${errorMessage(error)})`,
      {
        hint: 'install cabal2nix or pass its path with --cabal2nix'
      }
    )
  }
  const line = result.stdout.toString('utf8').split('\n')[0].trim()
  if (result.code !== 0 || line === '') {
    throw new BatchError(
      'cabal2nix',
      `'${command} --version' failed: ${result.stderr.trim() || `exit ${result.code}`}`
    )
  }
  return line
}

/** cabal2nix always prints a function of its dependencies: `{ mkDerivation, … }:`. */
export function looksLikeCabal2nixOutput(text: string): boolean {
  return /^\s*\{[^{}]*\}\s*:\s*\n?\s*mkDerivation\s*\{/.test(text)
}

async function stageHackagePackage(
  input: Extract<GenerateInput, { source: 'hackage' }>,
  workDir: string
) {
  const dir = path.join(workDir, 'hackage', `${input.name}-${input.version}`)
  await mkdir(dir, { recursive: true })
  const cabalFile = path.join(dir, `${input.name}.cabal`)
  await writeFile(cabalFile, input.cabal)
  return { cwd: dir, args: [`--sha256=${input.sha256}`, cabalFile] }
}

// Like callCabal2nix, give cabal2nix only *.cabal and package.yaml, and run it on `.` so the
// expression says `src = ./.;` rather than a machine-specific absolute path.
async function stageLocalPackage(
  input: Extract<GenerateInput, { source: 'local' }>,
  workDir: string
) {
  const dir = path.join(workDir, 'local', input.name)
  await mkdir(dir, { recursive: true })
  for (const file of await readdir(input.absolutePath)) {
    if (file.endsWith('.cabal') || file === 'package.yaml') {
      await copyFile(path.join(input.absolutePath, file), path.join(dir, file))
    }
  }
  return { cwd: dir, args: ['.'] }
}

function failureDetail(name: string, reason: string): string {
  return `${name}: ${reason}`
}

/** Runs cabal2nix for every input; on any failure, one error lists every failed package. */
export async function generateExpressions(
  inputs: readonly GenerateInput[],
  settings: Cabal2nixSettings,
  workDir: string
): Promise<GeneratedExpression[]> {
  const home = path.join(workDir, 'home')
  await mkdir(home, { recursive: true })
  const env = cabal2nixEnv(home)
  // Each package runs in its own directory, so a relative command must be made absolute first.
  const command = settings.command.includes('/') ? path.resolve(settings.command) : settings.command
  const limit = pLimit(Math.max(1, settings.jobs))
  const failures: string[] = []
  const results = await Promise.all(
    inputs.map(input =>
      limit(async (): Promise<GeneratedExpression | undefined> => {
        const staged =
          input.source === 'hackage'
            ? await stageHackagePackage(input, workDir)
            : await stageLocalPackage(input, workDir)
        const args = [
          `--compiler=${settings.compiler}`,
          `--system=${settings.system}`,
          ...staged.args
        ]
        let result
        try {
          result = await runCommand(command, args, {
            cwd: staged.cwd,
            env,
            timeoutMs: settings.timeoutMs
          })
        } catch (error) {
          failures.push(
            failureDetail(input.name, `cannot run '${settings.command}': ${errorMessage(error)}`)
          )
          return undefined
        }
        const label =
          input.source === 'hackage' ? `${input.name} ${input.version}` : `${input.name} (local)`
        if (result.timedOut) {
          failures.push(
            failureDetail(
              label,
              `cabal2nix did not finish within ${Math.round(settings.timeoutMs / 1000)} s`
            )
          )
          return undefined
        }
        if (result.code !== 0) {
          const stderr = result.stderr.trim().split('\n').slice(-5).join(' | ')
          failures.push(
            failureDetail(
              label,
              `cabal2nix exited with ${result.code ?? result.signal}: ${stderr || '(no output)'}`
            )
          )
          return undefined
        }
        const expression = result.stdout.toString('utf8')
        if (!looksLikeCabal2nixOutput(expression)) {
          const start = JSON.stringify(expression.slice(0, 60))
          failures.push(
            failureDetail(
              label,
              `cabal2nix printed something that is not a package function: ${start}`
            )
          )
          return undefined
        }
        return { name: input.name, expression }
      })
    )
  )
  if (failures.length > 0) {
    failures.sort()
    throw new BatchError(
      'cabal2nix',
      failures.length === 1
        ? `cabal2nix failed for ${failures[0]}`
        : `cabal2nix failed for ${failures.length} packages`,
      {
        details: failures.length === 1 ? [] : failures,
        hint: 'no batch was written; fix or drop the package(s) named above'
      }
    )
  }
  return results as GeneratedExpression[]
}

/** Used when neither --compiler nor the Nix library says which GHC (nixpkgs 25.05's default). */
export const DEFAULT_COMPILER = 'ghc-9.8.4'

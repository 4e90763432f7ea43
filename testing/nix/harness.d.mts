export const repoRoot: string
export const projectNix: string
export const projectTemplate: string
export const cabal2nixDouble: string

export interface NixEnv {
  root: string
  confDir: string
  env: NodeJS.ProcessEnv
}

export interface RunResult {
  code: number | null
  timedOut: boolean
  stdout: string
  stderr: string
  ms: number
}

export type ProjectMode = 'nixpkgs' | 'overlay' | 'for' | 'user-overlay' | 'drop-in' | 'flake'

export interface EvalProjectOptions {
  mode: ProjectMode
  archive: string
  archiveName?: string
  cabal2nix: string
  nodejs: string
  projectDir?: string
  overrides?: string
  compilerName?: string
  incremental?: string
  previousIntermediates?: string
  /** JSON: name → version the build still callHackage's outside the overrides. */
  extraHackage?: string
  attr?: string
  readOnly?: boolean
  store?: string
  substituters?: string
  trustedPublicKeys?: string
  timeoutMs?: number
}

export interface EvalProjectResult extends RunResult {
  json: unknown
  builds: string[]
  substituted: Array<{ path: string; from: string }>
}

export function findNix(): { available: boolean; version?: string }
export function createNixEnv(root: string): Promise<NixEnv>
export function run(
  command: string,
  args: readonly string[],
  options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string }
): Promise<RunResult>
export function nodePrefix(): string
export function makeCabal2nixPrefix(
  dir: string,
  options?: { logFile?: string; double?: boolean }
): Promise<string>
export function readCabal2nixLog(logFile: string): Promise<string[]>
export function copyProject(dir: string): Promise<string>
export function builtDerivations(stderr: string): string[]
export function substitutedPaths(stderr: string): Array<{ path: string; from: string }>
export function firstNixError(stderr: string): string | undefined
export function evalProject(nixEnv: NixEnv, options: EvalProjectOptions): Promise<EvalProjectResult>
export function generateCacheKey(
  nixEnv: NixEnv,
  dir: string,
  name?: string
): Promise<{ secretKeyFile: string; publicKey: string }>
export function copyToBinaryCache(
  nixEnv: NixEnv,
  cacheDir: string,
  secretKeyFile: string,
  paths: readonly string[]
): Promise<RunResult>

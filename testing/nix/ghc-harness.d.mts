import type { NixEnv, RunResult } from './harness.mjs'

export const ghcProjectNix: string
export const INCREMENTAL_GHC: [number, number]

export function findGhc(): { available: boolean; version?: string; incremental: boolean }
export function debianSuite(): string

/** passthru.someCabal2nixIncremental of a package (nix/incremental.nix). */
export interface IncrementalInfo {
  pname: string
  version: string
  ghcVersion: string
  resumed: boolean
  reason: string | null
  intermediatesDir: string
}

export interface ProjectBuildOptions {
  projectDir: string
  ghcVersion: string
  cabal2nix: string
  nodejs: string
  incremental?: string | null
  previousIntermediates?: string
  outLink: string
  /** What to build (default: app and dep). */
  attrs?: ('app' | 'dep')[]
}

export type ProjectBuild = RunResult &
  (
    | { ok: false }
    | {
        ok: true
        app: string
        log: string
        incremental: (IncrementalInfo | null)[] | undefined
        intermediates: string[]
      }
  )

export function buildProject(nixEnv: NixEnv, options: ProjectBuildOptions): Promise<ProjectBuild>
export function collectIntermediates(storePaths: string[], dir: string): Promise<string>
export function runApp(appOut: string): Promise<string>

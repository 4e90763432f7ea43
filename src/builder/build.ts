/**
 * The batch pipeline, plan → extract → generate → write, shared by the CLI, the Nix builder
 * (which runs the CLI) and the Action. Thin: each stage lives in its own module.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { extractMembers } from './archive.js'
import type { ArchivePass, ArchiveProgress } from './archive-members.js'
import { resolveArchiveSource } from './archive-source.js'
import {
  discardOutput,
  prepareOutput,
  writeBatch,
  type BatchManifest,
  type ManifestPackage
} from './batch.js'
import { BatchError } from '../common/errors.js'
import {
  cabal2nixVersion,
  generateExpressions,
  type Cabal2nixSettings,
  type GenerateInput
} from './generate.js'
import { hackagePackages, noPackagesError, type PackagePlan } from './plan.js'
import { TOOL_NAME, TOOL_VERSION } from '../common/version.js'

export interface BuildSettings extends Cabal2nixSettings {
  /** A `.tar.gz`, an unpacked directory or an http(s) URL; may be omitted when all packages are local. */
  archive?: string
  out: string
  onArchiveProgress?: (progress: ArchiveProgress) => void
}

export interface PhaseTimings {
  archiveMs: number
  cabal2nixMs: number
  writeMs: number
}

export interface BuildOutcome {
  manifest: BatchManifest
  timings: PhaseTimings
  archivePass?: ArchivePass
}

function manifestPackages(plan: PackagePlan, pass: ArchivePass | undefined): ManifestPackage[] {
  const hashes = new Map(pass?.packages.map(p => [p.name, p.sha256]))
  return plan.packages.map(p =>
    p.source === 'hackage'
      ? { name: p.name, version: p.version, sha256: hashes.get(p.name) as string }
      : // The expression was generated in `./<name>` (src = ./.;), as in the Nix-built batch:
        // where the source lives is not part of the batch, so a committed copy stays byte-identical.
        { name: p.name, path: `./${p.name}` }
  )
}

export async function buildBatch(
  plan: PackagePlan,
  settings: BuildSettings
): Promise<BuildOutcome> {
  if (plan.packages.length === 0) throw noPackagesError(plan.overridesFile)
  // Where the batch goes is checked first, then cabal2nix: both should fail before a 76 MB read.
  const staging = await prepareOutput(settings.out)
  let written = false
  try {
    const outcome = await generateBatch(plan, settings, staging)
    written = true
    return outcome
  } finally {
    if (!written) await discardOutput(staging)
  }
}

async function generateBatch(
  plan: PackagePlan,
  settings: BuildSettings,
  staging: string
): Promise<BuildOutcome> {
  const version = await cabal2nixVersion(settings.command)
  const wanted = hackagePackages(plan)
  let archivePass: ArchivePass | undefined
  const startArchive = performance.now()
  if (wanted.length > 0) {
    if (!settings.archive) {
      throw new BatchError('usage', 'Hackage packages need the all-cabal-hashes archive', {
        hint: 'pass --archive PATH|URL'
      })
    }
    const source = await resolveArchiveSource(settings.archive)
    archivePass = await extractMembers(source, wanted, { onProgress: settings.onArchiveProgress })
  }
  const archiveMs = performance.now() - startArchive

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'some-cabal2nix-'))
  try {
    const startGenerate = performance.now()
    const extracted = new Map(archivePass?.packages.map(p => [p.name, p]))
    const inputs: GenerateInput[] = plan.packages.map(p => {
      if (p.source === 'local')
        return { source: 'local', name: p.name, absolutePath: p.absolutePath }
      const member = extracted.get(p.name)
      if (!member) throw new BatchError('archive', `internal: ${p.name} was not extracted`)
      return {
        source: 'hackage',
        name: p.name,
        version: p.version,
        cabal: member.cabal,
        sha256: member.sha256
      }
    })
    const expressions = await generateExpressions(inputs, settings, workDir)
    const cabal2nixMs = performance.now() - startGenerate

    const startWrite = performance.now()
    const manifest: BatchManifest = {
      format: 1,
      generator: `${TOOL_NAME} ${TOOL_VERSION}`,
      archive: archivePass?.topLevel ?? null,
      cabal2nix: version,
      compiler: settings.compiler,
      system: settings.system,
      packages: manifestPackages(plan, archivePass)
    }
    await writeBatch(settings.out, staging, manifest, expressions)
    return {
      manifest,
      archivePass,
      timings: { archiveMs, cabal2nixMs, writeMs: performance.now() - startWrite }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

/**
 * Stage 4 (output): the batch directory `<out>/<name>/default.nix` + `<out>/manifest.json`.
 * Written into a sibling temp dir and renamed into place, so a failure never leaves a half batch.
 * Same inputs give byte-identical output: no timestamps, no absolute paths, sorted everything.
 */
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  writeFile
} from 'node:fs/promises'
import path from 'node:path'
import { BatchError, errorMessage } from '../common/errors.js'
import type { GeneratedExpression } from './generate.js'

export const MANIFEST_FORMAT = 1

export type ManifestPackage =
  { name: string; version: string; sha256: string } | { name: string; path: string }

export interface BatchManifest {
  format: typeof MANIFEST_FORMAT
  generator: string
  /** The archive's top-level directory (`all-cabal-hashes-<rev>`); null when only local packages. */
  archive: string | null
  cabal2nix: string
  compiler: string
  system: string
  packages: ManifestPackage[]
}

export function renderManifest(manifest: BatchManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n'
}

export async function readManifest(dir: string): Promise<BatchManifest> {
  const file = path.join(dir, 'manifest.json')
  let data: BatchManifest
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as BatchManifest
  } catch (error) {
    throw new BatchError('output', `${file} is missing or not JSON (${errorMessage(error)})`)
  }
  if (data.format !== MANIFEST_FORMAT || !Array.isArray(data.packages)) {
    throw new BatchError(
      'output',
      `${file} is not a some-cabal2nix manifest of format ${MANIFEST_FORMAT}`
    )
  }
  return data
}

const OUT_HINT =
  'pass --out a new path, an empty directory or a previous batch (a directory with its manifest.json)'

/** What is at `target` now, and may a batch replace it? Only nothing, an empty directory or a previous batch. */
async function outputProblem(target: string): Promise<string | undefined> {
  let info
  try {
    info = await stat(target)
  } catch {
    return undefined
  }
  if (!info.isDirectory()) return 'is a file, not a batch directory'
  const entries = await readdir(target, { withFileTypes: true })
  if (entries.length === 0) return undefined
  const notOurs = 'holds files that are not a some-cabal2nix batch'
  if (!entries.some(e => e.name === 'manifest.json')) return notOurs
  try {
    await readManifest(target)
  } catch {
    return notOurs
  }
  for (const entry of entries) {
    if (entry.name === 'manifest.json') continue
    if (!entry.isDirectory()) return notOurs
    const inside = await readdir(path.join(target, entry.name))
    if (inside.some(name => name !== 'default.nix')) return notOurs
  }
  return undefined
}

/**
 * Checked before any work: the output may replace only a previous batch or an empty directory,
 * and its parent must be writable. Returns the staging directory the batch is written into.
 */
export async function prepareOutput(outDir: string): Promise<string> {
  const target = path.resolve(outDir)
  const problem = await outputProblem(target)
  if (problem) {
    throw new BatchError('output', `--out ${outDir} ${problem}; refusing to replace it`, {
      hint: OUT_HINT
    })
  }
  try {
    await mkdir(path.dirname(target), { recursive: true })
    return await mkdtemp(`${target}.partial-`)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'is not writable'
        : `cannot be written (${code ?? errorMessage(error)})`
    throw new BatchError('output', `--out ${outDir}: ${path.dirname(target)} ${why}`, {
      hint: 'pass --out a path in a directory you can write to; nothing was built'
    })
  }
}

/** Discards a staging directory from prepareOutput (after a failure). */
export async function discardOutput(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true })
}

export async function writeBatch(
  outDir: string,
  staging: string,
  manifest: BatchManifest,
  expressions: readonly GeneratedExpression[]
): Promise<void> {
  const target = path.resolve(outDir)
  try {
    for (const { name, expression } of [...expressions].sort((a, b) =>
      a.name < b.name ? -1 : 1
    )) {
      await mkdir(path.join(staging, name), { mode: 0o755 })
      await writeFile(path.join(staging, name, 'default.nix'), expression, { mode: 0o644 })
    }
    await writeFile(path.join(staging, 'manifest.json'), renderManifest(manifest), { mode: 0o644 })
    await chmod(staging, 0o755)
    // Checked again: something may have appeared at the target while the batch was being built.
    const problem = await outputProblem(target)
    if (problem) throw new Error(`${target} ${problem}`)
    await rm(target, { recursive: true, force: true })
    await rename(staging, target)
  } catch (error) {
    await discardOutput(staging)
    throw new BatchError(
      'output',
      `could not write the batch to ${target}: ${errorMessage(error)}`,
      { hint: OUT_HINT }
    )
  }
}

/**
 * Stage 4 (output): the batch directory `<out>/<name>/default.nix` + `<out>/manifest.json`.
 * Written into a sibling temp dir and renamed into place, so a failure never leaves a half batch.
 * Same inputs give byte-identical output: no timestamps, no absolute paths, sorted everything.
 */
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
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
    throw new BatchError('output', `${file} is missing or not JSON (${(error as Error).message})`)
  }
  if (data.format !== MANIFEST_FORMAT || !Array.isArray(data.packages)) {
    throw new BatchError(
      'output',
      `${file} is not a some-cabal2nix manifest of format ${MANIFEST_FORMAT}`
    )
  }
  return data
}

export async function writeBatch(
  outDir: string,
  manifest: BatchManifest,
  expressions: readonly GeneratedExpression[]
): Promise<void> {
  const target = path.resolve(outDir)
  await mkdir(path.dirname(target), { recursive: true })
  const staging = await mkdtemp(`${target}.partial-`)
  try {
    for (const { name, expression } of [...expressions].sort((a, b) =>
      a.name < b.name ? -1 : 1
    )) {
      await mkdir(path.join(staging, name), { mode: 0o755 })
      await writeFile(path.join(staging, name, 'default.nix'), expression, { mode: 0o644 })
    }
    await writeFile(path.join(staging, 'manifest.json'), renderManifest(manifest), { mode: 0o644 })
    await chmod(staging, 0o755)
    await rm(target, { recursive: true, force: true })
    await rename(staging, target)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw new BatchError(
      'output',
      `could not write the batch to ${target}: ${(error as Error).message}`
    )
  }
}

/**
 * A materialized batch (a committed copy of `some-cabal2nix build --out`, imported by the Nix
 * library without IFD) checked against the batch this run prepared: the same files, byte for
 * byte. Only reads files: the batch is in the local store by the time this runs.
 */
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import type { ManifestPackage } from '../builder/batch.js'
import { diffPackages, type PackageDiff } from './package-diff.js'

export interface MaterializationCheck {
  /** As given in the input, relative to the working directory. */
  directory: string
  current: boolean
  /** Files that differ, are missing or are extra, relative to the directory. */
  changedFiles: string[]
  /** From the directory's packages to the batch's. */
  packages: PackageDiff
  /** Run in the working directory, it makes the directory the batch. */
  refreshCommand: string
}

async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    files.set(path.relative(dir, full), await readFile(full))
  }
  return files
}

function manifestPackages(files: Map<string, Buffer>): ManifestPackage[] {
  const manifest = files.get('manifest.json')
  if (!manifest) return []
  try {
    const packages = (JSON.parse(manifest.toString('utf8')) as { packages?: unknown }).packages
    return Array.isArray(packages) ? (packages as ManifestPackage[]) : []
  } catch {
    return []
  }
}

/** The same command the Nix library prints for a stale directory (nix/materialized.nix). */
export function refreshCommand(directory: string, batch: { drvPath: string; outPath: string }) {
  return (
    `nix-store --realise ${batch.drvPath} && rm -rf ${directory} && ` +
    `cp -r --no-preserve=mode ${batch.outPath} ${directory}`
  )
}

export async function checkMaterialized(
  directory: string,
  workingDirectory: string,
  batch: { drvPath: string; outPath: string }
): Promise<MaterializationCheck> {
  const ours = await filesUnder(path.resolve(workingDirectory, directory))
  const theirs = await filesUnder(batch.outPath)
  const names = [...new Set([...ours.keys(), ...theirs.keys()])].sort()
  const changedFiles = names.filter(name => {
    const a = ours.get(name)
    const b = theirs.get(name)
    return !a || !b || !a.equals(b)
  })
  return {
    directory,
    current: changedFiles.length === 0,
    changedFiles,
    packages: diffPackages(manifestPackages(ours), manifestPackages(theirs)),
    refreshCommand: refreshCommand(directory, batch)
  }
}

/** The pass over an unpacked all-cabal-hashes directory: it reads just the wanted members. */
import { readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
import {
  finish,
  MAX_MEMBER_BYTES,
  type ArchivePass,
  type Found,
  type WantedPackage
} from './archive-members.js'
import { archiveError, type ArchiveSource } from './archive-source.js'

/** An unpacked all-cabal-hashes has `<package>/<version>/<package>.cabal` (and `preferred-versions`). */
async function looksLikeUnpackedArchive(root: string): Promise<boolean> {
  const entries = await readdir(root, { withFileTypes: true })
  for (const entry of entries.filter(e => e.isDirectory()).slice(0, 20)) {
    const inside = await readdir(path.join(root, entry.name), { withFileTypes: true })
    if (inside.some(e => e.name === 'preferred-versions' || e.isDirectory())) return true
  }
  return false
}

/** An unpacked archive: either the `all-cabal-hashes-<rev>` directory itself or its parent. */
async function findDirectoryRoot(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true })
  const dirs = entries.filter(e => e.isDirectory())
  if (dirs.length === 1 && entries.length === 1) {
    const inner = path.join(dir, dirs[0].name)
    const innerEntries = await readdir(inner, { withFileTypes: true })
    if (innerEntries.some(e => e.isDirectory())) return inner
  }
  return dir
}

async function readMember(source: ArchiveSource, file: string): Promise<Buffer | undefined> {
  try {
    const info = await stat(file)
    if (!info.isFile()) return undefined
    if (info.size > MAX_MEMBER_BYTES) {
      throw archiveError(
        source,
        `member ${file} is ${info.size} bytes, far larger than any real .cabal or .json file`
      )
    }
    return await readFile(file)
  } catch (error) {
    if (error instanceof BatchError) throw error
    return undefined
  }
}

export async function extractFromDirectory(
  source: ArchiveSource,
  wanted: WantedPackage[]
): Promise<ArchivePass> {
  const root = await findDirectoryRoot(source.location)
  const found = new Map<string, Found>()
  const versionsSeen = new Map<string, Set<string>>()
  for (const { name, version } of wanted) {
    const base = path.join(root, name, version, name)
    const cabal = await readMember(source, `${base}.cabal`)
    if (cabal) {
      found.set(name, { cabal, json: await readMember(source, `${base}.json`) })
    } else {
      const versions = await readdir(path.join(root, name)).catch(() => [] as string[])
      versionsSeen.set(name, new Set(versions.filter(v => v !== 'preferred-versions')))
    }
  }
  if (found.size === 0 && !(await looksLikeUnpackedArchive(root))) {
    throw archiveError(
      source,
      'is a directory, but not an unpacked all-cabal-hashes (no <package>/<version>/<package>.cabal in it)',
      'pass --archive the all-cabal-hashes .tar.gz, or the directory it was unpacked into'
    )
  }
  const needNames = [...versionsSeen.values()].some(v => v.size === 0)
  const packageNames = needNames ? await readdir(root) : []
  const topLevel = path.basename(root)
  return {
    topLevel,
    packages: finish(wanted, found, source, topLevel, versionsSeen, packageNames),
    compressedBytesRead: 0,
    entriesSeen: wanted.length * 2,
    stoppedEarly: true
  }
}

/**
 * The members one pass looks for (`<pkg>/<ver>/<pkg>.cabal` and `.json` of each wanted package)
 * and what it makes of them: the extracted packages, or one error naming every missing one.
 */
import { BatchError } from '../common/errors.js'
import { archiveError, type ArchiveSource } from './archive-source.js'
import { nearestVersions, similarPackageNames } from './hackage.js'

export interface WantedPackage {
  name: string
  version: string
}

export interface ExtractedPackage {
  name: string
  version: string
  /** The raw `.cabal` bytes, CRLF and all: cabal2nix hashes them for editedCabalFile. */
  cabal: Buffer
  /** Hex SHA256 of the source tarball, from the `.json` next to the `.cabal`. */
  sha256: string
}

export interface ArchivePass {
  /** `all-cabal-hashes-<rev>`: names the archive revision without hashing 76 MB. */
  topLevel: string
  packages: ExtractedPackage[]
  compressedBytesRead: number
  entriesSeen: number
  stoppedEarly: boolean
}

export interface ArchiveProgress {
  compressedBytesRead: number
  totalBytes?: number
}

export interface ExtractOptions {
  /** Called at most about every tenth of the archive (or every 8 MB when the size is unknown). */
  onProgress?: (progress: ArchiveProgress) => void
}

/** No real `.cabal` or `.json` comes near this; a larger member is a broken or hostile archive. */
export const MAX_MEMBER_BYTES = 4 * 1024 * 1024

function sha256FromJson(source: ArchiveSource, member: string, bytes: Buffer): string {
  let hash: unknown
  try {
    const data = JSON.parse(bytes.toString('utf8')) as { 'package-hashes'?: { SHA256?: unknown } }
    hash = data['package-hashes']?.SHA256
  } catch {
    throw archiveError(source, `has a corrupt member ${member} (not JSON)`)
  }
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) {
    throw archiveError(source, `member ${member} has no package-hashes.SHA256`)
  }
  return hash.toLowerCase()
}

export interface Found {
  cabal?: Buffer
  json?: Buffer
}

/** Turns what the pass did not find into one error naming every missing package and near matches. */
function missingPackagesError(
  missing: WantedPackage[],
  versionsSeen: Map<string, Set<string>>,
  packageNames: Iterable<string>,
  source: ArchiveSource,
  topLevel: string
): BatchError {
  const names = [...packageNames]
  const details = missing.map(({ name, version }) => {
    const versions = versionsSeen.get(name)
    if (versions && versions.size > 0) {
      return `${name} ${version}: no such version; nearest that exist: ${nearestVersions(version, versions).join(', ')}`
    }
    const similar = similarPackageNames(name, names)
    return `${name} ${version}: no package '${name}' in the archive${similar.length ? ` (did you mean ${similar.join(', ')}?)` : ''}`
  })
  const headline =
    missing.length === 1
      ? `${missing[0].name} ${missing[0].version} is not in ${topLevel}`
      : `${missing.length} packages are not in ${topLevel}`
  return new BatchError('missing-packages', headline, {
    details: missing.length === 1 ? details.map(d => d.slice(d.indexOf(':') + 2)) : details,
    hint: `fix the versions in the overrides file, or use a newer all-cabal-hashes than ${source.location}`
  })
}

export function finish(
  wanted: WantedPackage[],
  found: Map<string, Found>,
  source: ArchiveSource,
  topLevel: string,
  versionsSeen: Map<string, Set<string>>,
  packageNames: Iterable<string>
): ExtractedPackage[] {
  const missing = wanted.filter(w => !found.get(w.name)?.cabal)
  if (missing.length > 0)
    throw missingPackagesError(missing, versionsSeen, packageNames, source, topLevel)
  return wanted.map(({ name, version }) => {
    const entry = found.get(name) as Found
    const jsonName = `${name}/${version}/${name}.json`
    if (!entry.json)
      throw archiveError(source, `has ${name}/${version}/${name}.cabal but no ${jsonName}`)
    return {
      name,
      version,
      cabal: entry.cabal as Buffer,
      sha256: sha256FromJson(source, jsonName, entry.json)
    }
  })
}

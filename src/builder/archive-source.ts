/**
 * Where the all-cabal-hashes archive comes from (a .tar.gz, an unpacked directory or an http(s)
 * URL), how a tarball is opened, and how the ways it can fail read to the user.
 */
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { BatchError, errorMessage } from '../common/errors.js'

export type ArchiveSource =
  | { kind: 'tarball'; location: string }
  | { kind: 'url'; location: string }
  | { kind: 'directory'; location: string }

export function classifyArchiveSource(location: string): ArchiveSource {
  if (/^https?:\/\//i.test(location)) return { kind: 'url', location }
  return { kind: 'tarball', location }
}

/** Like classifyArchiveSource, but looks at the file system to tell directories from tarballs. */
export async function resolveArchiveSource(location: string): Promise<ArchiveSource> {
  const guess = classifyArchiveSource(location)
  if (guess.kind === 'url') return guess
  try {
    const info = await stat(location)
    return info.isDirectory() ? { kind: 'directory', location } : guess
  } catch {
    throw new BatchError('archive', `archive ${location} does not exist`, {
      hint: 'pass --archive with a .tar.gz, an unpacked directory or an http(s) URL'
    })
  }
}

export function archiveError(source: ArchiveSource, problem: string, hint?: string): BatchError {
  return new BatchError('archive', `archive ${source.location} ${problem}`, {
    hint: hint ?? 'fetch the all-cabal-hashes archive again; nothing was built'
  })
}

export function describeStreamError(error: Error): string {
  const message = error.message
  const code = (error as NodeJS.ErrnoException).code
  if (
    code === 'Z_BUF_ERROR' ||
    /unexpected end of file/i.test(message) ||
    /Unexpected end of data/.test(message)
  ) {
    return 'is truncated (it ends in the middle of the data)'
  }
  if (code === 'Z_DATA_ERROR' && /header/i.test(message))
    return 'is not a gzip file (incorrect header)'
  if (code === 'Z_DATA_ERROR') return `is corrupt (gzip: ${message})`
  if (/Invalid tar header|Unknown archive format|Invalid header/.test(message))
    return `is corrupt (not a valid tar stream: ${message})`
  return `could not be read (${message})`
}

export async function openTarballStream(
  source: ArchiveSource
): Promise<{ stream: Readable; totalBytes?: number }> {
  if (source.kind === 'url') {
    let response: Response
    try {
      response = await fetch(source.location)
    } catch (error) {
      throw archiveError(
        source,
        `could not be downloaded (${errorMessage(error)})`,
        'check the URL and the network'
      )
    }
    if (!response.ok || !response.body) {
      throw archiveError(
        source,
        `could not be downloaded (HTTP ${response.status})`,
        'check the URL'
      )
    }
    const length = Number(response.headers.get('content-length'))
    return {
      stream: Readable.fromWeb(
        response.body as import('node:stream/web').ReadableStream<Uint8Array>
      ),
      totalBytes: Number.isFinite(length) && length > 0 ? length : undefined
    }
  }
  const info = await stat(source.location)
  return {
    stream: createReadStream(source.location, { highWaterMark: 1024 * 1024 }),
    totalBytes: info.size
  }
}

/** A tar that was never gzipped (or was gunzipped) is not "corrupt": say what it is. */
export async function refusePlainTar(source: ArchiveSource): Promise<void> {
  const handle = await open(source.location, 'r')
  const head = Buffer.alloc(262)
  try {
    await handle.read(head, 0, head.length, 0)
  } finally {
    await handle.close()
  }
  if (head.subarray(257, 262).toString('latin1') === 'ustar') {
    throw archiveError(
      source,
      'is a plain tar file, not gzip-compressed',
      `gzip it (gzip -k ${source.location}), or unpack it (tar -xf) and pass the directory`
    )
  }
}

/**
 * Poisoned Actions cache entries, made the way someone who can write the repository's Actions
 * cache would: the stored archive (tar + zstd) is unpacked, edited and packed again under the
 * same key, for a cache service that persists its entries (startActionsCacheServer's storageDir).
 */
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tar from 'tar-stream'

/** Changes the entry's files (member name → content) in place. */
type Edit = (files: Map<string, Buffer>) => void

/** zstd -c or -dc; --long=30 reads what @actions/cache writes, and plain -c is what it reads back. */
function zstd(args: string[], input: Buffer): Buffer {
  const long = args.includes('-dc') ? ['--long=30'] : []
  const r = spawnSync('zstd', ['-q', ...long, ...args], { input, maxBuffer: 1 << 30 })
  if (r.status !== 0) throw new Error(`zstd ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

async function rewriteTar(archive: Buffer, edit: Edit): Promise<Buffer> {
  const members: Array<{ header: tar.Header; body: Buffer }> = []
  await new Promise<void>((resolve, reject) => {
    const extract = tar.extract()
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = []
      stream.on('data', c => chunks.push(c as Buffer))
      stream.on('end', () => {
        members.push({ header, body: Buffer.concat(chunks) })
        next()
      })
    })
    extract.on('finish', resolve)
    extract.on('error', reject)
    extract.end(archive)
  })
  const files = new Map(
    members.filter(m => m.header.type === 'file').map(m => [m.header.name, m.body])
  )
  edit(files)
  const pack = tar.pack()
  const out: Buffer[] = []
  pack.on('data', c => out.push(c as Buffer))
  const done = new Promise<void>(resolve => pack.on('end', () => resolve()))
  for (const { header, body } of members) {
    const edited = files.get(header.name) ?? body
    pack.entry({ ...header, size: edited.length, pax: undefined }, edited)
  }
  pack.finalize()
  await done
  return Buffer.concat(out)
}

/** Edits the files of the entry saved under `key` in the service's `storageDir`. */
export async function rewriteCacheEntry(storageDir: string, key: string, edit: Edit) {
  const indexFile = path.join(storageDir, 'index.json')
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as Array<{
    id: number
    key: string
    sizeBytes: number
  }>
  const entry = index.find(e => e.key === key)
  if (!entry) throw new Error(`no entry ${key} in ${storageDir}`)
  const blob = path.join(storageDir, `${entry.id}.blob`)
  const packed = zstd(['-c'], await rewriteTar(zstd(['-dc'], readFileSync(blob)), edit))
  writeFileSync(blob, packed)
  entry.sizeBytes = packed.length
  writeFileSync(indexFile, JSON.stringify(index, null, 2))
}

/** Same-length change inside the batch's files: what a NAR or an export carries as content. */
export function alterContent(body: Buffer): Buffer {
  const text = body.toString('latin1')
  const at = text.indexOf('mkDerivation')
  if (at < 0) throw new Error('no mkDerivation in the content to alter')
  return Buffer.from(text.slice(0, at) + 'mkDerivatioN' + text.slice(at + 12), 'latin1')
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}

/** `sha256:<nix base32>` of the bytes, as narinfo files write it (nix-hash does the encoding). */
export function narinfoHash(body: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scn-hash-'))
  try {
    writeFileSync(path.join(dir, 'f'), body)
    const r = spawnSync(
      'nix-hash',
      ['--type', 'sha256', '--flat', '--base32', path.join(dir, 'f')],
      { encoding: 'utf8' }
    )
    if (r.status !== 0) throw new Error(`nix-hash failed: ${r.stderr}`)
    return `sha256:${r.stdout.trim()}`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A signed entry with altered content whose narinfo states the altered NAR's hashes: every
 * digest checks out, only the signature (over the NAR hash) no longer does.
 */
export function alterSignedEntry(): Edit {
  return files => {
    const [nar, body] = member(files, '.nar.zst')
    const altered = zstd(['-c'], alterContent(zstd(['-dc'], body)))
    files.set(nar, altered)
    const [narinfo, info] = member(files, '.narinfo')
    files.set(
      narinfo,
      Buffer.from(
        info
          .toString('utf8')
          .replace(/^NarHash: .*$/m, `NarHash: ${narinfoHash(zstd(['-dc'], altered))}`)
          .replace(/^FileHash: .*$/m, `FileHash: ${narinfoHash(altered)}`)
          .replace(/^FileSize: .*$/m, `FileSize: ${altered.length}`)
      )
    )
  }
}

/** An unsigned entry with altered content and batch.json's digest updated to match. */
export function alterExportEntry(): Edit {
  return files => {
    const [exported, body] = member(files, 'batch.nar-export')
    const altered = alterContent(body)
    files.set(exported, altered)
    const [json, metadata] = member(files, 'batch.json')
    const data = JSON.parse(metadata.toString('utf8')) as Record<string, unknown>
    files.set(json, Buffer.from(JSON.stringify({ ...data, exportSha256: sha256Hex(altered) })))
  }
}

function member(files: Map<string, Buffer>, suffix: string): [string, Buffer] {
  const found = [...files].find(([name]) => name.endsWith(suffix))
  if (!found) throw new Error(`no *${suffix} in the entry (${[...files.keys()].join(', ')})`)
  return found
}

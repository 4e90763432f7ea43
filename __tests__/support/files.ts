import { readdirSync } from 'node:fs'
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
/** 24 real package versions copied byte for byte from all-cabal-hashes (see its SOURCES.md). */
export const fixturesDir = path.join(repoRoot, 'testing', 'fixtures', 'all-cabal-hashes-sample')

export async function tempDir(label = 'test'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `scn-${label}-`))
}

/** Writes files (path → text or bytes) under a new temp dir and returns it. */
export async function writeTree(
  files: Record<string, string | Buffer>,
  label?: string
): Promise<string> {
  const root = await tempDir(label)
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true })
    await writeFile(path.join(root, name), content)
  }
  return root
}

/** Every `.ts` file under `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? sourceFiles(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : []
  )
}

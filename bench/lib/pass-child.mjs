#!/usr/bin/env node
// One archive pass in a fresh Node process, the way the CLI meets it: no JIT warm-up, an empty
// heap. Prints one JSON line { seconds, cpuSeconds, ... } for bench/run.mjs; the time covers the
// pass only (not Node's start-up or loading the code).
//
//   node bench/lib/pass-child.mjs zlib ARCHIVE                      inflate to nowhere (the floor)
//   node bench/lib/pass-child.mjs ours ARCHIVE WANTED.json BUNDLE   extractMembers from a bundle of src/builder/archive.ts
//   node bench/lib/pass-child.mjs walk ARCHIVE WANTED.json          tar-stream alone: exact names, early exit,
//                                                                   no checks (what any tar-stream reader pays)
//
// The stream settings (1 MB reads, 1 MB inflate chunks) are the ones src/builder/archive.ts uses.
import { createReadStream, readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { createGunzip } from 'node:zlib'
import tar from 'tar-stream'

const [method, archive, wantedFile, bundle] = process.argv.slice(2)
const MB = 1024 * 1024

/** @returns {Promise<Record<string, unknown>>} */
function inflateToNowhere() {
  return new Promise((resolve, reject) => {
    let bytes = 0
    const file = createReadStream(archive, { highWaterMark: MB })
    const gunzip = createGunzip({ chunkSize: MB })
    file.on('error', reject)
    gunzip.on('error', reject)
    gunzip.on('data', chunk => {
      bytes += chunk.length
    })
    gunzip.on('end', () => resolve({ inflatedBytes: bytes }))
    file.pipe(gunzip)
  })
}

/** @param {{ name: string, version: string }[]} wanted @param {string} topLevel */
function tarStreamWalk(wanted, topLevel) {
  const names = new Set()
  for (const { name, version } of wanted) {
    names.add(`${topLevel}/${name}/${version}/${name}.cabal`)
    names.add(`${topLevel}/${name}/${version}/${name}.json`)
  }
  return new Promise((resolve, reject) => {
    let remaining = names.size
    let entries = 0
    const file = createReadStream(archive, { highWaterMark: MB })
    const gunzip = createGunzip({ chunkSize: MB })
    const extract = tar.extract()
    for (const s of [file, gunzip, extract]) s.on('error', reject)
    extract.on('finish', () => resolve({ entries, stoppedEarly: false, missing: remaining }))
    extract.on('entry', (header, entry, next) => {
      entries++
      if (names.has(header.name)) {
        const chunks = []
        entry.on('data', c => chunks.push(c))
        entry.on('end', () => {
          Buffer.concat(chunks)
          if (--remaining > 0) return next()
          file.destroy()
          gunzip.destroy()
          extract.destroy()
          resolve({ entries, stoppedEarly: true, missing: 0 })
        })
        return
      }
      if (header.size > 0) entry.resume()
      globalThis.queueMicrotask(next)
    })
    file.pipe(gunzip).pipe(extract)
  })
}

async function main() {
  let work
  if (method === 'zlib') {
    work = inflateToNowhere
  } else if (method === 'ours') {
    const wanted = JSON.parse(readFileSync(wantedFile, 'utf8')).packages
    const { extractMembers } = await import(pathToFileURL(bundle).href)
    work = async () => {
      const pass = await extractMembers({ kind: 'tarball', location: archive }, wanted)
      if (pass.packages.length !== wanted.length) throw new Error('extractMembers lost packages')
      return { entries: pass.entriesSeen, stoppedEarly: pass.stoppedEarly }
    }
  } else if (method === 'walk') {
    const { packages, topLevel } = JSON.parse(readFileSync(wantedFile, 'utf8'))
    work = async () => {
      const result = await tarStreamWalk(packages, topLevel)
      if (result.missing) throw new Error(`walk: ${result.missing} members not found`)
      return result
    }
  } else {
    throw new Error(`unknown method ${method}`)
  }
  const cpu = process.cpuUsage()
  const started = performance.now()
  const extra = await work()
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  process.stdout.write(
    `${JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, ...extra })}\n`
  )
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})

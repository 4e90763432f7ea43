// Where one archive pass spends its time: runs bench/lib/pass-child.mjs under `node --cpu-prof`
// and sums self time by what the code is. The bundle of src/builder/archive.ts is one file, so its
// functions are attributed to modules through esbuild's `// node_modules/<pkg>/<file>` markers.
import { readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { runChecked, repoRoot } from './tools.mjs'

/** Line ranges of the modules in an esbuild bundle. @param {string} text */
function moduleRanges(text) {
  const ranges = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ ((?:node_modules\/)?\S+\.(?:js|ts|mjs|cjs))$/.exec(lines[i])
    if (m) ranges.push({ start: i, module: m[1] })
  }
  return line => {
    let found = 'bundle'
    for (const r of ranges) {
      if (r.start > line) break
      found = r.module
    }
    return found
  }
}

const GROUPS = [
  [
    'tar-stream: decoding every 512-byte header (headers.js, Buffer slices and strings, b4a)',
    m =>
      /tar-stream\/headers|b4a\/|^node:buffer$|^node:internal\/buffer$|utf8Slice|latin1Slice|asciiSlice|^compare$/.test(
        m
      )
  ],
  [
    'tar-stream + streamx: an entry stream, event and callback per member',
    m =>
      /tar-stream\/extract|streamx|fast-fifo|text-decoder|events-universal|^node:events$|task_queues|Microtask|runMicrotasks/.test(
        m
      )
  ],
  ['src/builder/archive.ts and tar-walk.ts: the walk and our per-member checks', m => /^src\//.test(m)],
  ['garbage collector', m => m === '(garbage collector)'],
  [
    'zlib, fs and Node stream glue on the main thread (inflating itself runs on the thread pool)',
    m => /^node:zlib$|^node:fs$|internal\/fs|internal\/streams|^node:stream/.test(m)
  ],
  ['idle (waiting for inflated data)', m => m === '(idle)']
]

/**
 * @param {{ node: string, archiveFile: string, wantedFile: string, bundle: string, dir: string }} opts
 */
export async function profilePass({ node, archiveFile, wantedFile, bundle, dir }) {
  const profDir = path.join(dir, 'cpu-prof')
  await rm(profDir, { recursive: true, force: true })
  await runChecked(
    node,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${profDir}`,
      path.join(repoRoot, 'bench', 'lib', 'pass-child.mjs'),
      'ours',
      archiveFile,
      wantedFile,
      bundle
    ],
    { cwd: repoRoot }
  )
  const [file] = (await readdir(profDir)).filter(f => f.endsWith('.cpuprofile'))
  const profile = JSON.parse(await readFile(path.join(profDir, file), 'utf8'))
  const bundleModule = moduleRanges(await readFile(bundle, 'utf8'))
  const selfMicros = new Map()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const byModule = new Map()
  let total = 0
  for (const node of profile.nodes) {
    const us = selfMicros.get(node.id) ?? 0
    if (us === 0) continue
    const { url, functionName, lineNumber } = node.callFrame
    let module
    if (url && path.resolve(url.replace(/^file:\/\//, '')) === path.resolve(bundle))
      module = bundleModule(lineNumber)
    else if (url.startsWith('node:')) module = url
    else if (url) module = path.relative(repoRoot, url.replace(/^file:\/\//, ''))
    else module = functionName || '(native)'
    byModule.set(module, (byModule.get(module) ?? 0) + us)
    total += us
  }
  // Only the pass itself matters; start-up and module loading are a few per cent of the samples.
  const groups = GROUPS.map(([label, test]) => {
    let us = 0
    for (const [module, t] of byModule) if (test(module)) us += t
    return { label, ms: us / 1000 }
  })
  const grouped = groups.reduce((a, g) => a + g.ms, 0)
  groups.push({
    label: 'everything else (start-up, module loading, …)',
    ms: total / 1000 - grouped
  })
  const top = [...byModule]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([module, us]) => ({ module, ms: Number((us / 1000).toFixed(1)) }))
  await rm(profDir, { recursive: true, force: true })
  return {
    totalMs: total / 1000,
    groups: groups.map(g => ({
      ...g,
      ms: Number(g.ms.toFixed(1)),
      percent: Number(((100 * g.ms * 1000) / total).toFixed(1))
    })),
    topModules: top
  }
}

/**
 * The observation's parts without Nix: the records format, processes from records Nix 2.34.8
 * really wrote (testing/fixtures/nix-records), the observed audit's classification, the span tree
 * (bound, redaction), the probe's parsing, NIX_CONFIG, and the real listener process.
 */
import { readFile, stat } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  collectorPaths,
  knownLogSettings,
  observedNixConfig,
  parseCollectorState,
  startListener,
  stopListener,
  type CollectorState
} from '../src/action/observe/collector.js'
import { observedMainBuild } from '../src/action/observe/observed-audit.js'
import { coveredMs, observationOf, type Observation } from '../src/action/observe/processes.js'
import { parseRecordLine, readRecords, recordLine } from '../src/action/observe/records.js'
import { redactTree, redactor } from '../src/action/observe/redact.js'
import { downloadName, observedMainBuildNode } from '../src/action/observe/spans.js'
import type { SpanNode } from '../src/action/trace.js'
import { repoRoot, tempDir } from './support/files.js'

const FIXTURES = path.join(repoRoot, 'testing/fixtures/nix-records')

async function fixture(name: string): Promise<Observation> {
  const events = []
  for await (const event of readRecords(path.join(FIXTURES, name))) events.push(event)
  return observationOf(events)
}

const wide = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER }
const ours = { outPath: '/nix/store/00000000000000000000000000000000-some-cabal2nix' }

describe('the records file', () => {
  test('every event survives a round trip; a record keeps its tabs-free JSON as is', () => {
    const events = [
      { event: 'start', atMs: 1, pid: 42 },
      { event: 'open', connection: 3, atMs: 2 },
      { event: 'line', connection: 3, atMs: 3, text: '{"action":"stop","id":7,"x":"a\\tb"}' },
      { event: 'close', connection: 3, atMs: 4 },
      { event: 'stop', atMs: 5, reason: 'lifetime' }
    ] as const
    for (const e of events) expect(parseRecordLine(recordLine(e))).toEqual(e)
  })

  test('a line cut short by a killed listener is skipped, not misread', () => {
    expect(parseRecordLine('L\t3\t17965')).toBeUndefined()
    expect(parseRecordLine('L\t3')).toBeUndefined()
    expect(parseRecordLine('E\t5\tsomething-else')).toBeUndefined()
    expect(parseRecordLine('')).toBeUndefined()
  })
})

describe('processes from what Nix 2.34.8 wrote', () => {
  test('a nix build with two IFDs and stdenv-style phases', async () => {
    const observation = await fixture('ifd-and-phases.records')
    expect(observation.stopped?.reason).toBe('signal')
    expect(observation.processes).toHaveLength(1)
    const [p] = observation.processes
    expect(p.exited).toBe(true)
    expect(p.unreadable).toBe(0)
    expect(p.activities.map(a => [a.activity, path.basename(a.path).slice(33)])).toEqual([
      ['build', 'cabal2nix-zzz-1.0.drv'],
      ['build', 'gen-config.drv'],
      ['build', 'phased.drv']
    ])
    expect(p.ifdDrvs.map(d => path.basename(d).slice(33))).toEqual([
      'cabal2nix-zzz-1.0.drv',
      'gen-config.drv'
    ])
    // Both IFD builders slept 1 s; the stamps are the listener's, in ms.
    for (const a of p.activities.slice(0, 2)) {
      expect(a.endMs - a.startMs).toBeGreaterThanOrEqual(1000)
      expect(a.endMs - a.startMs).toBeLessThan(1300)
    }
    const phased = p.activities[2]
    expect(phased.phases.map(ph => ph.name)).toEqual(['unpackPhase', 'buildPhase', 'installPhase'])
    expect(phased.phases[0].endMs).toBe(phased.phases[1].startMs)
    expect(phased.phases[2].endMs).toBe(phased.endMs)
    expect(phased.phases[1].endMs - phased.phases[1].startMs).toBeGreaterThanOrEqual(500)
    expect(phased.failure).toBeUndefined()
    // The process's time outside its three builds: evaluation (and Nix's own start-up).
    expect(p.outsideMs).toBe(p.endMs - p.startMs - coveredMs(p.activities))
    expect(p.outsideMs).toBeGreaterThan(0)
  })

  test('a substitution from a file:// cache has a duration and its NAR bytes; a failed build keeps its last lines', async () => {
    const observation = await fixture('substitute-and-failure.records')
    const activities = observation.processes.flatMap(p => p.activities)
    const substitution = activities.find(a => a.activity === 'substitute')
    expect(substitution).toMatchObject({
      machine: expect.stringMatching(/^file:\/\//),
      bytes: 300112
    })
    expect(substitution!.endMs).toBeGreaterThanOrEqual(substitution!.startMs)
    const failed = activities.filter(a => a.failure)
    expect(failed.map(a => path.basename(a.path).slice(33))).toEqual(['failing.drv'])
    expect(failed[0].failure?.lastLines).toEqual(['one', 'two', 'token ghp_abcdefabcdef0123'])
  })

  test('a substitution from an http cache: one download per file Nix fetched for it, with its bytes', async () => {
    const observation = await fixture('http-substitution.records')
    const activities = observation.processes.flatMap(p => p.activities)
    expect(activities.map(a => a.activity)).toEqual(['substitute'])
    const [substitution] = activities
    // Nix fetches the narinfo twice more inside the substitution (queryPathInfo under copyPath),
    // then the NAR: 300000 random bytes, zstd-compressed to 300131.
    expect(substitution.downloads.map(d => [path.basename(d.url), d.bytes])).toEqual([
      [expect.stringMatching(/^[0-9a-z]{32}\.narinfo$/), 400],
      [expect.stringMatching(/^[0-9a-z]{32}\.narinfo$/), 400],
      [expect.stringMatching(/^[0-9a-z]{52}\.nar\.zst$/), 300131]
    ])
    for (const d of substitution.downloads) {
      expect(d.startMs).toBeGreaterThanOrEqual(substitution.startMs)
      expect(d.endMs).toBeLessThanOrEqual(substitution.endMs)
    }
    expect(substitution.bytes).toBe(400 + 400 + 300131)
    // nix-cache-info and the narinfo queries before the substitution belong to no activity of ours.
    const text = await readFile(path.join(FIXTURES, 'http-substitution.records'), 'utf8')
    expect(text.match(/"action":"start"[^\n]*"type":101\}/g)).toHaveLength(7)
  })

  test('a connection still open when the listener stops is a process that did not exit', () => {
    const observation = observationOf([
      { event: 'open', connection: 1, atMs: 100 },
      {
        event: 'line',
        connection: 1,
        atMs: 150,
        text: '{"action":"start","id":5,"parent":0,"type":105,"fields":["/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv","",1,1]}'
      },
      { event: 'line', connection: 1, atMs: 160, text: '{"action":"sto' }
    ])
    expect(observation.stopped).toBeUndefined()
    const [p] = observation.processes
    expect(p).toMatchObject({ exited: false, startMs: 100, endMs: 160, unreadable: 1 })
    expect(p.activities[0]).toMatchObject({ startMs: 150, endMs: 160 })
  })

  test('coveredMs counts overlapping intervals once', () => {
    expect(
      coveredMs([
        { startMs: 0, endMs: 10 },
        { startMs: 5, endMs: 20 },
        { startMs: 30, endMs: 40 }
      ])
    ).toBe(30)
    expect(coveredMs([])).toBe(0)
  })
})

describe('the observed audit', () => {
  test('Hackage-shaped IFDs are stragglers, other traced IFDs are "other IFDs", the rest builds', async () => {
    const main = observedMainBuild(await fixture('ifd-and-phases.records'), ours, wide)
    expect(main.processes[0].activities.map(a => [a.name, a.kind])).toEqual([
      ['cabal2nix-zzz-1.0', 'ifd-straggler'],
      ['gen-config', 'ifd-other'],
      ['phased', 'build']
    ])
    expect(main.built.map(b => [b.name, b.kind])).toEqual([
      ['cabal2nix-zzz-1.0', 'ifd'],
      ['gen-config', 'ifd-other'],
      ['phased', 'other']
    ])
    expect(main.otherIfds).toEqual([
      expect.objectContaining({ name: 'gen-config', ms: expect.any(Number) })
    ])
    expect(main.evaluationMs).toBe(main.processes[0].outsideMs)
  })

  test("only processes that started in the window are the main build's", async () => {
    const observation = await fixture('substitute-and-failure.records')
    const starts = observation.processes.map(p => p.startMs)
    const window = { startMs: starts[3], endMs: starts[3] + 100_000 }
    const main = observedMainBuild(observation, ours, window)
    expect(main.processes.map(p => p.connection)).toEqual([4, 5])
    expect(main.substituted).toEqual([
      expect.objectContaining({ name: 'to-substitute', narSize: 300112, kind: 'other' })
    ])
  })
})

function walk(node: SpanNode): SpanNode[] {
  return [node, ...(node.children ?? []).flatMap(walk)]
}

describe('the observed span tree', () => {
  test('main build → process → activity → phase, with kinds and the failed build as an event, redacted', async () => {
    const secret = 'file:///tmp/exp2/bc'
    const observation = await fixture('substitute-and-failure.records')
    const main = observedMainBuild(observation, ours, wide)
    const tree = redactTree(
      observedMainBuildNode(main.processes, { window: { startMs: 0, endMs: 1 } }),
      redactor([secret])
    )
    expect(tree.attributes).toMatchObject({
      'some_cabal2nix.audit.evidence': 'observed',
      'some_cabal2nix.spans.cut': 0
    })
    expect(tree.children?.map(c => c.name)).toEqual(
      observation.processes.map(p => `nix process ${p.connection}`)
    )
    const spans = walk(tree)
    const failed = spans.find(s => s.name.startsWith('build ') && s.name.endsWith('failing'))
    expect(failed?.error).toBe('the build failed')
    expect(failed?.events?.[0].attributes?.['nix.log']).toBe('one\ntwo\ntoken ghp_***')
    const substitution = spans.find(s => s.name.startsWith('substitute '))
    expect(substitution?.attributes).toMatchObject({
      'nix.activity': 'substitute',
      'some_cabal2nix.kind': 'substitute',
      'nix.substituter': '***',
      'nix.bytes': 300112
    })
    expect(JSON.stringify(spans)).not.toContain('ghp_abcdef')
  })

  test('phases are child spans of their build', async () => {
    const main = observedMainBuild(await fixture('ifd-and-phases.records'), ours, wide)
    const tree = observedMainBuildNode(main.processes, { window: wide })
    const phased = walk(tree).find(s => s.name === 'build phased')
    expect(phased?.children?.map(c => c.name)).toEqual([
      'unpackPhase',
      'buildPhase',
      'installPhase'
    ])
    expect(phased?.attributes?.['some_cabal2nix.kind']).toBe('build')
  })

  test('downloads are child spans of their substitution, named by file, with url and bytes', async () => {
    const main = observedMainBuild(await fixture('http-substitution.records'), ours, wide)
    const tree = observedMainBuildNode(main.processes, { window: wide })
    const substitution = walk(tree).find(s => s.name === 'substitute cached-thing')
    const downloads = substitution?.children ?? []
    expect(downloads.map(d => d.name)).toEqual([
      expect.stringMatching(/^download [0-9a-z]{32}\.narinfo$/),
      expect.stringMatching(/^download [0-9a-z]{32}\.narinfo$/),
      expect.stringMatching(/^download [0-9a-z]{52}\.nar\.zst$/)
    ])
    expect(downloads[2].attributes).toMatchObject({
      'nix.activity': 'download',
      'url.full': expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/nar\//),
      'nix.bytes': 300131
    })
    expect(downloadName('https://cache.example/nar/abc.nar.xz?x=1')).toBe('download abc.nar.xz')
  })

  test('past the limit the shortest activities and phases are cut, and counted', async () => {
    const main = observedMainBuild(await fixture('ifd-and-phases.records'), ours, wide)
    // 1 process + 3 builds + 3 phases = 7 spans; a limit of 3 keeps the process and the two
    // longest builds (the 1 s IFDs), no phases.
    const tree = observedMainBuildNode(main.processes, { window: wide, limit: 3 })
    const spans = walk(tree).slice(1)
    expect(spans).toHaveLength(3)
    expect(spans.map(s => s.name)).toEqual([
      'nix process 1',
      'build cabal2nix-zzz-1.0',
      'build gen-config'
    ])
    expect(tree.attributes?.['some_cabal2nix.spans.cut']).toBe(4)
  })
})

describe('asking Nix and composing NIX_CONFIG', () => {
  test('the settings are read off `nix config show --json`, not guessed from a version', () => {
    expect(
      knownLogSettings('{"json-log-path":{"value":null},"trace-import-from-derivation":{}}')
    ).toEqual({ jsonLogPath: true, traceImportFromDerivation: true })
    expect(knownLogSettings('{"cores":{"value":0}}')).toEqual({
      jsonLogPath: false,
      traceImportFromDerivation: false
    })
    expect(knownLogSettings('not json')).toBeUndefined()
    expect(knownLogSettings('[]')).toBeUndefined()
  })

  test("the job's NIX_CONFIG stays; ours is appended", () => {
    const settings = { jsonLogPath: true, traceImportFromDerivation: true }
    expect(observedNixConfig('max-jobs = 4\nkeep-going = true\n', '/rt/s.sock', settings)).toBe(
      'max-jobs = 4\nkeep-going = true\njson-log-path = /rt/s.sock\ntrace-import-from-derivation = true'
    )
    expect(
      observedNixConfig(undefined, '/rt/s.sock', { ...settings, traceImportFromDerivation: false })
    ).toBe('json-log-path = /rt/s.sock')
  })

  test('the saved state is checked before it is used', () => {
    const listening: CollectorState = {
      status: 'listening',
      pid: 12,
      socket: '/s',
      recordsFile: '/r',
      startedAtMs: 1
    }
    expect(parseCollectorState(JSON.stringify(listening))).toEqual(listening)
    expect(parseCollectorState('{"status":"off","reason":"x"}')).toEqual({
      status: 'off',
      reason: 'x'
    })
    expect(parseCollectorState('{"status":"listening","pid":"12"}')).toBeUndefined()
    expect(parseCollectorState('')).toBeUndefined()
  })
})

describe('the listener process (dist/observer.js)', () => {
  const observer = path.join(repoRoot, 'dist/observer.js')

  function send(socket: string, chunks: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = net.connect(socket, async () => {
        for (const chunk of chunks) {
          client.write(chunk)
          await sleep(30)
        }
        client.end()
      })
      client.on('close', () => resolve())
      client.on('error', reject)
    })
  }

  async function events(file: string) {
    const out = []
    for await (const e of readRecords(file)) out.push(e)
    return out
  }

  test('one stream per connection, lines stamped and reassembled, files 0600, stopped by the post step', async () => {
    const dir = await tempDir('listener')
    const paths = collectorPaths(dir, Date.now())
    const state = await startListener(observer, paths)
    expect(state.status).toBe('listening')
    if (state.status !== 'listening') return
    expect((await stat(paths.socket)).mode & 0o777).toBe(0o600)
    await Promise.all([
      send(paths.socket, ['{"action":"start","id":1}\n{"action":"st', 'op","id":1}\n']),
      send(paths.socket, ['{"action":"msg","msg":"b"}\n'])
    ])
    expect(await stopListener(state)).toBeUndefined()
    expect((await stat(paths.recordsFile)).mode & 0o777).toBe(0o600)
    const observed = await events(paths.recordsFile)
    const lines = (connection: number) =>
      observed
        .filter(e => e.event === 'line' && e.connection === connection)
        .map(e => 'text' in e && e.text)
    const first = observed.find(e => e.event === 'line' && e.text.includes('start'))
    const id = first && 'connection' in first ? first.connection : 0
    expect(lines(id)).toEqual(['{"action":"start","id":1}', '{"action":"stop","id":1}'])
    expect(lines(3 - id)).toEqual(['{"action":"msg","msg":"b"}'])
    expect(observed.filter(e => e.event === 'close')).toHaveLength(2)
    expect(observed.at(-1)).toMatchObject({ event: 'stop', reason: 'signal' })
  })

  test('it stops by itself after its lifetime; a killed one is reported as dead', async () => {
    const dir = await tempDir('listener-bound')
    const bounded = collectorPaths(dir, 1)
    const state = await startListener(observer, bounded, { lifetimeMs: 300 })
    expect(state.status).toBe('listening')
    await sleep(1500)
    const text = await readFile(bounded.recordsFile, 'utf8')
    expect(text.trim().split('\n').at(-1)).toMatch(/^E\t\d+\tlifetime$/)

    const killed = collectorPaths(dir, 2)
    const victim = await startListener(observer, killed)
    if (victim.status !== 'listening') throw new Error(victim.reason)
    process.kill(victim.pid, 'SIGKILL')
    await sleep(200)
    expect(await stopListener(victim)).toBe('the listener died during the job')
  })

  test('a pid reused by another process is never signalled', async () => {
    // This test's own process stands in for whatever took the dead listener's pid.
    const reused: CollectorState = {
      status: 'listening',
      pid: process.pid,
      socket: '/nonexistent/scn-listener.sock',
      recordsFile: '/nonexistent/records',
      startedAtMs: 0
    }
    expect(await stopListener(reused)).toBe('the listener died during the job')
  })

  test('a listener that cannot start is a reason, not an exception', async () => {
    const dir = await tempDir('listener-missing')
    expect(await startListener(path.join(dir, 'nope.js'), collectorPaths(dir, 3))).toEqual({
      status: 'off',
      reason: expect.stringContaining('is missing')
    })
    const long = collectorPaths(path.join(dir, 'x'.repeat(120)), 4)
    expect((await startListener(observer, long)).status).toBe('off')
  })
})

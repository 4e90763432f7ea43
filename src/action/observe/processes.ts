/**
 * The listener's records → what each Nix process of the job did: its lifetime, every build and
 * substitution (start/stop in ms, machine, store path, bytes, the build's phases), the IFDs it
 * traced, the downloads each one made, and its time outside builds (evaluation). Pure and
 * incremental: events go in one at a time, so a big build's records are never held in memory as
 * text.
 *
 * Nix's record shapes (`--log-format internal-json`, the same with `json-log-path`):
 *   {"action":"start","id":N,"parent":P,"type":T,"text":…,"fields":[…]}, {"action":"stop","id":N},
 *   {"action":"result","id":N,"type":R,"fields":[…]}, {"action":"msg","level":L,"msg":…}.
 * Activity types used here: 100 copyPath, 101 fileTransfer [url], 105 build [drvPath, machine, …],
 * 108 substitute [storePath, substituter]. Result types: 101 buildLogLine, 104 setPhase [phase],
 * 105 progress [done, expected, running, failed].
 *
 * A download's parent is the activity current when Nix made the request (filetransfer.cc), so a
 * substitution from an http cache is 108 → 100 copyPath → 101 for the NAR, and 108 → 100 → 109
 * queryPathInfo → 101 for its narinfo; the last progress of a fileTransfer is its size
 * (`progress(dlSize, dlSize)` when curl is done). A `file://` cache makes no fileTransfer: its
 * bytes are the copyPath's progress.
 */
import type { RecordEvent, StopReason } from './records.js'

const ACT_COPY_PATH = 100
const ACT_FILE_TRANSFER = 101
const ACT_BUILD = 105
const ACT_SUBSTITUTE = 108
const RES_BUILD_LOG_LINE = 101
const RES_SET_PHASE = 104
const RES_PROGRESS = 105

/** How many of a build's last log lines are kept, for a failed build's span event. */
export const LAST_LINES = 25

export interface ObservedPhase {
  name: string
  startMs: number
  endMs: number
}

export interface ObservedDownload {
  url: string
  startMs: number
  endMs: number
  /** The last progress Nix reported: the bytes transferred (compressed, as sent). */
  bytes?: number
}

export interface ObservedActivity {
  activity: 'build' | 'substitute'
  /** The build's derivation or the substituted store path. */
  path: string
  startMs: number
  endMs: number
  /** Build: the machine ('' or absent for the local one). Substitution: the substituter. */
  machine?: string
  /** Bytes Nix reported transferring: downloads when it made any, else the NAR it copied. */
  bytes?: number
  phases: ObservedPhase[]
  /** The files Nix fetched for it (fileTransfer activities under it), in start order. */
  downloads: ObservedDownload[]
  /** Nix said the build failed; its last log lines. */
  failure?: { lastLines: string[] }
}

export interface ObservedProcess {
  connection: number
  startMs: number
  endMs: number
  /** False when the process was still connected as the listener stopped. */
  exited: boolean
  activities: ObservedActivity[]
  /** Derivations Nix traced as built during evaluation (trace-import-from-derivation). */
  ifdDrvs: string[]
  /** The process's time outside builds and substitutions: evaluation, mostly. */
  outsideMs: number
  /** Records that were not JSON (cut short, most likely). */
  unreadable: number
}

export interface Observation {
  listenerStartMs?: number
  listenerPid?: number
  /** Absent when the listener never wrote its stop line: it died. */
  stopped?: { atMs: number; reason: StopReason }
  processes: ObservedProcess[]
}

interface OpenActivity {
  type: number
  parent: number
  fields: unknown[]
  startMs: number
  endMs?: number
  phases: { name: string; startMs: number }[]
  lastLines: string[]
  downloaded: number
  copied: number
}

interface OpenProcess {
  connection: number
  startMs: number
  endMs?: number
  lastMs: number
  activities: Map<number, OpenActivity>
  ifdDrvs: Set<string>
  failed: Set<string>
  unreadable: number
}

interface NixRecord {
  action?: string
  id?: number
  parent?: number
  type?: number
  fields?: unknown[]
  msg?: string
  level?: number
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g
const IFD_TRACE =
  /built '([^'^]+\.drv)(?:\^[^']*)?' during evaluation due to an import from derivation/
const BUILD_FAILED = /(?:builder for|Cannot build) '([^']+\.drv)'/

export class ObservationBuilder {
  private readonly open = new Map<number, OpenProcess>()
  private readonly done: ObservedProcess[] = []
  private listenerStartMs?: number
  private listenerPid?: number
  private stopped?: Observation['stopped']

  add(event: RecordEvent): void {
    switch (event.event) {
      case 'start':
        this.listenerStartMs = event.atMs
        this.listenerPid = event.pid
        return
      case 'stop':
        this.stopped = { atMs: event.atMs, reason: event.reason }
        return
      case 'open':
        this.open.set(event.connection, {
          connection: event.connection,
          startMs: event.atMs,
          lastMs: event.atMs,
          activities: new Map(),
          ifdDrvs: new Set(),
          failed: new Set(),
          unreadable: 0
        })
        return
      case 'close': {
        const process = this.open.get(event.connection)
        if (!process) return
        process.endMs = event.atMs
        this.open.delete(event.connection)
        this.done.push(finish(process, true))
        return
      }
      case 'line': {
        const process = this.open.get(event.connection)
        if (!process) return
        process.lastMs = event.atMs
        let record: NixRecord
        try {
          record = JSON.parse(event.text) as NixRecord
        } catch {
          process.unreadable++
          return
        }
        apply(process, record, event.atMs)
      }
    }
  }

  finish(): Observation {
    // Connections without a close line: the listener stopped (or died) while they were open.
    for (const process of this.open.values()) this.done.push(finish(process, false))
    this.open.clear()
    return {
      listenerStartMs: this.listenerStartMs,
      listenerPid: this.listenerPid,
      stopped: this.stopped,
      processes: this.done.sort((a, b) => a.startMs - b.startMs)
    }
  }
}

function apply(process: OpenProcess, record: NixRecord, atMs: number): void {
  const id = typeof record.id === 'number' ? record.id : undefined
  switch (record.action) {
    case 'start':
      if (id === undefined) return
      process.activities.set(id, {
        type: record.type ?? 0,
        parent: record.parent ?? 0,
        fields: Array.isArray(record.fields) ? record.fields : [],
        startMs: atMs,
        phases: [],
        lastLines: [],
        downloaded: 0,
        copied: 0
      })
      return
    case 'stop': {
      const activity = id === undefined ? undefined : process.activities.get(id)
      if (activity && activity.endMs === undefined) activity.endMs = atMs
      return
    }
    case 'result': {
      const activity = id === undefined ? undefined : process.activities.get(id)
      if (!activity) return
      const fields = Array.isArray(record.fields) ? record.fields : []
      if (record.type === RES_SET_PHASE && typeof fields[0] === 'string')
        activity.phases.push({ name: fields[0], startMs: atMs })
      else if (record.type === RES_BUILD_LOG_LINE && typeof fields[0] === 'string') {
        activity.lastLines.push(fields[0])
        if (activity.lastLines.length > LAST_LINES) activity.lastLines.shift()
      } else if (record.type === RES_PROGRESS && typeof fields[0] === 'number') {
        if (activity.type === ACT_FILE_TRANSFER) activity.downloaded = fields[0]
        else if (activity.type === ACT_COPY_PATH) activity.copied = fields[0]
      }
      return
    }
    case 'msg': {
      const text = (record.msg ?? '').replace(ANSI, '')
      const ifd = IFD_TRACE.exec(text)
      if (ifd) process.ifdDrvs.add(ifd[1])
      const failed = (record.level ?? 9) === 0 ? BUILD_FAILED.exec(text) : null
      if (failed) process.failed.add(failed[1])
    }
  }
}

/** The nearest ancestor (or the activity itself) of one of `types`. */
function ancestorOf(
  activities: Map<number, OpenActivity>,
  id: number,
  types: number[]
): number | undefined {
  for (let at: number | undefined = id, hops = 0; at && hops < 64; hops++) {
    const activity = activities.get(at)
    if (!activity) return undefined
    if (types.includes(activity.type)) return at
    at = activity.parent
  }
  return undefined
}

/** Total length of the union of intervals. */
export function coveredMs(intervals: { startMs: number; endMs: number }[]): number {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs)
  let total = 0
  let start = -Infinity
  let end = -Infinity
  for (const i of sorted) {
    if (i.startMs > end) {
      if (end > start) total += end - start
      start = i.startMs
      end = i.endMs
    } else end = Math.max(end, i.endMs)
  }
  if (end > start) total += end - start
  return total
}

function finish(process: OpenProcess, exited: boolean): ObservedProcess {
  const endMs = process.endMs ?? process.lastMs
  // Bytes and downloads belong to the build or substitution they were transferred for.
  const bytes = new Map<number, { downloaded: number; copied: number }>()
  const downloads = new Map<number, ObservedDownload[]>()
  for (const [id, activity] of process.activities) {
    if (activity.type !== ACT_FILE_TRANSFER && activity.type !== ACT_COPY_PATH) continue
    const owner = ancestorOf(process.activities, id, [ACT_SUBSTITUTE, ACT_BUILD])
    if (owner === undefined) continue
    const sum = bytes.get(owner) ?? { downloaded: 0, copied: 0 }
    sum.downloaded += activity.downloaded
    sum.copied += activity.copied
    bytes.set(owner, sum)
    const url = activity.fields[0]
    if (activity.type !== ACT_FILE_TRANSFER || typeof url !== 'string') continue
    const list = downloads.get(owner) ?? []
    list.push({
      url,
      startMs: activity.startMs,
      endMs: activity.endMs ?? endMs,
      ...(activity.downloaded ? { bytes: activity.downloaded } : {})
    })
    downloads.set(owner, list)
  }
  const activities: ObservedActivity[] = []
  for (const [id, a] of process.activities) {
    if (a.type !== ACT_BUILD && a.type !== ACT_SUBSTITUTE) continue
    const path = a.fields[0]
    if (typeof path !== 'string' || !path) continue
    const stopMs = a.endMs ?? endMs
    const phases = a.phases.map((p, i) => ({
      name: p.name,
      startMs: p.startMs,
      endMs: a.phases[i + 1]?.startMs ?? stopMs
    }))
    const moved = bytes.get(id)
    const machine = typeof a.fields[1] === 'string' && a.fields[1] ? a.fields[1] : undefined
    activities.push({
      activity: a.type === ACT_BUILD ? 'build' : 'substitute',
      path,
      startMs: a.startMs,
      endMs: stopMs,
      ...(machine ? { machine } : {}),
      ...(moved && (moved.downloaded || moved.copied)
        ? { bytes: moved.downloaded || moved.copied }
        : {}),
      phases,
      downloads: (downloads.get(id) ?? []).sort((x, y) => x.startMs - y.startMs),
      ...(a.type === ACT_BUILD && process.failed.has(path)
        ? { failure: { lastLines: a.lastLines } }
        : {})
    })
  }
  activities.sort((a, b) => a.startMs - b.startMs)
  return {
    connection: process.connection,
    startMs: process.startMs,
    endMs,
    exited,
    activities,
    ifdDrvs: [...process.ifdDrvs],
    outsideMs: Math.max(0, endMs - process.startMs - coveredMs(activities)),
    unreadable: process.unreadable
  }
}

/** All the events of a records file → the observation. */
export function observationOf(events: Iterable<RecordEvent>): Observation {
  const builder = new ObservationBuilder()
  for (const event of events) builder.add(event)
  return builder.finish()
}

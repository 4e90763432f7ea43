/**
 * The records file the listener writes: one event per line, tab-separated, the Nix record last and
 * as received (it is JSON without tabs or newlines, so it needs no escaping):
 *   S <ms> <pid>               the listener started
 *   O <conn> <ms>              a Nix process connected
 *   L <conn> <ms> <record>     one record of that process, stamped on arrival
 *   C <conn> <ms>              the process closed its end (it exited)
 *   E <ms> <reason>            the listener stopped: `signal` (the post step) or `lifetime`
 * A file without its E line belongs to a listener that died.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

export type StopReason = 'signal' | 'lifetime'

export type RecordEvent =
  | { event: 'start'; atMs: number; pid: number }
  | { event: 'open'; connection: number; atMs: number }
  | { event: 'line'; connection: number; atMs: number; text: string }
  | { event: 'close'; connection: number; atMs: number }
  | { event: 'stop'; atMs: number; reason: StopReason }

export function recordLine(e: RecordEvent): string {
  switch (e.event) {
    case 'start':
      return `S\t${e.atMs}\t${e.pid}`
    case 'open':
      return `O\t${e.connection}\t${e.atMs}`
    case 'line':
      return `L\t${e.connection}\t${e.atMs}\t${e.text}`
    case 'close':
      return `C\t${e.connection}\t${e.atMs}`
    case 'stop':
      return `E\t${e.atMs}\t${e.reason}`
  }
}

/** One line of the records file, or undefined for a line cut short (the listener was killed). */
export function parseRecordLine(line: string): RecordEvent | undefined {
  const fields = line.split('\t', 3)
  const number = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : undefined)
  const [tag, a, b] = fields
  const first = number(a)
  if (first === undefined) return undefined
  switch (tag) {
    case 'S': {
      const pid = number(b)
      return pid === undefined ? undefined : { event: 'start', atMs: first, pid }
    }
    case 'E':
      return b === 'signal' || b === 'lifetime'
        ? { event: 'stop', atMs: first, reason: b }
        : undefined
    case 'O':
    case 'C': {
      const atMs = number(b)
      if (atMs === undefined) return undefined
      return { event: tag === 'O' ? 'open' : 'close', connection: first, atMs }
    }
    case 'L': {
      // The record may hold tabs only inside JSON strings (escaped), never literally; split once more.
      const rest = line.slice(tag.length + a.length + 2)
      const tab = rest.indexOf('\t')
      const atMs = tab > 0 ? number(rest.slice(0, tab)) : undefined
      if (atMs === undefined) return undefined
      return { event: 'line', connection: first, atMs, text: rest.slice(tab + 1) }
    }
  }
  return undefined
}

/** The records file as events, streamed (a big build's file does not have to fit in memory twice). */
export async function* readRecords(file: string): AsyncGenerator<RecordEvent> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity
  })
  for await (const line of lines) {
    const event = parseRecordLine(line)
    if (event) yield event
  }
}

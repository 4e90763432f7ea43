/**
 * The job's listener (dist/observer.js, started detached by the main step): a unix socket that
 * every later `nix` process of the job connects to through `json-log-path`, one connection per
 * process. Nix's records carry no time, so each line is stamped on arrival (epoch ms) and written,
 * with the connection it came on, to the records file (see records.ts for the format).
 *
 * It must never slow Nix down: lines are appended to a buffered stream and nothing is parsed here.
 * It stops on SIGTERM/SIGINT (the post step) or by itself after `lifetimeMs`, writing a stop line
 * that says why; a listener killed without one is how the post step knows it died.
 */
import { createWriteStream, unlinkSync } from 'node:fs'
import net from 'node:net'
import { recordLine, type StopReason } from './records.js'

export interface ListenerOptions {
  socket: string
  recordsFile: string
  lifetimeMs: number
}

export function listen(options: ListenerOptions): Promise<void> {
  // The socket and the records file are the runner user's alone (0600).
  process.umask(0o177)
  const out = createWriteStream(options.recordsFile, { flags: 'a', mode: 0o600 })
  const write = (line: string) => out.write(line + '\n')
  let next = 0
  const open = new Set<net.Socket>()

  const server = net.createServer(connection => {
    const id = ++next
    open.add(connection)
    write(recordLine({ event: 'open', connection: id, atMs: Date.now() }))
    let partial = ''
    connection.setEncoding('utf8')
    connection.on('data', (chunk: string) => {
      const atMs = Date.now()
      const lines = (partial + chunk).split('\n')
      partial = lines.pop() ?? ''
      // One write per chunk, not per record: a big build sends tens of thousands of records.
      let stamped = ''
      for (const text of lines)
        if (text) stamped += recordLine({ event: 'line', connection: id, atMs, text }) + '\n'
      if (stamped) out.write(stamped)
    })
    const close = () => {
      if (!open.delete(connection)) return
      const atMs = Date.now()
      if (partial) write(recordLine({ event: 'line', connection: id, atMs, text: partial }))
      write(recordLine({ event: 'close', connection: id, atMs }))
    }
    connection.on('end', close)
    connection.on('close', close)
    connection.on('error', close)
  })

  return new Promise((resolve, reject) => {
    let stopping = false
    const stop = (reason: StopReason) => {
      if (stopping) return
      stopping = true
      clearTimeout(bound)
      server.close()
      // Processes still connected are cut here: their close line says when.
      for (const connection of [...open]) connection.destroy()
      write(recordLine({ event: 'stop', atMs: Date.now(), reason }))
      out.end(() => {
        try {
          unlinkSync(options.socket)
        } catch {
          // Already gone.
        }
        resolve()
      })
    }
    const bound = setTimeout(() => stop('lifetime'), options.lifetimeMs)
    process.once('SIGTERM', () => stop('signal'))
    process.once('SIGINT', () => stop('signal'))
    server.once('error', reject)
    server.listen(options.socket, () =>
      write(recordLine({ event: 'start', atMs: Date.now(), pid: process.pid }))
    )
  })
}

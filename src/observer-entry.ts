// Entry point of the job's listener (dist/observer.js): `observer.js SOCKET RECORDS LIFETIME_MS`.
// Started detached by the main step; see src/action/observe/listener.ts.
import os from 'node:os'
import { listen } from './action/observe/listener.js'

const [socket, recordsFile, lifetime] = process.argv.slice(2)
if (!socket || !recordsFile || !/^\d+$/.test(lifetime ?? '')) {
  console.error('usage: observer.js SOCKET RECORDS_FILE LIFETIME_MS')
  process.exit(2)
}
// The job's builds come first: the kernel buffers a socket's records while the listener waits for CPU.
try {
  os.setPriority(10)
} catch {
  // Where niceness cannot change, the listener runs as it is.
}
await listen({ socket, recordsFile, lifetimeMs: Number(lifetime) })

// Entry point of the job's listener (dist/observer.js): `observer.js SOCKET RECORDS LIFETIME_MS`.
// Started detached by the main step; see src/action/observe/listener.ts.
import { listen } from './action/observe/listener.js'

const [socket, recordsFile, lifetime] = process.argv.slice(2)
if (!socket || !recordsFile || !/^\d+$/.test(lifetime ?? '')) {
  console.error('usage: observer.js SOCKET RECORDS_FILE LIFETIME_MS')
  process.exit(2)
}
await listen({ socket, recordsFile, lifetimeMs: Number(lifetime) })

// What every loopback test server shares: listening on 127.0.0.1 at a free port, stopping (once,
// cutting kept-alive connections), and the faults tests inject into any of them.
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * A fault that answers with `status`; with `times`, only the next `times` matching requests.
 * @typedef {number | { status: number, times?: number, message?: string }} StatusFault
 *
 * Faults every server applies before routing: `down` destroys each connection as soon as a
 * request arrives (ECONNRESET for the client); `delayMs` waits before every response.
 * @typedef {{ down?: boolean, delayMs?: number }} ConnectionFaults
 */

/**
 * Listens on 127.0.0.1 at a port the system picks.
 * @param {import('node:http').Server} server
 * @returns {Promise<string>} the base URL, `http://127.0.0.1:<port>`
 */
export async function listenOnLoopback(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return `http://127.0.0.1:${port}`
}

/**
 * A `stop()` that closes the server once, also cutting kept-alive connections (a client's
 * agent would otherwise hold it open), then runs `cleanup`.
 * @param {import('node:http').Server} server
 * @param {() => void} [cleanup]
 * @returns {() => Promise<void>}
 */
export function stopOnce(server, cleanup) {
  let stopped = false
  return async () => {
    if (stopped) return
    stopped = true
    await new Promise(resolve => {
      server.close(() => resolve(undefined))
      server.closeAllConnections()
    })
    cleanup?.()
  }
}

/**
 * Copies counted faults, so counting them down never changes the caller's object.
 * @template {Record<string, unknown>} F
 * @param {F | undefined} faults
 * @returns {F}
 */
export function copyFaults(faults) {
  /** @type {Record<string, unknown>} */
  const copy = { ...(faults ?? {}) }
  for (const [name, fault] of Object.entries(copy))
    if (fault !== null && typeof fault === 'object') copy[name] = { ...fault }
  return /** @type {F} */ (copy)
}

/**
 * Whether a counted fault applies to this request, using up one of its `times`.
 * @param {{ times?: number } | undefined} fault
 */
export function takeCounted(fault) {
  if (fault === undefined) return false
  if (fault.times === undefined) return true
  if (fault.times <= 0) return false
  fault.times -= 1
  return true
}

/**
 * The status (and message) a status fault answers this request with, if it applies.
 * @param {StatusFault | undefined} fault
 * @returns {{ status: number, message?: string } | undefined}
 */
export function takeStatusFault(fault) {
  if (typeof fault === 'number') return { status: fault }
  return fault && takeCounted(fault) ? { status: fault.status, message: fault.message } : undefined
}

/**
 * Applies `down` and `delayMs`; true when the request must not be answered.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {ConnectionFaults} faults
 */
export async function connectionFaultsStop(req, res, faults) {
  if (faults.down) {
    req.socket.destroy()
    return true
  }
  if (faults.delayMs) await sleep(faults.delayMs)
  return res.destroyed
}

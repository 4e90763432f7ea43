/**
 * The job's collector, as the two steps drive it: ask Nix whether it can tee its records
 * (`json-log-path`), start the detached listener, compose the NIX_CONFIG the later steps get, and
 * in the post step stop the listener and say whether its records can be trusted.
 *
 * Nothing here may fail or slow the user's build: every failure is a reason to fall back to the
 * log-file audit, never an exception, and a listener that is gone leaves Nix at most printing
 * `error (ignored): opening log file …`.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { rm, stat, symlink } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** The settings the observation needs, as this Nix knows them. */
export interface NixLogSettings {
  jsonLogPath: boolean
  traceImportFromDerivation: boolean
}

/** `nix config show --json` / `nix show-config --json`: an object keyed by setting name. */
export function knownLogSettings(configJson: string): NixLogSettings | undefined {
  let value: unknown
  try {
    value = JSON.parse(configJson)
  } catch {
    return undefined
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  return {
    jsonLogPath: 'json-log-path' in value,
    traceImportFromDerivation: 'trace-import-from-derivation' in value
  }
}

/** What the main step saves for the post step (state `observation`). */
export type CollectorState =
  | { status: 'listening'; pid: number; socket: string; recordsFile: string; startedAtMs: number }
  | { status: 'off'; reason: string }

export function parseCollectorState(raw: string): CollectorState | undefined {
  try {
    const value = JSON.parse(raw) as Partial<CollectorState> & Record<string, unknown>
    if (value.status === 'off' && typeof value.reason === 'string') return value as CollectorState
    if (
      value.status === 'listening' &&
      typeof value.pid === 'number' &&
      typeof value.socket === 'string' &&
      typeof value.recordsFile === 'string' &&
      typeof value.startedAtMs === 'number'
    )
      return value as CollectorState
  } catch {
    // Nothing usable from the main step.
  }
  return undefined
}

/**
 * The job's NIX_CONFIG with our settings appended: what the job had stays (later lines win in
 * NIX_CONFIG, and ours name only settings of our own).
 */
export function observedNixConfig(
  current: string | undefined,
  socket: string,
  settings: NixLogSettings
): string {
  const ours = [
    `json-log-path = ${socket}`,
    ...(settings.traceImportFromDerivation ? ['trace-import-from-derivation = true'] : [])
  ]
  const kept = (current ?? '').replace(/\n+$/, '')
  return [...(kept ? [kept] : []), ...ours].join('\n')
}

/** Six hours, the longest a GitHub-hosted job runs: past it the post step is not coming. */
export const LISTENER_LIFETIME_MS = 6 * 60 * 60 * 1000

export interface CollectorPaths {
  socket: string
  recordsFile: string
}

/** Unique per job under RUNNER_TEMP (a unix socket path must stay under ~100 bytes). */
export function collectorPaths(runnerTemp: string, jobStartMs: number): CollectorPaths {
  const tag = `${jobStartMs.toString(36)}-${process.pid}`
  return {
    socket: path.join(runnerTemp, `scn-${tag}.sock`),
    recordsFile: path.join(runnerTemp, `scn-${tag}.records`)
  }
}

const SOCKET_PATH_MAX = 107

/**
 * Starts dist/observer.js detached (it outlives the main step) and waits until its socket is
 * there. Returns the listening state, or a reason when it could not start.
 */
export async function startListener(
  observerScript: string,
  paths: CollectorPaths,
  options: { lifetimeMs?: number; waitMs?: number; node?: string } = {}
): Promise<CollectorState> {
  if (Buffer.byteLength(paths.socket) > SOCKET_PATH_MAX)
    return {
      status: 'off',
      reason: `the socket path ${paths.socket} is too long for a unix socket`
    }
  if (!existsSync(observerScript))
    return { status: 'off', reason: `the listener ${observerScript} is missing` }
  const startedAtMs = Date.now()
  const child = spawn(
    options.node ?? process.execPath,
    [
      observerScript,
      paths.socket,
      paths.recordsFile,
      String(options.lifetimeMs ?? LISTENER_LIFETIME_MS)
    ],
    { detached: true, stdio: 'ignore' }
  )
  const failedToStart = new Promise<string>(resolve => {
    child.once('error', error => resolve(error.message))
    child.once('exit', code => resolve(`it exited with code ${code}`))
  })
  child.unref()
  const deadline = Date.now() + (options.waitMs ?? 5000)
  let failure: string | undefined
  void failedToStart.then(reason => (failure = reason))
  while (!failure && Date.now() < deadline) {
    if (await isSocket(paths.socket)) {
      return {
        status: 'listening',
        pid: child.pid as number,
        socket: paths.socket,
        recordsFile: paths.recordsFile,
        startedAtMs
      }
    }
    await sleep(20)
  }
  if (!failure && child.pid) stopProcess(child.pid)
  return {
    status: 'off',
    reason: `the listener did not start (${failure ?? 'no socket after 5 s'})`
  }
}

async function isSocket(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined)
  return info?.isSocket() ?? false
}

function stopProcess(pid: number): boolean {
  try {
    process.kill(pid, 'SIGTERM')
    return true
  } catch {
    return false
  }
}

/**
 * Whether our listener still runs under that pid: alive, and (where /proc tells) still the
 * process started for this socket, not another that reused the pid.
 */
function listening(pid: number, socket: string): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(socket)
  } catch {
    return true
  }
}

/**
 * Stops the listener and waits for it to write its last lines. Returns undefined when it stopped
 * cleanly, else why its records are incomplete.
 */
export async function stopListener(
  state: Extract<CollectorState, { status: 'listening' }>,
  waitMs = 5000
): Promise<string | undefined> {
  if (!listening(state.pid, state.socket)) return 'the listener died during the job'
  stopProcess(state.pid)
  const deadline = Date.now() + waitMs
  while (listening(state.pid, state.socket) && Date.now() < deadline) await sleep(20)
  if (listening(state.pid, state.socket)) {
    process.kill(state.pid, 'SIGKILL')
    return 'the listener did not stop in time'
  }
  return undefined
}

/**
 * The records file holds build output: it does not outlive the post step. The job's NIX_CONFIG still
 * names the socket for the steps after ours, and Nix would create a plain file there and fill it with
 * their records; a link to /dev/null makes it write nowhere, without a word (checked on 2.34).
 */
export async function removeRecords(state: CollectorState): Promise<void> {
  if (state.status !== 'listening') return
  await rm(state.recordsFile, { force: true })
  await rm(state.socket, { force: true })
  await symlink('/dev/null', state.socket).catch(() => undefined)
}

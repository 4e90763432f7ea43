/**
 * The observation as the two steps run it. Main step, before anything else runs Nix: ask Nix
 * whether it tees its records, start the listener, export NIX_CONFIG for the later steps, save
 * the state. Post step: stop the listener, read its records, delete them, and decide whether the
 * audit is "observed" or "inferred from logs" (and why). Neither ever throws or fails the job: a
 * failure is one warning and the log-file audit.
 */
import * as core from '@actions/core'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  collectorPaths,
  LISTENER_LIFETIME_MS,
  observedNixConfig,
  removeRecords,
  startListener,
  stopListener,
  type CollectorState,
  type NixLogSettings
} from './collector.js'
import { observedMainBuild, type ObservedMainBuild } from './observed-audit.js'
import { ObservationBuilder } from './processes.js'
import { readRecords } from './records.js'

/** dist/observer.js, beside the bundled step that runs this. */
function observerScript(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'observer.js')
}

export const NO_JSON_LOG_PATH = 'this Nix has no json-log-path'

/**
 * Main step: the collector for the job. `logSettings` asks this Nix (undefined when it could not
 * tell). Returns the state to save for the post step.
 */
export async function startObservation(
  logSettings: () => Promise<NixLogSettings | undefined>,
  startedAtMs: number
): Promise<CollectorState> {
  try {
    const settings = await logSettings()
    if (!settings) return { status: 'off', reason: 'Nix did not say which settings it knows' }
    if (!settings.jsonLogPath) return { status: 'off', reason: NO_JSON_LOG_PATH }
    const state = await startListener(
      observerScript(),
      collectorPaths(process.env.RUNNER_TEMP || os.tmpdir(), startedAtMs)
    )
    if (state.status !== 'listening') {
      core.warning(
        `some-cabal2nix: ${state.reason}; the main build is audited from Nix's logs instead`
      )
      return state
    }
    core.exportVariable(
      'NIX_CONFIG',
      observedNixConfig(process.env.NIX_CONFIG, state.socket, settings)
    )
    core.info(
      `some-cabal2nix: every later nix command of this job reports its builds to ${state.socket}`
    )
    return state
  } catch (error) {
    const reason = `the listener did not start (${(error as Error).message})`
    core.warning(`some-cabal2nix: ${reason}; the main build is audited from Nix's logs instead`)
    return { status: 'off', reason }
  }
}

export type ObservationOutcome =
  { mode: 'observed'; main: ObservedMainBuild } | { mode: 'inferred'; reason: string }

export const NOT_OBSERVED =
  'no nix command reported during the main build: nix-build, nix-instantiate and nix-shell are not observed by Nix (or a later step replaced NIX_CONFIG)'

/**
 * Post step: what the listener saw of the main build, or why the audit falls back to the logs.
 * The records file is deleted whatever happens.
 */
export async function finishObservation(
  state: CollectorState | undefined,
  ours: { outPath: string; drvPath?: string },
  window: { startMs: number; endMs: number }
): Promise<ObservationOutcome> {
  if (!state) return { mode: 'inferred', reason: 'the main step started no listener' }
  if (state.status === 'off') return { mode: 'inferred', reason: state.reason }
  try {
    const gone = await stopListener(state)
    const builder = new ObservationBuilder()
    for await (const event of readRecords(state.recordsFile)) builder.add(event)
    const observation = builder.finish()
    if (gone) {
      const reason =
        observation.stopped?.reason === 'lifetime'
          ? `the listener stopped after its ${LISTENER_LIFETIME_MS / 3_600_000} h bound`
          : gone
      core.warning(`some-cabal2nix: ${reason}; the main build is audited from Nix's logs instead`)
      return { mode: 'inferred', reason }
    }
    const main = observedMainBuild(observation, ours, window)
    if (main.processes.length === 0) return { mode: 'inferred', reason: NOT_OBSERVED }
    return { mode: 'observed', main }
  } catch (error) {
    const reason = `the listener's records could not be read (${(error as Error).message})`
    core.warning(`some-cabal2nix: ${reason}; the main build is audited from Nix's logs instead`)
    return { mode: 'inferred', reason }
  } finally {
    await removeRecords(state).catch(() => undefined)
  }
}

/** Post step without a main build to audit: the listener is stopped and its records deleted. */
export async function discardObservation(state: CollectorState | undefined): Promise<void> {
  if (state?.status !== 'listening') return
  await stopListener(state).catch(() => undefined)
  await removeRecords(state).catch(() => undefined)
}

/**
 * The trace as the two steps send it (see trace.ts): takes the endpoint from the inputs and the
 * environment, masks header values, saves and reads the job's trace state, and turns an export
 * failure into one warning.
 */
import * as core from '@actions/core'
import { errorMessage } from '../common/errors.js'
import type { MainBuildAudit } from './audit.js'
import { readTraceInputs } from './config.js'
import type { Phase } from './report/model.js'
import { loadTraceState, saveTraceState } from './state.js'
import {
  exportSpans,
  newTraceState,
  traceConfig,
  type SpanNode,
  type TraceConfig
} from './trace.js'

function configured(): TraceConfig | undefined {
  const config = traceConfig(process.env, readTraceInputs())
  for (const value of Object.values(config?.headers ?? {})) if (value) core.setSecret(value)
  return config
}

/** Phases as child spans, in order. */
export function phaseNodes(phases: Phase[], fallbackStartMs: number): SpanNode[] {
  let at = fallbackStartMs
  return phases.map(p => {
    const startMs = p.startMs ?? at
    at = startMs + p.ms
    return { name: p.name, startMs, endMs: startMs + p.ms }
  })
}

const KIND_NAMES = {
  ifd: 'ifd-straggler',
  batch: 'batch',
  'ifd-other': 'ifd-other',
  other: 'other'
} as const

/** The main build's span: one child per derivation built and per path substituted. */
export function mainBuildNode(
  audit: MainBuildAudit | undefined,
  window: { startMs: number; endMs: number }
): SpanNode {
  const clamp = (ms: number) => Math.min(window.endMs, Math.max(window.startMs, ms))
  const node: SpanNode = {
    name: 'main build',
    startMs: window.startMs,
    endMs: window.endMs,
    children: []
  }
  if (!audit || audit.status !== 'ok') {
    node.attributes = { 'some_cabal2nix.audit': audit?.reason ?? 'not audited' }
    return node
  }
  node.attributes = {
    'some_cabal2nix.audit.evidence': audit.evidence.mode,
    ...(audit.evidence.mode === 'inferred'
      ? { 'some_cabal2nix.audit.inferred_because': audit.evidence.reason }
      : {}),
    'some_cabal2nix.audit.stragglers': audit.stragglers.length,
    'some_cabal2nix.audit.other_batches': audit.otherBatches.length
  }
  for (const d of audit.built) {
    const endMs = clamp(d.endMs)
    node.children?.push({
      name: `build ${d.name}`,
      startMs: clamp(d.startMs ?? d.endMs),
      endMs,
      attributes: {
        'nix.activity': 'build',
        'nix.drv.path': d.drvPath,
        'some_cabal2nix.kind': KIND_NAMES[d.kind]
      }
    })
  }
  for (const s of audit.substituted) {
    node.children?.push({
      name: `substitute ${s.name}`,
      startMs: clamp(s.atMs),
      endMs: clamp(s.atMs),
      attributes: {
        'nix.activity': 'substitute',
        'nix.store.path': s.path,
        'some_cabal2nix.kind': KIND_NAMES[s.kind]
      }
    })
  }
  return node
}

/** Main step: sends its spans under the job's root and saves the trace for the post step. */
export async function traceMainStep(phases: Phase[], startedAtMs: number): Promise<void> {
  try {
    const config = configured()
    if (!config) return
    const state = newTraceState(startedAtMs)
    saveTraceState(state)
    const step: SpanNode = {
      name: 'some-cabal2nix main step',
      startMs: startedAtMs,
      endMs: Date.now(),
      children: phaseNodes(phases, startedAtMs)
    }
    const failed = await exportSpans(config, state, [step])
    if (failed) {
      core.warning(`some-cabal2nix trace: ${failed}; the job is not affected`)
      // The post step tries again, but does not warn a second time.
      saveTraceState({ ...state, warned: true })
    } else core.info(`some-cabal2nix: trace ${state.traceId} sent to ${config.url}`)
  } catch (error) {
    core.warning(`some-cabal2nix trace: ${errorMessage(error)}; the job is not affected`)
  }
}

/** Post step: the main build's spans, the post step's own, and the job's root span. */
export async function tracePostStep(nodes: SpanNode[], endMs: number): Promise<void> {
  try {
    const config = configured()
    const state = loadTraceState()
    if (!config || !state) return
    const failed = await exportSpans(config, state, nodes, {
      root: { name: 'some-cabal2nix job', startMs: state.jobStartMs, endMs }
    })
    if (failed && state.warned) core.info(`some-cabal2nix trace: ${failed}`)
    else if (failed) core.warning(`some-cabal2nix trace: ${failed}; the job is not affected`)
    else core.info(`some-cabal2nix: trace ${state.traceId} completed at ${config.url}`)
  } catch (error) {
    core.warning(`some-cabal2nix trace: ${errorMessage(error)}; the job is not affected`)
  }
}

/**
 * The observed main build as a span tree, nix-otel's shape: the main-build span → one span per
 * Nix process → one per build or substitution → one per build phase and one per download. Log
 * lines stay out, except a failed build's last lines as an event (the post step redacts the whole
 * tree before it leaves the runner: redact.ts). The tree is bounded: past `limit` spans the
 * shortest activities and their phases and downloads are cut, and the main-build span says how
 * many.
 */
import type { Attributes } from '@opentelemetry/api'
import type { SpanNode } from '../trace.js'
import type { ClassifiedActivity, ClassifiedProcess } from './observed-audit.js'

/** Spans under the main-build span, at most: a trace backend takes it in one request. */
export const SPAN_LIMIT = 2000

export interface SpanTreeOptions {
  window: { startMs: number; endMs: number }
  limit?: number
}

function activityNode(a: ClassifiedActivity): SpanNode {
  const attributes: Attributes = {
    'nix.activity': a.activity,
    [a.activity === 'build' ? 'nix.drv.path' : 'nix.store.path']: a.path,
    'some_cabal2nix.kind': a.kind
  }
  if (a.machine) attributes[a.activity === 'build' ? 'nix.machine' : 'nix.substituter'] = a.machine
  if (a.bytes !== undefined) attributes['nix.bytes'] = a.bytes
  const node: SpanNode = {
    name: `${a.activity} ${a.name}`,
    startMs: a.startMs,
    endMs: a.endMs,
    attributes
  }
  if (a.failure) {
    node.error = 'the build failed'
    node.events = [
      {
        name: 'last log lines',
        atMs: a.endMs,
        attributes: { 'nix.log': a.failure.lastLines.join('\n') }
      }
    ]
  }
  return node
}

/** A download's span name: the file, not the whole URL (the URL is an attribute). */
export function downloadName(url: string): string {
  const file = url
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .split('/')
    .pop()
  return `download ${file || url}`
}

/** What an activity's span holds: its phases and its downloads, in start order. */
function childNodes(a: ClassifiedActivity): SpanNode[] {
  const phases: SpanNode[] = a.phases.map(p => ({
    name: p.name,
    startMs: p.startMs,
    endMs: p.endMs,
    attributes: { 'nix.phase': p.name }
  }))
  const downloads: SpanNode[] = a.downloads.map(d => ({
    name: downloadName(d.url),
    startMs: d.startMs,
    endMs: d.endMs,
    attributes: {
      'nix.activity': 'download',
      'url.full': d.url,
      ...(d.bytes !== undefined ? { 'nix.bytes': d.bytes } : {})
    }
  }))
  return [...phases, ...downloads].sort((x, y) => x.startMs - y.startMs)
}

const childCount = (a: ClassifiedActivity) => a.phases.length + a.downloads.length

/** The main-build span for an observed job. */
export function observedMainBuildNode(
  processes: ClassifiedProcess[],
  options: SpanTreeOptions
): SpanNode {
  const limit = options.limit ?? SPAN_LIMIT
  const activities = processes.flatMap(p => p.activities)
  const total = processes.length + activities.reduce((sum, a) => sum + 1 + childCount(a), 0)
  // Processes always; then activities, longest first; then their phases and downloads, longest
  // activity first.
  let budget = Math.max(0, limit - processes.length)
  const byLength = [...activities].sort((x, y) => y.endMs - y.startMs - (x.endMs - x.startMs))
  const kept = new Set(byLength.slice(0, budget))
  budget -= kept.size
  const withChildren = new Set<ClassifiedActivity>()
  for (const a of byLength) {
    if (!kept.has(a) || childCount(a) === 0 || childCount(a) > budget) continue
    withChildren.add(a)
    budget -= childCount(a)
  }
  const shown =
    processes.length + kept.size + [...withChildren].reduce((sum, a) => sum + childCount(a), 0)

  const children = processes.map(p => ({
    name: `nix process ${p.connection}`,
    startMs: p.startMs,
    endMs: p.endMs,
    attributes: {
      'nix.process.exited': p.exited,
      'nix.evaluation_ms': Math.round(p.outsideMs),
      'nix.activities': p.activities.length
    },
    children: p.activities
      .filter(a => kept.has(a))
      .map(a => ({
        ...activityNode(a),
        ...(withChildren.has(a) ? { children: childNodes(a) } : {})
      }))
  }))
  return {
    name: 'main build',
    startMs: options.window.startMs,
    endMs: options.window.endMs,
    attributes: {
      'some_cabal2nix.audit.evidence': 'observed',
      'some_cabal2nix.spans.limit': limit,
      'some_cabal2nix.spans.cut': total - shown
    },
    children
  }
}

/**
 * What leaves the runner (spans, the comment, the summary) goes through one redaction: every
 * value registered as a secret, then the token shapes the report already masks. GitHub masks its
 * own log, not our OTLP export.
 */
import { redactSecrets } from '../../common/redact.js'
import { readTraceInputs, secretInputs } from '../config.js'
import { traceConfig, type SpanNode } from '../trace.js'

/** Secrets shorter than this are not replaced in free text (they would mask ordinary words). */
const SHORTEST_SECRET = 4

export function redactor(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter(s => s.length >= SHORTEST_SECRET))].sort(
    (a, b) => b.length - a.length
  )
  return text => {
    let out = text
    for (const value of values) out = out.split(value).join('***')
    return redactSecrets(out)
  }
}

/** Every value the steps register as a secret: the secret inputs and the OTLP header values. */
export function registeredSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const headers = traceConfig(env, readTraceInputs())?.headers ?? {}
  return [...secretInputs(), ...Object.values(headers)].filter(Boolean)
}

/** The span tree with every string (names, attributes, events) redacted, for the export. */
export function redactTree(node: SpanNode, redact: (text: string) => string): SpanNode {
  const attributes = (a: SpanNode['attributes']) =>
    a &&
    Object.fromEntries(
      Object.entries(a).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v])
    )
  return {
    ...node,
    name: redact(node.name),
    ...(node.attributes ? { attributes: attributes(node.attributes) } : {}),
    ...(node.error ? { error: redact(node.error) } : {}),
    ...(node.events
      ? { events: node.events.map(e => ({ ...e, attributes: attributes(e.attributes) })) }
      : {}),
    ...(node.children ? { children: node.children.map(c => redactTree(c, redact)) } : {})
  }
}

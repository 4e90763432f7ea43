/**
 * What leaves the runner (spans, the comment, the summary) goes through one redaction: every
 * value registered as a secret, then the token shapes the report already masks. GitHub masks its
 * own log, not our OTLP export.
 */
import * as core from '@actions/core'
import { redactSecrets } from '../report.js'
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

/**
 * The values the steps register as secrets (config.ts, trace-steps.ts), read again in the post
 * step: the secret inputs and the OTLP header values.
 */
export function registeredSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = ['github-token', 'cachix-auth-token', 'signing-key'].map(name =>
    core.getInput(name).trim()
  )
  const key = core.getInput('signing-key').trim()
  // A Nix key is `name:base64`; the base64 half is the secret on its own too.
  if (key.includes(':')) values.push(key.slice(key.indexOf(':') + 1))
  const headers = traceConfig(env, { headers: core.getInput('otlp-headers').trim() || undefined })
  return [...values, ...Object.values(headers?.headers ?? {})].filter(Boolean)
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

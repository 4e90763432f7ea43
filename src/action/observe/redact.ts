/**
 * What leaves the runner (spans, the comment, the summary) goes through one redaction: every
 * value registered as a secret, then the token shapes the report already masks. GitHub masks its
 * own log, not our OTLP export.
 */
import { redactSecrets } from '../report.js'

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

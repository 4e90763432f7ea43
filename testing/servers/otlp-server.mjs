// A loopback OTLP/HTTP trace receiver: accepts POST /v1/traces with the JSON encoding the
// OpenTelemetry JS exporter (@opentelemetry/exporter-trace-otlp-http) sends, decodes every span
// (hex ids, nanosecond times as strings or numbers, attributes as typed values) and keeps them,
// with the request headers, for the tests to inspect.
import http from 'node:http'
import { listenOnLoopback, stopOnce } from './loopback.mjs'

/**
 * @typedef {{ traceId?: string, spanId?: string, parentSpanId?: string, name: string,
 *   startNs: bigint, endNs: bigint, attributes: Record<string, unknown>, status: number,
 *   scope?: string, resource: Record<string, unknown> }} ReceivedSpan
 * @typedef {{ method?: string, path?: string, headers: http.IncomingHttpHeaders, body: string }} OtlpRequest
 */

/** An OTLP AnyValue → a plain JS value. */
function anyValue(/** @type {any} */ v) {
  if (!v || typeof v !== 'object') return undefined
  if ('stringValue' in v) return v.stringValue
  if ('boolValue' in v) return v.boolValue
  if ('intValue' in v) return Number(v.intValue)
  if ('doubleValue' in v) return Number(v.doubleValue)
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(anyValue)
  return undefined
}

function attributes(/** @type {any[] | undefined} */ list) {
  return Object.fromEntries((list ?? []).map(a => [a.key, anyValue(a.value)]))
}

/** OTLP JSON ids are hex strings; anything else (base64 from a protobuf-JSON mapper) is converted. */
function hexId(/** @type {string | undefined} */ id) {
  if (!id) return undefined
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex')
}

/**
 * Decodes one ExportTraceServiceRequest (JSON) into flat spans.
 * @returns {ReceivedSpan[]}
 */
export function decodeTraces(/** @type {any} */ body) {
  /** @type {ReceivedSpan[]} */
  const spans = []
  for (const rs of body.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes)
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: hexId(s.parentSpanId) || undefined,
          name: s.name,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: attributes(s.attributes),
          status: s.status?.code ?? 0,
          scope: ss.scope?.name,
          resource
        })
      }
    }
  }
  return spans
}

export async function startOtlpServer() {
  /** @type {OtlpRequest[]} */
  const requests = []
  /** @type {ReceivedSpan[]} */
  const spans = []
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method, path: req.url, headers: req.headers, body })
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end()
        return
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        res.writeHead(415).end('only the OTLP JSON encoding is decoded here')
        return
      }
      try {
        spans.push(...decodeTraces(JSON.parse(body)))
      } catch (error) {
        res.writeHead(400).end(String(error))
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  return {
    url: await listenOnLoopback(server),
    spans: () => [...spans],
    requests: () => [...requests],
    clear: () => {
      spans.length = 0
      requests.length = 0
    },
    stop: stopOnce(server)
  }
}

/** A span's duration in ms. */
export function spanMs(/** @type {ReceivedSpan} */ span) {
  return Number(span.endNs - span.startNs) / 1e6
}

/**
 * The received spans as an indented tree, one line per span: name, ms, and in brackets what the
 * span says it is (the main build's evidence, an activity's kind, bytes). Children in start order;
 * a span whose parent was not received is a root.
 * @param {ReceivedSpan[]} spans
 * @returns {string[]}
 */
export function spanTreeLines(spans) {
  const ids = new Set(spans.map(s => s.spanId))
  const byStart = [...spans].sort((a, b) =>
    a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0
  )
  /** @returns {string[]} */
  const lines = (/** @type {ReceivedSpan} */ span, /** @type {number} */ depth) => {
    const a = span.attributes
    const tags = [
      a['some_cabal2nix.audit.evidence'],
      a['some_cabal2nix.kind'],
      a['nix.bytes'] !== undefined ? `${a['nix.bytes']} bytes` : undefined
    ].filter(t => t !== undefined)
    return [
      `${'  '.repeat(depth)}${span.name}  ${spanMs(span).toFixed(0)} ms${tags.length ? `  [${tags.join(', ')}]` : ''}`,
      ...byStart.filter(c => c.parentSpanId === span.spanId).flatMap(c => lines(c, depth + 1))
    ]
  }
  return byStart.filter(s => !s.parentSpanId || !ids.has(s.parentSpanId)).flatMap(s => lines(s, 0))
}

/** A loopback URL nobody listens on (a port just closed). */
export async function unreachableUrl() {
  const server = http.createServer()
  const url = await listenOnLoopback(server)
  await stopOnce(server)()
  return url
}

/** @typedef {Awaited<ReturnType<typeof startOtlpServer>>} OtlpServer */

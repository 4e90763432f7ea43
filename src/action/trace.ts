/**
 * Stage "trace": OpenTelemetry traces of a job, when an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, or the
 * otlp-endpoint input; headers from *_HEADERS or otlp-headers).
 *
 * One trace per job across two processes: the main step picks the trace id and the root span's id
 * and saves them (state `trace`); its spans hang under the root as a remote parent. The post step
 * sends the main build's spans, its own, and last the root span itself with the saved id. Spans
 * are made by the SDK (sdk-trace-base) from a tree of finished phases and sent with one OTLP/HTTP
 * (JSON) export; a failed export is a one-line reason, never an exception.
 */
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type HrTime
} from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type IdGenerator
} from '@opentelemetry/sdk-trace-base'
import { randomBytes } from 'node:crypto'
import { TOOL_NAME, TOOL_VERSION } from '../common/version.js'
import { errorMessage } from '../common/errors.js'

export interface TraceConfig {
  url: string
  headers: Record<string, string>
}

/** What the main step hands the post step: the job's trace. */
export interface TraceState {
  traceId: string
  rootSpanId: string
  jobStartMs: number
  /** The main step already warned that its export failed. */
  warned?: boolean
}

/** A finished span: the tree the SDK turns into spans. */
export interface SpanNode {
  name: string
  startMs: number
  endMs: number
  attributes?: Attributes
  error?: string
  /** Point-in-time events on the span (a failed build's last log lines). */
  events?: { name: string; atMs: number; attributes?: Attributes }[]
  children?: SpanNode[]
}

/** `k=v,k2=v2` (values URL-encoded), as OTEL_EXPORTER_OTLP_HEADERS has them. */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const part of (text ?? '').split(',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    let value = part.slice(eq + 1).trim()
    try {
      value = decodeURIComponent(value)
    } catch {
      // Not URL-encoded after all: keep it as given.
    }
    if (name) headers[name] = value
  }
  return headers
}

/** The traces endpoint and headers, or undefined when tracing is off. Inputs win over the environment. */
export function traceConfig(
  env: NodeJS.ProcessEnv,
  inputs: { endpoint?: string; headers?: string } = {}
): TraceConfig | undefined {
  const base = (url: string) => `${url.replace(/\/+$/, '')}/v1/traces`
  const url = inputs.endpoint
    ? base(inputs.endpoint)
    : env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
      (env.OTEL_EXPORTER_OTLP_ENDPOINT ? base(env.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined)
  if (!url) return undefined
  const headers = {
    ...parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    ...parseOtlpHeaders(inputs.headers)
  }
  return { url, headers }
}

export function newTraceState(jobStartMs: number): TraceState {
  return {
    traceId: randomBytes(16).toString('hex'),
    rootSpanId: randomBytes(8).toString('hex'),
    jobStartMs
  }
}

export function parseTraceState(raw: string): TraceState | undefined {
  try {
    const value = JSON.parse(raw) as Partial<TraceState>
    if (
      /^[0-9a-f]{32}$/.test(value.traceId ?? '') &&
      /^[0-9a-f]{16}$/.test(value.rootSpanId ?? '') &&
      typeof value.jobStartMs === 'number'
    )
      return value as TraceState
  } catch {
    // No usable trace from the main step.
  }
  return undefined
}

/** CI/CD and VCS semantic-convention attributes of the job, from the runner's environment. */
export function cicdAttributes(env: NodeJS.ProcessEnv): Attributes {
  const attributes: Attributes = {
    'service.name': TOOL_NAME,
    'service.version': TOOL_VERSION
  }
  const set = (key: string, value: string | undefined) => {
    if (value) attributes[key] = value
  }
  set('cicd.pipeline.name', env.GITHUB_WORKFLOW)
  set('cicd.pipeline.run.id', env.GITHUB_RUN_ID)
  set('cicd.pipeline.task.name', env.GITHUB_JOB)
  set('cicd.worker.name', env.RUNNER_NAME)
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID)
    set(
      'cicd.pipeline.run.url.full',
      `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    )
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY)
    set('vcs.repository.url.full', `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`)
  set('vcs.repository.name', env.GITHUB_REPOSITORY?.split('/')[1])
  set('vcs.ref.head.revision', env.GITHUB_SHA)
  set('vcs.ref.head.name', env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME)
  set('vcs.ref.base.name', env.GITHUB_BASE_REF)
  return attributes
}

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000)
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)]
}

/** Ids: the trace's own, and the root span's id for the first span made without a parent. */
class JobIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator()
  private rootSpanId?: string
  constructor(
    private readonly state: TraceState,
    withRoot: boolean
  ) {
    this.rootSpanId = withRoot ? state.rootSpanId : undefined
  }
  generateTraceId(): string {
    return this.state.traceId
  }
  generateSpanId(): string {
    const id = this.rootSpanId ?? this.random.generateSpanId()
    this.rootSpanId = undefined
    return id
  }
}

/**
 * Sends the spans of `nodes` (under the job's root span) and, with `root`, the root span itself.
 * Returns undefined when sent, else a one-line reason.
 */
export async function exportSpans(
  config: TraceConfig,
  state: TraceState,
  nodes: SpanNode[],
  options: { root?: SpanNode; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): Promise<string | undefined> {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(cicdAttributes(options.env ?? process.env)),
    idGenerator: new JobIdGenerator(state, options.root !== undefined),
    spanProcessors: [new SimpleSpanProcessor(memory)]
  })
  const tracer = provider.getTracer(TOOL_NAME, TOOL_VERSION)
  const emit = (node: SpanNode, parent: Context | undefined) => {
    const span = tracer.startSpan(
      node.name,
      { startTime: hrTime(node.startMs), attributes: node.attributes, root: !parent },
      parent ?? ROOT_CONTEXT
    )
    if (node.error) span.setStatus({ code: SpanStatusCode.ERROR, message: node.error })
    for (const event of node.events ?? [])
      span.addEvent(event.name, event.attributes, hrTime(event.atMs))
    const context = trace.setSpan(parent ?? ROOT_CONTEXT, span)
    for (const child of node.children ?? []) emit(child, context)
    span.end(hrTime(Math.max(node.startMs, node.endMs)))
  }
  const remoteRoot = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: state.traceId,
    spanId: state.rootSpanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true
  })
  // The root first, so it takes the saved id; its children are the nodes.
  if (options.root) emit({ ...options.root, children: nodes }, undefined)
  else for (const node of nodes) emit(node, remoteRoot)

  const exporter = new OTLPTraceExporter({
    url: config.url,
    headers: config.headers,
    timeoutMillis: options.timeoutMs ?? 10_000
  })
  const spans = memory.getFinishedSpans()
  try {
    const result = await new Promise<{ code: number; error?: Error }>(resolve =>
      exporter.export(spans, resolve)
    )
    return result.code === 0
      ? undefined
      : `could not send ${spans.length} spans to ${config.url}: ${result.error?.message ?? 'export failed'}`
  } catch (error) {
    return `could not send ${spans.length} spans to ${config.url}: ${errorMessage(error)}`
  } finally {
    await exporter.shutdown().catch(() => undefined)
    await provider.shutdown().catch(() => undefined)
  }
}

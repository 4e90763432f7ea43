export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  startNs: bigint
  endNs: bigint
  attributes: Record<string, unknown>
  status: number
  scope?: string
  resource: Record<string, unknown>
}

export interface OtlpRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface OtlpServer {
  /** `http://127.0.0.1:PORT`: an OTLP base URL (spans arrive at /v1/traces). */
  url: string
  spans(): ReceivedSpan[]
  requests(): OtlpRequest[]
  clear(): void
  stop(): Promise<void>
}

export function decodeTraces(body: unknown): ReceivedSpan[]
export function startOtlpServer(): Promise<OtlpServer>
export function unreachableUrl(): Promise<string>

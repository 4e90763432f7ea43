/** A fault that answers with `status`; with `times`, only the next `times` matching requests. */
export type StatusFault = number | { status: number; times?: number; message?: string }

export interface ActionsCacheFaults {
  /** Twirp CreateCacheEntry answers with this HTTP status (Twirp error JSON). */
  createStatus?: StatusFault
  /** Twirp FinalizeCacheEntryUpload answers with this HTTP status. */
  finalizeStatus?: StatusFault
  /** Twirp GetCacheEntryDownloadURL answers with this HTTP status. */
  downloadUrlStatus?: StatusFault
  /** Azure Put Blob / Put Block / Put Block List answer with this status (Azure XML error). */
  blobUploadStatus?: StatusFault
  /** The archive download (GET/HEAD of the signed download URL) answers with this status. */
  downloadStatus?: StatusFault
  /** Every Twirp call answers 429 with `Retry-After: retryAfterSeconds` (default 60). */
  rateLimit?: { retryAfterSeconds?: number; times?: number }
  /** Delay before every response, in milliseconds. */
  delayMs?: number
  /** Downloads send half the bytes announced in Content-Length, then drop the connection. */
  truncateDownload?: boolean
  /** Downloads have 64 bytes in the middle inverted (same length). */
  corruptDownload?: boolean
  /** Every connection is destroyed as soon as a request arrives (ECONNRESET for the client). */
  down?: boolean
  /** CreateCacheEntry answers 200 `{ ok: false, message: 'cache write denied: …' }` (read-only token). */
  writeDenied?: boolean
  /** GetCacheEntryDownloadURL answers 403 `cache read denied: …`. */
  readDenied?: boolean
}

export interface ActionsCacheServerOptions {
  /** The ACTIONS_RUNTIME_TOKEN the server accepts (default: random). */
  token?: string
  /** Persist finalized entries here (`index.json` + `<id>.blob`) and load them on start. */
  storageDir?: string
  /** RUNNER_TEMP put in `env` (default: a fresh temporary directory removed by stop()). */
  runnerTemp?: string
  /** Faults active from the start (same as calling setFaults). */
  faults?: ActionsCacheFaults
  /** How long an unfinalized reservation blocks its key+version (default 10 minutes). */
  reservationTtlMs?: number
}

export interface ActionsCacheEntry {
  id: number
  key: string
  version: string
  /** Archive size once finalized, otherwise null. */
  sizeBytes: number | null
  finalized: boolean
  createdAt: string
  finalizedAt: string | null
}

export interface ActionsCacheRequest {
  method: string
  /** URL path without the query string (signatures stay out of logs). */
  path: string
  /** HTTP status sent; 0 when the connection was dropped before any response. */
  status: number
  /** Epoch milliseconds when the request arrived. */
  time: number
  /** Twirp method name for /twirp/… requests. */
  rpc?: string
  /** True when the connection closed before the response was complete. */
  aborted?: boolean
}

export interface ActionsCacheEnv {
  ACTIONS_CACHE_SERVICE_V2: string
  ACTIONS_RESULTS_URL: string
  ACTIONS_CACHE_URL: string
  ACTIONS_RUNTIME_TOKEN: string
  GITHUB_SERVER_URL: string
  ACTIONS_CACHE_MODE: string
  RUNNER_TEMP: string
  [name: string]: string
}

export interface ActionsCacheServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string
  /** The accepted ACTIONS_RUNTIME_TOKEN. */
  token: string
  /** Environment variables that point @actions/cache (v2 protocol) at this server. */
  env: ActionsCacheEnv
  stop(): Promise<void>
  entries(): ActionsCacheEntry[]
  /** A copy of the stored archive bytes of an entry. */
  entryData(id: number): Buffer | undefined
  requests(): ActionsCacheRequest[]
  clearRequests(): void
  /** Replaces all faults (`setFaults({})` clears them). */
  setFaults(faults?: ActionsCacheFaults): void
}

export function startActionsCacheServer(
  options?: ActionsCacheServerOptions
): Promise<ActionsCacheServer>

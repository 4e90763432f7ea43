export interface StaticServerRequest {
  method: string
  path: string
  status: number
  time: number
}

export interface StaticServer {
  /** `http://127.0.0.1:PORT` (no trailing slash), usable as a Nix substituter. */
  url: string
  stop(): Promise<void>
  requests(): StaticServerRequest[]
}

/**
 * Serves `dir` (GET/HEAD, regular files only) on 127.0.0.1; with `writable`, PUT writes files
 * under it, so Nix can push to it as an HTTP binary cache.
 */
export function startStaticServer(dir: string, options?: { writable?: boolean }): Promise<StaticServer>

/**
 * `nix path-info --json`, the one parser for both of its forms: an array of objects carrying
 * `path` before Nix 2.19, an object keyed by path from 2.19 on (a path that is not valid maps to
 * null there).
 */
export interface PathInfo {
  path: string
  registrationTime?: number
  deriver?: string
  ultimate?: boolean
  ca?: string
  narSize?: number
  /** `sha256:…` (the form differs between Nix versions; compare only within one store). */
  narHash?: string
}

export function parsePathInfo(json: string): PathInfo[] {
  const data = JSON.parse(json) as unknown
  if (Array.isArray(data)) return (data as PathInfo[]).filter(i => i && typeof i.path === 'string')
  if (data && typeof data === 'object') {
    return Object.entries(data as Record<string, Omit<PathInfo, 'path'> | null>)
      .filter(([, info]) => info)
      .map(([p, info]) => ({ ...(info as object), path: p }))
  }
  return []
}

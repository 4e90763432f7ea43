/**
 * Errors a user can act on. Stages throw a BatchError; the orchestrators (cli, main) turn it into
 * one readable line plus a hint and never print a stack trace for it.
 */
export type BatchErrorKind =
  'usage' | 'overrides' | 'missing-packages' | 'archive' | 'cabal2nix' | 'output' | 'nix' | 'push'

export class BatchError extends Error {
  readonly kind: BatchErrorKind
  readonly hint?: string
  /** Extra lines (one per package, one per location) shown under the headline. */
  readonly details: readonly string[]

  constructor(
    kind: BatchErrorKind,
    message: string,
    options: { hint?: string; details?: readonly string[]; cause?: unknown } = {}
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'BatchError'
    this.kind = kind
    this.hint = options.hint
    this.details = options.details ?? []
  }
}

export function isBatchError(error: unknown): error is BatchError {
  return error instanceof BatchError
}

/** The text a person sees: the headline, indented details, and the hint on its own line. */
export function describeError(error: unknown): string {
  if (!isBatchError(error)) {
    return `error: ${errorMessage(error)}`
  }
  const lines = [`error: ${error.message}`]
  for (const detail of error.details) lines.push(`  ${detail}`)
  if (error.hint) lines.push(`hint: ${error.hint}`)
  return lines.join('\n')
}

/** The message of anything thrown: an Error's message, else its text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

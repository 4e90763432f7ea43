/** Reading what Nix prints: its error lines, without colours, and where they point. */

const TERMINAL_CODES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

/** Nix colours its errors on a terminal; the messages we quote are plain text. */
export function stripTerminalCodes(text: string): string {
  return text.replace(TERMINAL_CODES, '')
}

/** The first `error:` line the build printed that is ours (the CLI's), else Nix's own. */
export function firstBuildError(stderr: string): string {
  const lines = stripTerminalCodes(stderr).split('\n')
  const ours = lines.findIndex(
    l =>
      /^\s*error: /.test(l) &&
      !/builder for|build of|cannot build derivation|dependencies couldn't be built/.test(l)
  )
  if (ours >= 0) {
    const hint = lines.slice(ours + 1).find(l => /^\s*hint: /.test(l))
    return [lines[ours].trim(), hint?.trim()].filter(Boolean).join(' — ')
  }
  return (
    lines.find(l => /error:/.test(l))?.trim() ??
    stderr.trim().split('\n').slice(-1)[0] ??
    'unknown error'
  )
}

/** Nix's first evaluation error, without the `error:` prefix, and the line of `file` it points at. */
export function nixEvaluationError(
  stderr: string,
  file: string
): { message: string; line: number } {
  const clean = stripTerminalCodes(stderr)
  const lines = clean.split('\n')
  const first =
    lines.find(l => /^\s*error:/.test(l)) ?? lines.find(l => l.trim() !== '') ?? 'unknown error'
  const at = new RegExp(`at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):\\d+`).exec(clean)
  return {
    message: first.replace(/^\s*error:\s*/, '').replace(/^some-cabal2nix:\s*/, ''),
    line: at ? Number(at[1]) : 0
  }
}

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

/**
 * Nix's evaluation error, without the `error:` prefix, and the line of `file` it points at.
 *
 * Nix 2.8 prints `error: MESSAGE`, its position, then (with --show-trace) the trace from the
 * innermost frame out. Nix >= 2.19 prints a bare `error:`, the trace from the outermost frame in
 * (`… while …` lines), and only then the real message on an indented `error: MESSAGE` line with
 * its position after it; positions of frames appear only with --show-trace, so callers pass it.
 * Both: the message is the first `error:` line with text, and the position is the first `at
 * FILE:LINE` after it, else the last one before it (the innermost frame in the newer order).
 */
export function nixEvaluationError(
  stderr: string,
  file: string
): { message: string; line: number } {
  const lines = stripTerminalCodes(stderr).split('\n')
  let index = lines.findIndex(l => /^\s*error:\s*\S/.test(l))
  if (index < 0) index = lines.findIndex(l => l.trim() !== '' && !/^\s*error:\s*$/.test(l))
  const message = index >= 0 ? lines[index] : 'unknown error'
  const at = new RegExp(`\\bat ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):\\d+`)
  const lineAt = (l: string) => Number(at.exec(l)?.[1] ?? 0)
  const after = lines
    .slice(Math.max(index, 0))
    .map(lineAt)
    .find(n => n > 0)
  const before = lines
    .slice(0, Math.max(index, 0))
    .map(lineAt)
    .filter(n => n > 0)
    .pop()
  return {
    message: message
      .trim()
      .replace(/^error:\s*/, '')
      .replace(/^some-cabal2nix:\s*/, ''),
    line: after ?? before ?? 0
  }
}

/** GitHub's size limits, and rendering that stays inside them. */

/** GitHub rejects comment bodies over 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536
/** The runner refuses a step summary over 1 MiB; stay well below it. */
export const SUMMARY_MAX_BYTES = 1_000_000

export type SizeUnit = 'chars' | 'bytes'

function sizeOf(text: string, unit: SizeUnit): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length
}

/**
 * Renders with a list limit, halving it until the text fits; as a last resort cuts the text.
 * (String length counts UTF-16 units, never fewer than the characters GitHub counts.)
 */
export function fit(
  render: (limit: number) => string,
  max: number,
  unit: SizeUnit,
  limit: number
): string {
  let text = render(limit)
  while (sizeOf(text, unit) > max && limit > 0) {
    limit = Math.floor(limit / 2)
    text = render(limit)
  }
  if (sizeOf(text, unit) <= max) return text
  const note = '\n\n_(cut to fit GitHub’s size limit)_\n'
  let cut = Math.max(0, max - sizeOf(note, unit) - 8)
  while (cut > 0 && sizeOf(text.slice(0, cut), unit) > max - sizeOf(note, unit)) cut -= 64
  return text.slice(0, Math.max(0, cut)) + note
}

export interface RenderOptions {
  /** Link to the workflow run, shown in the comment's footer. */
  runUrl?: string
  /** The comment id (matrix entry / job), shown in the comment's heading. */
  commentId?: string
  /** Upper bound for the rendered text (characters for comments, UTF-8 bytes for summaries). */
  maxSize?: number
}

// Small numeric helpers for the benchmark: summaries of repeated runs and how they are printed.

/**
 * Median, min and max of repeated measurements (seconds).
 * @param {number[]} values
 * @returns {{ median: number, min: number, max: number, runs: number, values: number[] }}
 */
export function summarize(values) {
  if (values.length === 0) throw new Error('summarize: no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return {
    median: round(median),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
    runs: values.length,
    values: values.map(round)
  }
}

/** @param {number} x */
export function round(x, digits = 4) {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Seconds for a table: 3 significant-ish digits. @param {number} s */
export function fmtS(s) {
  if (s >= 100) return s.toFixed(0)
  if (s >= 10) return s.toFixed(1)
  return s.toFixed(2)
}

/** `1.23 s (1.20–1.31)` @param {{ median: number, min: number, max: number }} m */
export function fmtRun(m) {
  return `${fmtS(m.median)} s (${fmtS(m.min)}–${fmtS(m.max)})`
}

/** A ratio: `1.52×`, `0.38×`, `312×`. @param {number} r */
export function fmtX(r) {
  if (!Number.isFinite(r)) return '–'
  if (r >= 100) return `${r.toFixed(0)}×`
  if (r >= 10) return `${r.toFixed(1)}×`
  return `${r.toFixed(2)}×`
}

/** @param {number} bytes */
export function fmtMB(bytes) {
  return `${(bytes / 1048576).toFixed(1)} MB`
}

/**
 * @actions/core writes `::debug::` commands straight to stdout for the runner to hide (it shows
 * them only with step debug logging on). Tests that call the toolkit in-process (@actions/cache
 * against the loopback server, the Action's stages) would flood jest's output with them, so each
 * test file's `::debug::` lines are dropped here; every other line, warnings included, passes.
 * Tests that run dist/ as a step read the step's stdout themselves (testing/simulated-runner.mjs).
 */
const write = process.stdout.write.bind(process.stdout)

function withoutDebug(chunk: string | Uint8Array): string | Uint8Array {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (!text.includes('::debug::')) return chunk
  return text
    .split(/(?<=\n)/)
    .filter(line => !line.startsWith('::debug::'))
    .join('')
}

beforeAll(() => {
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const kept = withoutDebug(chunk)
    if (kept.length === 0) {
      const callback = rest.find(r => typeof r === 'function') as (() => void) | undefined
      callback?.()
      return true
    }
    return (write as (...args: unknown[]) => boolean)(kept, ...rest)
  }) as typeof process.stdout.write
})

afterAll(() => {
  process.stdout.write = write
})

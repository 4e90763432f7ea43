/**
 * @actions/core writes its log straight to stdout for the runner: `::debug::` and `::add-mask::`
 * commands, `[command]…` echoes and plain info lines (e.g. @actions/cache's "Failed to save: …"
 * when a test makes a reservation collide on purpose). Tests that call the toolkit in-process
 * (@actions/cache against the loopback server, the Action's stages) would fill jest's output with
 * lines that read like problems but are the runner's log of expected behaviour, so each test
 * file's direct stdout writes are dropped here, except `::warning::` and `::error::` commands,
 * which pass. What a test asserts on never depends on this output; console.* goes through jest.
 * Tests that run dist/ as a step read the step's stdout themselves (testing/simulated-runner.mjs).
 */
const write = process.stdout.write.bind(process.stdout)

const SHOWN = /^::(warning|error)[ :]/

export function keptLines(chunk: string | Uint8Array): string {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  return text
    .split(/(?<=\n)/)
    .filter(line => SHOWN.test(line))
    .join('')
}

beforeAll(() => {
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const kept = keptLines(chunk)
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

import type { Phase } from './model.js'

/** Times the named phases of a step, on the monotonic clock, with their epoch start for traces. */
export class PhaseTimer {
  readonly phases: Phase[] = []
  private readonly started = performance.now()
  /** Epoch ms when the timer started. */
  readonly startedAtMs = Date.now()

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await work()
    } finally {
      this.record(name, performance.now() - start, this.epochOf(start))
    }
  }

  /** A phase of `ms` that started at `startMs` (epoch ms; by default it just ended). */
  record(name: string, ms: number, startMs = this.epochOf(performance.now()) - ms): void {
    this.phases.push({ name, ms, startMs })
  }

  /** Epoch ms of a performance.now() reading. */
  epochOf(now: number): number {
    return this.startedAtMs + (now - this.started)
  }

  elapsedMs(): number {
    return performance.now() - this.started
  }
}

/**
 * The sync loop's pause between cycles: `sleep` waits up to its delay, or
 * ends early on `wake()` (a NOTIFY, a stream hint, `synced()`) or abort. A
 * wake that arrives while a cycle runs is kept, so the next sleep returns at
 * once and no change is left waiting for the timer; `reset` at the start of a
 * cycle forgets the wakes that cycle will see anyway.
 */
export class Waker {
  private requested = false
  private resolveSleep: (() => void) | null = null

  constructor(private readonly signal: AbortSignal) {}

  wake(): void {
    this.requested = true
    this.resolveSleep?.()
  }

  reset(): void {
    this.requested = false
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.requested || this.signal.aborted) return resolve()
      const done = () => {
        clearTimeout(timer)
        this.signal.removeEventListener('abort', done)
        this.resolveSleep = null
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, ms))
      this.resolveSleep = done
      this.signal.addEventListener('abort', done, { once: true })
    })
  }
}

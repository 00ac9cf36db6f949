// A write transaction that waits for the write lock without holding the thread: work that runs in
// slices beside other writers (the intelligence worker, another process on the same file) tries
// to begin without SQLite's busy wait, which would block the event loop for up to the
// connection's busy timeout, and tries again after a pause while another connection writes.
import { errorCode } from './error-code.ts'
import type { Store } from './open-store.ts'

/** How long a slice waits for another connection's write before its work fails. */
export const WRITE_PATIENCE_MS = 120_000
/** The pause between tries while another connection holds the write lock. */
const RETRY_MS = 50

const isBusy = (error: unknown): boolean => errorCode(error)?.startsWith('SQLITE_BUSY') === true

/**
 * Runs `fn` in a transaction begun IMMEDIATE once the write lock is free. Only a begin that found
 * the lock taken is tried again: once `fn` has started, whatever it throws is the caller's.
 */
export async function writeWhenFree<T>(
  db: Store,
  fn: () => T,
  patienceMs: number = WRITE_PATIENCE_MS,
): Promise<T> {
  const deadline = Date.now() + patienceMs
  let started = false
  const run = db.transaction(() => {
    started = true
    return fn()
  })
  for (;;) {
    const timeout = db.pragma('busy_timeout', { simple: true }) as number
    db.pragma('busy_timeout = 0')
    try {
      return run.immediate()
    } catch (error) {
      if (started || !isBusy(error) || Date.now() > deadline) throw error
    } finally {
      db.pragma(`busy_timeout = ${timeout}`)
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
  }
}

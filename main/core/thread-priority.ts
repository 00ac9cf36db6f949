// Bulk work on a worker thread of the core (the intelligence recompute, journeys inferred again)
// yields the CPU to the thread that applies live commits and answers the api (issue 14, the
// live path under load: traced beside two busy loops, the recompute's thread took the core's
// CPU while the live pull waited). Only ever lowered, never raised: an unprivileged process
// could not raise it back anyway.
import { getPriority, setPriority } from 'node:os'

/**
 * The nice value of a bulk worker thread: 10 gives it about a tenth of the weight of a thread at
 * the default 0 when both want the CPU, and all of an idle machine.
 */
export const BULK_THREAD_NICE = 10

/**
 * Lowers the calling thread's priority to BULK_THREAD_NICE. Linux only: there `setpriority` on
 * id 0 names the calling thread, while on macOS and Windows it names the whole process, which
 * would lower the core's own thread too. Returns the thread's nice value after, or null where
 * it was left alone.
 */
export function lowerThisThreadPriority(nice: number = BULK_THREAD_NICE): number | null {
  if (process.platform !== 'linux') return null
  try {
    if (getPriority(0) < nice) setPriority(0, nice)
    return getPriority(0)
  } catch {
    // A sandbox that refuses it: the thread runs at its inherited priority, as before.
    return null
  }
}

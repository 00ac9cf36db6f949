// Deterministic kill and pause points in the sync, for the crash tests
// (issue 8: "kills at every step boundary, by a kill-point environment
// variable"). Off unless WATCHFLOOR_STEP_POINT is set; then the n-th arrival
// at the named step kills the process (SIGKILL, as a power cut would) or
// stops it (SIGSTOP) until the test has done something upstream — pruned the
// change log, say — and sends SIGCONT.
//
//   WATCHFLOOR_STEP_POINT=kill:pull-applied:3   killed after the third page
//   WATCHFLOOR_STEP_POINT=stop:pull-read:2      paused with a page read, unapplied
import { writeSync } from 'node:fs'

/** The sync's steps, in the order a first sync meets them. */
export const SYNC_STEPS = [
  /** A table's snapshot is recorded (horizon; indexes dropped on an empty table). */
  'snapshot-begun',
  /** A chunk of the copy committed. */
  'snapshot-chunk',
  /** The copy's last chunk committed (phase follow), indexes not yet rebuilt. */
  'snapshot-copied',
  /** The indexes dropped for the load are rebuilt. */
  'indexes-rebuilt',
  /** A page of the change log is read, not yet applied. */
  'pull-read',
  /** A page's rows and the cursor past it committed. */
  'pull-applied',
  /** A whole cycle ended (every table at one horizon). */
  'cycle-done',
] as const
export type SyncStep = (typeof SYNC_STEPS)[number]

export const STEP_POINT_ENV = 'WATCHFLOOR_STEP_POINT'

interface Plan {
  readonly action: 'kill' | 'stop'
  readonly step: SyncStep
  readonly nth: number
}

/** Parses `kill|stop:<step>[:<n>]`; throws a sentence on anything else. */
export function parseStepPoint(text: string): Plan {
  const [action, step, nth = '1', ...rest] = text.split(':')
  const n = Number(nth)
  if (
    (action !== 'kill' && action !== 'stop') ||
    !SYNC_STEPS.includes(step as SyncStep) ||
    !Number.isInteger(n) ||
    n < 1 ||
    rest.length > 0
  ) {
    throw new Error(
      `${STEP_POINT_ENV}="${text}" is not kill|stop:<step>[:<n>] with a step of ${SYNC_STEPS.join(', ')}`,
    )
  }
  return { action, step: step as SyncStep, nth: n }
}

let plan: Plan | null | undefined
const arrivals = new Map<SyncStep, number>()

/** Marks arrival at `step`; acts when the environment asks for it here. */
export function stepPoint(step: SyncStep): void {
  if (plan === undefined) {
    const text = process.env[STEP_POINT_ENV]
    plan = text ? parseStepPoint(text) : null
  }
  if (plan === null || plan.step !== step) return
  const n = (arrivals.get(step) ?? 0) + 1
  arrivals.set(step, n)
  if (n !== plan.nth) return
  // Written synchronously: the test reads this line to know where we stopped.
  writeSync(2, `watchfloor: step point ${plan.action} at ${step} #${n}\n`)
  process.kill(process.pid, plan.action === 'kill' ? 'SIGKILL' : 'SIGSTOP')
}

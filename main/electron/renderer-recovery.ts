// What the shell does when a window's page dies (`render-process-gone`) or stops answering
// (`unresponsive`): reload it, a bounded number of times (issue 15). A wall screen has nobody
// to press a button, so a wall window keeps trying after the budget at the budget's pace; a
// desk window stops and lets the person choose. Pure, with an injected clock
// (tests/unit/electron-renderer-recovery.test.ts).

/** Reloads allowed within RELOAD_WINDOW_MS before a desk window gives up. */
export const MAX_RELOADS = 3
export const RELOAD_WINDOW_MS = 5 * 60_000
/** The wait before the first, second, third reload within the window. */
export const RELOAD_DELAYS_MS = [0, 2_000, 10_000] as const

export type RecoveryPlan =
  { readonly action: 'reload'; readonly delayMs: number } | { readonly action: 'give-up' }

/** `render-process-gone` reasons that are the app closing, not the page failing. */
const NOT_A_FAILURE: ReadonlySet<string> = new Set(['clean-exit'])

export class RendererRecovery {
  private readonly reloads: number[] = []

  constructor(
    /** A wall window never gives up: past the budget it waits for the oldest reload to age out. */
    private readonly persistent: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** What to do about a failure (`reason`: render-process-gone's, or `unresponsive`). */
  plan(reason: string): RecoveryPlan | null {
    if (NOT_A_FAILURE.has(reason)) return null
    const now = this.now()
    while (this.reloads.length > 0 && now - (this.reloads[0] ?? now) >= RELOAD_WINDOW_MS)
      this.reloads.shift()
    if (this.reloads.length < MAX_RELOADS) {
      const delayMs = RELOAD_DELAYS_MS[this.reloads.length] ?? RELOAD_DELAYS_MS.at(-1) ?? 0
      this.reloads.push(now + delayMs)
      return { action: 'reload', delayMs }
    }
    if (!this.persistent) return { action: 'give-up' }
    const oldest = this.reloads.shift() ?? now
    const delayMs = Math.max(0, oldest + RELOAD_WINDOW_MS - now)
    this.reloads.push(now + delayMs)
    return { action: 'reload', delayMs }
  }

  /** Reloads counted in the current window. */
  get recent(): number {
    return this.reloads.length
  }
}

/**
 * How long an `unresponsive` page is given to answer again before its renderer is ended and
 * reloaded: a large chart drawn on a loaded machine can hold the page's thread for seconds.
 */
export const UNRESPONSIVE_GRACE_MS = 15_000

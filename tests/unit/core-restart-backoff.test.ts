// The restart backoff of a core that dies (main/core/spawn-core.ts), the one policy for the
// browser host, the CLI and the Electron app's utility process: doubling, capped, jittered in
// its upper half, and carried over when the core it brought back dies again soon.
import { describe, expect, it } from 'vitest'
import {
  CORE_RESTART_FIRST_MS,
  CORE_RESTART_MAX_MS,
  CORE_STABLE_MS,
  coreRestartDelayMs,
  firstRestartAttempt,
} from '../../main/core/spawn-core.ts'

describe('the core restart backoff', () => {
  it('doubles from the first wait up to the cap', () => {
    const top = Array.from({ length: 10 }, (_, attempt) => coreRestartDelayMs(attempt, 1))
    expect(top.slice(0, 4)).toEqual([250, 500, 1000, 2000])
    expect(top.at(-1)).toBe(CORE_RESTART_MAX_MS)
    for (let i = 1; i < top.length; i += 1) expect(top[i]).toBeGreaterThanOrEqual(top[i - 1]!)
    expect(coreRestartDelayMs(10_000, 1)).toBe(CORE_RESTART_MAX_MS)
  })

  it('is jittered within the upper half of each step, whatever random gives', () => {
    expect(coreRestartDelayMs(0, 0)).toBe(CORE_RESTART_FIRST_MS / 2)
    expect(coreRestartDelayMs(0, 0.5)).toBe(CORE_RESTART_FIRST_MS * 0.75)
    for (const random of [-1, Number.NaN, 2, Infinity]) {
      const delay = coreRestartDelayMs(3, random)
      expect(Number.isFinite(delay) ? delay : -1).toBeGreaterThanOrEqual(1000)
      expect(delay).toBeLessThanOrEqual(2000)
    }
    expect(coreRestartDelayMs(-5, 1)).toBe(CORE_RESTART_FIRST_MS)
  })

  it('carries the backoff over for a core that dies again soon, and forgets it after a stable run', () => {
    expect(firstRestartAttempt(0, 0)).toBe(0)
    expect(firstRestartAttempt(3, 1_000)).toBe(3)
    expect(firstRestartAttempt(3, CORE_STABLE_MS - 1)).toBe(3)
    expect(firstRestartAttempt(3, CORE_STABLE_MS)).toBe(0)
  })
})

// Evaluations started by sync commits take at most MAX_EVALUATION_SHARE of the core's thread
// (issue 14, the live path under load): after a slow evaluation the next waits longer than
// MIN_EVALUATION_GAP_MS. The evaluation's duration comes from an injected monotonic clock and
// the gap's timer is faked, so nothing here depends on the machine's speed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  MAX_EVALUATION_SHARE,
  createAlertEngine,
  type AlertEngine,
} from '../../main/alerts/engine.ts'
import { enabledRules } from '../../main/alerts/rules-store.ts'
import { END_AT, alertCache, insertRule, type AlertCache } from '../support/alert-fixture.ts'

const MIN = 60_000
const MIN_GAP = 50
let cache: AlertCache
let engine: AlertEngine | undefined

beforeEach(() => {
  cache = alertCache('watchfloor-alert-share-', 500, 10)
  insertRule(cache.db, { name: 'Busy', metric: 'leads', comparator: '>', warning: 1 })
})
afterEach(() => {
  engine?.stop()
  engine = undefined
  vi.useRealTimers()
  cache.cleanup()
})

/** An engine whose evaluations each take `took()` ms on its monotonic clock. */
function engineTaking(took: () => number): { engine: AlertEngine; evaluations: () => number } {
  let now = 0
  let evaluations = 0
  const e = createAlertEngine({
    db: cache.db,
    clock: () => new Date(END_AT + 5 * MIN),
    sources: () => [],
    intervalMs: 0,
    minGapMs: MIN_GAP,
    monotonic: () => now,
    rules: (db) => {
      evaluations++
      now += took()
      return enabledRules(db)
    },
  })
  engine = e
  return { engine: e, evaluations: () => evaluations }
}

describe('alert evaluations started by sync commits', () => {
  it('after a slow evaluation wait long enough to keep to their share of the thread', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] })
    const slow = 400
    const gap = (slow * (1 - MAX_EVALUATION_SHARE)) / MAX_EVALUATION_SHARE
    expect(gap).toBeGreaterThan(MIN_GAP)
    const { engine: e, evaluations } = engineTaking(() => slow)
    e.dataChanged(['leads'])
    vi.advanceTimersByTime(0)
    expect(evaluations()).toBe(1)
    // A burst right after it waits the share's gap, not the minimum one.
    for (let i = 0; i < 10; i++) e.dataChanged(['leads'])
    vi.advanceTimersByTime(gap - 1)
    expect(evaluations()).toBe(1)
    vi.advanceTimersByTime(1)
    expect(evaluations()).toBe(2)
  })

  it('after a quick evaluation wait only the minimum gap', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] })
    const { engine: e, evaluations } = engineTaking(() => 1)
    e.dataChanged(['leads'])
    vi.advanceTimersByTime(0)
    expect(evaluations()).toBe(1)
    e.dataChanged(['leads'])
    vi.advanceTimersByTime(MIN_GAP - 2)
    expect(evaluations()).toBe(1)
    vi.advanceTimersByTime(1)
    expect(evaluations()).toBe(2)
  })
})

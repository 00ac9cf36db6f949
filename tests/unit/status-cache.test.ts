// The host's short-lived app.status answer (main/host/status-cache.ts), with
// a clock the test moves and a core stand-in that counts what reaches it.
import { describe, expect, it } from 'vitest'
import type { ApiResult } from '../../shared/api/index.ts'
import { createStatusCache } from '../../main/host/status-cache.ts'

function setup() {
  let t = 0
  const asked: unknown[] = []
  let answer: ApiResult<unknown> = { ok: true, value: { leadCount: 1 } }
  let release: (() => void) | null = null
  let hold = false
  const core = (method: unknown, _input: unknown) => {
    asked.push(method)
    const result = answer
    if (!hold) return Promise.resolve(result)
    return new Promise<ApiResult<unknown>>((resolve) => (release = () => resolve(result)))
  }
  const cache = createStatusCache(core, { now: () => t, maxAgeMs: 1_000, maxStaleMs: 10_000 })
  return {
    cache,
    asked,
    at: (ms: number) => (t = ms),
    answer: (a: ApiResult<unknown>) => (answer = a),
    holding: (h: boolean) => (hold = h),
    release: () => release?.(),
  }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('the host’s status answer', () => {
  it('gives a recent answer without asking the core, then refreshes it once while giving it', async () => {
    const s = setup()
    expect(s.cache.lookup('app.status', {})).toBeUndefined()
    expect(await s.cache.invoke('app.status', {})).toEqual({ ok: true, value: { leadCount: 1 } })
    s.at(999)
    expect(s.cache.lookup('app.status', {})).toEqual({ ok: true, value: { leadCount: 1 } })
    expect(s.asked).toHaveLength(1)
    // Older than a second: still given, and one refresh goes to the core for everyone.
    s.answer({ ok: true, value: { leadCount: 2 } })
    s.holding(true)
    s.at(1_500)
    for (let i = 0; i < 5; i++)
      expect(s.cache.lookup('app.status', {})).toEqual({ ok: true, value: { leadCount: 1 } })
    expect(s.asked).toHaveLength(2)
    s.release()
    await tick()
    expect(s.cache.lookup('app.status', {})).toEqual({ ok: true, value: { leadCount: 2 } })
    // Too old to give: the caller asks the core.
    s.at(20_000)
    expect(s.cache.lookup('app.status', {})).toBeUndefined()
  })

  it('forgets the answer when the cache changed, even one that was on its way', async () => {
    const s = setup()
    await s.cache.invoke('app.status', {})
    s.cache.invalidate()
    expect(s.cache.lookup('app.status', {})).toBeUndefined()
    s.holding(true)
    const call = s.cache.invoke('app.status', {})
    s.cache.invalidate()
    s.release()
    await call
    expect(s.cache.lookup('app.status', {})).toBeUndefined()
  })

  it('keeps only plain, successful status answers', async () => {
    const s = setup()
    await s.cache.invoke('app.status', { extra: 1 })
    await s.cache.invoke('kpis.dashboard', {})
    expect(s.cache.lookup('app.status', {})).toBeUndefined()
    expect(s.cache.lookup('app.status', { extra: 1 })).toBeUndefined()
    expect(s.cache.lookup('kpis.dashboard', {})).toBeUndefined()
    s.answer({ ok: false, error: { code: 'unavailable', message: 'restarting' } })
    await s.cache.invoke('app.status', {})
    expect(s.cache.lookup('app.status', {})).toBeUndefined()
    expect(s.cache.lookup('app.status', [])).toBeUndefined()
  })
})

// Fair admission of page calls into the core (main/host/call-scheduler.ts),
// with a core stand-in whose answers the test releases one by one.
import { describe, expect, it } from 'vitest'
import type { ApiResult } from '../../shared/api/index.ts'
import { CallScheduler } from '../../main/host/call-scheduler.ts'

/** A core that holds every call until the test answers it, and records the order it saw. */
function heldCore() {
  const seen: string[] = []
  const held: (() => void)[] = []
  const invoke = (method: unknown) =>
    new Promise<ApiResult<unknown>>((resolve) => {
      seen.push(String(method))
      held.push(() => resolve({ ok: true, value: method }))
    })
  const answerOne = async () => {
    held.shift()?.()
    await new Promise((r) => setImmediate(r))
  }
  return { seen, held, invoke, answerOne }
}

describe('the call scheduler', () => {
  it('lets no connection hold more than its share of the core, and serves connections in turn', async () => {
    const core = heldCore()
    const s = new CallScheduler(core.invoke, { perConnection: 2, total: 3 })
    const flood = s.connection()
    const poller = s.connection()
    const flooded = Array.from({ length: 100 }, (_, i) => flood.call(`f${i}`, {}))
    // The flood has its two places; the third is free for anyone else.
    expect(core.seen).toEqual(['f0', 'f1'])
    const polled = ['p0', 'p1', 'p2', 'p3'].map((m) => poller.call(m, {}))
    expect(core.seen).toEqual(['f0', 'f1', 'p0'])
    expect(flood.waiting).toBe(98)
    // Each answer frees one place, which goes to the connections in turn.
    for (let i = 0; i < 6; i++) await core.answerOne()
    expect(core.seen.slice(3)).toEqual(['f2', 'p1', 'f3', 'p2', 'f4', 'p3'])
    while (core.held.length > 0) await core.answerOne()
    expect((await Promise.all(polled)).map((r) => r.ok)).toEqual([true, true, true, true])
    expect((await Promise.all(flooded)).every((r) => r.ok)).toBe(true)
  })

  it('drops the waiting calls of a closed connection before they reach the core', async () => {
    const core = heldCore()
    const s = new CallScheduler(core.invoke, { perConnection: 1, total: 1 })
    const a = s.connection()
    const first = a.call('a0', {})
    const rest = [a.call('a1', {}), a.call('a2', {})]
    a.close()
    for (const r of await Promise.all(rest)) {
      expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    }
    await core.answerOne()
    expect(await first).toEqual({ ok: true, value: 'a0' })
    const b = s.connection()
    const other = b.call('b0', {})
    await core.answerOne()
    expect(await other).toEqual({ ok: true, value: 'b0' })
    expect(core.seen).toEqual(['a0', 'b0'])
  })

  it('refuses calls past the queue limit at once, with a sentence', async () => {
    const core = heldCore()
    const s = new CallScheduler(core.invoke, { perConnection: 1, total: 1, maxQueued: 2 })
    const c = s.connection()
    void c.call('x0', {})
    void c.call('x1', {})
    void c.call('x2', {})
    const refused = await c.call('x3', {})
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(refused.ok ? '' : refused.error.message).toMatch(/more than 2 calls are waiting/)
  })

  it('settles a call whose core rejects as unavailable, and keeps admitting', async () => {
    let n = 0
    const s = new CallScheduler(
      () =>
        n++ === 0 ? Promise.reject(new Error('gone')) : Promise.resolve({ ok: true, value: n }),
      { total: 1 },
    )
    const c = s.connection()
    const [a, b] = await Promise.all([c.call('m', {}), c.call('m', {})])
    expect(a).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(b).toEqual({ ok: true, value: 2 })
  })
})

// The core's and host's side of honest status and admin rights: a source's
// last good sync, the demo source as generated data, the host's kept status
// answer dropped while the core is unreachable, and which peers are the machine's own (who may
// call what is tests/unit/roles.test.ts).
import { describe, expect, it } from 'vitest'
import { type ApiResult } from '../../shared/api/index.ts'
import { isLoopbackAddress } from '../../main/host/access.ts'
import { createStatusCache } from '../../main/host/status-cache.ts'
import { createSourceStateReporter } from '../../main/sync/source-state.ts'

describe('a source’s last good sync', () => {
  it('is now while live, the moment it stopped being live after, and null if never', () => {
    let t = Date.parse('2026-11-01T12:00:00Z')
    const r = createSourceStateReporter('Redis', undefined, () => t)
    expect(r.status().lastGoodSyncAt).toBeNull()
    r.set({ state: 'live' })
    t += 60_000
    expect(r.status().lastGoodSyncAt).toBe('2026-11-01T12:01:00.000Z')
    t += 60_000
    r.set({ state: 'offline', nextRetryAt: new Date(t + 5_000), message: 'refused' })
    t += 10 * 60_000
    expect(r.status()).toMatchObject({
      state: 'offline',
      message: 'refused',
      lastGoodSyncAt: '2026-11-01T12:02:00.000Z',
    })
  })
})

describe('the host’s kept status answer', () => {
  it('is dropped when the core cannot answer, so pages hear it is unreachable', async () => {
    let t = 0
    let answer: ApiResult<unknown> = { ok: true, value: { leadCount: 1 } }
    const cache = createStatusCache(() => Promise.resolve(answer), {
      now: () => t,
      maxAgeMs: 1_000,
      maxStaleMs: 10_000,
    })
    await cache.invoke('app.status', {})
    answer = { ok: false, error: { code: 'unavailable', message: 'the core is restarting' } }
    t = 2_000
    // Stale: still given once while one refresh goes to the core, which fails.
    expect(cache.lookup('app.status', {})).toMatchObject({ ok: true })
    await new Promise((r) => setImmediate(r))
    expect(cache.lookup('app.status', {})).toBeUndefined()
    expect(await cache.invoke('app.status', {})).toMatchObject({ error: { code: 'unavailable' } })
  })
})

describe('admin calls', () => {
  it('are the machine’s own: loopback peers only', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(a), a).toBe(true)
    for (const a of ['192.0.2.2', '::ffff:10.0.0.5', 'fd00::2', '0.0.0.0', undefined])
      expect(isLoopbackAddress(a), String(a)).toBe(false)
  })
})

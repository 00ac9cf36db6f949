// Live updates as the page keeps them (renderer/src/api/client.ts): a sync's
// data.changed moves only the dashboards it names; paused, changes are held
// and counted, and resume applies them; refresh asks everything again. And
// alert toasts (renderer/src/lib/alert-toasts.ts): a burst is one toast.
import { describe, expect, it } from 'vitest'
import type { UpstreamAlert } from '../../../shared/api/index.ts'
import { initialLive, liveStep, type LiveState } from '../../../renderer/src/api/client.ts'
import { BURST_MS, withNewAlerts } from '../../../renderer/src/lib/alert-toasts.ts'

const run = (...actions: Parameters<typeof liveStep>[1][]): LiveState =>
  actions.reduce(liveStep, initialLive)

describe('live updates', () => {
  it('counts a change only for the dashboards it names', () => {
    const s = run({ kind: 'changed', touched: ['leadResponse', 'trends'] })
    expect(s.changes.any).toBe(1)
    expect(s.changes.by).toMatchObject({ leadResponse: 1, trends: 1, marketing: 0, activity: 0 })
    // A change naming no dashboard moves nothing.
    expect(liveStep(s, { kind: 'changed', touched: [] })).toBe(s)
  })

  it('holds changes while paused, counts them, and applies them all on resume', () => {
    const paused = run(
      { kind: 'changed', touched: ['funnel'] },
      { kind: 'pause' },
      { kind: 'changed', touched: ['funnel'] },
      { kind: 'changed', touched: ['activity'] },
    )
    expect(paused.paused).toBe(true)
    expect(paused.changes.by.funnel).toBe(1)
    expect(paused.changes.by.activity).toBe(0)
    expect(paused.held.any).toBe(2)
    const resumed = liveStep(paused, { kind: 'resume' })
    expect(resumed).toMatchObject({ paused: false, held: { any: 0 } })
    expect(resumed.changes.any).toBe(3)
    expect(resumed.changes.by).toMatchObject({ funnel: 2, activity: 1 })
    // Resuming with nothing held refetches nothing.
    const quiet = run({ kind: 'pause' }, { kind: 'resume' })
    expect(quiet.changes).toBe(initialLive.changes)
  })

  it('refresh asks everything again, and nothing held still waits', () => {
    const s = run({ kind: 'pause' }, { kind: 'changed', touched: ['markets'] }, { kind: 'refresh' })
    expect(s.generation).toBe(1)
    expect(s.held.any).toBe(0)
    expect(s.paused).toBe(true)
  })
})

const alert = (id: string, severity: UpstreamAlert['severity'] = 'info'): UpstreamAlert => ({
  id,
  kind: 'lead_flow',
  severity,
  message: id,
  value: null,
  at: '2026-11-01T12:00:00.000Z',
  origin: 'pubsub',
})

describe('alert toasts', () => {
  it('groups alerts arriving together into one toast, and starts a new one after the burst', () => {
    let toasts = withNewAlerts([], [alert('a')], 1_000)
    toasts = withNewAlerts(toasts, [alert('c'), alert('b', 'critical')], 2_000)
    expect(toasts).toHaveLength(1)
    expect(toasts[0]?.alerts.map((a) => a.id)).toEqual(['c', 'b', 'a'])
    toasts = withNewAlerts(toasts, [alert('d')], 1_000 + BURST_MS)
    expect(toasts.map((t) => t.alerts.length)).toEqual([3, 1])
    expect(withNewAlerts(toasts, [], 9_999)).toEqual(toasts)
  })
})

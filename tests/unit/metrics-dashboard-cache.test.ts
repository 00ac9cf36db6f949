// The kept dashboard answers (main/metrics/dashboard-cache.ts): the same answer as computing it,
// reused only while the file is unchanged and the clock's minute is the same; health never kept.
import { describe, expect, it } from 'vitest'
import { dashboard } from '../../main/metrics/dashboard.ts'
import { DASHBOARD_CACHE_ENTRIES, cachedDashboard } from '../../main/metrics/dashboard-cache.ts'
import { rebuildRollups } from '../../main/metrics/rollups.ts'
import type { DashboardRequest } from '../../main/metrics/dashboard.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const T0 = Date.parse('2026-03-01T12:00:00Z')
const clock = () => new Date('2026-03-20T12:00:00Z')

function filledStore(): Store {
  const db = openStore(':memory:')
  insertLeads(
    db,
    Array.from({ length: 300 }, (_, i) =>
      lead({ id: i + 1, created_at: T0 + i * 3_600_000, source: i % 2 ? 'Yelp' : 'Nextdoor' }),
    ),
  )
  rebuildRollups(db, { timeZone: 'America/Detroit' })
  return db
}

const request = (from: string, source?: string): DashboardRequest => ({
  filters: {
    range: { preset: 'custom', from, to: '2026-03-20', timeZone: 'Europe/London' },
    ...(source === undefined ? {} : { source: [source] }),
  },
  dashboards: ['leadResponse', 'trends', 'conversion'],
  maxPoints: 200,
  activityLimit: 10,
})

const withoutTime = ({ computeMs: _, ...rest }: { computeMs: number }) => rest

describe('kept dashboard answers', () => {
  it('equal a fresh computation, and a second identical request gets the kept answer', () => {
    const db = filledStore()
    const first = cachedDashboard(db, request('2026-03-01'), clock)
    expect(withoutTime(first)).toEqual(withoutTime(dashboard(db, request('2026-03-01'), clock)))
    expect(cachedDashboard(db, request('2026-03-01'), clock)).toBe(first)
    const other = cachedDashboard(db, request('2026-03-01', 'Yelp'), clock)
    expect(other).not.toBe(first)
    expect(other.leadResponse?.leads).toBe(150)
  })

  it('are dropped when the file changes', () => {
    const db = filledStore()
    const before = cachedDashboard(db, request('2026-03-01'), clock)
    insertLeads(db, [lead({ id: 10_000, created_at: T0 + 3_600_000, source: 'Yelp' })])
    const after = cachedDashboard(db, request('2026-03-01'), clock)
    expect(after).not.toBe(before)
    expect(withoutTime(after)).toEqual(withoutTime(dashboard(db, request('2026-03-01'), clock)))
  })

  it('are not reused in another minute of the clock', () => {
    const db = filledStore()
    const first = cachedDashboard(db, request('2026-03-01'), clock)
    const later = () => new Date(clock().getTime() + 60_000)
    expect(cachedDashboard(db, request('2026-03-01'), later)).not.toBe(first)
  })

  it('never keep health, and keep a bounded number of answers', () => {
    const db = filledStore()
    const health: DashboardRequest = { ...request('2026-03-01'), dashboards: ['health'] }
    expect(cachedDashboard(db, health, clock)).not.toBe(cachedDashboard(db, health, clock))
    const first = cachedDashboard(db, request('2026-03-01'), clock)
    for (let day = 1; day <= DASHBOARD_CACHE_ENTRIES + 1; day += 1) {
      cachedDashboard(db, request(`2026-02-${String(day).padStart(2, '0')}`), clock)
    }
    expect(cachedDashboard(db, request('2026-03-01'), clock)).not.toBe(first)
  })
})

// The filtered scatter of segments (issue 16, lead-segments.ts) on a real cache of demo leads:
// under a filter it holds at most the points asked for, exactly the matching leads of lowest
// seeded rank (a uniform sample the same for the same data), whether read through the partial
// rank index (a filter keeping many leads) or in creation order (few); and the filtered counts
// add up to the leads matching the filter, read from the leads table.
import { describe, expect, it, vi } from 'vitest'
import { recompute } from '../../main/intelligence/compute.ts'
import { RANK_INDEXED, leadRank } from '../../main/intelligence/lead-segments.ts'
import { INTEL_SEED } from '../../main/intelligence/compute.ts'
import { segmentsResult } from '../../main/intelligence/read.ts'
import leadSegmentsSql from '../../main/store/migrations/017-lead-segments.ts'
import type { Filters } from '../../shared/api/index.ts'
import { NOW, useDemoCache } from '../support/export-cache.ts'

// Filling 20,000 leads and recomputing take seconds on a quiet machine and many times that on a
// loaded one: a generous deadline, never one on speed.
vi.setConfig({ hookTimeout: 180_000, testTimeout: 180_000 })

const cache = useDemoCache('watchfloor-intel-lead-segments-', {
  seed: 17,
  leads: 20_000,
  days: 400,
})

const ZONE = 'Asia/Kathmandu' // UTC+5:45: local days are not UTC days
const WIDE: Filters['range'] = {
  preset: 'custom',
  from: '2024-01-01',
  to: '2026-12-31',
  timeZone: ZONE,
}

/** The leads matching `filters` read from the leads table, by SQL written here. */
function matching(filters: Filters): { id: number; created_at: number }[] {
  const { from, to } = filters.range as { from: string; to: string }
  const start = Date.parse(`${from}T00:00:00Z`) - 5.75 * 3_600_000
  const end = Date.parse(`${to}T00:00:00Z`) + 86_400_000 - 5.75 * 3_600_000
  let sql =
    'SELECT id, created_at FROM leads WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?'
  const params: unknown[] = [start, end]
  for (const field of ['source', 'segment', 'city', 'temperature', 'status', 'owner'] as const) {
    const list = filters[field]
    if (!list || list.length === 0) continue
    sql += ` AND ${field} IN (${list.map(() => '?').join(', ')})`
    params.push(...list)
  }
  return cache.db.prepare(sql).all(...params) as { id: number; created_at: number }[]
}

describe('segments under filters', () => {
  it('the partial rank index is the one the code reads below', () => {
    expect(leadSegmentsSql).toContain(`WHERE rank < ${RANK_INDEXED};`)
  })

  const cases: [string, Filters, number][] = [
    ['every lead, few points (through the rank index)', { range: WIDE }, 100],
    ['every lead, many points (in creation order)', { range: WIDE }, 5_000],
    [
      'a season, two sources, open statuses',
      {
        range: { preset: 'custom', from: '2026-03-01', to: '2026-08-31', timeZone: ZONE },
        source: ['Google LSA', 'Facebook Ads'],
        status: ['new', 'contacted', 'qualified', 'proposal'],
      },
      100,
    ],
    [
      'a month, hot',
      {
        range: { preset: 'custom', from: '2026-07-01', to: '2026-07-31', timeZone: ZONE },
        temperature: ['hot'],
      },
      2_000,
    ],
  ]
  for (const [name, filters, maxPoints] of cases) {
    it(`draws the matching leads of lowest rank, at most the points asked: ${name}`, () => {
      recompute(cache.db, { now: () => NOW.getTime() })
      const answer = segmentsResult(cache.db, maxPoints, filters, NOW)
      expect(answer.availability).toBe('ready')
      const leads = matching(filters)
      expect(leads.length).toBeGreaterThan(50)
      expect(answer.pointsTotal).toBe(leads.length)
      expect(answer.segments.reduce((s, x) => s + x.size, 0)).toBe(leads.length)
      const want = leads
        .map((l) => ({ id: l.id, rank: leadRank(l.id, INTEL_SEED) }))
        .sort((a, b) => a.rank - b.rank || a.id - b.id)
        .slice(0, maxPoints)
        .map((l) => l.id)
      expect(answer.points.map((p) => p.leadId)).toEqual(want)
      expect(answer.points.length).toBe(Math.min(maxPoints, leads.length))
    })
  }
})

// A range in another zone than the rollups' is read from the rollups' whole days inside it and
// raw rows at its two edges (aggregate.ts, zoneCut): the same sums as the raw rows alone, for
// zones ahead of and behind the rollups', across both DST changes, with and without filters.
import { describe, expect, it } from 'vitest'
import { createScope, cube, zoneCut } from '../../main/metrics/aggregate.ts'
import { rebuildRollups } from '../../main/metrics/rollups.ts'
import { rangeBounds } from '../../main/metrics/time-range.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import type { DateRange, Filters } from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const HOUR = 3_600_000
const T0 = Date.parse('2026-02-20T00:00:00Z')
const ZONES = ['UTC', 'Europe/London', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Los_Angeles']
const RANGES: readonly [string, string][] = [
  ['2026-03-01', '2026-04-10'], // both DST changes (US March 8, UK March 29), a month inside
  ['2026-03-08', '2026-03-08'], // one day: the rollups' days around it cover it only in part
  ['2026-02-20', '2026-05-31'], // the whole data and beyond
  ['2025-01-01', '2025-01-31'], // no lead at all
]

/** About 2,400 leads, one every ~37 minutes, won ones closing up to nine days later. */
function filledStore(): Store {
  const db = openStore(':memory:')
  const sources = ['Google LSA', 'Nextdoor', 'Yelp']
  const rows = Array.from({ length: 2400 }, (_, i) => {
    const created = T0 + i * 37 * 60_000 + (i % 7) * 97_000
    const won = i % 4 === 0
    return lead({
      id: i + 1,
      created_at: created,
      first_response_at: i % 9 === 0 ? null : created + ((i * 7919) % 900) * 1000,
      source: sources[i % 3] ?? 'Yelp',
      city: i % 2 ? 'Troy' : 'Ferndale',
      segment: i % 5 ? 'standard' : 'professional',
      temperature: (['hot', 'warm', 'cold'] as const)[i % 3] ?? 'hot',
      status: won ? 'won' : i % 3 ? 'contacted' : 'new',
      owner: i % 2 ? 'A' : 'B',
      converted_at: won ? created + (i % 10) * 22 * HOUR : null,
      deal_value_cents: won ? 100_000 + i : null,
    })
  })
  insertLeads(db, rows)
  rebuildRollups(db, { timeZone: 'America/Detroit' })
  return db
}

const sorted = (rows: ReturnType<typeof cube>) =>
  [...rows]
    .filter((r) => Object.values(r.m).some((v) => v !== 0))
    .map((r) => JSON.stringify(r))
    .sort()

describe('a range in another zone than the rollups', () => {
  const db = filledStore()

  it('is cut into the rollups’ whole days and edges that cover it exactly, each edge under a day', () => {
    for (const timeZone of ZONES) {
      for (const [from, to] of RANGES) {
        const range: DateRange = { from, to, timeZone }
        const cut = zoneCut(createScope(db, { range: { preset: 'custom', ...range } }), range)
        if (cut === null) throw new Error('no cut for another zone')
        const { start, end } = rangeBounds(range)
        const pieces = [...cut.edges, ...(cut.inner ? [rangeBounds(cut.inner)] : [])].sort(
          (a, b) => a.start - b.start,
        )
        expect(pieces[0]?.start).toBe(start)
        expect(pieces.at(-1)?.end).toBe(end)
        for (let i = 1; i < pieces.length; i += 1) {
          expect(pieces[i]?.start).toBe(pieces[i - 1]?.end)
        }
        for (const edge of cut.edges) {
          if (cut.inner) expect(edge.end - edge.start).toBeLessThan(26 * HOUR)
        }
        if (to > from) expect(cut.inner?.timeZone).toBe('America/Detroit')
      }
    }
  })

  it('sums to the raw rows for every zone, range, basis and filter', () => {
    const dimensionFilters: Omit<Filters, 'range'>[] = [
      {},
      { source: ['Nextdoor'] },
      { temperature: ['hot', 'cold'], segment: ['standard'] },
    ]
    for (const timeZone of ZONES) {
      for (const [from, to] of RANGES) {
        for (const dims of dimensionFilters) {
          const range: DateRange = { from, to, timeZone }
          const filters: Filters = { range: { preset: 'custom', ...range }, ...dims }
          for (const basis of ['created', 'converted'] as const) {
            const fast = cube(createScope(db, filters), basis, range)
            const raw = cube(createScope(db, filters, { raw: true }), basis, range)
            expect(sorted(fast), `${timeZone} ${from}..${to} ${basis}`).toEqual(sorted(raw))
          }
        }
      }
    }
  })

  it('is not cut in the rollups’ own zone, nor with a filter the rollups lack (owner)', () => {
    const range: DateRange = { from: '2026-03-01', to: '2026-03-31', timeZone: 'America/Detroit' }
    expect(zoneCut(createScope(db, { range: { preset: 'custom', ...range } }), range)).toBeNull()
    const london = { ...range, timeZone: 'Europe/London' }
    const owner: Filters = { range: { preset: 'custom', ...london }, owner: ['A'] }
    expect(zoneCut(createScope(db, owner), london)).toBeNull()
  })
})

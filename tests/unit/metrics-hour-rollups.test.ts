// A viewer in another zone than the rollups' (rollups by Detroit days) has its per-day and
// per-hour series, and so its hour-of-week heat map, summed from the UTC quarter hour rollups
// (aggregate.ts quarterSums; the UTC hour rollups before issue 14): the same sums as the raw
// rows, for zones ahead of and behind the rollups', across both DST changes, with and without a
// source filter, a zone whose offset is not whole hours (Asia/Kolkata) included. Kept equal
// through incremental upkeep as well as a rebuild.
import { describe, expect, it } from 'vitest'
import { createScope, series } from '../../main/metrics/aggregate.ts'
import { trendsKpi } from '../../main/metrics/catalog.ts'
import { applyLeadChange, rebuildRollups } from '../../main/metrics/rollups.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import type { DateRange, Filters } from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const HOUR = 3_600_000
const T0 = Date.parse('2026-02-20T00:00:00Z')
const ZONES = [
  'UTC',
  'Europe/London',
  'Asia/Kolkata',
  'Pacific/Auckland',
  'America/Los_Angeles',
  'America/Detroit',
]
const RANGES: readonly [string, string][] = [
  ['2026-03-01', '2026-04-10'], // both DST changes (US March 8, UK March 29)
  ['2026-03-08', '2026-03-08'], // the US change's day
  ['2026-03-29', '2026-03-30'], // the UK change's days (an hourly series)
  ['2026-02-20', '2026-05-31'], // the whole data and beyond
  ['2025-01-01', '2025-01-31'], // no lead at all
]
const SOURCES = ['Google LSA', 'Nextdoor', 'Yelp']

const leadAt = (i: number) => {
  const created = T0 + i * 37 * 60_000 + (i % 7) * 97_000
  const won = i % 4 === 0
  return lead({
    id: i + 1,
    created_at: created,
    first_response_at: i % 9 === 0 ? null : created + ((i * 7919) % 900) * 1000,
    source: SOURCES[i % 3] ?? 'Yelp',
    status: won ? 'won' : 'contacted',
    converted_at: won ? created + (i % 10) * 22 * HOUR : null,
    deal_value_cents: won ? 100_000 + i : null,
  })
}

function filledStore(): Store {
  const db = openStore(':memory:')
  insertLeads(
    db,
    Array.from({ length: 2400 }, (_, i) => leadAt(i)),
  )
  rebuildRollups(db, { timeZone: 'America/Detroit' })
  return db
}

const plain = (m: Map<number, unknown>) => [...m].sort((a, b) => a[0] - b[0])

function expectSameAsRaw(db: Store): number {
  let compared = 0
  for (const timeZone of ZONES) {
    for (const [from, to] of RANGES) {
      for (const source of [undefined, ['Nextdoor'], ['Yelp', 'Google LSA']]) {
        const range: DateRange = { from, to, timeZone }
        const filters: Filters = {
          range: { preset: 'custom', ...range },
          ...(source === undefined ? {} : { source }),
        }
        const raw = createScope(db, filters, { raw: true })
        const rolled = createScope(db, filters)
        for (const basis of ['created', 'converted'] as const) {
          for (const grain of ['day', 'hour'] as const) {
            const expected = series(raw, basis, grain, range)
            expect(
              plain(series(rolled, basis, grain, range)),
              `${timeZone} ${from} ${basis}`,
            ).toEqual(plain(expected))
            compared += expected.size
          }
        }
        const clock = () => new Date('2026-06-01T00:00:00Z')
        expect(trendsKpi(db, filters, clock, rolled).heatmap).toEqual(
          trendsKpi(db, filters, clock, raw).heatmap,
        )
      }
    }
  }
  return compared
}

describe('series in any zone from the UTC quarter hour rollups', () => {
  it('equal the raw rows’ after a rebuild', () => {
    expect(expectSameAsRaw(filledStore())).toBeGreaterThan(1000)
  })

  it('are read from the quarter rollups, whole-hour zones and others alike', () => {
    const db = filledStore()
    // With a source filter the sources' sections of the quarter rows answer.
    db.exec('DELETE FROM rollup_leads_quarters')
    const read = (timeZone: string) => {
      const range: DateRange = { from: '2026-03-01', to: '2026-03-31', timeZone }
      const filters: Filters = { range: { preset: 'custom', ...range }, source: SOURCES }
      return series(createScope(db, filters), 'created', 'day', range)
    }
    // Emptied: London's and Kolkata's (+05:30) days now sum nothing.
    expect(read('Europe/London').size).toBe(0)
    expect(read('Asia/Kolkata').size).toBe(0)
  })

  it('equal the raw rows’ after incremental upkeep (inserts, a move, a win, a delete)', () => {
    const db = filledStore()
    const added = Array.from({ length: 60 }, (_, i) => leadAt(2400 + i * 13))
    db.transaction(() => {
      for (const row of added) {
        insertLeads(db, [row])
        applyLeadChange(db, null, row)
      }
      const before = added[0]
      if (!before) throw new Error('no lead')
      const after = {
        ...before,
        created_at: before.created_at + 5 * HOUR,
        status: 'won' as const,
        converted_at: before.created_at + 30 * HOUR,
        deal_value_cents: 9_000,
        source: 'Yelp',
      }
      db.prepare(
        'UPDATE leads SET created_at = ?, status = ?, converted_at = ?, deal_value_cents = ?, source = ? WHERE id = ?',
      ).run(
        after.created_at,
        after.status,
        after.converted_at,
        after.deal_value_cents,
        after.source,
        after.id,
      )
      applyLeadChange(db, before, after)
      const gone = added[1]
      if (!gone) throw new Error('no lead')
      db.prepare('DELETE FROM leads WHERE id = ?').run(gone.id)
      applyLeadChange(db, gone, null)
    })()
    expect(expectSameAsRaw(db)).toBeGreaterThan(1000)
  })
})

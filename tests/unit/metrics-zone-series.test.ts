// Property test: a series by local day or hour in any zone, read from the UTC quarter hour
// rollups with the zone's offsets found once per range (aggregate.ts quarterSums), its totals
// and sums per source and its hour-of-week heat map are the raw rows' exactly, for random small
// data, ranges, source filters and zones: whole hours (UTC, London and Los Angeles across both
// DST changes, Auckland's southern DST), half hours (Kolkata, Adelaide with DST), 45 minutes
// (Kathmandu, Chatham with DST). offsetStretches is checked against the zone's offset at every
// quarter hour.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createScope,
  grouped,
  offsetStretches,
  series,
  weekHourCounts,
} from '../../main/metrics/aggregate.ts'
import { WEEK_HOURS, rebuildRollups, weekHour } from '../../main/metrics/rollups.ts'
import { addDays, localTime } from '../../main/metrics/time-range.ts'
import { openStore } from '../../main/store/index.ts'
import type { DateRange, Filters } from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const MINUTE = 60_000
const T0 = Date.parse('2026-03-05T00:00:00Z')
const SPAN_MINUTES = 60 * 24 * 60 // two months: the US, EU and southern changes
const ZONES = [
  'UTC',
  'Europe/London',
  'America/Los_Angeles',
  'Pacific/Auckland',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Asia/Kathmandu',
  'Pacific/Chatham',
]
const SOURCES = ['Google LSA', 'Nextdoor', 'Yelp']

const leadArb = fc.record({
  at: fc.integer({ min: 0, max: SPAN_MINUTES }),
  source: fc.constantFrom(...SOURCES),
  responseS: fc.option(fc.integer({ min: 0, max: 4000 })),
  wonAfterMin: fc.option(fc.integer({ min: 0, max: 20 * 24 * 60 })),
  value: fc.option(fc.integer({ min: 0, max: 500_000 })),
})

const plain = (m: Map<number, unknown>) => [...m].sort((a, b) => a[0] - b[0])
const plainKeys = (m: Map<string, unknown>) => [...m].sort((a, b) => a[0].localeCompare(b[0]))

describe('series in any zone from the UTC quarter hour rollups', () => {
  it('equal the raw rows’ for random leads, zones, ranges and source filters', () => {
    fc.assert(
      fc.property(
        fc.array(leadArb, { minLength: 0, maxLength: 60 }),
        fc.constantFrom(...ZONES),
        fc.integer({ min: -3, max: 62 }),
        fc.integer({ min: 0, max: 40 }),
        fc.option(fc.subarray(SOURCES, { minLength: 1 })),
        (leads, timeZone, fromDay, days, source) => {
          const db = openStore(':memory:')
          try {
            insertLeads(
              db,
              leads.map((l, i) => {
                const created = T0 + l.at * MINUTE + (i % 3) * 7_000
                const won = l.wonAfterMin !== null
                return lead({
                  id: i + 1,
                  created_at: created,
                  first_response_at: l.responseS === null ? null : created + l.responseS * 1000,
                  source: l.source,
                  status: won ? 'won' : 'contacted',
                  converted_at: won ? created + (l.wonAfterMin ?? 0) * MINUTE : null,
                  deal_value_cents: won ? l.value : null,
                })
              }),
            )
            rebuildRollups(db, { timeZone: 'America/Detroit' })
            const from = addDays('2026-03-05', fromDay)
            const range: DateRange = { from, to: addDays(from, days), timeZone }
            const filters: Filters = {
              range: { preset: 'custom', ...range },
              ...(source === null ? {} : { source }),
            }
            const raw = createScope(db, filters, { raw: true })
            const rolled = createScope(db, filters)
            for (const basis of ['created', 'converted'] as const) {
              for (const grain of ['day', 'hour'] as const) {
                expect(plain(series(rolled, basis, grain, range))).toEqual(
                  plain(series(raw, basis, grain, range)),
                )
              }
            }
            // Totals and sums per source: from the hour rollups over exactly the range's hours.
            for (const basis of ['created', 'converted'] as const) {
              for (const dim of [null, 'source'] as const) {
                expect(plainKeys(grouped(rolled, basis, range, dim))).toEqual(
                  plainKeys(grouped(raw, basis, range, dim)),
                )
              }
            }
            // The heat map: its 168 hours of week grouped in SQL where the offsets allow.
            const week = new Array<number>(WEEK_HOURS).fill(0)
            for (const [h, m] of series(raw, 'created', 'hour', range)) {
              week[weekHour(h)] = (week[weekHour(h)] ?? 0) + m.leads
            }
            const rolledWeek = weekHourCounts(rolled, range)
            if (rolledWeek) expect(Array.from(rolledWeek)).toEqual(week)
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('reads any zone, with a source filter or without, from the quarter rollups', () => {
    const db = openStore(':memory:')
    insertLeads(
      db,
      Array.from({ length: 200 }, (_, i) =>
        lead({ id: i + 1, created_at: T0 + i * 47 * MINUTE, source: SOURCES[i % 3] ?? 'Yelp' }),
      ),
    )
    rebuildRollups(db, { timeZone: 'America/Detroit' })
    const read = (timeZone: string, source?: string[]) => {
      const range: DateRange = { from: '2026-03-05', to: '2026-03-09', timeZone }
      const filters: Filters = {
        range: { preset: 'custom', ...range },
        ...(source ? { source } : {}),
      }
      return series(createScope(db, filters), 'created', 'day', range).size
    }
    expect(read('Europe/London')).toBe(5)
    expect(read('Asia/Kolkata', ['Yelp'])).toBe(5)
    // The blobs by source and owner, and the all-leads section kept apart (019-facet-rollups.ts).
    db.exec('DELETE FROM rollup_leads_quarters; DELETE FROM rollup_leads_quarters_all')
    // Emptied: London and Kolkata (+05:30) sum nothing, with a source filter or without.
    expect(read('Europe/London')).toBe(0)
    expect(read('Europe/London', ['Yelp'])).toBe(0)
    expect(read('Asia/Kolkata')).toBe(0)
    expect(read('Asia/Kolkata', ['Yelp'])).toBe(0)
    db.close()
  })

  it('finds every offset change of a range, to the quarter hour', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 365 * 4 * 24 }),
        fc.integer({ min: 1, max: 24 * 40 }),
        (timeZone, startQ, lengthQ) => {
          const start = Date.parse('2025-01-01T00:00:00Z') + startQ * 900_000
          const end = start + lengthQ * 900_000 * 4
          const stretches = offsetStretches(timeZone, start, end)
          const zone = localTime(timeZone)
          let k = 0
          for (let t = start; t < end; t += 900_000) {
            while (k + 1 < stretches.length && (stretches[k + 1]?.from ?? Infinity) <= t) k++
            expect(stretches[k]?.offset, `${timeZone} ${new Date(t).toISOString()}`).toBe(
              zone.offset(t),
            )
          }
        },
      ),
      { numRuns: 80 },
    )
  })
})

// The median response time of a range in another zone than the rollups' (a viewer in London,
// rollups by Detroit days) counts ranks in the response histograms of the rollups' whole days
// inside it plus the raw rows of its two edges (aggregate.ts, responseHistogram): the same median
// as the raw rows alone, for zones ahead of and behind the rollups', across both DST changes,
// with and without a source filter.
import { describe, expect, it } from 'vitest'
import {
  createScope,
  medianResponseSeconds,
  responseHistogram,
  total,
} from '../../main/metrics/aggregate.ts'
import { rebuildRollups } from '../../main/metrics/rollups.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import type { DateRange, Filters } from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const T0 = Date.parse('2026-02-20T00:00:00Z')
const ZONES = ['UTC', 'Europe/London', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Los_Angeles']
const RANGES: readonly [string, string][] = [
  ['2026-03-01', '2026-04-10'], // both DST changes (US March 8, UK March 29), a month inside
  ['2026-03-08', '2026-03-08'], // one day: the rollups' days around it cover it only in part
  ['2026-03-29', '2026-03-30'],
  ['2026-02-20', '2026-05-31'], // the whole data and beyond
  ['2025-01-01', '2025-01-31'], // no lead at all
]

/** About 2,400 leads, one every ~37 minutes; responses from under a second to over an hour. */
function filledStore(): Store {
  const db = openStore(':memory:')
  const sources = ['Google LSA', 'Nextdoor', 'Yelp']
  const rows = Array.from({ length: 2401 }, (_, i) => {
    const created = T0 + i * 37 * 60_000 + (i % 7) * 97_000
    return lead({
      id: i + 1,
      created_at: created,
      first_response_at: i % 9 === 0 ? null : created + ((i * 7919) % 4000) * 997,
      source: sources[i % 3] ?? 'Yelp',
    })
  })
  insertLeads(db, rows)
  rebuildRollups(db, { timeZone: 'America/Detroit' })
  return db
}

describe('the median response time of a range in another zone', () => {
  const db = filledStore()

  it('equals the raw rows’ median', () => {
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
          const responded = total(raw, 'created', range).responded
          const expected = medianResponseSeconds(raw, range, responded)
          const cut = createScope(db, filters)
          expect(total(cut, 'created', range).responded).toBe(responded)
          expect(medianResponseSeconds(cut, range, responded), `${timeZone} ${from}…${to}`).toBe(
            expected,
          )
          // Answered from the histograms and edges, not the raw fallback: they count every one.
          const hist = responseHistogram(cut, range)
          expect(hist?.reduce((a, b) => a + b, 0)).toBe(responded)
          if (expected !== null) compared += 1
        }
      }
    }
    expect(compared).toBeGreaterThan(30)
  })
})

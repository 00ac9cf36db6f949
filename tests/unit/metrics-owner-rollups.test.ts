// Property test: a dashboard filtered by owner (and by source besides) reads its totals, per-source
// sums and day series from the owner rollups (013-owner-rollups.ts, aggregate.ts ownerUsable),
// and every dashboard's answer is the raw rows' exactly, for random small data, owners, sources
// and ranges, after a rebuild and after incremental upkeep (inserts, then updates that move a
// lead to another owner, win it or delete it).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createScope, grouped, series } from '../../main/metrics/aggregate.ts'
import { dashboard } from '../../main/metrics/dashboard.ts'
import { applyLeadChange, rebuildRollups } from '../../main/metrics/rollups.ts'
import { addDays } from '../../main/metrics/time-range.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { DASHBOARDS, type DateRange, type Filters } from '../../shared/api/index.ts'
import { insertLeads, insertLeadsSynced, lead } from '../support/leads.ts'

const MINUTE = 60_000
const T0 = Date.parse('2026-03-01T05:00:00Z')
const SPAN_MINUTES = 45 * 24 * 60
const OWNERS = ['Ann', 'Bo', 'Cy']
const SOURCES = ['Google LSA', 'Nextdoor', 'Yelp']
const ZONE = 'America/Detroit'

const leadArb = fc.record({
  at: fc.integer({ min: 0, max: SPAN_MINUTES }),
  owner: fc.constantFrom(...OWNERS),
  source: fc.constantFrom(...SOURCES),
  responseS: fc.option(fc.integer({ min: 0, max: 4000 })),
  wonAfterMin: fc.option(fc.integer({ min: 0, max: 20 * 24 * 60 })),
  value: fc.option(fc.integer({ min: 0, max: 500_000 })),
})
type Arb = typeof leadArb extends fc.Arbitrary<infer T> ? T : never

const rowOf = (l: Arb, i: number): LeadRow => {
  const created = T0 + l.at * MINUTE + (i % 3) * 7_000
  const won = l.wonAfterMin !== null
  return lead({
    id: i + 1,
    created_at: created,
    first_response_at: l.responseS === null ? null : created + l.responseS * 1000,
    source: l.source,
    owner: l.owner,
    status: won ? 'won' : 'contacted',
    converted_at: won ? created + (l.wonAfterMin ?? 0) * MINUTE : null,
    deal_value_cents: won ? l.value : null,
  })
}

const filtersArb = fc.record({
  owner: fc.subarray(OWNERS, { minLength: 1 }),
  source: fc.option(fc.subarray(SOURCES, { minLength: 1 })),
  fromDay: fc.integer({ min: -3, max: 50 }),
  days: fc.integer({ min: 0, max: 40 }),
})
type FilterCase = typeof filtersArb extends fc.Arbitrary<infer T> ? T : never

const plain = (m: Map<number | string, unknown>) =>
  [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])))

/** A dashboard's answer without how long it took to compute. */
const answers = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'computeMs' ? undefined : v)))

function expectSameAsRaw(db: Store, c: FilterCase): void {
  const from = addDays('2026-03-01', c.fromDay)
  const range: DateRange = { from, to: addDays(from, c.days), timeZone: ZONE }
  const filters: Filters = {
    range: { preset: 'custom', ...range },
    owner: c.owner,
    ...(c.source === null ? {} : { source: c.source }),
  }
  const raw = createScope(db, filters, { raw: true })
  const rolled = createScope(db, filters)
  for (const basis of ['created', 'converted'] as const) {
    expect(plain(series(rolled, basis, 'day', range))).toEqual(
      plain(series(raw, basis, 'day', range)),
    )
    for (const dim of [null, 'source'] as const) {
      expect(plain(grouped(rolled, basis, range, dim))).toEqual(
        plain(grouped(raw, basis, range, dim)),
      )
    }
  }
  // Whole dashboards: through the rollups, then with them marked invalid (the raw rows).
  const clock = () => new Date('2026-04-20T12:00:00Z')
  const request = {
    filters, // health reports the process (memory), not the filtered leads.
    dashboards: DASHBOARDS.filter((d) => d !== 'health'),
    maxPoints: 500,
    activityLimit: 50,
  }
  const fast = answers(dashboard(db, request, clock))
  db.prepare('UPDATE rollup_state SET valid = 0').run()
  try {
    expect(fast).toEqual(answers(dashboard(db, request, clock)))
  } finally {
    db.prepare('UPDATE rollup_state SET valid = 1').run()
  }
}

describe('an owner filter answered from the owner rollups', () => {
  it('equals the raw rows after a rebuild', () => {
    fc.assert(
      fc.property(
        fc.array(leadArb, { maxLength: 60 }),
        fc.array(filtersArb, { minLength: 1, maxLength: 3 }),
        (leads, cases) => {
          const db = openStore(':memory:')
          try {
            insertLeads(db, leads.map(rowOf))
            rebuildRollups(db, { timeZone: ZONE })
            for (const c of cases) expectSameAsRaw(db, c)
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('equals the raw rows through incremental upkeep: inserts, a move to another owner, a win, a delete', () => {
    fc.assert(
      fc.property(
        fc.array(leadArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), leadArb, fc.boolean()), { maxLength: 15 }),
        filtersArb,
        (leads, changes, c) => {
          const db = openStore(':memory:')
          try {
            rebuildRollups(db, { timeZone: ZONE })
            const rows = leads.map(rowOf)
            insertLeadsSynced(db, rows)
            const update = db.prepare(
              `UPDATE leads SET created_at = @created_at, source = @source, owner = @owner,
                 status = @status, first_response_at = @first_response_at,
                 converted_at = @converted_at, deal_value_cents = @deal_value_cents,
                 deleted_at = @deleted_at WHERE id = @id`,
            )
            for (const [pick, next, remove] of changes) {
              const i = pick % rows.length
              const before = rows[i] as LeadRow
              const after: LeadRow = {
                ...rowOf(next, i),
                deleted_at: remove ? before.created_at + 1 : null,
              }
              db.transaction(() => {
                update.run(after)
                applyLeadChange(db, before, after)
              })()
              rows[i] = after
            }
            expectSameAsRaw(db, c)
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('is read from the owner rollups (emptied, they answer nothing)', () => {
    const db = openStore(':memory:')
    insertLeads(db, [
      lead({ id: 1, created_at: T0, owner: 'Ann' }),
      lead({ id: 2, created_at: T0 + 60 * MINUTE, owner: 'Bo' }),
    ])
    rebuildRollups(db, { timeZone: ZONE })
    const range: DateRange = { from: '2026-03-01', to: '2026-03-02', timeZone: ZONE }
    const filters: Filters = { range: { preset: 'custom', ...range }, owner: ['Ann'] }
    expect(grouped(createScope(db, filters), 'created', range, null).get('')?.leads).toBe(1)
    db.exec('DELETE FROM rollup_leads_day_owner')
    expect(grouped(createScope(db, filters), 'created', range, null).get('')).toBeUndefined()
    expect(
      grouped(createScope(db, filters, { raw: true }), 'created', range, null).get('')?.leads,
    ).toBe(1)
    db.close()
  })
})

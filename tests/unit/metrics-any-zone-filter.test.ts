// Property test (issue 14): every dashboard, for random data, random filters (any combination of
// the filter bar's six fields, each a random non-empty subset) and random zones of every offset
// kind — whole hours (UTC, Europe/London and America/New_York across both DST changes), half
// hours (Asia/Kolkata, America/St_Johns with DST), 45 minutes (Asia/Kathmandu, Australia/Eucla,
// Pacific/Chatham with DST) and Australia/Lord_Howe's 30-minute DST — answers through the
// rollups exactly as the raw rows do (the rollups marked invalid), after a rebuild and after
// incremental upkeep in sync-sized batches (inserts, then changes that move a lead to another
// owner, source, day or status, win it or delete it). The pieces the rollups answer (series,
// totals, sums by source, the heat map, medians) are compared on their own as well.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createScope,
  grouped,
  medianResponseSeconds,
  series,
  total,
  weekHourCounts,
} from '../../main/metrics/aggregate.ts'
import { dashboard } from '../../main/metrics/dashboard.ts'
import {
  WEEK_HOURS,
  beginRollupBatch,
  rebuildRollups,
  weekHour,
} from '../../main/metrics/rollups.ts'
import { addDays } from '../../main/metrics/time-range.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import {
  DASHBOARDS,
  FILTER_FIELDS,
  LEAD_STATUSES,
  TEMPERATURES,
  type DateRange,
  type Filters,
} from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const MINUTE = 60_000
// Two months over the northern spring changes (US March 8, EU March 29) and the southern autumn
// ones (Chatham and Lord Howe, April 5).
const T0 = Date.parse('2026-02-25T00:00:00Z')
const SPAN_MINUTES = 55 * 24 * 60
const ORG_ZONE = 'America/Detroit'
const ZONES_OF_EVERY_KIND = [
  ORG_ZONE,
  'UTC',
  'Europe/London',
  'America/New_York',
  'Asia/Kolkata',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Australia/Eucla',
  'Pacific/Chatham',
  'Australia/Lord_Howe',
] as const

const VALUES = {
  source: ['Google LSA', 'Nextdoor', "'; DROP TABLE leads; --"],
  city: ['Troy', 'Ferndale', 'Novi'],
  segment: ['professional', 'standard'],
  temperature: [...TEMPERATURES],
  status: [...LEAD_STATUSES],
  owner: ['Ann', 'Bo', 'Cy'],
} as const satisfies Record<(typeof FILTER_FIELDS)[number], readonly string[]>

const leadArb = fc.record({
  at: fc.integer({ min: 0, max: SPAN_MINUTES }),
  seconds: fc.integer({ min: 0, max: 59 }),
  source: fc.constantFrom(...VALUES.source),
  city: fc.constantFrom(...VALUES.city),
  segment: fc.constantFrom(...VALUES.segment),
  temperature: fc.constantFrom(...VALUES.temperature),
  status: fc.constantFrom(...VALUES.status),
  owner: fc.constantFrom(...VALUES.owner),
  // Below zero, within the target, over 30 minutes; none.
  responseS: fc.option(fc.integer({ min: -5, max: 4000 })),
  wonAfterMin: fc.integer({ min: 0, max: 20 * 24 * 60 }),
  value: fc.option(fc.integer({ min: 0, max: 500_000 })),
})
type LeadCase = typeof leadArb extends fc.Arbitrary<infer T> ? T : never

const rowOf = (l: LeadCase, id: number): LeadRow => {
  const created = T0 + l.at * MINUTE + l.seconds * 1000
  const won = l.status === 'won'
  return lead({
    id,
    created_at: created,
    first_response_at: l.responseS === null ? null : created + l.responseS * 1000,
    source: l.source,
    city: l.city,
    segment: l.segment,
    temperature: l.temperature,
    status: l.status,
    owner: l.owner,
    converted_at: won ? created + l.wonAfterMin * MINUTE : null,
    deal_value_cents: won ? l.value : null,
  })
}

/** Any combination of the filter bar's fields, each a non-empty subset of its values. */
const dimsArb = fc.record(
  Object.fromEntries(
    FILTER_FIELDS.map((f) => [f, fc.option(fc.subarray([...VALUES[f]], { minLength: 1 }))]),
  ) as Record<(typeof FILTER_FIELDS)[number], fc.Arbitrary<string[] | null>>,
)

const caseArb = fc.record({
  dims: dimsArb,
  timeZone: fc.constantFrom(...ZONES_OF_EVERY_KIND),
  fromDay: fc.integer({ min: -3, max: 58 }),
  days: fc.constantFrom(0, 1, 2, 6, 20, 45),
})
type FilterCase = typeof caseArb extends fc.Arbitrary<infer T> ? T : never

const plain = (m: Map<number | string, unknown>) =>
  [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])))

/** A dashboard's answer without how long it took to compute. */
const answers = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'computeMs' ? undefined : v)))

function filtersOf(c: FilterCase): { range: DateRange; filters: Filters } {
  const from = addDays('2026-02-25', c.fromDay)
  const range: DateRange = { from, to: addDays(from, c.days), timeZone: c.timeZone }
  const filters: Filters = { range: { preset: 'custom', ...range } }
  for (const f of FILTER_FIELDS) {
    const list = c.dims[f]
    if (list !== null) (filters as Record<string, unknown>)[f] = list
  }
  return { range, filters }
}

function expectSameAsRaw(db: Store, c: FilterCase): void {
  const { range, filters } = filtersOf(c)
  const raw = createScope(db, filters, { raw: true })
  const rolled = createScope(db, filters)
  for (const basis of ['created', 'converted'] as const) {
    for (const grain of ['day', 'hour'] as const) {
      if (grain === 'hour' && c.days > 2) continue
      expect(plain(series(rolled, basis, grain, range))).toEqual(
        plain(series(raw, basis, grain, range)),
      )
    }
    for (const dim of [null, 'source', 'status'] as const) {
      expect(plain(grouped(rolled, basis, range, dim))).toEqual(
        plain(grouped(raw, basis, range, dim)),
      )
    }
  }
  const week = new Array<number>(WEEK_HOURS).fill(0)
  for (const [h, m] of series(raw, 'created', 'hour', range)) {
    week[weekHour(h)] = (week[weekHour(h)] ?? 0) + m.leads
  }
  const rolledWeek = weekHourCounts(rolled, range)
  if (rolledWeek) expect(Array.from(rolledWeek)).toEqual(week)
  const responded = total(raw, 'created', range).responded
  expect(medianResponseSeconds(rolled, range, responded)).toBe(
    medianResponseSeconds(raw, range, responded),
  )
  // Whole dashboards: through the rollups, then with them marked invalid (the raw rows).
  const clock = () => new Date('2026-04-22T12:00:00Z')
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

const upsert = (db: Store) =>
  db.prepare(
    `INSERT OR REPLACE INTO leads (id, tenant_id, created_at, updated_at, deleted_at, source, city,
      segment, temperature, status, owner, first_response_at, converted_at, deal_value_cents)
      VALUES (@id, @tenant_id, @created_at, @updated_at, @deleted_at, @source, @city, @segment,
      @temperature, @status, @owner, @first_response_at, @converted_at, @deal_value_cents)`,
  )

describe('any filter in any zone from the rollups', () => {
  it('equals the raw rows after a rebuild, for every dashboard', () => {
    fc.assert(
      fc.property(
        fc.array(leadArb, { maxLength: 70 }),
        fc.array(caseArb, { minLength: 1, maxLength: 3 }),
        (leads, cases) => {
          const db = openStore(':memory:')
          try {
            insertLeads(
              db,
              leads.map((l, i) => rowOf(l, i + 1)),
            )
            rebuildRollups(db, { timeZone: ORG_ZONE })
            for (const c of cases) expectSameAsRaw(db, c)
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('equals the raw rows through incremental upkeep in batches: moves, wins, deletes', () => {
    fc.assert(
      fc.property(
        fc.array(leadArb, { minLength: 1, maxLength: 50 }),
        fc.array(fc.array(fc.tuple(fc.nat(), leadArb, fc.boolean()), { maxLength: 8 }), {
          maxLength: 3,
        }),
        caseArb,
        (leads, transactions, c) => {
          const db = openStore(':memory:')
          try {
            rebuildRollups(db, { timeZone: ORG_ZONE })
            const put = upsert(db)
            const rows = leads.map((l, i) => rowOf(l, i + 1))
            db.transaction(() => {
              const batch = beginRollupBatch(db)
              for (const row of rows) {
                put.run(row)
                batch.record(null, row)
              }
              batch.flush()
            })()
            for (const changes of transactions) {
              db.transaction(() => {
                const batch = beginRollupBatch(db)
                for (const [pick, next, remove] of changes) {
                  const i = pick % rows.length
                  const before = rows[i] as LeadRow
                  const after: LeadRow = {
                    ...rowOf(next, i + 1),
                    deleted_at: remove ? before.created_at + 1 : null,
                  }
                  put.run(after)
                  batch.record(before, after)
                  rows[i] = after
                }
                batch.flush()
              })()
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
})

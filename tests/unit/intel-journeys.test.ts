// Journeys (issue 16): hand-built lead histories, written as the sync's row hooks see them (each
// status change one row change), give exactly the expected edge counts and median durations,
// under the global filters; leads the cache held before are inferred from their times; hostile
// dates stay exact and bounded.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  JOURNEY_DIM_CODES,
  MAX_DURATION_MS,
  ensureJourneys,
  inferHistory,
  journeySyncHooks,
  journeys,
  journeysStale,
  journeyState,
  rebuildJourneySteps,
  rebuildJourneys,
} from '../../main/intelligence/journeys.ts'
import type { LeadRow, LeadStatus } from '../../main/store/mirror-rows.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import type { Filters } from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const ZONE = 'America/Detroit'
// Midday in Detroit, 2026-06-10; the clock the presets are read against.
const T0 = Date.parse('2026-06-10T16:00:00Z')
const NOW = new Date(T0 + 20 * DAY)
const all: Filters = {
  range: { preset: 'custom', from: '2026-06-01', to: '2026-06-30', timeZone: ZONE },
}

/** Writes a lead as the sync does: inserted, then each status change as an update of its row. */
function play(
  { db, hooks }: Cache,
  base: LeadRow,
  steps: readonly { status: LeadStatus; after: number }[],
): LeadRow {
  const update = db.prepare(
    'UPDATE leads SET status = ?, updated_at = ?, first_response_at = ?, converted_at = ? WHERE id = ?',
  )
  let row = base
  db.transaction(() => {
    insertLeads(db, [row])
    if (hooks.wants('leads')) hooks.row('leads', null, row as never)
    hooks.beforeCommit()
  })()
  for (const step of steps) {
    const at = base.created_at + step.after
    const next: LeadRow = {
      ...row,
      status: step.status,
      updated_at: at,
      first_response_at: row.first_response_at ?? (step.status === 'contacted' ? at : null),
      converted_at: step.status === 'won' ? at : row.converted_at,
    }
    db.transaction(() => {
      update.run(next.status, next.updated_at, next.first_response_at, next.converted_at, next.id)
      if (hooks.wants('leads')) hooks.row('leads', row as never, next as never)
      hooks.beforeCommit()
    })()
    row = next
  }
  return row
}

interface Cache {
  readonly db: Store
  readonly hooks: ReturnType<typeof journeySyncHooks>
}

function freshStore(): Cache {
  const db = openStore(':memory:')
  // Hooks made over an empty cache skip upkeep until a rebuild (a bulk load); these tests start
  // from the rebuilt, empty history, so every change after is observed.
  const hooks = journeySyncHooks(db)
  rebuildJourneys(db)
  return { db, hooks }
}

const edge = (r: ReturnType<typeof journeys>, from: string, to: string) =>
  r.edges.find((e) => e.from === from && e.to === to)

/** journey_dim_days as kept, in cell order (empty cells left out). */
const keptDimCounts = (db: Store) =>
  db
    .prepare(
      `SELECT dim, value, day, edge, bucket, count FROM journey_dim_days WHERE count <> 0
       ORDER BY 1, 2, 3, 4, 5`,
    )
    .all()

/** The rows of lead_journeys counted by every dimension of their leads' values now, in cell order. */
const countDims = (db: Store) =>
  db
    .prepare(
      Object.entries(JOURNEY_DIM_CODES)
        .map(
          ([field, code]) =>
            `SELECT ${code} AS dim, l.${field} AS value, j.day AS day, j.edge AS edge,
               coalesce(j.bucket, 0) AS bucket, count(*) AS count
             FROM lead_journeys j JOIN leads l ON l.id = j.lead_id GROUP BY 2, 3, 4, 5`,
        )
        .join(' UNION ALL ') + ' ORDER BY 1, 2, 3, 4, 5',
    )
    .all()

describe('journeys from observed stage changes', () => {
  it('count every edge and give exact medians (odd and even counts), under filters', () => {
    const cache = freshStore()
    const { db } = cache
    // Three Google leads: new →(2, 4, 6 min) contacted →(1, 3, 5 days) qualified → won/lost.
    play(cache, lead({ id: 1, created_at: T0, source: 'Google LSA' }), [
      { status: 'contacted', after: 2 * MIN },
      { status: 'qualified', after: 2 * MIN + 1 * DAY },
      { status: 'won', after: 2 * MIN + 1 * DAY + 10 * HOUR },
    ])
    play(cache, lead({ id: 2, created_at: T0 + HOUR, source: 'Google LSA' }), [
      { status: 'contacted', after: 4 * MIN },
      { status: 'qualified', after: 4 * MIN + 3 * DAY },
      { status: 'lost', after: 4 * MIN + 3 * DAY + 20 * HOUR },
    ])
    play(cache, lead({ id: 3, created_at: T0 + 2 * HOUR, source: 'Google LSA' }), [
      { status: 'contacted', after: 6 * MIN },
      { status: 'qualified', after: 6 * MIN + 5 * DAY },
    ])
    // One Nextdoor lead: new →(10 min) contacted →(8 h) lost; one never touched.
    play(
      cache,
      lead({ id: 4, created_at: T0 + 3 * HOUR, source: 'Nextdoor', temperature: 'hot' }),
      [
        { status: 'contacted', after: 10 * MIN },
        { status: 'lost', after: 10 * MIN + 8 * HOUR },
      ],
    )
    play(cache, lead({ id: 5, created_at: T0 + 4 * HOUR, source: 'Nextdoor' }), [])

    const r = journeys(db, all, NOW)
    expect(r.leads).toBe(5)
    expect(r.inferredLeads).toBe(0)
    expect(r.nodes).toEqual([
      { stage: 'new', leads: 5 },
      { stage: 'contacted', leads: 4 },
      { stage: 'qualified', leads: 3 },
      { stage: 'proposal', leads: 0 },
      { stage: 'won', leads: 1 },
      { stage: 'lost', leads: 2 },
    ])
    // 4 values: 2, 4, 6, 10 min → median (4 + 6) / 2 = 5 min.
    expect(edge(r, 'new', 'contacted')).toEqual({
      from: 'new',
      to: 'contacted',
      count: 4,
      medianMs: 5 * MIN,
    })
    expect(edge(r, 'contacted', 'qualified')).toEqual({
      from: 'contacted',
      to: 'qualified',
      count: 3,
      medianMs: 3 * DAY,
    })
    expect(edge(r, 'qualified', 'won')).toMatchObject({ count: 1, medianMs: 10 * HOUR })
    expect(edge(r, 'qualified', 'lost')).toMatchObject({ count: 1, medianMs: 20 * HOUR })
    expect(edge(r, 'contacted', 'lost')).toMatchObject({ count: 1, medianMs: 8 * HOUR })
    expect(r.edges).toHaveLength(5)
    expect(r.slowest.map((e) => `${e.from}>${e.to}`)).toEqual([
      'contacted>qualified',
      'qualified>lost',
      'qualified>won',
    ])

    // A source filter: the Google leads only.
    const google = journeys(db, { ...all, source: ['Google LSA'] }, NOW)
    expect(google.leads).toBe(3)
    expect(edge(google, 'new', 'contacted')).toMatchObject({ count: 3, medianMs: 4 * MIN })
    expect(edge(google, 'contacted', 'lost')).toBeUndefined()
    // Temperature and source together: the hot Nextdoor lead.
    const hot = journeys(db, { ...all, temperature: ['hot'], source: ['Nextdoor'] }, NOW)
    expect(hot.leads).toBe(1)
    expect(hot.edges).toEqual([
      { from: 'new', to: 'contacted', count: 1, medianMs: 10 * MIN },
      { from: 'contacted', to: 'lost', count: 1, medianMs: 8 * HOUR },
    ])
    // Status is the lead's current status: the lost leads' whole journeys.
    const lost = journeys(db, { ...all, status: ['lost'] }, NOW)
    expect(lost.leads).toBe(2)
    expect(edge(lost, 'new', 'contacted')).toMatchObject({ count: 2, medianMs: 7 * MIN })
    // The range counts leads created in it: one that ends before the leads were created has none.
    const before = journeys(
      db,
      { range: { preset: 'custom', from: '2026-05-01', to: '2026-05-31', timeZone: ZONE } },
      NOW,
    )
    expect(before).toMatchObject({ leads: 0, edges: [], noData: true })
    // Values of a filter that match nothing, and hostile text, are data.
    expect(journeys(db, { ...all, owner: ["'; DROP TABLE leads; --"] }, NOW).leads).toBe(0)
  })

  it('follow a lead moved to another owner, deleted, or sent back a stage', () => {
    const cache = freshStore()
    const { db, hooks } = cache
    const row = play(cache, lead({ id: 7, created_at: T0, owner: 'Ann' }), [
      { status: 'contacted', after: MIN },
      { status: 'qualified', after: MIN + DAY },
      // Back to contacted (a correction upstream), then on to proposal.
      { status: 'contacted', after: MIN + 2 * DAY },
      { status: 'proposal', after: MIN + 4 * DAY },
    ])
    let r = journeys(db, { ...all, owner: ['Ann'] }, NOW)
    expect(r.edges).toEqual([
      { from: 'new', to: 'contacted', count: 1, medianMs: MIN },
      { from: 'contacted', to: 'qualified', count: 1, medianMs: DAY },
      { from: 'contacted', to: 'proposal', count: 1, medianMs: 2 * DAY },
      { from: 'qualified', to: 'contacted', count: 1, medianMs: DAY },
    ])
    const moved = { ...row, owner: 'Bo' }
    db.transaction(() => {
      db.prepare("UPDATE leads SET owner = 'Bo' WHERE id = 7").run()
      hooks.wants('leads')
      hooks.row('leads', row as never, moved)
      hooks.beforeCommit()
    })()
    expect(journeys(db, { ...all, owner: ['Ann'] }, NOW).leads).toBe(0)
    r = journeys(db, { ...all, owner: ['Bo'] }, NOW)
    expect(r.leads).toBe(1)
    expect(r.edges).toHaveLength(4)
    db.transaction(() => {
      db.prepare('DELETE FROM leads WHERE id = 7').run()
      hooks.wants('leads')
      hooks.row('leads', moved, null)
      hooks.beforeCommit()
    })()
    expect(journeys(db, all, NOW)).toMatchObject({ leads: 0, edges: [] })
  })

  it('infer the history of leads cached before, from their times, without inventing stages', () => {
    const db = openStore(':memory:')
    insertLeads(db, [
      lead({
        id: 1,
        created_at: T0,
        first_response_at: T0 + 3 * MIN,
        status: 'won',
        converted_at: T0 + 9 * DAY,
        updated_at: T0 + 12 * DAY,
      }),
      lead({
        id: 2,
        created_at: T0,
        first_response_at: T0 + 5 * MIN,
        status: 'proposal',
        updated_at: T0 + 2 * DAY,
      }),
      lead({ id: 3, created_at: T0, status: 'lost', updated_at: T0 + DAY }),
      lead({ id: 4, created_at: T0, status: 'new' }),
      lead({ id: 5, created_at: T0, status: 'won', deleted_at: T0 + DAY }),
    ])
    // Before the journeys are inferred the answer says so.
    db.prepare('UPDATE journey_state SET valid = 0 WHERE id = 1').run()
    expect(journeys(db, all, NOW)).toMatchObject({ rebuilding: true })
    // A rebuild is valid again after its first chunk (the hooks count what changes between its
    // chunks) and finished only at its end: until then the answer says rebuilding, and a start
    // finds it stale (the app closed during a rebuild).
    db.prepare('UPDATE journey_state SET valid = 1, rebuilt_at = NULL WHERE id = 1').run()
    expect(journeys(db, all, NOW)).toMatchObject({ rebuilding: true })
    expect(journeysStale(db)).toBe(true)
    expect(rebuildJourneys(db)).toBe(4)
    expect(journeysStale(db)).toBe(false)
    const r = journeys(db, all, NOW)
    expect(r).toMatchObject({ leads: 4, inferredLeads: 3, rebuilding: false })
    expect(r.edges).toEqual([
      { from: 'new', to: 'contacted', count: 2, medianMs: 4 * MIN },
      { from: 'new', to: 'lost', count: 1, medianMs: DAY },
      { from: 'contacted', to: 'proposal', count: 1, medianMs: 2 * DAY - 5 * MIN },
      { from: 'contacted', to: 'won', count: 1, medianMs: 9 * DAY - 3 * MIN },
    ])
  })

  it('keep hostile times exact and bounded: year 9999, responses before creation', () => {
    const y9999 = Date.parse('9999-12-31T00:00:00Z')
    const far = inferHistory(
      lead({ id: 1, created_at: 0, status: 'won', first_response_at: -5, converted_at: y9999 }),
    )
    expect(far.map((e) => e.durationMs)).toEqual([null, 0, MAX_DURATION_MS])
    expect(far.every((e) => e.durationMs === null || Number.isSafeInteger(e.durationMs * 64))).toBe(
      true,
    )
    const { db } = freshStore()
    insertLeads(db, [
      lead({
        id: 1,
        created_at: T0,
        status: 'won',
        first_response_at: T0 + MIN,
        converted_at: y9999,
      }),
    ])
    rebuildJourneys(db)
    const r = journeys(db, all, NOW)
    expect(r.edges).toEqual([
      { from: 'new', to: 'contacted', count: 1, medianMs: MIN },
      { from: 'contacted', to: 'won', count: 1, medianMs: MAX_DURATION_MS },
    ])
  })

  it('are rebuilt in SQL exactly as inferHistory infers them, lead by lead', () => {
    const statuses = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const
    const leadArb = fc.record({
      status: fc.constantFrom(...statuses),
      response: fc.option(fc.integer({ min: -5 * DAY, max: 30 * DAY })),
      converted: fc.option(fc.integer({ min: -DAY, max: 60 * DAY })),
      updated: fc.integer({ min: -DAY, max: 90 * DAY }),
      deleted: fc.boolean(),
      far: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(leadArb, { minLength: 1, maxLength: 30 }), (arbs) => {
        const db = openStore(':memory:')
        const rows = arbs.map((a, i) => {
          const created = a.far ? Date.parse('9999-01-01T00:00:00Z') : T0 + i * HOUR
          return lead({
            id: i + 1,
            created_at: created,
            status: a.status,
            first_response_at: a.response === null ? null : created + a.response,
            converted_at: a.converted === null ? null : created + a.converted,
            updated_at: a.far ? Date.parse('0001-01-01T00:00:00Z') : created + a.updated,
            deleted_at: a.deleted ? created : null,
          })
        })
        insertLeads(db, rows)
        // Small chunks: several transactions, each counting its own rows into journey_days.
        expect(rebuildJourneys(db, 1 + (arbs.length % 7))).toBe(
          rows.filter((r) => r.deleted_at === null).length,
        )
        expect(
          db.prepare('SELECT day, edge, bucket, count FROM journey_days ORDER BY 1, 2, 3').all(),
        ).toEqual(
          db
            .prepare(
              `SELECT day, edge, coalesce(bucket, 0) AS bucket, count(*) AS count FROM lead_journeys
               GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
            )
            .all(),
        )
        const stored = db
          .prepare(
            `SELECT lead_id, seq, from_stage AS "from", to_stage AS "to", entered_at AS enteredAt,
               duration_ms AS durationMs, inferred FROM lead_journeys ORDER BY lead_id, seq`,
          )
          .all() as { lead_id: number; inferred: number }[]
        const expected = rows
          .filter((r) => r.deleted_at === null)
          .flatMap((r) =>
            inferHistory(r).map((e) => ({ lead_id: r.id, ...e, inferred: e.inferred ? 1 : 0 })),
          )
        expect(stored).toEqual(expected)
        db.close()
      }),
      { numRuns: 200 },
    )
  })

  it('read the same Sankey from the rollups as from the raw rows, under any filter, through changes and deletes', () => {
    const zones = ['America/Detroit', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'] as const
    const SOURCES = ['Google LSA', 'Nextdoor', 'Yelp'] as const
    const TEMPERATURES = ['hot', 'warm', 'cold'] as const
    const OWNERS = ['Dana', 'Ravi', 'Lee'] as const
    const STATUSES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const
    const stepArb = fc.record({
      status: fc.constantFrom(...STATUSES),
      after: fc.integer({ min: 0, max: 20 * DAY }),
    })
    const leadArb = fc.record({
      at: fc.integer({ min: 0, max: 40 * DAY }),
      // Durations of a few whole minutes tie often: ranks across equal values are exercised.
      steps: fc.array(stepArb, { maxLength: 4 }),
      source: fc.constantFrom(...SOURCES),
      temperature: fc.constantFrom(...TEMPERATURES),
      owner: fc.constantFrom(...OWNERS),
      // Handed to another owner (and re-dated, as a corrected row) after its steps, or not.
      moved: fc.option(
        fc.record({
          owner: fc.constantFrom(...OWNERS),
          by: fc.integer({ min: -2 * DAY, max: 2 * DAY }),
        }),
      ),
      deleted: fc.boolean(),
    })
    // No filter, one dimension (one or two of its values), or two dimensions (the raw path).
    const dimsArb: fc.Arbitrary<Omit<Filters, 'range'>> = fc.oneof(
      fc.constant({}),
      fc.record({ source: fc.subarray([...SOURCES], { minLength: 1, maxLength: 2 }) }),
      fc.record({ temperature: fc.subarray([...TEMPERATURES], { minLength: 1, maxLength: 2 }) }),
      fc.record({ owner: fc.subarray([...OWNERS], { minLength: 1, maxLength: 2 }) }),
      fc.record({ status: fc.subarray([...STATUSES], { minLength: 1, maxLength: 3 }) }),
      fc.record({
        city: fc.constant<string[]>(['Troy']),
        segment: fc.constant<string[]>(['professional']),
      }),
      fc.record({
        source: fc.subarray([...SOURCES], { minLength: 1, maxLength: 2 }),
        status: fc.subarray([...STATUSES], { minLength: 1, maxLength: 3 }),
      }),
    )
    fc.assert(
      fc.property(
        fc.array(leadArb, { minLength: 1, maxLength: 25 }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 3, max: 40 }),
        fc.array(dimsArb, { minLength: 1, maxLength: 3 }),
        // Every change in one sync transaction (a catch-up's batch: the dimension counts are
        // summed and written once at its end), or each in its own.
        fc.boolean(),
        (arbs, zone, fromDay, days, dimsList, batched) => {
          const fresh = freshStore()
          const cache: Cache = batched
            ? { db: fresh.db, hooks: { ...fresh.hooks, beforeCommit: () => {} } }
            : fresh
          const playAll = () =>
            arbs.forEach((a, i) => {
              let after = 0
              const steps = a.steps.map((st) => ({
                status: st.status,
                after: (after += (st.after % 3) * MIN + (st.after > 10 * DAY ? st.after : 0) + MIN),
              }))
              let row = play(
                cache,
                lead({
                  id: i + 1,
                  created_at: T0 - 10 * DAY + a.at,
                  source: a.source,
                  temperature: a.temperature,
                  owner: a.owner,
                }),
                steps,
              )
              if (a.moved) {
                const next = {
                  ...row,
                  owner: a.moved.owner,
                  created_at: row.created_at + a.moved.by,
                }
                cache.db.transaction(() => {
                  cache.db
                    .prepare('UPDATE leads SET owner = ?, created_at = ? WHERE id = ?')
                    .run(next.owner, next.created_at, next.id)
                  cache.hooks.wants('leads')
                  cache.hooks.row('leads', row as never, next)
                  cache.hooks.beforeCommit()
                })()
                row = next
              }
              if (a.deleted) {
                cache.db.transaction(() => {
                  cache.db.prepare('DELETE FROM leads WHERE id = ?').run(row.id)
                  cache.hooks.wants('leads')
                  cache.hooks.row('leads', row as never, null)
                  cache.hooks.beforeCommit()
                })()
              }
            })
          if (batched)
            cache.db.transaction(() => {
              playAll()
              fresh.hooks.beforeCommit()
            })()
          else playAll()
          const day = (n: number) => new Date(T0 - 12 * DAY + n * DAY).toISOString().slice(0, 10)
          for (const dims of dimsList) {
            const filters: Filters = {
              range: {
                preset: 'custom',
                from: day(fromDay),
                to: day(fromDay + days),
                timeZone: zone,
              },
              ...dims,
            }
            const viaRollup = journeys(cache.db, filters, NOW)
            const viaRows = journeys(cache.db, filters, NOW, 3, { raw: true })
            expect(viaRollup).toEqual(viaRows)
          }
          // The row hook kept journey_dim_days equal to a count of the rows by every dimension
          // of their leads' values now.
          expect(keptDimCounts(cache.db)).toEqual(countDims(cache.db))
          // The triggers kept journey_days equal to a count of the rows, through every change.
          const kept = cache.db
            .prepare(
              'SELECT day, edge, bucket, count FROM journey_days WHERE count > 0 ORDER BY 1, 2, 3',
            )
            .all()
          const counted = cache.db
            .prepare(
              `SELECT day, edge, coalesce(bucket, 0) AS bucket, count(*) AS count FROM lead_journeys
               GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
            )
            .all()
          expect(kept).toEqual(counted)
          cache.db.close()
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('journeys of the shortest stays', () => {
  it('count a step taken 0 or 1 ms after the last as a step, not as a lead entering', () => {
    // A step's row packs its duration and edge in one integer (duration x 64 + edge): 1 ms packs
    // to 64-109, which was once read as an entry row.
    const cache = freshStore()
    for (const [id, after] of [
      [1, 0],
      [2, 1],
      [3, 1],
    ] as const)
      play(cache, lead({ id, created_at: T0 + id * MIN }), [{ status: 'contacted', after }])
    const short: Filters = {
      range: { preset: 'custom', from: '2026-06-10', to: '2026-06-10', timeZone: ZONE },
    }
    for (const filters of [all, short]) {
      const fast = journeys(cache.db, filters, NOW)
      expect(fast).toEqual(journeys(cache.db, filters, NOW, 3, { raw: true }))
      expect(fast.leads).toBe(3)
      expect(fast.edges).toEqual([{ from: 'new', to: 'contacted', count: 3, medianMs: 1 }])
    }
    cache.db.close()
  })
})

describe('journey medians at bucket boundaries', () => {
  it('pick the same durations as the raw rows when they sit on either side of a bucket edge', () => {
    // Durations one ms either side of where log2 puts eighth-octave edges (1 s to ~3 days).
    const edges = [0, 1, 7, 8, 9, 40, 81, 100, 137].map((b) => Math.round(1000 * 2 ** (b / 8)))
    const durations = edges.flatMap((d) => [d - 1, d, d + 1]).filter((d) => d >= 0)
    const range = {
      preset: 'custom' as const,
      from: '2026-06-01',
      to: '2026-06-30',
      timeZone: 'UTC',
    }
    // Every prefix and suffix of them: the median lands on each side of every edge.
    const sets = durations.flatMap((_, i) => [durations.slice(0, i + 1), durations.slice(i)])
    for (const set of sets) {
      const cache = freshStore()
      set.forEach((d, i) =>
        play(cache, lead({ id: i + 1, created_at: T0 + i * MIN }), [
          { status: 'contacted', after: d },
        ]),
      )
      const fast = journeys(cache.db, { range }, NOW)
      expect(fast).toEqual(journeys(cache.db, { range }, NOW, 3, { raw: true }))
      expect(fast.edges).toHaveLength(1)
      cache.db.close()
    }
  })
})

describe('journeys in a cache from before migrations 018 and 021', () => {
  it('keep their observed history, and the dimension counts are filled from the leads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journeys-018-'))
    try {
      const file = join(dir, 'cache.sqlite')
      const old = openStore(file, { migrateUpTo: 17 })
      // The history as the journeys' hooks before 018 observed it (no status column yet).
      old.prepare('UPDATE journey_state SET valid = 1 WHERE id = 1').run()
      insertLeads(old, [
        lead({ id: 1, created_at: T0, source: 'Nextdoor', owner: 'Ravi', status: 'lost' }),
        lead({ id: 2, created_at: T0 + DAY, temperature: 'hot', status: 'contacted' }),
        lead({ id: 3, created_at: T0 + 2 * DAY }),
      ])
      const row = old.prepare(
        `INSERT INTO lead_journeys (lead_id, seq, from_stage, to_stage, entered_at, duration_ms,
           inferred, created_at, source, segment, city, temperature, owner)
         SELECT id, ?, ?, ?, created_at + ?, ?, 0, created_at, source, segment, city, temperature, owner
         FROM leads WHERE id = ?`,
      )
      row.run(0, null, 0, 0, null, 1)
      row.run(1, 0, 1, 3 * MIN, 3 * MIN, 1)
      row.run(2, 1, 5, 3 * MIN + 2 * DAY, 2 * DAY, 1)
      row.run(0, null, 0, 0, null, 2)
      row.run(1, 0, 1, 7 * MIN, 7 * MIN, 2)
      row.run(0, null, 0, 0, null, 3)
      old.close()

      const db = openStore(file)
      // Observed (not inferred) rows survive, holding no copy of their lead's values (021).
      expect(
        db
          .prepare('SELECT lead_id, seq, inferred, entered_at FROM lead_journeys ORDER BY 1, 2')
          .all(),
      ).toEqual([
        { lead_id: 1, seq: 0, inferred: 0, entered_at: T0 },
        { lead_id: 1, seq: 1, inferred: 0, entered_at: T0 + 3 * MIN },
        { lead_id: 1, seq: 2, inferred: 0, entered_at: T0 + 3 * MIN + 2 * DAY },
        { lead_id: 2, seq: 0, inferred: 0, entered_at: T0 + DAY },
        { lead_id: 2, seq: 1, inferred: 0, entered_at: T0 + DAY + 7 * MIN },
        { lead_id: 3, seq: 0, inferred: 0, entered_at: T0 + 2 * DAY },
      ])
      const columns = db
        .prepare('SELECT name FROM pragma_table_xinfo(?)')
        .pluck()
        .all('lead_journeys') as string[]
      expect(columns).not.toContain('owner')
      expect(columns).not.toContain('status')
      expect(keptDimCounts(db)).toEqual(countDims(db))
      const cases: Omit<Filters, 'range'>[] = [
        { source: ['Nextdoor'] },
        { owner: ['Dana'] },
        { temperature: ['hot', 'cold'] },
        { status: ['lost', 'new'] },
      ]
      for (const dims of cases) {
        const filters: Filters = { ...all, ...dims }
        const fast = journeys(db, filters, NOW)
        expect(fast).toEqual(journeys(db, filters, NOW, 3, { raw: true }))
        expect(fast.leads).toBeGreaterThan(0)
      }
      expect(edge(journeys(db, { ...all, status: ['lost'] }, NOW), 'contacted', 'lost')).toEqual({
        from: 'contacted',
        to: 'lost',
        count: 1,
        medianMs: 2 * DAY,
      })
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('journeys in a cache from before migration 021', () => {
  it("count their rows under the leads' values, should a row's copy have drifted", () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-journeys-021-'))
    try {
      const file = join(dir, 'cache.sqlite')
      const old = openStore(file, { migrateUpTo: 20 })
      insertLeads(old, [
        lead({ id: 1, created_at: T0, owner: 'Ravi', status: 'contacted' }),
        lead({ id: 2, created_at: T0 + DAY, owner: 'Dana', temperature: 'hot' }),
      ])
      // Rows as the build before 021 wrote them, each with copies of its lead's values.
      old.prepare('UPDATE journey_state SET valid = 1 WHERE id = 1').run()
      const row = old.prepare(
        `INSERT INTO lead_journeys (lead_id, seq, from_stage, to_stage, entered_at, duration_ms,
           inferred, created_at, source, segment, city, temperature, owner, status)
         SELECT id, ?, ?, ?, created_at + ?, ?, 0, created_at, source, segment, city, temperature,
           owner, status
         FROM leads WHERE id = ?`,
      )
      row.run(0, null, 0, 0, null, 1)
      row.run(1, 0, 1, 5 * MIN, 5 * MIN, 1)
      row.run(0, null, 0, 0, null, 2)
      // A copy written by a build before the hook moved every value (Dana's row says Lee).
      old.prepare("UPDATE lead_journeys SET owner = 'Lee' WHERE lead_id = 2").run()
      const before = old.prepare('SELECT count(*) FROM lead_journeys').pluck().get()
      old.close()

      const db = openStore(file)
      expect(db.prepare('SELECT count(*) FROM lead_journeys').pluck().get()).toBe(before)
      expect(keptDimCounts(db)).toEqual(countDims(db))
      for (const owner of ['Dana', 'Lee', 'Ravi']) {
        const filters: Filters = { ...all, owner: [owner] }
        const fast = journeys(db, filters, NOW)
        expect(fast).toEqual(journeys(db, filters, NOW, 3, { raw: true }))
        expect(fast.leads).toBe(owner === 'Lee' ? 0 : 1)
      }
      // The journey_days triggers came back with the narrow table.
      const hooks = journeySyncHooks(db)
      const was = db.prepare('SELECT * FROM leads WHERE id = 2').get() as LeadRow
      const is: LeadRow = { ...was, status: 'contacted', updated_at: was.created_at + HOUR }
      db.transaction(() => {
        db.prepare('UPDATE leads SET status = ?, updated_at = ? WHERE id = 2').run(
          is.status,
          is.updated_at,
        )
        hooks.wants('leads')
        hooks.row('leads', was as never, is as never)
        hooks.beforeCommit()
      })()
      expect(edge(journeys(db, all, NOW), 'new', 'contacted')?.count).toBe(2)
      expect(journeys(db, all, NOW)).toEqual(journeys(db, all, NOW, 3, { raw: true }))
      expect(keptDimCounts(db)).toEqual(countDims(db))
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('journeys at start', () => {
  it('are inferred again by the hooks when an inference stopped part-way', () => {
    const db = openStore(':memory:')
    insertLeads(db, [lead({ id: 1, created_at: T0 }), lead({ id: 2, created_at: T0 + HOUR })])
    const hooks = journeySyncHooks(db)
    expect(hooks.caughtUp()).toBe(true)
    expect(hooks.caughtUp()).toBe(false)
    // Valid again after its first chunk, then failed: never finished.
    db.prepare('UPDATE journey_state SET rebuilt_at = NULL WHERE id = 1').run()
    db.prepare('DELETE FROM lead_journeys WHERE lead_id = 2').run()
    expect(journeys(db, all, NOW)).toMatchObject({ rebuilding: true })
    expect(hooks.caughtUp()).toBe(true)
    expect(journeys(db, all, NOW)).toMatchObject({ rebuilding: false, leads: 2 })
  })

  it('read as whole only once the latest of two overlapping inferences has finished', () => {
    // The core's worker and a CLI export's ensureJourneys: two processes, one cache file.
    const dir = mkdtempSync(join(tmpdir(), 'wf-journey-runs-'))
    try {
      const file = join(dir, 'cache.db')
      const a = openStore(file)
      const b = openStore(file)
      insertLeads(
        a,
        Array.from({ length: 50 }, (_, i) =>
          lead({
            id: i + 1,
            created_at: T0 + i * HOUR,
            status: i % 2 === 0 ? 'won' : 'contacted',
            first_response_at: T0 + i * HOUR + 5 * MIN,
            converted_at: i % 2 === 0 ? T0 + i * HOUR + DAY : null,
            updated_at: T0 + i * HOUR + DAY,
          }),
        ),
      )
      const stepAll = (steps: Generator<void, number, void>) => {
        let step = steps.next()
        while (!step.done) step = steps.next()
        return step.value
      }
      const first = rebuildJourneySteps(a, 10)
      for (let i = 0; i < 3; i++) first.next() // the start and two chunks: leads 1-20
      const second = rebuildJourneySteps(b, 10)
      second.next() // its start empties the history again
      second.next() // and infers leads 1-10
      expect(stepAll(first)).toBe(40) // leads 1-10 and 21-50
      // The first is done, but leads 11-20 wait for the second: not whole yet.
      expect(journeyState(a)).toEqual({ valid: true, rebuilding: true })
      expect(journeys(a, all, NOW)).toMatchObject({ rebuilding: true })
      expect(journeysStale(a)).toBe(true)
      expect(stepAll(second)).toBe(50)
      expect(journeyState(a)).toEqual({ valid: true, rebuilding: false })
      expect(journeysStale(a)).toBe(false)
      const inferred = journeys(a, all, NOW)
      expect(inferred).toMatchObject({ rebuilding: false, leads: 50 })
      expect(keptDimCounts(a)).toEqual(countDims(a))
      // Equal to one inference alone.
      rebuildJourneys(b)
      expect(journeys(a, all, NOW)).toEqual(inferred)
      a.close()
      b.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('are inferred again when leads were written without the hooks (a demo fill)', () => {
    const db = openStore(':memory:')
    expect(ensureJourneys(db)).toBe(true)
    expect(ensureJourneys(db)).toBe(false)
    insertLeads(db, [lead({ id: 1, created_at: T0 }), lead({ id: 2, created_at: T0 + HOUR })])
    expect(ensureJourneys(db)).toBe(true)
    expect(journeys(db, all, NOW).leads).toBe(2)
    expect(ensureJourneys(db)).toBe(false)
  })

  it('fill the dimension rollups when rebuilt in chunks, as the rows count them', () => {
    const db = openStore(':memory:')
    const statuses = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const
    insertLeads(
      db,
      Array.from({ length: 60 }, (_, i) =>
        lead({
          id: i + 1,
          created_at: T0 + (i % 9) * DAY + i * MIN,
          status: statuses[i % 6],
          first_response_at: i % 6 === 0 ? null : T0 + (i % 9) * DAY + i * MIN + (i + 1) * MIN,
          updated_at: T0 + (i % 9) * DAY + i * HOUR,
          source: i % 2 === 0 ? 'Nextdoor' : 'Google LSA',
          owner: i % 3 === 0 ? 'Ravi' : 'Dana',
        }),
      ),
    )
    rebuildJourneys(db, 7)
    expect(keptDimCounts(db)).toEqual(countDims(db))
    const cases: Omit<Filters, 'range'>[] = [
      { source: ['Nextdoor'] },
      { owner: ['Ravi'] },
      { status: ['won', 'lost'] },
    ]
    for (const dims of cases) {
      const filters: Filters = { ...all, ...dims }
      const fast = journeys(db, filters, NOW)
      expect(fast.leads).toBeGreaterThan(0)
      expect(fast).toEqual(journeys(db, filters, NOW, 3, { raw: true }))
    }
    db.close()
  })
})

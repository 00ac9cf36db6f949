import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import {
  COUNT_ROLLUPS,
  ROLLUPS,
  applyLeadChange,
  beginRollupBatch,
  createScope,
  dashboard,
  leadResponseKpi,
  rebuildRollups,
  rollupState,
} from '../../main/metrics/index.ts'
import { BASIS, MEASURES, QUARTER_ROLLUPS, zeroMeasures } from '../../main/metrics/rollups.ts'
import { addCounts, forEachSection, forEachSums } from '../../main/metrics/count-blob.ts'
import { rollupSyncHooks } from '../../main/metrics/sync-hooks.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import type { Filters } from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { tempDir } from '../support/temp.ts'

// Leads around the 2026 US DST change (March 8) and a month boundary.
const T0 = Date.parse('2026-02-25T00:00:00Z')
const SPAN = 20 * 86_400_000
const leadArb = (id: number): fc.Arbitrary<LeadRow> =>
  fc
    .record({
      created: fc.integer({ min: 0, max: SPAN }),
      response: fc.option(fc.integer({ min: 0, max: 400_000 }), { nil: null }),
      source: fc.constantFrom('Google LSA', 'Nextdoor', "'; DROP TABLE leads; --"),
      city: fc.constantFrom('Troy', 'Ferndale'),
      temperature: fc.constantFrom('hot' as const, 'warm' as const, 'cold' as const),
      status: fc.constantFrom(
        'new' as const,
        'contacted' as const,
        'won' as const,
        'lost' as const,
      ),
      owner: fc.constantFrom('A', 'B'),
      deal: fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: null }),
      lag: fc.integer({ min: 0, max: 10 * 86_400_000 }),
      deleted: fc.boolean(),
    })
    .map((r) =>
      lead({
        id,
        created_at: T0 + r.created,
        first_response_at: r.response === null ? null : T0 + r.created + r.response,
        source: r.source,
        city: r.city,
        segment: r.city === 'Troy' ? 'professional' : 'standard',
        temperature: r.temperature,
        status: r.status,
        owner: r.owner,
        converted_at: r.status === 'won' ? T0 + r.created + r.lag : null,
        deal_value_cents: r.status === 'won' ? r.deal : null,
        deleted_at: r.deleted && r.created % 5 === 0 ? T0 + SPAN : null,
      }),
    )

const snapshot = (db: Store): Record<string, unknown[]> =>
  Object.fromEntries<unknown[]>([
    ...ROLLUPS.map((r): [string, unknown[]] => [
      r.table,
      db.prepare(`SELECT * FROM ${r.table} ORDER BY 1, 2, 3, 4, 5, 6`).all(),
    ]),
    // The quarter blobs byte for byte: the encoding is canonical.
    ...QUARTER_ROLLUPS.flatMap((q): [string, unknown[]][] => [
      [q.table, db.prepare(`SELECT * FROM ${q.table} ORDER BY day`).all()],
      [q.allTable, db.prepare(`SELECT * FROM ${q.allTable} ORDER BY day`).all()],
    ]),
  ])

// ---- An independent recomputation of every rollup, straight from the rules
// in 005-metric-rollups.ts: Intl for local times, plain loops for the sums.
// The zone is the one the cache says its rollups are in.
const formats = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
function local(ms: number, zone: string) {
  let format = formats.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      weekday: 'short',
    })
    formats.set(zone, format)
  }
  const p = Object.fromEntries(format.formatToParts(ms).map((x) => [x.type, x.value]))
  const [y, m, d, h] = [p.year, p.month, p.day, p.hour].map(Number) as [
    number,
    number,
    number,
    number,
  ]
  return {
    day: Date.UTC(y, m - 1, d) / 86_400_000,
    month: y * 12 + (m - 1),
    weekHour: WEEKDAYS.indexOf(p.weekday as string) * 24 + h,
  }
}

type Expected = Record<string, Record<string, number | string>[]>

function recompute(db: Store): Expected {
  const zone = db.prepare('SELECT time_zone FROM rollup_state').pluck().get() as string
  const leads = db.prepare('SELECT * FROM leads WHERE deleted_at IS NULL').all() as LeadRow[]
  const out: Expected = {}
  for (const r of ROLLUPS) {
    const rows = new Map<string, Record<string, number | string>>()
    for (const l of leads) {
      const won = l.status === 'won'
      if (r.basis === 'converted' && !(won && l.converted_at !== null)) continue
      const at = r.basis === 'created' ? l.created_at : (l.converted_at as number)
      const t = local(at, zone)
      const time = r.grain === 'day' ? t.day : t.month
      // The facets: a row per (owner, dimension, value), each lead in five of them.
      const keys: Record<string, string>[] =
        r.column === 'dims'
          ? [{ dims: [l.source, l.city, l.segment, l.temperature, l.status].join('|') }]
          : r.column === 'owner'
            ? [{ owner: l.owner }]
            : r.column === 'facet' || r.column === 'sourceFacet'
              ? (['source', 'city', 'segment', 'temperature', 'status'] as const).map((d) => ({
                  ...(r.column === 'facet' ? { owner: l.owner } : { source: l.source }),
                  dim: d,
                  value: l[d],
                }))
              : [{ source: l.source }]
      for (const cols of keys) {
        const key = JSON.stringify([time, cols])
        const row = rows.get(key) ?? { [r.grain]: time, ...cols, ...zeroMeasures() }
        rows.set(key, row)
        const ms = l.first_response_at === null ? null : l.first_response_at - l.created_at
        const add = (k: string, n: number) => (row[k] = (row[k] as number) + n)
        add('leads', 1)
        if (ms !== null) {
          add('responded', 1)
          add('response_ms', ms)
          if (ms <= 120_000) add('under_target', 1)
          if (ms <= 120_000 && won) add('won_under', 1)
        }
        if (won) add('won', 1)
        if (won && l.deal_value_cents !== null) {
          add('won_valued', 1)
          add('revenue_cents', l.deal_value_cents)
        }
      }
    }
    out[r.table] = [...rows.values()]
  }
  // The UTC quarter blobs: per UTC day, each section's (all leads, a source's, an owner's) measures
  // of each quarter (<section> q<quarter>.<measure>).
  for (const q of QUARTER_ROLLUPS) {
    const rows = new Map<string, Record<string, number | string>>()
    for (const l of leads) {
      const won = l.status === 'won'
      if (q.basis === 'converted' && !(won && l.converted_at !== null)) continue
      const at = q.basis === 'created' ? l.created_at : (l.converted_at as number)
      const day = Math.floor(at / 86_400_000)
      const slot = Math.floor((at - day * 86_400_000) / 900_000)
      const key = String(day)
      const row = rows.get(key) ?? { day }
      rows.set(key, row)
      for (const section of ['', `s:${l.source}`, `o:${l.owner}`]) {
        const name = (m: string) => `${section} q${slot}.${m}`
        if (row[name('leads')] === undefined) for (const m of MEASURES) row[name(m)] = 0
        const ms = l.first_response_at === null ? null : l.first_response_at - l.created_at
        const add = (k: string, n: number) => (row[name(k)] = (row[name(k)] as number) + n)
        add('leads', 1)
        if (ms !== null) {
          add('responded', 1)
          add('response_ms', ms)
          if (ms <= 120_000) add('under_target', 1)
          if (ms <= 120_000 && won) add('won_under', 1)
        }
        if (won) add('won', 1)
        if (won && l.deal_value_cents !== null) {
          add('won_valued', 1)
          add('revenue_cents', l.deal_value_cents)
        }
      }
    }
    out[q.table] = [...rows.values()]
    // The all-leads section alone.
    out[q.allTable] = [...rows.values()].map((row) =>
      Object.fromEntries(Object.entries(row).filter(([k]) => k === 'day' || k.startsWith(' q'))),
    )
  }
  for (const c of COUNT_ROLLUPS) {
    const rows = new Map<string, Record<string, number | string>>()
    for (const l of leads) {
      const t = local(l.created_at, zone)
      let bucket: number
      if (c.of === 'weekHour') bucket = t.weekHour
      else if (l.first_response_at === null) continue
      else {
        const ms = l.first_response_at - l.created_at
        bucket = ms < 0 ? 0 : ms >= 1_800_000 ? 1801 : 1 + Math.floor(ms / 1000)
      }
      const time = c.grain === 'day' ? t.day : t.month
      const key = JSON.stringify([time, l[c.key]])
      const row = rows.get(key) ?? { [c.grain]: time, [c.key]: l[c.key] }
      rows.set(key, row)
      row[`b${bucket}`] = ((row[`b${bucket}`] as number | undefined) ?? 0) + 1
    }
    out[c.table] = [...rows.values()]
  }
  return out
}

/** The stored rollups in recompute's shape: dims ids as their values, blobs decoded. */
function stored(db: Store): Expected {
  const out: Expected = {}
  for (const r of ROLLUPS) {
    const sql =
      r.column === 'dims'
        ? `SELECT t.*, d.source || '|' || d.city || '|' || d.segment || '|' || d.temperature || '|' || d.status AS dims
             FROM ${r.table} t JOIN rollup_dims d ON d.id = t.dims`
        : `SELECT * FROM ${r.table}`
    out[r.table] = db.prepare(sql).all() as Record<string, number | string>[]
  }
  for (const q of QUARTER_ROLLUPS) {
    out[q.table] = (
      db.prepare(`SELECT * FROM ${q.table}`).all() as Record<string, number | string | Buffer>[]
    ).map(({ sums, ...key }) => {
      const row: Record<string, number | string> = key as Record<string, number | string>
      forEachSection(sums as Buffer, (section, body) =>
        forEachSums(body, MEASURES.length, (slot, values) => {
          MEASURES.forEach((m, k) => (row[`${section} q${slot}.${m}`] = values[k] as number))
        }),
      )
      return row
    })
    out[q.allTable] = (
      db.prepare(`SELECT * FROM ${q.allTable}`).all() as { day: number; sums: Buffer }[]
    ).map(({ day, sums }) => {
      const row: Record<string, number | string> = { day }
      forEachSums(sums, MEASURES.length, (slot, values) => {
        MEASURES.forEach((m, k) => (row[` q${slot}.${m}`] = values[k] as number))
      })
      return row
    })
  }
  for (const c of COUNT_ROLLUPS) {
    out[c.table] = (
      db.prepare(`SELECT * FROM ${c.table}`).all() as Record<string, number | string | Buffer>[]
    ).map(({ hist, ...key }) => {
      const dense = new Float64Array(c.size)
      addCounts(dense, hist as Buffer)
      const row: Record<string, number | string> = key as Record<string, number | string>
      dense.forEach((n, b) => {
        if (n !== 0) row[`b${b}`] = n
      })
      return row
    })
  }
  return out
}

/** Order-free comparison of every rollup table with the recomputation. */
function expectMatchesRaw(db: Store): void {
  const sorted = (e: Expected) =>
    Object.fromEntries(
      Object.entries(e).map(([t, rows]) => [
        t,
        rows.map((row) => JSON.stringify(Object.entries(row).sort())).sort(),
      ]),
    )
  expect(sorted(stored(db))).toEqual(sorted(recompute(db)))
}

const upsert = (db: Store, l: LeadRow) =>
  db
    .prepare(
      `INSERT OR REPLACE INTO leads (id, tenant_id, created_at, updated_at, deleted_at, source, city,
      segment, temperature, status, owner, first_response_at, converted_at, deal_value_cents)
      VALUES (@id, @tenant_id, @created_at, @updated_at, @deleted_at, @source, @city, @segment,
      @temperature, @status, @owner, @first_response_at, @converted_at, @deal_value_cents)`,
    )
    .run(l)

/** New leads written with their rollup change, in one transaction as the sync does. */
const addLeads = (db: Store, rows: LeadRow[]) =>
  db.transaction(() => {
    for (const l of rows) {
      upsert(db, l)
      applyLeadChange(db, null, l)
    }
  })()

/** The rollups kept so far equal the raw rows and a rebuild (`read`: the tables compared). */
function expectRawAndRebuildAgree(db: Store, read: (db: Store) => unknown = snapshot): void {
  expectMatchesRaw(db)
  const incremental = read(db)
  rebuildRollups(db)
  expect(read(db)).toEqual(incremental)
}

describe('rollup maintenance', () => {
  it('after random inserts, updates and deletes through applyLeadChange equals the raw rows and a rebuild', () => {
    const op = fc.record({
      id: fc.integer({ min: 1, max: 12 }),
      kind: fc.constantFrom('put', 'put', 'delete'),
      seed: fc.integer({ min: 1, max: 12 }),
    })
    fc.assert(
      fc.property(fc.array(fc.tuple(op, leadArb(0)), { minLength: 1, maxLength: 40 }), (ops) => {
        const db = openStore(':memory:')
        try {
          for (const [o, row] of ops) {
            // The sync path: write the row and move the rollups in one transaction.
            db.transaction(() => {
              const before =
                (db.prepare('SELECT * FROM leads WHERE id = ?').get(o.id) as LeadRow | undefined) ??
                null
              if (o.kind === 'delete') {
                db.prepare('DELETE FROM leads WHERE id = ?').run(o.id)
                applyLeadChange(db, before, null)
              } else {
                const after = { ...row, id: o.id }
                upsert(db, after)
                applyLeadChange(db, before, after)
              }
            })()
          }
          expectRawAndRebuildAgree(db)
        } finally {
          db.close()
        }
      }),
      { numRuns: 150 },
    )
    // A generous deadline: fast-check runs many cases, slowly on a busy machine.
  }, 300_000)
})

describe('batched rollup maintenance', () => {
  const allTables = (db: Store) => ({
    ...snapshot(db),
    ...Object.fromEntries(
      COUNT_ROLLUPS.map((c) => [
        c.table,
        db.prepare(`SELECT * FROM ${c.table} ORDER BY 1, 2`).all(),
      ]),
    ),
  })

  it('random changes through batches (one flush per transaction) equal the raw rows and a rebuild, counts included', () => {
    const op = fc.record({
      id: fc.integer({ min: 1, max: 12 }),
      kind: fc.constantFrom('put', 'put', 'put', 'delete'),
    })
    // Response times on both sides of the histogram bounds (below 0, whole
    // seconds, above 30 minutes) and converted_at across days.
    const rowArb = fc
      .tuple(
        leadArb(0),
        fc.constantFrom(-5_000, 0, 999, 1_000, 119_999, 1_799_999, 1_800_000, 9e6),
        fc.boolean(),
      )
      .map(([l, r, edge]) =>
        edge && l.first_response_at !== null ? { ...l, first_response_at: l.created_at + r } : l,
      )
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(op, rowArb), { minLength: 1, maxLength: 15 }), {
          minLength: 1,
          maxLength: 6,
        }),
        (transactions) => {
          const db = openStore(':memory:')
          try {
            const read = db.prepare('SELECT * FROM leads WHERE id = ?')
            for (const ops of transactions) {
              db.transaction(() => {
                const batch = beginRollupBatch(db)
                for (const [o, row] of ops) {
                  const before = (read.get(o.id) as LeadRow | undefined) ?? null
                  if (o.kind === 'delete') {
                    db.prepare('DELETE FROM leads WHERE id = ?').run(o.id)
                    batch.record(before, null)
                  } else {
                    const after = { ...row, id: o.id }
                    upsert(db, after)
                    batch.record(before, after)
                  }
                }
                batch.flush()
              })()
            }
            // Every rollup equals a recomputation from the raw rows, and a rebuild.
            expectRawAndRebuildAgree(db, allTables)
            // And one more row through the batch of one.
            addLeads(db, [{ ...(transactions[0]?.[0]?.[1] as LeadRow), id: 99 }])
            expectRawAndRebuildAgree(db, allTables)
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 150 },
    )
    // A generous deadline: fast-check runs many cases, slowly on a busy machine.
  }, 300_000)

  it('writes nothing while the rollups are invalid, and leaves that to the rebuild', () => {
    const db = openStore(':memory:')
    try {
      db.prepare('UPDATE rollup_state SET valid = 0').run()
      const l = lead({ id: 1, created_at: T0, first_response_at: T0 + 5_000 })
      upsert(db, l)
      const batch = beginRollupBatch(db)
      batch.record(null, l)
      batch.flush()
      expect(allTables(db).rollup_leads_day).toEqual([])
      rebuildRollups(db)
      expect(allTables(db).rollup_leads_day).toHaveLength(1)
      expect(allTables(db).rollup_response_day).toHaveLength(1)
    } finally {
      db.close()
    }
  })
})

describe('the catalog on random data and filters', () => {
  const filtersArb: fc.Arbitrary<Filters> = fc.record({
    range: fc
      .tuple(
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: 0, max: 22 }),
        fc.constantFrom('America/Detroit', 'UTC', 'Asia/Kolkata'),
      )
      .map(([a, b, timeZone]) => {
        const day = (n: number) => new Date(T0 + (n - 1) * 86_400_000).toISOString().slice(0, 10)
        return {
          preset: 'custom' as const,
          from: day(Math.min(a, b)),
          to: day(Math.max(a, b)),
          timeZone,
        }
      }),
    source: fc.option(fc.subarray(['Google LSA', "'; DROP TABLE leads; --"]), { nil: undefined }),
    temperature: fc.option(fc.subarray(['hot', 'cold'] as const), { nil: undefined }),
    owner: fc.option(fc.subarray(['A']), { nil: undefined }),
  })
  const clock = () => new Date('2026-03-20T12:00:00Z')

  it('equals a plain computation over the filtered rows, on the rollup and the raw path', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 1e9 }), { maxLength: 60 })
          .chain((ids) => fc.tuple(...[...new Set(ids)].map((id) => leadArb(id)))),
        filtersArb,
        (rows, filters) => {
          const db = openStore(':memory:')
          try {
            insertLeads(db, rows)
            rebuildRollups(db)
            const r = filters.range as { from: string; to: string; timeZone: string }
            const local = (ms: number) =>
              new Intl.DateTimeFormat('en-CA', { timeZone: r.timeZone }).format(ms)
            const kept = rows.filter(
              (l) =>
                l.deleted_at === null &&
                local(l.created_at) >= r.from &&
                local(l.created_at) <= r.to &&
                (!filters.source?.length || filters.source.includes(l.source)) &&
                (!filters.temperature?.length || filters.temperature.includes(l.temperature)) &&
                (!filters.owner?.length || filters.owner.includes(l.owner)),
            )
            const answered = kept
              .filter((l) => l.first_response_at !== null)
              .map((l) => (l.first_response_at as number) - l.created_at)
              .sort((a, b) => a - b)
            const mid = answered.length / 2
            const median =
              answered.length === 0
                ? null
                : answered.length % 2
                  ? (answered[Math.floor(mid)] as number) / 1000
                  : ((answered[mid - 1] as number) + (answered[mid] as number)) / 2 / 1000
            const under = answered.filter((ms) => ms <= 120_000).length
            const k = leadResponseKpi(db, filters, clock)
            expect(k.leads).toBe(kept.length)
            expect(k.underTarget).toBe(under)
            expect(k.overTarget).toBe(kept.length - under)
            expect(k.medianSeconds).toBe(median)
            if (answered.length)
              expect(k.averageSeconds).toBeCloseTo(
                answered.reduce((a, b) => a + b, 0) / answered.length / 1000,
                6,
              )
            const request = {
              filters,
              dashboards: 'all' as const,
              maxPoints: 500,
              activityLimit: 10,
            }
            const viaRollups = dashboard(db, request, clock)
            const won = kept.filter((l) => l.status === 'won')
            expect(viaRollups.conversion?.conversions).toBe(won.length)
            expect(viaRollups.marketing?.totals.revenueCents).toBe(
              won.reduce((a, l) => a + (l.deal_value_cents ?? 0), 0),
            )
            // The raw path gives the same dashboard, number for number.
            const rawScope = createScope(db, filters, { raw: true })
            expect(leadResponseKpi(db, filters, clock, rawScope)).toEqual(k)
            const strip = (d: typeof viaRollups) => ({ ...d, computeMs: 0, health: undefined })
            const db2 = db
            db2.prepare('UPDATE rollup_state SET valid = 0').run()
            expect(strip(dashboard(db2, request, clock))).toEqual(strip(viaRollups))
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 120 },
    )
    // A generous deadline: fast-check runs many cases, slowly on a busy machine.
  }, 300_000)
})

describe('the median through the response histograms', () => {
  it('equals the plain median, for times below 0, within a second, and beyond 30 minutes', () => {
    const clock = () => new Date('2026-03-20T12:00:00Z')
    const responseArb = fc.oneof(
      fc.integer({ min: -10_000, max: -1 }),
      fc.integer({ min: 119_000, max: 121_999 }),
      fc.integer({ min: 0, max: 2_000_000 }),
      fc.integer({ min: 1_799_000, max: 40_000_000 }),
    )
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            created: fc.integer({ min: 0, max: SPAN }),
            response: fc.option(responseArb, { nil: null }),
            source: fc.constantFrom('Google LSA', 'Nextdoor'),
          }),
          { maxLength: 80 },
        ),
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: 0, max: 22 }),
        fc.constantFrom<string[] | undefined>(undefined, ['Nextdoor']),
        (specs, a, b, source) => {
          const db = openStore(':memory:')
          try {
            const rows = specs.map((r, i) =>
              lead({
                id: i + 1,
                created_at: T0 + r.created,
                first_response_at: r.response === null ? null : T0 + r.created + r.response,
                source: r.source,
              }),
            )
            insertLeads(db, rows)
            rebuildRollups(db)
            const day = (n: number) =>
              new Date(T0 + (n - 1) * 86_400_000).toISOString().slice(0, 10)
            const range = {
              preset: 'custom' as const,
              from: day(Math.min(a, b)),
              to: day(Math.max(a, b)),
              timeZone: 'America/Detroit',
            }
            const local = (ms: number) =>
              new Intl.DateTimeFormat('en-CA', { timeZone: range.timeZone }).format(ms)
            const answered = rows
              .filter(
                (l) =>
                  l.first_response_at !== null &&
                  local(l.created_at) >= range.from &&
                  local(l.created_at) <= range.to &&
                  (!source || source.includes(l.source)),
              )
              .map((l) => (l.first_response_at as number) - l.created_at)
              .sort((x, y) => x - y)
            const mid = answered.length / 2
            const median =
              answered.length === 0
                ? null
                : answered.length % 2
                  ? (answered[Math.floor(mid)] as number) / 1000
                  : ((answered[mid - 1] as number) + (answered[mid] as number)) / 2 / 1000
            const filters: Filters = source ? { range, source } : { range }
            expect(leadResponseKpi(db, filters, clock).medianSeconds).toBe(median)
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 150 },
    )
    // A generous deadline: fast-check runs many cases, slowly on a busy machine.
  }, 300_000)
})

describe('a rebuild at scale', () => {
  it('of thousands of leads over a year equals the raw rows, and incremental upkeep', () => {
    // Enough distinct (day, dims) keys to fill many 64-row INSERTs and grow
    // the delta buffers several times.
    const sources = ['Google LSA', 'Nextdoor', 'Facebook Ads']
    const cities = ['Troy', 'Ferndale', 'Novi', 'Birmingham']
    const temperatures = ['hot', 'warm', 'cold'] as const
    const statuses = ['new', 'contacted', 'won', 'lost'] as const
    const rows: LeadRow[] = []
    for (let i = 1; i <= 6_000; i++) {
      const created = T0 + ((i * 7_919_993) % (365 * 86_400_000))
      const status = statuses[i % 4] as LeadRow['status']
      rows.push(
        lead({
          id: i,
          created_at: created,
          source: sources[i % 3],
          city: cities[(i >> 2) % 4],
          temperature: temperatures[(i >> 3) % 3],
          status,
          first_response_at: i % 5 === 0 ? null : created + ((i * 37_003) % 2_000_000),
          converted_at: status === 'won' ? created + (i % 9) * 86_400_000 : null,
          deal_value_cents: status === 'won' && i % 3 !== 0 ? 100_000 + i : null,
          deleted_at: i % 97 === 0 ? created + 1 : null,
        }),
      )
    }
    const db = openStore(':memory:')
    try {
      addLeads(db, rows)
      expectRawAndRebuildAgree(db)
      expect(
        db.prepare('SELECT count(*) FROM rollup_leads_day').pluck().get() as number,
      ).toBeGreaterThan(2_000)
    } finally {
      db.close()
    }
    // A generous deadline: the plain recomputation it compares with is slow on a busy machine.
  }, 300_000)
})

describe('rollup sync hooks', () => {
  it('want no rows during a load into an empty cache, rebuild once caught up, then keep up', () => {
    const db = openStore(':memory:')
    try {
      const hooks = rollupSyncHooks(db)
      // The load: nothing is wanted, so the sync reads no row before its change.
      expect(hooks.wants('leads')).toBe(false)
      const first = lead({ id: 1, created_at: T0, first_response_at: T0 + 5_000 })
      upsert(db, first)
      hooks.beforeCommit()
      expect(hooks.caughtUp()).toBe(true)
      expect(hooks.caughtUp()).toBe(false)
      expect(hooks.wants('leads')).toBe(true)
      expect(hooks.wants('customers')).toBe(false)
      // Live changes go through the hooks inside their transaction.
      const second = lead({
        id: 2,
        created_at: T0 + 3_600_000,
        status: 'won',
        deal_value_cents: 500,
      })
      db.transaction(() => {
        upsert(db, second)
        hooks.row('leads', null, second as unknown as Record<string, unknown>)
        hooks.beforeCommit()
      })()
      expectMatchesRaw(db)
    } finally {
      db.close()
    }
  })

  it('see a rebuild made between two transactions', () => {
    const db = openStore(':memory:')
    try {
      upsert(db, lead({ id: 1, created_at: T0 }))
      db.prepare('UPDATE rollup_state SET valid = 0').run()
      const hooks = rollupSyncHooks(db)
      expect(hooks.wants('leads')).toBe(false)
      hooks.beforeCommit()
      rebuildRollups(db)
      expect(hooks.wants('leads')).toBe(true)
    } finally {
      db.close()
    }
  })
})

describe('the org time zone', () => {
  it('changed by a rebuild on another connection is followed by the next batch here', () => {
    const temp = tempDir()
    const file = join(temp.dir, 'zone.sqlite')
    const db = openStore(file)
    const other = openStore(file)
    try {
      // 2026-03-02 03:30 UTC: still March 1 in Detroit, already March 2 in London.
      addLeads(db, [lead({ id: 1, created_at: Date.parse('2026-03-02T03:30:00Z') })])
      rebuildRollups(other, { timeZone: 'Europe/London' })
      addLeads(db, [lead({ id: 2, created_at: Date.parse('2026-03-02T04:30:00Z') })])
      const days = db.prepare('SELECT day, leads FROM rollup_leads_day_source').all()
      expect(days).toEqual([{ day: Date.UTC(2026, 2, 2) / 86_400_000, leads: 2 }])
      // And every table, counts included, equals the raw rows read in London.
      expectMatchesRaw(db)
      expect(() => rebuildRollups(db, { timeZone: 'Mars/Base' })).toThrow(/unknown time zone/)
      // Stored under the canonical name pages ask in, so that dashboards can use it.
      rebuildRollups(db, { timeZone: 'US/Eastern' })
      expect(rollupState(db).timeZone).toBe('America/New_York')
    } finally {
      other.close()
      db.close()
      temp.cleanup()
    }
  })
})

describe('raw reads of deals', () => {
  it('go through the partial index on converted_at, not a scan of every lead', () => {
    const db = openStore(':memory:')
    try {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT count(*) FROM leads
            WHERE ${BASIS.converted.where} AND converted_at >= ? AND converted_at < ?`,
        )
        .all(0, 1) as { detail: string }[]
      expect(plan.map((p) => p.detail).join('\n')).toContain('USING INDEX leads_converted_at')
    } finally {
      db.close()
    }
  })
})

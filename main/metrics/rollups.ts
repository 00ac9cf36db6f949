// Rollup maintenance (tables in main/store/migrations/005-metric-rollups.ts).
//
// Two ways in, which must always agree (property tests pin it):
// - a RollupBatch (beginRollupBatch): the sync engine, inside the SQLite
//   transaction that writes a batch of lead rows, records each row's change
//   (the row before and after, null for an insert / a hard delete) and
//   flushes once before the commit. Deltas are summed in memory per rollup
//   key, so 10,000 rows cost one upsert per distinct (bucket, dims) instead
//   of six per row, and one rewrite per histogram blob touched.
//   applyLeadChange is a batch of one.
// - rebuildRollups: recomputes every table from the raw leads (after a bulk
//   load, which should skip per-row upkeep; a zone change; or on demand).

import type { LeadRow } from '../demo/types.ts'
import type { Store } from '../store/index.ts'
import { addCounts, encodeCounts } from './count-blob.ts'
import { DAY_MS, firstDayOfMonth, localTime, monthOfDay, type LocalTime } from './time-range.ts'

export const DEFAULT_ORG_TIME_ZONE = 'America/Detroit'
const TARGET_MS = 120_000
const HOUR_MS = 3_600_000

export const ROLLUP_DIMS = ['source', 'city', 'segment', 'temperature', 'status'] as const
export type RollupDim = (typeof ROLLUP_DIMS)[number]
export type Grain = 'day' | 'month'
export type Basis = 'created' | 'converted'

export interface RollupDef {
  readonly table: string
  readonly basis: Basis
  readonly grain: Grain
  readonly dims: readonly RollupDim[]
  /** The key column after the time: `dims` (an id in rollup_dims, all five) or `source`. */
  readonly column: 'dims' | 'source'
}

export const ROLLUPS: readonly RollupDef[] = [
  { table: 'rollup_leads_day', basis: 'created', grain: 'day', dims: ROLLUP_DIMS, column: 'dims' },
  {
    table: 'rollup_leads_month',
    basis: 'created',
    grain: 'month',
    dims: ROLLUP_DIMS,
    column: 'dims',
  },
  {
    table: 'rollup_leads_day_source',
    basis: 'created',
    grain: 'day',
    dims: ['source'],
    column: 'source',
  },
  {
    table: 'rollup_deals_day',
    basis: 'converted',
    grain: 'day',
    dims: ROLLUP_DIMS,
    column: 'dims',
  },
  {
    table: 'rollup_deals_month',
    basis: 'converted',
    grain: 'month',
    dims: ROLLUP_DIMS,
    column: 'dims',
  },
  {
    table: 'rollup_deals_day_source',
    basis: 'converted',
    grain: 'day',
    dims: ['source'],
    column: 'source',
  },
]

export const MEASURES = [
  'leads',
  'responded',
  'under_target',
  'response_ms',
  'won',
  'won_under',
  'won_valued',
  'revenue_cents',
] as const
export type Measure = (typeof MEASURES)[number]
export type Measures = Record<Measure, number>

export const zeroMeasures = (): Measures => ({
  leads: 0,
  responded: 0,
  under_target: 0,
  response_ms: 0,
  won: 0,
  won_under: 0,
  won_valued: 0,
  revenue_cents: 0,
})

export function addMeasures(into: Measures, m: Measures, sign = 1): void {
  for (const k of MEASURES) into[k] += sign * m[k]
}

/** One lead's contribution, the JS twin of MEASURE_SQL below. */
export function leadMeasures(l: LeadRow): Measures {
  const responded = l.first_response_at !== null
  const under = responded && (l.first_response_at as number) - l.created_at <= TARGET_MS
  const won = l.status === 'won'
  return {
    leads: 1,
    responded: responded ? 1 : 0,
    under_target: under ? 1 : 0,
    response_ms: responded ? (l.first_response_at as number) - l.created_at : 0,
    won: won ? 1 : 0,
    won_under: won && under ? 1 : 0,
    won_valued: won && l.deal_value_cents !== null ? 1 : 0,
    revenue_cents: won && l.deal_value_cents !== null ? l.deal_value_cents : 0,
  }
}

/** SQL sums of the measures over raw leads, in MEASURES order. */
// Integer sums (never total(), which is a double): cents stay exact.
export const MEASURE_SQL = `count(*),
  count(first_response_at),
  coalesce(sum(first_response_at IS NOT NULL AND first_response_at - created_at <= ${TARGET_MS}), 0),
  coalesce(sum(first_response_at - created_at), 0),
  coalesce(sum(status = 'won'), 0),
  coalesce(sum(status = 'won' AND first_response_at IS NOT NULL AND first_response_at - created_at <= ${TARGET_MS}), 0),
  coalesce(sum(status = 'won' AND deal_value_cents IS NOT NULL), 0),
  coalesce(sum(CASE WHEN status = 'won' THEN deal_value_cents END), 0)`

/** Which rows of `leads` a basis counts, and the time it buckets them by. */
export const BASIS = {
  created: { where: 'deleted_at IS NULL', time: 'created_at' },
  converted: {
    where: "deleted_at IS NULL AND status = 'won' AND converted_at IS NOT NULL",
    time: 'converted_at',
  },
} as const

// ---- State -----------------------------------------------------------------------

export interface RollupState {
  readonly timeZone: string
  readonly valid: boolean
}

export function rollupState(db: Store): RollupState {
  const row = db.prepare('SELECT time_zone AS tz, valid FROM rollup_state WHERE id = 1').get() as
    { tz: string; valid: number } | undefined
  return { timeZone: row?.tz ?? DEFAULT_ORG_TIME_ZONE, valid: row?.valid === 1 }
}

// ---- Count rollups (histograms) ---------------------------------------------------------

/** Whole seconds of first response kept bucket by bucket; beyond, one "above" bucket. */
export const RESPONSE_HIST_SECONDS = 1800
/** Bucket 0: below 0 ms; 1 + s: [s, s + 1) seconds; RESPONSE_HIST_SECONDS + 1: above. */
export const RESPONSE_BUCKETS = RESPONSE_HIST_SECONDS + 2
const RESPONSE_ABOVE = RESPONSE_HIST_SECONDS + 1
export const WEEK_HOURS = 168

export const responseBucket = (ms: number): number =>
  ms < 0 ? 0 : ms >= RESPONSE_HIST_SECONDS * 1000 ? RESPONSE_ABOVE : 1 + Math.floor(ms / 1000)

/** The response times [lo, hi) in ms of a bucket; null where unbounded. */
export function responseBucketBounds(bucket: number): [number | null, number | null] {
  if (bucket === 0) return [null, 0]
  if (bucket === RESPONSE_ABOVE) return [RESPONSE_HIST_SECONDS * 1000, null]
  return [(bucket - 1) * 1000, bucket * 1000]
}

/** Local hour of week, Sunday 00 = 0, of a local hour index (day 0, 1970-01-01, was a Thursday). */
export const weekHour = (hour: number): number => {
  const day = Math.floor(hour / 24)
  return ((((day + 4) % 7) + 7) % 7) * 24 + (hour - day * 24)
}

export type CountOf = 'response' | 'weekHour'

export interface CountRollupDef {
  readonly table: string
  readonly grain: 'day' | 'month'
  readonly of: CountOf
  readonly size: number
}

/** Tables of one count blob per (local day or month of created_at, source). */
export const COUNT_ROLLUPS: readonly CountRollupDef[] = [
  { table: 'rollup_response_day', grain: 'day', of: 'response', size: RESPONSE_BUCKETS },
  { table: 'rollup_response_month', grain: 'month', of: 'response', size: RESPONSE_BUCKETS },
  { table: 'rollup_week_hours_day', grain: 'day', of: 'weekHour', size: WEEK_HOURS },
  { table: 'rollup_week_hours_month', grain: 'month', of: 'weekHour', size: WEEK_HOURS },
]

// ---- Incremental maintenance ---------------------------------------------------------

type Run = { run(...args: unknown[]): unknown }
type Get = { get(...args: unknown[]): unknown }

interface Prepared {
  readonly zone: LocalTime
  readonly upsert: Get[]
  readonly add: Run[]
  readonly del: Run[]
  readonly readCounts: Get[]
  readonly writeCounts: Run[]
  readonly delCounts: Run[]
  readonly invalidate: Run
  readonly findDims: Get
  readonly addDims: Get
}

const prepared = new WeakMap<Store, Prepared>()

const upsertSql = (r: RollupDef) => {
  const keys = [r.grain, r.column]
  return `INSERT INTO ${r.table} (${[...keys, ...MEASURES].join(', ')})
    VALUES (${[...keys, ...MEASURES].map(() => '?').join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
    ${MEASURES.map((m) => `${m} = ${m} + excluded.${m}`).join(', ')}`
}

function prepare(db: Store): Prepared {
  let p = prepared.get(db)
  if (p) return p
  const zone = localTime(rollupState(db).timeZone)
  p = {
    zone,
    upsert: ROLLUPS.map((r) => db.prepare(`${upsertSql(r)} RETURNING leads`)),
    add: ROLLUPS.map((r) => db.prepare(upsertSql(r))),
    del: ROLLUPS.map((r) =>
      db.prepare(`DELETE FROM ${r.table} WHERE ${r.grain} = ? AND ${r.column} = ?`),
    ),
    readCounts: COUNT_ROLLUPS.map((c) =>
      db.prepare(`SELECT hist FROM ${c.table} WHERE ${c.grain} = ? AND source = ?`).pluck(),
    ),
    writeCounts: COUNT_ROLLUPS.map((c) =>
      db.prepare(
        `INSERT INTO ${c.table} (${c.grain}, source, hist) VALUES (?, ?, ?)
         ON CONFLICT (${c.grain}, source) DO UPDATE SET hist = excluded.hist`,
      ),
    ),
    delCounts: COUNT_ROLLUPS.map((c) =>
      db.prepare(`DELETE FROM ${c.table} WHERE ${c.grain} = ? AND source = ?`),
    ),
    invalidate: db.prepare('UPDATE rollup_state SET valid = 0 WHERE id = 1'),
    findDims: db
      .prepare(
        `SELECT id FROM rollup_dims
          WHERE source = ? AND city = ? AND segment = ? AND temperature = ? AND status = ?`,
      )
      .pluck(),
    addDims: db
      .prepare(
        `INSERT INTO rollup_dims (source, city, segment, temperature, status)
         VALUES (?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck(),
  }
  prepared.set(db, p)
  return p
}

// Keys of the in-memory deltas: time bucket × KEY_SPACE + an interned id of
// the dims (all five, or the source), one Map per table. Numbers, not joined
// strings: hashing a ~60-character key per table and row cost more than the
// upserts it saves. Hours since 1970 times 2^24 stay below 2^53 until year
// ~60,000.
const KEY_SPACE = 2 ** 24

/** Small ids for dims values, per connection, so that keys are numbers. */
class Interner {
  // A trie of Maps, one level per value: no joined string to build and hash
  // per row, and fixed parameters rather than a rest array, so recording a
  // row allocates nothing (the garbage collector otherwise rescans a sync's
  // whole heap more often).
  private readonly root = new Map<string, unknown>()
  readonly values: string[][] = []

  private level(node: Map<string, unknown>, k: string): Map<string, unknown> {
    let next = node.get(k) as Map<string, unknown> | undefined
    if (!next) node.set(k, (next = new Map()))
    return next
  }

  private leaf(node: Map<string, unknown>, k: string, key: () => string[]): number {
    let id = node.get(k) as number | undefined
    if (id === undefined) {
      if (this.values.length >= KEY_SPACE) throw new RangeError('too many rollup dimension values')
      id = this.values.length
      node.set(k, id)
      this.values.push(key())
    }
    return id
  }

  one(a: string): number {
    return this.leaf(this.root, a, () => [a])
  }

  five(a: string, b: string, c: string, d: string, e: string): number {
    const node = this.level(this.level(this.level(this.level(this.root, a), b), c), d)
    const id = node.get(e) as number | undefined
    return id ?? this.leaf(node, e, () => [a, b, c, d, e])
  }
}

interface SumDelta {
  readonly time: number
  readonly dims: number
  readonly m: Float64Array
}

interface CountDelta {
  readonly time: number
  readonly source: number
  readonly d: Map<number, number>
}

/** Rollup maintenance for the rows one transaction writes; see beginRollupBatch. */
export interface RollupBatch {
  /** Records one lead's change: `before` as stored before it (null if new), `after` as stored after (null if hard-deleted). */
  record(before: LeadRow | null, after: LeadRow | null): void
  /** Writes the recorded deltas, one statement per distinct rollup key. Call before the commit. */
  flush(): void
}

const combos = new WeakMap<Store, Interner>()
const sources = new WeakMap<Store, Interner>()

// The batch handles the two dim sets the tables use; a new one needs code here.
const FULL = ROLLUPS.map((r) => r.column === 'dims')

// Rows are recorded into the day × five-dims table of their basis (and the
// day table of each count) only; the month and source tables' deltas are
// derived from those at flush, from a few thousand entries instead of each
// row (a third of the per-row work).
const SUM_BASE = ROLLUPS.map((r) => {
  const base = ROLLUPS.findIndex(
    (b) => b.basis === r.basis && b.grain === 'day' && b.column === 'dims',
  )
  if (base < 0) throw new Error(`no day × dims rollup to derive ${r.table} from`)
  return base
})
const COUNT_BASE = COUNT_ROLLUPS.map((c) => {
  const base = COUNT_ROLLUPS.findIndex((b) => b.of === c.of && b.grain === 'day')
  if (base < 0) throw new Error(`no day count rollup to derive ${c.table} from`)
  return base
})

class Batch implements RollupBatch {
  private readonly sums = ROLLUPS.map(() => new Map<number, SumDelta>())
  private readonly counts = COUNT_ROLLUPS.map(() => new Map<number, CountDelta>())
  private readonly months = new Map<number, number>()
  private readonly m = new Float64Array(MEASURES.length)
  private readonly combos: Interner
  private readonly sources: Interner

  constructor(
    db: Store,
    private readonly p: Prepared,
    private readonly enabled: boolean,
  ) {
    let c = combos.get(db)
    if (!c) combos.set(db, (c = new Interner()))
    let s = sources.get(db)
    if (!s) sources.set(db, (s = new Interner()))
    this.combos = c
    this.sources = s
  }

  record(before: LeadRow | null, after: LeadRow | null): void {
    if (!this.enabled) return
    // The old row's contribution out, the new one's in: for the common update
    // (same bucket) the two meet in the same map entry and net to the change.
    if (before) this.add(before, -1)
    if (after) this.add(after, 1)
  }

  private monthOf(day: number): number {
    let m = this.months.get(day)
    if (m === undefined) {
      m = monthOfDay(day)
      this.months.set(day, m)
    }
    return m
  }

  private addSum(def: number, time: number, dims: number, sign: number): void {
    const map = this.sums[def] as Map<number, SumDelta>
    const k = time * KEY_SPACE + dims
    let e = map.get(k)
    if (!e) {
      e = { time, dims, m: new Float64Array(MEASURES.length) }
      map.set(k, e)
    }
    const { m } = this
    for (let i = 0; i < m.length; i++) e.m[i] = (e.m[i] as number) + sign * (m[i] as number)
  }

  private addCount(def: number, time: number, source: number, bucket: number, sign: number) {
    const map = this.counts[def] as Map<number, CountDelta>
    const k = time * KEY_SPACE + source
    let e = map.get(k)
    if (!e) {
      e = { time, source, d: new Map() }
      map.set(k, e)
    }
    e.d.set(bucket, (e.d.get(bucket) ?? 0) + sign)
  }

  private add(l: LeadRow, sign: number): void {
    if (l.deleted_at !== null) return
    const { zone } = this.p
    // The lead's measures, in MEASURES order (leadMeasures, without the object).
    const responded = l.first_response_at !== null
    const ms = responded ? (l.first_response_at as number) - l.created_at : 0
    const under = responded && ms <= TARGET_MS
    const won = l.status === 'won'
    const valued = won && l.deal_value_cents !== null
    const m = this.m
    m[0] = 1
    m[1] = responded ? 1 : 0
    m[2] = under ? 1 : 0
    m[3] = ms
    m[4] = won ? 1 : 0
    m[5] = won && under ? 1 : 0
    m[6] = valued ? 1 : 0
    m[7] = valued ? (l.deal_value_cents as number) : 0
    const local = l.created_at + zone.offset(l.created_at)
    const day = Math.floor(local / DAY_MS)
    const hour = Math.floor(local / HOUR_MS)
    const full = this.combos.five(l.source, l.city, l.segment, l.temperature, l.status)
    const source = this.sources.one(l.source)
    const booked = won && l.converted_at !== null
    const cDay = booked ? zone.day(l.converted_at as number) : 0
    for (let i = 0; i < ROLLUPS.length; i++) {
      if (SUM_BASE[i] !== i) continue
      if ((ROLLUPS[i] as RollupDef).basis === 'created') this.addSum(i, day, full, sign)
      else if (booked) this.addSum(i, cDay, full, sign)
    }
    for (let i = 0; i < COUNT_ROLLUPS.length; i++) {
      if (COUNT_BASE[i] !== i) continue
      if ((COUNT_ROLLUPS[i] as CountRollupDef).of === 'weekHour')
        this.addCount(i, day, source, weekHour(hour), sign)
      else if (responded) this.addCount(i, day, source, responseBucket(ms), sign)
    }
  }

  /** Fills the month and source tables' deltas from their day × dims base. */
  private derive(): void {
    for (let i = 0; i < ROLLUPS.length; i++) {
      const base = SUM_BASE[i] as number
      if (base === i) continue
      const r = ROLLUPS[i] as RollupDef
      const into = this.sums[i] as Map<number, SumDelta>
      for (const e of (this.sums[base] as Map<number, SumDelta>).values()) {
        const time = r.grain === 'month' ? this.monthOf(e.time) : e.time
        const dims =
          r.column === 'dims'
            ? e.dims
            : this.sources.one((this.combos.values[e.dims] as string[])[0] as string)
        const k = time * KEY_SPACE + dims
        let d = into.get(k)
        if (!d) into.set(k, (d = { time, dims, m: new Float64Array(MEASURES.length) }))
        for (let j = 0; j < d.m.length; j++) d.m[j] = (d.m[j] as number) + (e.m[j] as number)
      }
    }
    for (let i = 0; i < COUNT_ROLLUPS.length; i++) {
      const base = COUNT_BASE[i] as number
      if (base === i) continue
      const into = this.counts[i] as Map<number, CountDelta>
      for (const e of (this.counts[base] as Map<number, CountDelta>).values()) {
        const time = this.monthOf(e.time)
        const k = time * KEY_SPACE + e.source
        let d = into.get(k)
        if (!d) into.set(k, (d = { time, source: e.source, d: new Map() }))
        for (const [b, n] of e.d) d.d.set(b, (d.d.get(b) ?? 0) + n)
      }
    }
  }

  flush(): void {
    if (!this.enabled) return
    const { p } = this
    // rollup_dims ids are looked up per flush, not kept per connection: an id
    // inserted by a transaction that then rolled back could be handed out
    // again for other values.
    const ids = new Map<number, number>()
    const idOf = (combo: number): number => {
      let id = ids.get(combo)
      if (id === undefined) {
        const values = this.combos.values[combo] as string[]
        id = ((p.findDims.get(...values) as number | undefined) ??
          p.addDims.get(...values)) as number
        ids.set(combo, id)
      }
      return id
    }
    try {
      this.derive()
      for (let i = 0; i < ROLLUPS.length; i++) {
        const upsert = p.upsert[i] as Get
        const add = p.add[i] as Run
        for (const e of (this.sums[i] as Map<number, SumDelta>).values()) {
          if (e.m.every((x) => x === 0)) continue
          const key = e.time
          const dims = FULL[i] ? idOf(e.dims) : this.sources.values[e.dims]?.[0]
          // Only a net loss of leads can empty a bucket; the common delta (new
          // leads, same-bucket updates) skips reading the result back.
          if ((e.m[0] as number) >= 0) {
            add.run(key, dims, ...e.m)
            continue
          }
          const row = upsert.get(key, dims, ...e.m) as { leads: number }
          // A bucket left without leads is deleted, as a rebuild would not create it.
          if (row.leads === 0) (p.del[i] as Run).run(key, dims)
        }
      }
      for (let i = 0; i < COUNT_ROLLUPS.length; i++) {
        const def = COUNT_ROLLUPS[i] as CountRollupDef
        for (const e of (this.counts[i] as Map<number, CountDelta>).values()) {
          let changed = false
          for (const n of e.d.values()) if (n !== 0) changed = true
          if (!changed) continue
          const source = this.sources.values[e.source]?.[0]
          const dense = new Float64Array(def.size)
          const old = (p.readCounts[i] as Get).get(e.time, source) as Uint8Array | undefined
          if (old) addCounts(dense, old)
          for (const [b, n] of e.d) dense[b] = (dense[b] as number) + n
          const blob = encodeCounts(dense)
          if (blob) (p.writeCounts[i] as Run).run(e.time, source, blob)
          else (p.delCounts[i] as Run).run(e.time, source)
        }
      }
    } catch (error) {
      // A count below zero: the rollups no longer match the leads (a change
      // applied twice, or a before row that was not the stored one). The
      // metrics read raw rows until rebuildRollups rather than fail the sync.
      if (!(error instanceof RangeError)) throw error
      p.invalidate.run()
    } finally {
      for (const map of this.sums) map.clear()
      for (const map of this.counts) map.clear()
    }
  }
}

/**
 * Starts recording lead changes for the rollups. The sync engine, inside the
 * transaction that writes a batch of lead rows, calls `record(before, after)`
 * for each row and `flush()` once before the commit: the deltas are summed in
 * memory per rollup key, so a batch of 10,000 rows costs one upsert per
 * distinct (bucket, dims) instead of several per row. Nothing is written
 * before `flush`; a batch is reusable after it. While the rollups are invalid
 * (see rollupState) it records nothing: rebuildRollups will recompute them.
 * A rebuild may change the zone: start new batches after one.
 */
export function beginRollupBatch(db: Store): RollupBatch {
  return new Batch(db, prepare(db), rollupState(db).valid)
}

/**
 * Moves the rollups from `before` to `after` for one lead (a batch of one).
 * Call it inside the transaction that writes the row, so the rollups commit
 * (or roll back) with it. For many rows prefer beginRollupBatch.
 */
export function applyLeadChange(db: Store, before: LeadRow | null, after: LeadRow | null): void {
  const batch = beginRollupBatch(db)
  batch.record(before, after)
  batch.flush()
}

// ---- Rebuild -------------------------------------------------------------------------------

function registerFunctions(db: Store, zone: LocalTime): void {
  // Re-registered on every rebuild: the zone may have changed since.
  db.function('wf_rollup_day', { deterministic: true }, (ms) => zone.day(Number(ms)))
  db.function('wf_rollup_hour', { deterministic: true }, (ms) => zone.hour(Number(ms)))
  db.function('wf_rollup_month', { deterministic: true }, (ms) => monthOfDay(zone.day(Number(ms))))
  db.function('wf_month_of_day', { deterministic: true }, (day) => monthOfDay(Number(day)))
}

const QUARTER_MS = 900_000
/** At most this many UTC days of offsets are inlined; instants outside use the functions. */
const MAX_INLINE_DAYS = 20_000

/**
 * SQL for the local day (or hour) of the integer UTC ms in `col`, without a
 * JS call per row: the zone's offset is constant between transitions, so the
 * offsets over [lo, hi] (the bounds of created_at, read through its index)
 * become a nested CASE on `col`, binary-searching a handful of segments, and
 * the bucket is an integer division. Offsets are read through `zone` exactly
 * as LocalTime reads them (whole UTC days when both ends agree, else quarter
 * hours), so the results are identical; instants outside [lo, hi], or not
 * integers, fall back to the registered functions.
 */
function localBucketSql(db: Store, zone: LocalTime): (col: string, unit: 'day' | 'hour') => string {
  const range = db
    .prepare('SELECT min(created_at) AS lo, max(created_at) AS hi FROM leads')
    .get() as { lo: unknown; hi: unknown }
  const fallback = (col: string, unit: 'day' | 'hour') => `wf_rollup_${unit}(${col})`
  if (typeof range.lo !== 'number' || typeof range.hi !== 'number') return fallback
  // From a whole UTC day on each side, and after 1970-01-03 so that
  // col + offset >= 0 and SQLite's truncating division floors.
  let first = Math.max(Math.floor(range.lo / DAY_MS) - 1, 2)
  const last = Math.floor(range.hi / DAY_MS) + 1
  if (last < first) return fallback
  first = Math.max(first, last - MAX_INLINE_DAYS)
  const segments: { start: number; offset: number }[] = []
  const push = (start: number, offset: number) => {
    if (segments[segments.length - 1]?.offset !== offset) segments.push({ start, offset })
  }
  for (let d = first; d <= last; d++) {
    const a = zone.offset(d * DAY_MS)
    const b = zone.offset((d + 1) * DAY_MS - QUARTER_MS)
    if (a === b) push(d * DAY_MS, a)
    else for (let q = d * DAY_MS; q < (d + 1) * DAY_MS; q += QUARTER_MS) push(q, zone.offset(q))
  }
  const lo = first * DAY_MS
  const hi = (last + 1) * DAY_MS
  const offsetSql = (col: string, i: number, j: number): string => {
    if (j - i === 1) return String((segments[i] as { offset: number }).offset)
    const mid = (i + j) >> 1
    const at = (segments[mid] as { start: number }).start
    return `CASE WHEN ${col} < ${at} THEN ${offsetSql(col, i, mid)} ELSE ${offsetSql(col, mid, j)} END`
  }
  return (col, unit) =>
    `CASE WHEN ${col} >= ${lo} AND ${col} < ${hi} AND typeof(${col}) = 'integer'
      THEN (${col} + ${offsetSql(col, 0, segments.length)}) / ${unit === 'day' ? DAY_MS : HOUR_MS}
      ELSE ${fallback(col, unit)} END`
}

const RESPONSE_BUCKET_SQL = `CASE WHEN first_response_at - created_at < 0 THEN 0
  WHEN first_response_at - created_at >= ${RESPONSE_HIST_SECONDS * 1000} THEN ${RESPONSE_ABOVE}
  ELSE 1 + (first_response_at - created_at) / 1000 END`

/** One (local day, source)'s count vectors while the leads are scanned. */
interface DayCounts {
  readonly day: number
  readonly source: string
  response: Uint32Array | null
  weekHour: Uint32Array | null
}

function insertBlobs(db: Store, def: CountRollupDef, blobs: [number, string, Buffer][]): void {
  const insert = db.prepare(
    `INSERT INTO ${def.table} (${def.grain}, source, hist) VALUES (?, ?, ?)`,
  )
  for (const row of blobs) insert.run(...row)
}

/** SQLite's BINARY order of two texts (UTF-8 bytes), which UTF-16 `<` can differ from. */
const compareText = (a: string, b: string): number =>
  a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b))

/**
 * The count rollups, from the raw leads in one scan without a sort: the
 * grouped queries this replaces sorted nearly a row per lead (a response
 * histogram's (day, source, second) keys are almost all distinct). Each row
 * adds into its (local day, source) vectors, the months are summed from the
 * days, and the blobs are inserted in (time, source) order as before.
 */
function rebuildCounts(db: Store, bucket: ReturnType<typeof localBucketSql>): void {
  const def = (of: CountOf, grain: 'day' | 'month') =>
    COUNT_ROLLUPS.find((c) => c.of === of && c.grain === grain) as CountRollupDef
  for (const c of COUNT_ROLLUPS) db.exec(`DELETE FROM ${c.table}`)
  // Per source, per local day. The response day is the local day of
  // created_at; the hour-of-week day is hour / 24 truncated as SQLite did.
  const bySource = new Map<string, Map<number, DayCounts>>()
  const entry = (source: string, day: number): DayCounts => {
    let days = bySource.get(source)
    if (!days) bySource.set(source, (days = new Map<number, DayCounts>()))
    let e = days.get(day)
    if (!e) days.set(day, (e = { day, source, response: null, weekHour: null }))
    return e
  }
  // A scalar function that adds each row where it is called: a JS call per
  // row costs well under half of stepping a row out through an iterator.
  const add = (day: number, hour: number, source: string, b: number | null): null => {
    if (b !== null) {
      const e = entry(source, day)
      const v = (e.response ??= new Uint32Array(RESPONSE_BUCKETS))
      v[b] = (v[b] as number) + 1
    }
    const e = entry(source, Math.trunc(hour / 24))
    const v = (e.weekHour ??= new Uint32Array(WEEK_HOURS))
    const k = weekHour(hour)
    v[k] = (v[k] as number) + 1
    return null
  }
  db.function('wf_rollup_count', { varargs: false }, (day, hour, source, b) =>
    add(Number(day), Number(hour), String(source), b === null ? null : Number(b)),
  )
  db.prepare(
    `SELECT count(wf_rollup_count(${bucket('created_at', 'day')},
        CAST(${bucket('created_at', 'hour')} AS INTEGER), source,
        CASE WHEN first_response_at IS NOT NULL THEN ${RESPONSE_BUCKET_SQL} END))
       FROM leads NOT INDEXED WHERE deleted_at IS NULL`,
  ).get()
  const all: DayCounts[] = []
  for (const days of bySource.values()) for (const e of days.values()) all.push(e)
  all.sort((a, b) => a.day - b.day || compareText(a.source, b.source))
  const months = new Map<number, number>()
  const monthOf = (day: number) => {
    let m = months.get(day)
    if (m === undefined) months.set(day, (m = monthOfDay(day)))
    return m
  }
  for (const of of ['response', 'weekHour'] as const) {
    const size = of === 'response' ? RESPONSE_BUCKETS : WEEK_HOURS
    const dayBlobs: [number, string, Buffer][] = []
    const byMonth: { month: number; source: string; counts: Float64Array }[] = []
    let current: (typeof byMonth)[number] | undefined
    for (const e of all) {
      const v = e[of]
      if (!v) continue
      const counts = Float64Array.from(v)
      const blob = encodeCounts(counts)
      if (blob) dayBlobs.push([e.day, e.source, blob])
      // Days are sorted, so a month's days are consecutive per source; keep
      // the month rows sorted by (month, source) through one per-month list.
      const month = monthOf(e.day)
      if (current?.month !== month || current.source !== e.source) {
        current = byMonth.find((m) => m.month === month && m.source === e.source)
        if (!current) {
          current = { month, source: e.source, counts: new Float64Array(size) }
          byMonth.push(current)
        }
      }
      const into = current.counts
      for (let i = 0; i < size; i++) into[i] = (into[i] as number) + (counts[i] as number)
    }
    insertBlobs(db, def(of, 'day'), dayBlobs)
    byMonth.sort((a, b) => a.month - b.month || compareText(a.source, b.source))
    const monthBlobs: [number, string, Buffer][] = []
    for (const m of byMonth) {
      const blob = encodeCounts(m.counts)
      if (blob) monthBlobs.push([m.month, m.source, blob])
    }
    insertBlobs(db, def(of, 'month'), monthBlobs)
  }
}

const DIM_COLUMNS = ROLLUP_DIMS.join(', ')

/**
 * Recomputes every rollup from the raw leads in one transaction, in the org
 * zone (or `timeZone`, which then becomes the org zone). Per basis one scan
 * of `leads` groups by local day and all five dims, into a temporary table
 * from which the day tables (five dims, source) are filled; month tables are
 * summed from the day tables (a month is a union of local days). The counts
 * take one scan each. rollup_dims keeps its ids: only new values are added.
 */
export function rebuildRollups(db: Store, timeZone?: string): void {
  const tz = timeZone ?? rollupState(db).timeZone
  const zone = localTime(tz)
  registerFunctions(db, zone)
  const bucket = localBucketSql(db, zone)
  const sums = MEASURES.map((m) => `sum(${m})`).join(', ')
  const measures = MEASURES.join(', ')
  const named = MEASURE_SQL.split(/,\n\s*/)
    .map((e, i) => `${e} AS ${MEASURES[i] ?? ''}`)
    .join(', ')
  db.transaction(() => {
    for (const basis of ['created', 'converted'] as const) {
      const of = (grain: Grain, column: RollupDef['column']) =>
        ROLLUPS.find((r) => r.basis === basis && r.grain === grain && r.column === column)
      const b = BASIS[basis]
      db.exec(`DROP TABLE IF EXISTS temp.rollup_rebuild;
        CREATE TEMP TABLE rollup_rebuild AS
        SELECT ${bucket(b.time, 'day')} AS day, ${DIM_COLUMNS}, ${named}
          FROM leads WHERE ${b.where} GROUP BY day, ${DIM_COLUMNS};
        INSERT OR IGNORE INTO rollup_dims (${DIM_COLUMNS})
          SELECT DISTINCT ${DIM_COLUMNS} FROM temp.rollup_rebuild;`)
      for (const r of ROLLUPS.filter((x) => x.basis === basis)) db.exec(`DELETE FROM ${r.table}`)
      const dayDims = of('day', 'dims')
      if (dayDims)
        db.exec(`INSERT INTO ${dayDims.table} (day, dims, ${measures})
          SELECT r.day, d.id, ${MEASURES.map((m) => `r.${m}`).join(', ')}
            FROM temp.rollup_rebuild r JOIN rollup_dims d USING (${DIM_COLUMNS})`)
      const daySource = of('day', 'source')
      if (daySource)
        db.exec(`INSERT INTO ${daySource.table} (day, source, ${measures})
          SELECT day, source, ${sums} FROM temp.rollup_rebuild GROUP BY day, source`)
      const monthDims = of('month', 'dims')
      if (monthDims && dayDims)
        db.exec(`INSERT INTO ${monthDims.table} (month, dims, ${measures})
          SELECT wf_month_of_day(day) AS month, dims, ${sums}
            FROM ${dayDims.table} GROUP BY month, dims`)
      db.exec('DROP TABLE temp.rollup_rebuild')
    }
    rebuildCounts(db, bucket)
    db.prepare(
      `INSERT INTO rollup_state (id, time_zone, valid, built_at) VALUES (1, ?, 1, ?)
       ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, valid = 1,
       built_at = excluded.built_at`,
    ).run(tz, Date.now())
  })()
  prepared.delete(db)
}

export { DAY_MS, firstDayOfMonth }

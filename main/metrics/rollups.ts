// Rollup maintenance (tables in main/store/migrations/005-metric-rollups.ts).
//
// Two ways in, which share their arithmetic (a rebuild feeds every lead
// through a batch) and are pinned by the tests to an independent
// recomputation from the raw rows:
// - a RollupBatch (beginRollupBatch): the sync engine, inside the SQLite
//   transaction that writes a batch of lead rows, records each row's change
//   (the row before and after, null for an insert / a hard delete) and
//   flushes once before the commit. Deltas are summed in memory per rollup
//   key, so 10,000 rows cost one upsert per distinct (bucket, dims) instead
//   of six per row, and one rewrite per histogram blob touched.
//   applyLeadChange is a batch of one.
// - rebuildRollups: recomputes every table from the raw leads (after a bulk
//   load, which should skip per-row upkeep; a zone change; or on demand with
//   `watchfloor rollups rebuild`).

import type { LeadRow } from '../store/mirror-rows.ts'
import { canonicalTimeZone } from '../../shared/api/index.ts'
import { writeWhenFree, type Store } from '../store/index.ts'
import {
  addCounts,
  addSums,
  encodeCounts,
  encodeSections,
  encodeSums,
  forEachSection,
} from './count-blob.ts'
import { MEASURES, registryOf, type KpiRegistry, type Measures } from './registry.ts'
import { DAY_MS, firstDayOfMonth, localTime, monthOfDay, type LocalTime } from './time-range.ts'

export const DEFAULT_ORG_TIME_ZONE = 'America/Detroit'
export const HOUR_MS = 3_600_000
/** Every zone offset in use, and every change of one, falls on a UTC quarter hour. */
export const QUARTER_MS = 900_000
export const QUARTERS_PER_DAY = 96

export const ROLLUP_DIMS = ['source', 'city', 'segment', 'temperature', 'status'] as const
export type RollupDim = (typeof ROLLUP_DIMS)[number]
/** The org zone's local days and months. */
export type Grain = 'day' | 'month'
export type Basis = 'created' | 'converted'

/** A dimension some rollup keeps: the five of the cube, and the owner (013-owner-rollups.ts). */
export type KeptDim = RollupDim | 'owner'

export interface RollupDef {
  readonly table: string
  readonly basis: Basis
  readonly grain: Grain
  readonly dims: readonly KeptDim[]
  /**
   * The key after the time: `dims` (an id in rollup_dims, all five), `source`, or
   * `owner`, or `facet` (owner, one of the five dims and its value: the owner's sums by each
   * dimension, 016-quarter-rollups.ts), or `sourceFacet` (source, one of the five dims and its
   * value: the sums by each dimension, per source, 019-facet-rollups.ts).
   */
  readonly column: 'dims' | 'source' | 'owner' | 'facet' | 'sourceFacet'
}

/** Whether a rollup counts each lead once per dimension (a row per dimension and value). */
export const isFacet = (r: RollupDef): boolean => r.column === 'facet' || r.column === 'sourceFacet'

/** The key columns after the time of a rollup. */
export const keyColumns = (r: RollupDef): readonly string[] =>
  r.column === 'facet'
    ? ['owner', 'dim', 'value']
    : r.column === 'sourceFacet'
      ? ['source', 'dim', 'value']
      : [r.column]

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
  // An owner filter's totals and day series (013-owner-rollups.ts).
  {
    table: 'rollup_leads_day_owner',
    basis: 'created',
    grain: 'day',
    dims: ['owner'],
    column: 'owner',
  },
  // An owner filter's sums by source, city, segment, temperature and status (the conversion,
  // markets and funnel breakdowns) by org-zone month (016-quarter-rollups.ts).
  {
    table: 'rollup_leads_month_owner',
    basis: 'created',
    grain: 'month',
    dims: ['owner'],
    column: 'facet',
  },
  // The same by org-zone day, for the days at a range's edges (019-facet-rollups.ts).
  {
    table: 'rollup_leads_day_owner_facet',
    basis: 'created',
    grain: 'day',
    dims: ['owner'],
    column: 'facet',
  },
  // Sums by each of the five dimensions per source, by org-zone day and month
  // (019-facet-rollups.ts): a breakdown by one dimension with no filter or a source filter.
  {
    table: 'rollup_leads_day_facet',
    basis: 'created',
    grain: 'day',
    dims: ['source'],
    column: 'sourceFacet',
  },
  {
    table: 'rollup_leads_month_facet',
    basis: 'created',
    grain: 'month',
    dims: ['source'],
    column: 'sourceFacet',
  },
]

/**
 * Sums per UTC quarter hour (016-quarter-rollups.ts): one row per UTC day, whose blob holds in
 * sections (count-blob.ts) the measures of each of the day's 96 quarters over all sources, per
 * source and per owner (quarterSection). Any zone's local days, hours and hours of week, and the
 * totals of any range of its days, are sums of whole quarters.
 */
export interface QuarterRollupDef {
  readonly table: string
  readonly basis: Basis
  /**
   * The all-leads section of each day's blob again, alone (019-facet-rollups.ts): a reader of
   * totals and series with no filter reads a few hundred bytes a day instead of every source's
   * and owner's sections beside it.
   */
  readonly allTable: string
}

export const QUARTER_ROLLUPS: readonly QuarterRollupDef[] = [
  { table: 'rollup_leads_quarters', basis: 'created', allTable: 'rollup_leads_quarters_all' },
  { table: 'rollup_deals_quarters', basis: 'converted', allTable: 'rollup_deals_quarters_all' },
]

/** The dimensions a quarter section can be read by: one of them, or none (all leads). */
export type QuarterDim = 'source' | 'owner'

/** The key of a quarter blob's section: all leads (''), one source's or one owner's. */
export const quarterSection = (dim: QuarterDim | null, value = ''): string =>
  dim === null ? '' : `${dim === 'source' ? 's' : 'o'}:${value}`

export { MEASURES, leadMeasures, type Measure, type Measures } from './registry.ts'

export const zeroMeasures = (): Measures =>
  Object.fromEntries(MEASURES.map((m) => [m, 0])) as Measures

export function addMeasures(into: Measures, m: Measures, sign = 1): void {
  for (const k of MEASURES) into[k] += sign * m[k]
}

/** Which rows of `leads` a basis counts, and the time it buckets them by. */
export const BASIS = {
  created: { where: 'deleted_at IS NULL', time: 'created_at' },
  converted: {
    // Term for term the WHERE of the partial index leads_converted_at (007-deal-index.ts).
    where: "deleted_at IS NULL AND status = 'won' AND converted_at IS NOT NULL",
    time: 'converted_at',
  },
} as const

// ---- State -----------------------------------------------------------------------

/** rollup_state.definitions of rollups over no leads (009-rollup-definitions.ts): current under any. */
const EMPTY_ROLLUPS = 'empty'

export interface RollupState {
  readonly timeZone: string
  /** The rollups hold every live lead, computed under the registry's definitions: KPIs may read them. */
  readonly valid: boolean
  /** Built, but under other KPI definitions (a changed target): rebuild before reading them. */
  readonly outdated: boolean
}

export function rollupState(db: Store): RollupState {
  const row = db
    .prepare('SELECT time_zone AS tz, valid, definitions FROM rollup_state WHERE id = 1')
    .get() as { tz: string; valid: number; definitions: string | null } | undefined
  const outdated =
    row?.definitions !== registryOf(db).definitionsHash && row?.definitions !== EMPTY_ROLLUPS
  return {
    timeZone: row?.tz ?? DEFAULT_ORG_TIME_ZONE,
    valid: row?.valid === 1 && !outdated,
    outdated: row?.valid === 1 && outdated,
  }
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
  /** The dimension after the time: the source, or the owner (019-facet-rollups.ts). */
  readonly key: 'source' | 'owner'
}

/** Tables of one count blob per (local day or month of created_at, source or owner). */
export const COUNT_ROLLUPS: readonly CountRollupDef[] = [
  {
    table: 'rollup_response_day',
    grain: 'day',
    of: 'response',
    size: RESPONSE_BUCKETS,
    key: 'source',
  },
  {
    table: 'rollup_response_month',
    grain: 'month',
    of: 'response',
    size: RESPONSE_BUCKETS,
    key: 'source',
  },
  { table: 'rollup_week_hours_day', grain: 'day', of: 'weekHour', size: WEEK_HOURS, key: 'source' },
  {
    table: 'rollup_week_hours_month',
    grain: 'month',
    of: 'weekHour',
    size: WEEK_HOURS,
    key: 'source',
  },
  // An owner's exact median response time from its histogram and one second's raw rows, as a
  // source's is (019-facet-rollups.ts).
  {
    table: 'rollup_response_day_owner',
    grain: 'day',
    of: 'response',
    size: RESPONSE_BUCKETS,
    key: 'owner',
  },
]

// ---- Incremental maintenance ---------------------------------------------------------

type Run = { run(...args: unknown[]): unknown }
type Get = { get(...args: unknown[]): unknown }

interface Prepared {
  readonly zone: LocalTime
  readonly registry: KpiRegistry
  readonly upsert: Get[]
  readonly add: Run[]
  /** `add` for ROWS_PER_UPSERT rows at once. */
  readonly addMany: Run[]
  readonly del: Run[]
  readonly readCounts: Get[]
  readonly writeCounts: Run[]
  readonly delCounts: Run[]
  readonly readQuarters: Get[]
  readonly writeQuarters: Run[]
  readonly delQuarters: Run[]
  readonly writeQuartersAll: Run[]
  readonly delQuartersAll: Run[]
  readonly invalidate: Run
  readonly stamp: Run
  readonly findDims: Get
  readonly addDims: Get
}

const prepared = new WeakMap<Store, Prepared>()

const upsertSql = (r: RollupDef, rows = 1) => {
  const keys = [r.grain, ...keyColumns(r)]
  const row = `(${[...keys, ...MEASURES].map(() => '?').join(', ')})`
  return `INSERT INTO ${r.table} (${[...keys, ...MEASURES].join(', ')})
    VALUES ${Array(rows).fill(row).join(', ')}
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
    ${MEASURES.map((m) => `${m} = ${m} + excluded.${m}`).join(', ')}`
}

/** The statements for `db`, re-prepared when the org zone is no longer the one they were made for. */
function prepare(db: Store, state = rollupState(db)): Prepared {
  let p = prepared.get(db)
  // Another connection (`watchfloor rollups rebuild --time-zone`) may have
  // rebuilt the rollups in a new zone since.
  const registry = registryOf(db)
  if (p && p.zone.timeZone === state.timeZone && p.registry === registry) return p
  const zone = localTime(state.timeZone)
  p = {
    zone,
    registry,
    upsert: ROLLUPS.map((r) => db.prepare(`${upsertSql(r)} RETURNING leads`)),
    add: ROLLUPS.map((r) => db.prepare(upsertSql(r))),
    addMany: ROLLUPS.map((r) => db.prepare(upsertSql(r, ROWS_PER_UPSERT))),
    del: ROLLUPS.map((r) =>
      db.prepare(
        `DELETE FROM ${r.table} WHERE ${[r.grain, ...keyColumns(r)].map((c) => `${c} = ?`).join(' AND ')}`,
      ),
    ),
    readCounts: COUNT_ROLLUPS.map((c) =>
      db.prepare(`SELECT hist FROM ${c.table} WHERE ${c.grain} = ? AND ${c.key} = ?`).pluck(),
    ),
    writeCounts: COUNT_ROLLUPS.map((c) =>
      db.prepare(
        `INSERT INTO ${c.table} (${c.grain}, ${c.key}, hist) VALUES (?, ?, ?)
         ON CONFLICT (${c.grain}, ${c.key}) DO UPDATE SET hist = excluded.hist`,
      ),
    ),
    delCounts: COUNT_ROLLUPS.map((c) =>
      db.prepare(`DELETE FROM ${c.table} WHERE ${c.grain} = ? AND ${c.key} = ?`),
    ),
    readQuarters: QUARTER_ROLLUPS.map((q) =>
      db.prepare(`SELECT sums FROM ${q.table} WHERE day = ?`).pluck(),
    ),
    writeQuarters: QUARTER_ROLLUPS.map((q) =>
      db.prepare(
        `INSERT INTO ${q.table} (day, sums) VALUES (?, ?)
         ON CONFLICT (day) DO UPDATE SET sums = excluded.sums`,
      ),
    ),
    delQuarters: QUARTER_ROLLUPS.map((q) => db.prepare(`DELETE FROM ${q.table} WHERE day = ?`)),
    writeQuartersAll: QUARTER_ROLLUPS.map((q) =>
      db.prepare(
        `INSERT INTO ${q.allTable} (day, sums) VALUES (?, ?)
         ON CONFLICT (day) DO UPDATE SET sums = excluded.sums`,
      ),
    ),
    delQuartersAll: QUARTER_ROLLUPS.map((q) =>
      db.prepare(`DELETE FROM ${q.allTable} WHERE day = ?`),
    ),
    invalidate: db.prepare('UPDATE rollup_state SET valid = 0 WHERE id = 1'),
    stamp: db.prepare(
      `UPDATE rollup_state SET definitions = ? WHERE id = 1 AND definitions = '${EMPTY_ROLLUPS}'`,
    ),
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

// Keys of the count deltas: time bucket × KEY_SPACE + the interned id of the
// source, one Map per table (the sums key on small integers, see SumDeltas).
// Numbers, not joined strings: hashing a string key per row cost more than
// the upserts it saves. Days since 1970 times 2^24 stay far below 2^53. The
// interners hand out at most KEY_SPACE ids.
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

  three(a: string, b: string, c: string): number {
    const node = this.level(this.level(this.root, a), b)
    const id = node.get(c) as number | undefined
    return id ?? this.leaf(node, c, () => [a, b, c])
  }

  five(a: string, b: string, c: string, d: string, e: string): number {
    const node = this.level(this.level(this.level(this.level(this.root, a), b), c), d)
    const id = node.get(e) as number | undefined
    return id ?? this.leaf(node, e, () => [a, b, c, d, e])
  }
}

const M = MEASURES.length
const INITIAL_SLOTS = 1024

/**
 * Measure deltas per (time bucket, dims id), in one growing Float64Array of
 * slots: no object per key, and every map key a small integer (a Map per
 * dims id, keyed by the day or month), which V8 hashes far faster than the
 * doubles a combined key would need.
 */
class SumDeltas {
  private readonly index: (Map<number, number> | undefined)[] = []
  times: number[] = []
  dims: number[] = []
  values = new Float64Array(INITIAL_SLOTS * M)

  get size(): number {
    return this.times.length
  }

  /** Adds `m` × sign into the slot of (time, dims). */
  add(time: number, dims: number, m: Float64Array, sign: number): void {
    this.addAt(time, dims, m, 0, sign)
  }

  /** Adds the M values of `m` from `offset` × sign into the slot of (time, dims). */
  addAt(time: number, dims: number, m: Float64Array, offset: number, sign: number): void {
    let byTime = this.index[dims]
    if (!byTime) this.index[dims] = byTime = new Map()
    let slot = byTime.get(time)
    if (slot === undefined) {
      slot = this.times.length
      byTime.set(time, slot)
      this.times.push(time)
      this.dims.push(dims)
      if ((slot + 1) * M > this.values.length) {
        const grown = new Float64Array(this.values.length * 2)
        grown.set(this.values)
        this.values = grown
      }
    }
    const v = this.values
    const o = slot * M
    for (let i = 0; i < M; i++) v[o + i] = (v[o + i] as number) + sign * (m[offset + i] as number)
  }

  /** The measures of a slot (a view: copy before the next add). */
  slot(i: number): Float64Array {
    return this.values.subarray(i * M, (i + 1) * M)
  }

  clear(): void {
    this.index.length = 0
    this.times = []
    this.dims = []
    // Back to the initial size: a rebuild's million slots are not kept.
    this.values = new Float64Array(INITIAL_SLOTS * M)
  }
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
/**
 * Small ids for pairs of small ids (two numeric Map lookups, no string to hash per row): the
 * quarter deltas' (source, owner) and the owner cube's (five dims, owner).
 */
class IdPairs {
  private readonly index: (Map<number, number> | undefined)[] = []
  readonly values: [number, number][] = []

  id(a: number, b: number): number {
    let byB = this.index[a]
    if (!byB) this.index[a] = byB = new Map()
    let id = byB.get(b)
    if (id === undefined) {
      if (this.values.length >= KEY_SPACE) throw new RangeError('too many rollup dimension values')
      id = this.values.length
      byB.set(b, id)
      this.values.push([a, b])
    }
    return id
  }
}

const pairs = new WeakMap<Store, IdPairs>()
const owned = new WeakMap<Store, IdPairs>()
/** (owner, dim, value): the facets' keys. */
const facets = new WeakMap<Store, Interner>()

// The batch handles the three key kinds the tables use (keyValues); a new one needs code there.

// Rows are recorded into the day × five-dims table of their basis (and the
// day table of each count) only; the month and source tables' deltas are
// derived from those at flush, from a few thousand entries instead of each
// row (a third of the per-row work). The owner tables cannot be derived from
// the five dims: rows are recorded into them too. The UTC quarter tables are
// recorded per (quarter, source, owner) and the rest derived (QUARTER_BASE).
const SUM_BASE = ROLLUPS.map((r, i) => {
  // The created owner tables: derived from the owner × five dims deltas (Batch.ownerCube).
  if (r.column === 'owner' || r.column === 'facet') {
    if (r.basis !== 'created') throw new Error(`no owner cube of deals to derive ${r.table} from`)
    return -1
  }
  if (r.column === 'dims' && r.grain === 'day') return i
  const base = ROLLUPS.findIndex(
    (b) => b.basis === r.basis && b.grain === 'day' && b.column === 'dims',
  )
  if (base < 0) throw new Error(`no day × dims rollup to derive ${r.table} from`)
  return base
})
const COUNT_BASE = COUNT_ROLLUPS.map((c) => {
  const base = COUNT_ROLLUPS.findIndex((b) => b.of === c.of && b.key === c.key && b.grain === 'day')
  if (base < 0) throw new Error(`no day count rollup to derive ${c.table} from`)
  return base
})

class Batch implements RollupBatch {
  private readonly sums = ROLLUPS.map(() => new SumDeltas())
  private readonly counts = COUNT_ROLLUPS.map(() => new Map<number, CountDelta>())
  /**
   * Per (UTC quarter, source and owner), created and converted: one entry per row (as few as
   * the hour × source deltas this replaced), fanned out to the three quarter tables at flush.
   */
  private readonly quarters = { created: new SumDeltas(), converted: new SumDeltas() }
  /** Created leads per (org day, owner and five dims): the owner facets' base. */
  private readonly ownerCube = new SumDeltas()
  private readonly months = new Map<number, number>()
  private readonly m = new Float64Array(MEASURES.length)
  private readonly combos: Interner
  private readonly sources: Interner
  /** (source id, owner id), both of `sources`. */
  private readonly pairs: IdPairs
  /** (combo id of the five dims, owner id of `sources`). */
  private readonly owned: IdPairs
  private readonly facets: Interner

  /**
   * `fresh`: the tables are empty (a rebuild), so flush inserts each table's
   * rows in key order, many per statement, instead of upserting them.
   */
  constructor(
    private readonly db: Store,
    private readonly p: Prepared,
    private readonly enabled: boolean,
    private readonly fresh = false,
  ) {
    let c = combos.get(db)
    if (!c) combos.set(db, (c = new Interner()))
    let s = sources.get(db)
    if (!s) sources.set(db, (s = new Interner()))
    let pp = pairs.get(db)
    if (!pp) pairs.set(db, (pp = new IdPairs()))
    let o = owned.get(db)
    if (!o) owned.set(db, (o = new IdPairs()))
    let f = facets.get(db)
    if (!f) facets.set(db, (f = new Interner()))
    this.facets = f
    this.combos = c
    this.sources = s
    this.pairs = pp
    this.owned = o
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
    ;(this.sums[def] as SumDeltas).add(time, dims, this.m, sign)
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
    this.addLead(
      l.created_at,
      l.first_response_at,
      l.status,
      l.deal_value_cents,
      l.converted_at,
      l.source,
      l.city,
      l.segment,
      l.temperature,
      l.owner,
      sign,
    )
  }

  /** One live lead's contribution × sign, from its columns (a rebuild passes them straight from SQL). */
  addLead(
    createdAt: number,
    firstResponseAt: number | null,
    status: string,
    dealValueCents: number | null,
    convertedAt: number | null,
    source: string,
    city: string,
    segment: string,
    temperature: string,
    owner: string,
    sign: number,
  ): void {
    const { zone } = this.p
    const m = this.m
    this.p.registry.measure(m, createdAt, firstResponseAt, status, dealValueCents)
    const responded = firstResponseAt !== null
    const ms = responded ? firstResponseAt - createdAt : 0
    const won = status === 'won'
    const local = createdAt + zone.offset(createdAt)
    const day = Math.floor(local / DAY_MS)
    const hour = Math.floor(local / HOUR_MS)
    const full = this.combos.five(source, city, segment, temperature, status)
    const sourceId = this.sources.one(source)
    // Owners and sources share the interner: it hands out ids for strings.
    const ownerId = this.sources.one(owner)
    const booked = won && convertedAt !== null
    const cDay = booked ? zone.day(convertedAt) : 0
    const pair = this.pairs.id(sourceId, ownerId)
    this.quarters.created.add(Math.floor(createdAt / QUARTER_MS), pair, m, sign)
    if (booked) this.quarters.converted.add(Math.floor(convertedAt / QUARTER_MS), pair, m, sign)
    this.ownerCube.add(day, this.owned.id(full, ownerId), m, sign)
    for (let i = 0; i < ROLLUPS.length; i++) {
      if (SUM_BASE[i] !== i) continue
      const r = ROLLUPS[i] as RollupDef
      // Only the day × five dims tables are recorded per row (SUM_BASE).
      if (r.basis === 'created') this.addSum(i, day, full, sign)
      else if (booked) this.addSum(i, cDay, full, sign)
    }
    for (let i = 0; i < COUNT_ROLLUPS.length; i++) {
      if (COUNT_BASE[i] !== i) continue
      const c = COUNT_ROLLUPS[i] as CountRollupDef
      const key = c.key === 'owner' ? ownerId : sourceId
      if (c.of === 'weekHour') this.addCount(i, day, key, weekHour(hour), sign)
      else if (responded) this.addCount(i, day, key, responseBucket(ms), sign)
    }
  }

  /** Fills the month and source tables' deltas from their day × dims base. */
  private *derive(sliceRows: number): Generator<void, void, void> {
    for (let i = 0; i < ROLLUPS.length; i++) {
      const base = SUM_BASE[i] as number
      if (base === -1) yield* this.deriveOwned(i, sliceRows)
      if (base === i || base === -1) continue
      const r = ROLLUPS[i] as RollupDef
      const into = this.sums[i] as SumDeltas
      const from = this.sums[base] as SumDeltas
      for (let j = 0; j < from.size; j++) {
        const t = from.times[j] as number
        const d = from.dims[j] as number
        const time = r.grain === 'month' ? this.monthOf(t) : t
        if (r.column === 'sourceFacet') {
          // Each (time, five dims) slot counts once under each dimension's value.
          const key = this.combos.values[d] as string[]
          const source = key[0] as string
          for (let k = 0; k < ROLLUP_DIMS.length; k++) {
            const facet = this.facets.three(source, ROLLUP_DIMS[k] as string, key[k] as string)
            into.addAt(time, facet, from.values, j * M, 1)
          }
          this.written += ROLLUP_DIMS.length
          if (this.written >= sliceRows) {
            this.written = 0
            yield
          }
          continue
        }
        const dims =
          r.column === 'dims'
            ? d
            : this.sources.one((this.combos.values[d] as string[])[0] as string)
        into.addAt(time, dims, from.values, j * M, 1)
        if (++this.written >= sliceRows) {
          this.written = 0
          yield
        }
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

  /**
   * Fills a created owner table's deltas: by org day from the quarter deltas (each UTC quarter
   * lies in one org day: the zone's offsets are whole quarters), its facets by org day or month
   * from the owner cube (by org day).
   */
  private *deriveOwned(i: number, sliceRows: number): Generator<void, void, void> {
    const r = ROLLUPS[i] as RollupDef
    const into = this.sums[i] as SumDeltas
    if (r.column === 'owner') {
      const from = this.quarters.created
      const { zone } = this.p
      for (let j = 0; j < from.size; j++) {
        const ownerId = (this.pairs.values[from.dims[j] as number] as [number, number])[1]
        const day = zone.day((from.times[j] as number) * QUARTER_MS)
        into.addAt(day, ownerId, from.values, j * M, 1)
      }
      return
    }
    const from = this.ownerCube
    for (let j = 0; j < from.size; j++) {
      const day = from.times[j] as number
      const time = r.grain === 'month' ? this.monthOf(day) : day
      const [full, ownerId] = this.owned.values[from.dims[j] as number] as [number, number]
      const owner = (this.sources.values[ownerId] as string[])[0] as string
      const key = this.combos.values[full] as string[]
      for (let d = 0; d < ROLLUP_DIMS.length; d++) {
        const facet = this.facets.three(owner, ROLLUP_DIMS[d] as string, key[d] as string)
        into.addAt(time, facet, from.values, j * M, 1)
      }
      this.written += ROLLUP_DIMS.length
      if (this.written >= sliceRows) {
        this.written = 0
        yield
      }
    }
  }

  /** Rows written since the last yield of flushSteps. */
  private written = 0

  flush(): void {
    for (const step of this.flushSteps(Infinity)) void step
  }

  /**
   * flush() in steps: it yields after about every `rows` rows written, so that a rebuild in
   * slices can write its tables over several transactions and give the thread back between them.
   */
  *flushSteps(sliceRows: number): Generator<void, void, void> {
    if (!this.enabled) return
    const { p } = this
    this.written = 0
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
      // The first rows into rollups over no leads: they now hold this registry's values.
      p.stamp.run(p.registry.definitionsHash)
      yield* this.derive(sliceRows)
      for (let i = 0; i < ROLLUPS.length; i++) {
        if (this.fresh) {
          yield* this.insertSorted(i, idOf, sliceRows)
          continue
        }
        const upsert = p.upsert[i] as Get
        const add = p.add[i] as Run
        const addMany = p.addMany[i] as Run
        const sums = this.sums[i] as SumDeltas
        const many: (number | string)[] = []
        let rows = 0
        for (let j = 0; j < sums.size; j++) {
          const m = sums.slot(j)
          if (m.every((x) => x === 0)) continue
          const key = sums.times[j] as number
          const dims = this.keyValues(i, sums.dims[j] as number, idOf)
          // Only a net loss of leads can empty a bucket; the common delta (new
          // leads, same-bucket updates) skips reading the result back, and goes
          // ROWS_PER_UPSERT rows a statement.
          if ((m[0] as number) >= 0) {
            many.push(key, ...dims)
            for (let k = 0; k < M; k++) many.push(m[k] as number)
            if (++rows === ROWS_PER_UPSERT) {
              addMany.run(many)
              many.length = 0
              rows = 0
            }
            continue
          }
          const row = upsert.get(key, ...dims, ...m) as { leads: number }
          // A bucket left without leads is deleted, as a rebuild would not create it.
          if (row.leads === 0) (p.del[i] as Run).run(key, ...dims)
        }
        const width = many.length / Math.max(rows, 1)
        for (let r = 0; r < rows; r++) add.run(many.slice(r * width, (r + 1) * width))
      }
      for (let i = 0; i < COUNT_ROLLUPS.length; i++) {
        const def = COUNT_ROLLUPS[i] as CountRollupDef
        for (const e of (this.counts[i] as Map<number, CountDelta>).values()) {
          let changed = false
          for (const n of e.d.values()) if (n !== 0) changed = true
          if (!changed) continue
          const source = this.sources.values[e.source]?.[0]
          const dense = new Float64Array(def.size)
          const old = this.fresh
            ? undefined
            : ((p.readCounts[i] as Get).get(e.time, source) as Uint8Array | undefined)
          if (old) addCounts(dense, old)
          for (const [b, n] of e.d) dense[b] = (dense[b] as number) + n
          const blob = encodeCounts(dense)
          if (blob) (p.writeCounts[i] as Run).run(e.time, source, blob)
          else (p.delCounts[i] as Run).run(e.time, source)
          if (++this.written >= sliceRows) {
            this.written = 0
            yield
          }
        }
      }
      yield* this.writeQuarters('created', sliceRows)
      yield* this.writeQuarters('converted', sliceRows)
    } catch (error) {
      // A count below zero: the rollups no longer match the leads (a change
      // applied twice, or a before row that was not the stored one). The
      // metrics read raw rows until rebuildRollups rather than fail the sync.
      // A rebuild has no earlier state to fall out of step with: fail it.
      if (!(error instanceof RangeError) || this.fresh) throw error
      p.invalidate.run()
    } finally {
      for (const sums of this.sums) sums.clear()
      this.ownerCube.clear()
      this.quarters.created.clear()
      this.quarters.converted.clear()
      for (const map of this.counts) map.clear()
    }
  }

  /**
   * Writes the quarter table of a basis: its (quarter, source and owner) deltas grouped by UTC
   * day, and each day's sums over all sources, per source and per owner merged into the day's
   * sections (read back unless the table is fresh): one row rewritten a day touched. One day's
   * vectors at a time, so a batch of changes spread over years holds no more than a day's.
   */
  private *writeQuarters(basis: Basis, rows: number): Generator<void, void, void> {
    const sums = this.quarters[basis]
    const { times, dims, values } = sums
    const days = new Map<number, number[]>()
    for (let j = 0; j < sums.size; j++) {
      let any = false
      for (let k = j * M; k < (j + 1) * M; k++) if (values[k] !== 0) any = true
      if (!any) continue
      const day = Math.floor((times[j] as number) / QUARTERS_PER_DAY)
      const list = days.get(day)
      if (list) list.push(j)
      else days.set(day, [j])
    }
    if (days.size === 0) return
    const i = QUARTER_ROLLUPS.findIndex((q) => q.basis === basis)
    const read = this.p.readQuarters[i] as Get
    const write = this.p.writeQuarters[i] as Run
    const del = this.p.delQuarters[i] as Run
    const writeAll = this.p.writeQuartersAll[i] as Run
    const delAll = this.p.delQuartersAll[i] as Run
    const size = QUARTERS_PER_DAY * M
    const pool: Float64Array[] = []
    const sections = new Map<string, Float64Array>()
    const vector = (key: string): Float64Array => {
      let v = sections.get(key)
      if (!v) {
        v = pool.pop() ?? new Float64Array(size)
        sections.set(key, v)
      }
      return v
    }
    // Each pair's three section keys, made once per flush.
    const keysOf: string[][] = []
    for (const [day, slots] of days) {
      if (!this.fresh) {
        const old = read.get(day) as Uint8Array | undefined
        if (old) forEachSection(old, (key, body) => addSums(vector(key), body, M))
      }
      for (const j of slots) {
        const d = dims[j] as number
        let keys = keysOf[d]
        if (!keys) {
          const [sourceId, ownerId] = this.pairs.values[d] as [number, number]
          const source = (this.sources.values[sourceId] as string[])[0] as string
          const owner = (this.sources.values[ownerId] as string[])[0] as string
          keys = [
            quarterSection(null),
            quarterSection('source', source),
            quarterSection('owner', owner),
          ]
          keysOf[d] = keys
        }
        const o = ((times[j] as number) - day * QUARTERS_PER_DAY) * M
        for (const key of keys) {
          const v = vector(key)
          for (let k = 0; k < M; k++)
            v[o + k] = (v[o + k] as number) + (values[j * M + k] as number)
        }
      }
      const bodies = new Map<string, Uint8Array | null>()
      for (const [key, v] of sections) {
        bodies.set(key, encodeSums(v, M))
        v.fill(0)
        pool.push(v)
      }
      sections.clear()
      const blob = encodeSections(bodies)
      if (blob) write.run(day, blob)
      else if (!this.fresh) del.run(day)
      const all = bodies.get(quarterSection(null))
      if (all) writeAll.run(day, all)
      else if (!this.fresh) delAll.run(day)
      // A day's row weighs as much as some hundred rows of the other tables.
      this.written += 100
      if (this.written >= rows) {
        this.written = 0
        yield
      }
    }
  }

  /** The key column values after the time of table `i` for an interned key `d`. */
  private keyValues(i: number, d: number, idOf: (combo: number) => number): (number | string)[] {
    const r = ROLLUPS[i] as RollupDef
    if (r.column === 'dims') return [idOf(d)]
    if (isFacet(r)) return this.facets.values[d] as string[]
    return [(this.sources.values[d] as string[])[0] as string]
  }

  /** Writes table `i`'s deltas into an empty table: sorted by its key, ROWS_PER_INSERT rows a statement. */
  private *insertSorted(
    i: number,
    idOf: (combo: number) => number,
    rows: number,
  ): Generator<void, void, void> {
    const r = ROLLUPS[i] as RollupDef
    const sums = this.sums[i] as SumDeltas
    const keys: (number | string)[][] = []
    const slots: number[] = []
    for (let j = 0; j < sums.size; j++) {
      if (sums.values[j * M] === 0) continue
      keys[j] = this.keyValues(i, sums.dims[j] as number, idOf)
      slots.push(j)
    }
    const { times } = sums
    // The few distinct texts ranked once in SQLite's order, so that sorting compares numbers:
    // a UTF-8 compare per comparison took seconds over a rebuild's facet rows.
    const texts = new Set<string>()
    for (const j of slots)
      for (const v of keys[j] as (number | string)[]) if (typeof v === 'string') texts.add(v)
    const rank = new Map([...texts].sort(compareText).map((t, n): [string, number] => [t, n]))
    const compareKeys = (a: (number | string)[], b: (number | string)[]): number => {
      for (let k = 0; k < a.length; k++) {
        const x = a[k] as number | string
        const y = b[k] as number | string
        const c =
          typeof x === 'number'
            ? x - (y as number)
            : (rank.get(x) as number) - (rank.get(y as string) as number)
        if (c !== 0) return c
      }
      return 0
    }
    slots.sort(
      (a, b) =>
        (times[a] as number) - (times[b] as number) ||
        compareKeys(keys[a] as (number | string)[], keys[b] as (number | string)[]),
    )
    const columns = keyColumns(r)
    const width = 1 + columns.length + M
    const sql = (n: number) =>
      `INSERT INTO ${r.table} (${[r.grain, ...columns, ...MEASURES].join(', ')}) VALUES ${Array(n)
        .fill(`(${Array(width).fill('?').join(', ')})`)
        .join(', ')}`
    const many = this.db.prepare(sql(ROWS_PER_INSERT))
    const params: (number | string)[] = []
    const bind = (from: number, to: number) => {
      params.length = 0
      for (let k = from; k < to; k++) {
        const j = slots[k] as number
        params.push(times[j] as number, ...(keys[j] as (number | string)[]))
        for (let x = j * M; x < (j + 1) * M; x++) params.push(sums.values[x] as number)
      }
    }
    let at = 0
    for (; at + ROWS_PER_INSERT <= slots.length; at += ROWS_PER_INSERT) {
      bind(at, at + ROWS_PER_INSERT)
      many.run(params)
      this.written += ROWS_PER_INSERT
      if (this.written >= rows) {
        this.written = 0
        yield
      }
    }
    if (at < slots.length) {
      bind(at, slots.length)
      this.db.prepare(sql(slots.length - at)).run(params)
    }
  }
}

/** Rows bound per INSERT statement in a rebuild; beyond ~50 the gain flattens out. */
const ROWS_PER_INSERT = 64
/** Rows bound per upsert statement in a sync batch's flush. */
const ROWS_PER_UPSERT = 32

/** SQLite's BINARY order of two texts (UTF-8 bytes), which UTF-16 `<` can differ from. */
const compareText = (a: string, b: string): number =>
  a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b))

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
  const job = rebuilding.get(db)
  if (job) return new RebuildFeed(job)
  const state = rollupState(db)
  return new Batch(db, prepare(db, state), state.valid)
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

/** Every table a rebuild refills. */
export const ROLLUP_TABLES = [
  ...ROLLUPS.map((r) => r.table),
  ...COUNT_ROLLUPS.map((c) => c.table),
  ...QUARTER_ROLLUPS.flatMap((q) => [q.table, q.allTable]),
]

export interface RebuildOptions {
  /** The org zone to rebuild in, which then becomes the org zone (default: the current one). */
  readonly timeZone?: string
  /** Called every PROGRESS_EVERY leads and at the end, with the live leads done and in all. */
  readonly onProgress?: (done: number, total: number) => void
}

const PROGRESS_EVERY = 50_000

/**
 * Recomputes every rollup from the raw leads in one transaction, in the org
 * zone (or `timeZone`, which then becomes the org zone): the tables are
 * emptied and every live lead goes through one RollupBatch as an insert, so a
 * rebuild and incremental upkeep share their arithmetic. The leads reach the
 * batch through a SQL function called once per row of a single scan (a call
 * costs well under half of stepping a row out through an iterator), and the
 * batch writes a row per distinct rollup key at the end. rollup_dims keeps
 * its ids: only new values are added.
 */
export function rebuildRollups(db: Store, options: RebuildOptions = {}): void {
  if (rebuilding.has(db)) throw new Error('a rollup rebuild is already under way')
  const { onProgress } = options
  const asked = options.timeZone ?? rollupState(db).timeZone
  // Stored as the runtime's canonical name (US/Eastern → America/New_York,
  // europe/london → Europe/London): pages ask in canonical names, and only an
  // exact match lets a dashboard read the rollups.
  const tz = canonicalTimeZone(asked)
  if (tz === null) throw new RangeError(`unknown time zone "${asked}"`)
  db.transaction(() => {
    db.prepare(
      `INSERT INTO rollup_state (id, time_zone, valid, built_at, definitions) VALUES (1, ?, 1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, valid = 1,
       built_at = excluded.built_at, definitions = excluded.definitions`,
    ).run(tz, Date.now(), registryOf(db).definitionsHash)
    for (const table of ROLLUP_TABLES) db.exec(`DELETE FROM ${table}`)
    // Held through a variable the function reads, so that the batch (tens of
    // MB at a million leads) is not kept alive by the registered function.
    let batch: Batch | null = new Batch(db, prepare(db), true, true)
    const total = onProgress
      ? (db.prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL').pluck().get() as number)
      : 0
    let done = 0
    feedLeads(db, () => {
      if (onProgress && ++done % PROGRESS_EVERY === 0) onProgress(done, total)
      if (!batch) throw new Error('wf_rollup_lead called outside a rebuild')
      return batch
    })
    db.prepare(
      `SELECT count(wf_rollup_lead(${LEAD_COLUMNS})) FROM leads NOT INDEXED WHERE deleted_at IS NULL`,
    ).get()
    try {
      batch.flush()
    } finally {
      batch = null
    }
    onProgress?.(total, total)
  })()
}

/** The columns wf_rollup_lead takes, in its order; the id last. */
const LEAD_COLUMNS = `created_at, first_response_at, status, deal_value_cents, converted_at,
  source, city, segment, temperature, owner, id`

/**
 * Registers wf_rollup_lead(LEAD_COLUMNS) on `db`: each call adds one live lead to the batch
 * `target` returns (called with the lead's id). A SQL function called once per row of a single
 * scan costs well under half of stepping a row out through an iterator.
 */
function feedLeads(db: Store, target: (id: number) => Batch): void {
  db.function('wf_rollup_lead', { varargs: true }, (...v) => {
    target(v[10] as number).addLead(
      v[0] as number,
      v[1] as number | null,
      v[2] as string,
      v[3] as number | null,
      v[4] as number | null,
      v[5] as string,
      v[6] as string,
      v[7] as string,
      v[8] as string,
      v[9] as string,
      1,
    )
    return null
  })
}

// ---- Rebuild in slices ---------------------------------------------------------------------

/** A rebuild in slices under way on a connection (rebuildRollupsInSlices). */
interface SlicedRebuild {
  /** Every live lead with an id up to `cursor` is in `batch`, as it is now. */
  cursor: number
  /**
   * While scanning, the rebuild's own batch; while its tables are written, the changes written
   * meanwhile (applied in the last transaction, onto the written tables).
   */
  batch: Batch
}

const rebuilding = new WeakMap<Store, SlicedRebuild>()

/** Whether a rebuild in slices is under way on `db` (the sync then passes it every change). */
export const rebuildUnderWay = (db: Store): boolean => rebuilding.has(db)

/**
 * A batch for a transaction while a rebuild in slices is under way: it keeps the changes of leads
 * the rebuild has already scanned, and hands them to the rebuild at flush (before the commit);
 * changes of leads it has not reached yet need nothing, the scan will read them as they are.
 */
class RebuildFeed implements RollupBatch {
  private readonly changes: [LeadRow | null, LeadRow | null][] = []
  constructor(private readonly job: SlicedRebuild) {}

  record(before: LeadRow | null, after: LeadRow | null): void {
    const id = (before ?? after)?.id
    if (id !== undefined && id <= this.job.cursor) this.changes.push([before, after])
  }

  flush(): void {
    for (const [before, after] of this.changes) this.job.batch.record(before, after)
    this.changes.length = 0
  }
}

export interface SlicedRebuildOptions extends RebuildOptions {
  /** Live leads per slice (default 50,000: about 0.1 s at a million leads). */
  readonly sliceLeads?: number
  /** Awaited between slices: other work on the thread runs meanwhile (default setImmediate). */
  readonly pause?: () => Promise<void>
  /** Rollup rows written per transaction once scanned (default 10,000; deletes alike). */
  readonly writeRows?: number
  /** Called with each slice's (a scan's, a write's) milliseconds on the thread. */
  readonly onSlice?: (ms: number, what: 'scan' | 'write') => void
}

/** The key columns of every rollup table, for deleting their rows in slices. */
const KEY_COLUMNS: ReadonlyMap<string, readonly string[]> = new Map([
  ...ROLLUPS.map((r): [string, string[]] => [r.table, [r.grain, ...keyColumns(r)]]),
  ...COUNT_ROLLUPS.map((c): [string, string[]] => [c.table, [c.grain, c.key]]),
  ...QUARTER_ROLLUPS.flatMap((q): [string, string[]][] => [
    [q.table, ['day']],
    [q.allTable, ['day']],
  ]),
])

/**
 * rebuildRollups without holding the thread for its whole length: the rollups are marked
 * invalid (every KPI reads the raw rows meanwhile, with the same answers), the live leads are
 * scanned in id order, `sliceLeads` at a time, into one batch in memory, with a pause between
 * slices; then the tables are emptied and the batch written, `writeRows` rows a transaction with
 * a pause between (still invalid), and one last short transaction marks the rollups valid again.
 * Changes written meanwhile (the sync's batches, applyLeadChange) of leads already scanned reach
 * the rebuild's batch at their flush (beginRollupBatch hands out a RebuildFeed); changes of leads
 * not yet scanned are read by the scan as they are; changes written while the tables are written
 * gather in a batch of their own, applied in that last transaction onto the written tables.
 * Progress as rebuildRollups gives it.
 */
export async function rebuildRollupsInSlices(
  db: Store,
  options: SlicedRebuildOptions = {},
): Promise<void> {
  if (rebuilding.has(db)) throw new Error('a rollup rebuild is already under way')
  const { onProgress, onSlice } = options
  const slice = options.sliceLeads ?? 50_000
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)))
  const asked = options.timeZone ?? rollupState(db).timeZone
  const tz = canonicalTimeZone(asked)
  if (tz === null) throw new RangeError(`unknown time zone "${asked}"`)
  const timed = (what: 'scan' | 'write', fn: () => void) => {
    const started = performance.now()
    fn()
    onSlice?.(performance.now() - started, what)
  }
  // A write slice waits, without holding the thread, while another connection writes (the
  // intelligence worker's journeys, another process): the job goes on instead of failing on
  // SQLITE_BUSY once the connection's busy timeout ran out.
  const timedWrite = async (fn: () => void) => {
    let ms = 0
    await writeWhenFree(db, () => {
      const started = performance.now()
      fn()
      ms = performance.now() - started
    })
    onSlice?.(ms, 'write')
  }
  let job: SlicedRebuild | undefined
  await timedWrite(() => {
    if (rebuilding.has(db)) throw new Error('a rollup rebuild is already under way')
    db.prepare(
      `INSERT INTO rollup_state (id, time_zone, valid, built_at, definitions) VALUES (1, ?, 0, NULL, NULL)
       ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, valid = 0`,
    ).run(tz)
    job = { cursor: -Infinity, batch: new Batch(db, prepare(db), true, true) }
    rebuilding.set(db, job)
  })
  if (!job) throw new Error('rebuild not started')
  const current = job
  try {
    const total = db
      .prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL')
      .pluck()
      .get() as number
    // Registered before the scan is prepared: a connection that never rebuilt in one go has
    // no wf_rollup_lead yet, and preparing would fail (a cache filled by another process).
    feedLeads(db, () => current.batch)
    const scan = db.prepare(
      `SELECT count(*), max(id), count(wf_rollup_lead(${LEAD_COLUMNS})) FROM (
         SELECT * FROM leads WHERE id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?)`,
    )
    let done = 0
    for (;;) {
      let last: number | null = null
      timed('scan', () => {
        feedLeads(db, () => current.batch)
        const row = scan.raw().get(current.cursor, slice) as [number, number | null, number]
        done += row[0]
        last = row[1]
        if (last !== null) current.cursor = last
      })
      if (last === null) break
      onProgress?.(done, Math.max(done, total))
      await pause()
    }
    // Scanned: from here every change of any lead goes to the batch of changes meanwhile.
    current.cursor = Infinity
    const scanned = current.batch
    current.batch = new Batch(db, prepare(db), true)
    const writeRows = options.writeRows ?? 10_000
    // The old rows out, `writeRows` a transaction, then the scanned batch in, as many a
    // transaction.
    for (const table of ROLLUP_TABLES) {
      const key = `(${(KEY_COLUMNS.get(table) ?? ['rowid']).join(', ')})`
      const del = db.prepare(
        `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key.slice(1, -1)} FROM ${table} LIMIT ?)`,
      )
      for (let deleted = writeRows; deleted >= writeRows;) {
        await timedWrite(() => {
          deleted = del.run(writeRows).changes
        })
        if (deleted >= writeRows) await pause()
      }
    }
    const steps = scanned.flushSteps(writeRows)
    for (let finished = false; !finished;) {
      await timedWrite(() => {
        finished = steps.next().done === true
      })
      if (!finished) await pause()
    }
    let live = done
    await timedWrite(() => {
      db.prepare(
        `UPDATE rollup_state SET valid = 1, built_at = ?, definitions = ? WHERE id = 1`,
      ).run(Date.now(), registryOf(db).definitionsHash)
      current.batch.flush()
      if (onProgress) {
        live = db
          .prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL')
          .pluck()
          .get() as number
      }
    })
    // The whole, with the leads written meanwhile.
    onProgress?.(live, live)
  } finally {
    rebuilding.delete(db)
  }
}

/**
 * Makes the rollups readable on open: rebuilt when a bulk load left them
 * invalid or they were built under other KPI definitions (a changed target).
 * Until then every KPI reads the raw rows, with the same answers. Returns
 * why it rebuilt, or null when they were current.
 */
export function ensureRollups(
  db: Store,
  log: (line: string) => void = () => {},
): 'outdated' | 'invalid' | null {
  const state = rollupState(db)
  if (state.valid) return null
  const why = state.outdated ? 'outdated' : 'invalid'
  const started = Date.now()
  log(
    why === 'outdated'
      ? 'The KPI definitions changed since the rollups were built: rebuilding them…'
      : 'Rebuilding the KPI rollups…',
  )
  rebuildRollups(db)
  log(`KPI rollups rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return why
}

export { DAY_MS, firstDayOfMonth }

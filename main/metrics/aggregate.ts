// The one reader the KPI catalog goes through: sums of the lead measures
// (rollups.ts) for a filter set, grouped by all rollup dimensions (the
// "cube", at most a few thousand rows), by one dimension, or by local time
// bucket (the series). It reads rollups when they give the same answer and
// the raw leads otherwise; both paths are pinned equal by the property tests.
// - A breakdown by one dimension (grouped) with no filter, a source or an
//   owner reads the facet rollups (019-facet-rollups.ts): one dimension's
//   rows of the range's org-zone months and days, not the cube.
// - A range in another zone (a viewer in London, rollups by Detroit days) is
//   cut into the rollups' whole days inside it and two edges under a day each
//   (zoneCut): the edges' totals and sums by source come from the UTC quarter
//   rollups, their other breakdowns from the raw rows of the edges, read once
//   per scope (edgeCube). Its series by local day or hour and its heat map
//   are sums of whole UTC quarters (quarterSums), decoded once per scope; with
//   no filter from the all-leads section kept in a table of its own.
// - An owner filter reads the owner rollups for totals and day series
//   (ownerUsable), the owner facets for breakdowns, the owners' quarter
//   sections elsewhere and the owner response histograms for the median.
// - Medians and the hour-of-week heat map come from count blobs
//   (count-blob.ts) by source (or owner, for the response histograms).
// Other filter combinations (a city, an owner with a source) read the cube or
// raw rows.

import type { DateRange, Filters } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { activeDims, dimsSql, type DimFilters, type SqlPart } from './filter-sql.ts'
import { addCounts, addSums, forEachSectionWith } from './count-blob.ts'
import { registryOf } from './registry.ts'
import {
  BASIS,
  COUNT_ROLLUPS,
  HOUR_MS,
  MEASURES,
  QUARTER_MS,
  QUARTER_ROLLUPS,
  QUARTERS_PER_DAY,
  ROLLUP_DIMS,
  quarterSection,
  ROLLUPS,
  RESPONSE_BUCKETS,
  WEEK_HOURS,
  addMeasures,
  isFacet,
  responseBucket,
  responseBucketBounds,
  rollupState,
  weekHour,
  zeroMeasures,
  type Basis,
  type CountOf,
  type Measures,
  type QuarterDim,
  type QuarterRollupDef,
  type RollupDef,
  type RollupDim,
  type RollupState,
} from './rollups.ts'
import {
  DAY_MS,
  dayNumber,
  dayString,
  firstDayOfMonth,
  localDayStartUtc,
  localTime,
  monthOfDay,
  rangeBounds,
} from './time-range.ts'

export interface CubeRow {
  readonly source: string
  readonly city: string
  readonly segment: string
  readonly temperature: string
  readonly status: string
  readonly m: Measures
}

export interface Scope {
  readonly db: Store
  readonly filters: Filters
  readonly dims: DimFilters
  readonly state: RollupState
  /** Force the raw path (tests compare both). */
  readonly raw: boolean
  readonly memo: Map<string, unknown>
}

export function createScope(db: Store, filters: Filters, options: { raw?: boolean } = {}): Scope {
  return {
    db,
    filters,
    dims: activeDims(filters),
    state: rollupState(db),
    raw: options.raw ?? false,
    memo: new Map(),
  }
}

function memo<T>(scope: Scope, key: string, compute: () => T): T {
  if (scope.memo.has(key)) return scope.memo.get(key) as T
  const value = compute()
  scope.memo.set(key, value)
  return value
}

const usedDims = (dims: DimFilters) => Object.keys(dims)

function rollupUsable(scope: Scope, range: DateRange): boolean {
  return (
    !scope.raw &&
    scope.state.valid &&
    range.timeZone === scope.state.timeZone &&
    usedDims(scope.dims).every((d) => (ROLLUP_DIMS as readonly string[]).includes(d))
  )
}

const OWNER_TABLE_DIMS: readonly string[] = ['owner']

/**
 * The owner rollups (013-owner-rollups.ts, by org-zone day and owner) answer a range in the
 * rollups' zone whose filters name the owner only: totals and the day series. The cube, sums per
 * source and the count blobs have no owner: those read raw rows (as does owner and source).
 */
function ownerUsable(scope: Scope, range: DateRange): boolean {
  const used = usedDims(scope.dims)
  return (
    !scope.raw &&
    scope.state.valid &&
    range.timeZone === scope.state.timeZone &&
    used.includes('owner') &&
    used.every((d) => OWNER_TABLE_DIMS.includes(d))
  )
}

/**
 * A range in another zone than the rollups' (a viewer in London, rollups by Detroit days), cut
 * into the rollups' whole local days that lie inside it and the instants left at its two edges
 * (under a day each), so the sums read rollups for nearly all of it and raw rows for the edges
 * only. null where the rollups cannot answer for its filters at all, or the range is in their
 * zone (then they answer it whole).
 */
export interface ZoneCut {
  /** The rollups' whole days inside the range, in their zone; null when none fits. */
  readonly inner: DateRange | null
  /** Half-open UTC instants [start, end) outside `inner`. */
  readonly edges: readonly { readonly start: number; readonly end: number }[]
}

export function zoneCut(scope: Scope, range: DateRange): ZoneCut | null {
  if (
    scope.raw ||
    !scope.state.valid ||
    range.timeZone === scope.state.timeZone ||
    !usedDims(scope.dims).every((d) => (ROLLUP_DIMS as readonly string[]).includes(d))
  ) {
    return null
  }
  return orgDaysCut(scope, range)
}

/** zoneCut for any filter: the range whole when in the rollups' zone. */
function orgDaysCut(scope: Scope, range: DateRange): ZoneCut {
  if (range.timeZone === scope.state.timeZone) return { inner: range, edges: [] }
  const zone = scope.state.timeZone
  const { start, end } = rangeBounds(range)
  const dayStart = (day: number) => localDayStartUtc(dayString(day), zone)
  const local = localTime(zone)
  let first = local.day(start)
  if (dayStart(first) < start) first += 1
  let last = local.day(end - 1)
  if (dayStart(last + 1) > end) last -= 1
  if (first > last) return { inner: null, edges: [{ start, end }] }
  const edges = [
    { start, end: dayStart(first) },
    { start: dayStart(last + 1), end },
  ].filter((edge) => edge.end > edge.start)
  return { inner: { from: dayString(first), to: dayString(last), timeZone: zone }, edges }
}

/** The dims filter on a rollup: on its own columns, or on the values of its dims ids. */
const rollupFilter = (r: RollupDef, f: SqlPart): string =>
  r.column !== 'dims' || f.sql === ''
    ? f.sql
    : ` AND dims IN (SELECT id FROM rollup_dims WHERE 1${f.sql})`

/** The rollup of this basis and grain with the fewest dims covering `need` (facets aside). */
function pickTable(basis: Basis, grain: RollupDef['grain'], need: readonly string[]) {
  return ROLLUPS.filter(
    (r) =>
      r.basis === basis &&
      !isFacet(r) &&
      r.grain === grain &&
      need.every((d) => (r.dims as readonly string[]).includes(d)),
  ).sort((a, b) => a.dims.length - b.dims.length)[0]
}

const SUMS = MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')
/** The measures summed over raw `leads` rows, under the cache's KPI definitions. */
const rawSums = (scope: Scope): string =>
  registryOf(scope.db)
    .measureSql.map((e, i) => `${e} AS ${MEASURES[i] ?? ''}`)
    .join(', ')

type Row = Record<string, number | string>

function measuresOf(row: Row): Measures {
  const m = zeroMeasures()
  for (const k of MEASURES) m[k] = Number(row[k] ?? 0)
  return m
}

function addCube(into: Map<string, CubeRow>, rows: Row[]): void {
  for (const row of rows) {
    const key = ROLLUP_DIMS.map((d) => row[d]).join('\u0000')
    const found = into.get(key)
    if (found) addMeasures(found.m, measuresOf(row))
    else
      into.set(key, {
        source: String(row.source),
        city: String(row.city),
        segment: String(row.segment),
        temperature: String(row.temperature),
        status: String(row.status),
        m: measuresOf(row),
      })
  }
}

interface Span {
  readonly grain: 'day' | 'month'
  readonly lo: number
  readonly hi: number
}

/**
 * The range's local days as whole local months (read from month tables) and
 * the days at either edge (from day tables).
 */
function monthSpans(range: DateRange): Span[] {
  const from = dayNumber(range.from)
  const to = dayNumber(range.to)
  const firstMonth = monthOfDay(from) + (firstDayOfMonth(monthOfDay(from)) === from ? 0 : 1)
  const lastMonth = monthOfDay(to) - (firstDayOfMonth(monthOfDay(to) + 1) - 1 === to ? 0 : 1)
  if (firstMonth > lastMonth) return [{ grain: 'day', lo: from, hi: to }]
  const spans: Span[] = [{ grain: 'month', lo: firstMonth, hi: lastMonth }]
  if (from < firstDayOfMonth(firstMonth))
    spans.push({ grain: 'day', lo: from, hi: firstDayOfMonth(firstMonth) - 1 })
  if (to >= firstDayOfMonth(lastMonth + 1))
    spans.push({ grain: 'day', lo: firstDayOfMonth(lastMonth + 1), hi: to })
  return spans
}

/** Sums per (source, city, segment, temperature, status) over the range. */
export function cube(scope: Scope, basis: Basis, range: DateRange): CubeRow[] {
  return memo(scope, `cube:${basis}:${range.from}:${range.to}:${range.timeZone}`, () => {
    const out = new Map<string, CubeRow>()
    if (rollupUsable(scope, range)) {
      rollupCube(scope, basis, range, out)
      return [...out.values()]
    }
    const cut = zoneCut(scope, range)
    if (cut === null) {
      const { start, end } = rangeBounds(range)
      rawCube(scope, basis, start, end, out)
      return [...out.values()]
    }
    if (cut.inner) rollupCube(scope, basis, cut.inner, out)
    for (const row of edgeCube(scope, basis, cut.edges)) {
      const key = ROLLUP_DIMS.map((d) => row[d]).join('\u0000')
      const found = out.get(key)
      if (found) addMeasures(found.m, row.m)
      else out.set(key, { ...row, m: { ...row.m } })
    }
    return [...out.values()]
  })
}

/** Adds the raw rows' sums per dims over the instants [start, end). */
function rawCube(
  scope: Scope,
  basis: Basis,
  start: number,
  end: number,
  out: Map<string, CubeRow>,
): void {
  const f = dimsSql(scope.dims)
  const groupCols = ROLLUP_DIMS.join(', ')
  const b = BASIS[basis]
  const rows = scope.db
    .prepare(
      `SELECT ${groupCols}, ${rawSums(scope)} FROM leads
        WHERE ${b.where} AND ${b.time} >= ? AND ${b.time} < ?${f.sql}
        GROUP BY ${groupCols}`,
    )
    .all(start, end, ...f.params) as Row[]
  addCube(out, rows)
}

/** Adds the rollups' sums per dims over a range of their own zone's days. */
function rollupCube(scope: Scope, basis: Basis, range: DateRange, out: Map<string, CubeRow>): void {
  const f = dimsSql(scope.dims)
  for (const span of monthSpans(range)) {
    const table = pickTable(basis, span.grain, ROLLUP_DIMS)
    if (!table) throw new Error(`no ${basis} rollup by ${span.grain}`)
    // Grouped by the integer dims id first, then joined to their values:
    // sorting a month's ids is much cheaper than sorting five strings.
    addCube(
      out,
      scope.db
        .prepare(
          `SELECT ${ROLLUP_DIMS.map((d) => `d.${d}`).join(', ')}, r.* FROM (
             SELECT dims, ${SUMS} FROM ${table.table}
              WHERE ${span.grain} BETWEEN ? AND ?${rollupFilter(table, f)} GROUP BY dims
           ) r JOIN rollup_dims d ON d.id = r.dims`,
        )
        .all(span.lo, span.hi, ...f.params) as Row[],
    )
  }
}

/**
 * Sums per local time bucket of the range's zone: `day` = local day number,
 * `hour` = local hour index (hours since 1970-01-01T00 local wall time).
 */
export function series(
  scope: Scope,
  basis: Basis,
  grain: 'day' | 'hour',
  range: DateRange,
): Map<number, Measures> {
  return memo(scope, `series:${basis}:${grain}:${range.from}:${range.to}:${range.timeZone}`, () => {
    const out = new Map<number, Measures>()
    const f = dimsSql(scope.dims)
    // No rollup by hour: an hourly series spans two days at most.
    const table =
      grain === 'day' && (rollupUsable(scope, range) || ownerUsable(scope, range))
        ? pickTable(basis, grain, usedDims(scope.dims))
        : undefined
    const from = dayNumber(range.from)
    const to = dayNumber(range.to)
    if (table) {
      const [lo, hi] = grain === 'day' ? [from, to] : [from * 24, to * 24 + 23]
      const rows = scope.db
        .prepare(
          `SELECT ${grain} AS t, ${SUMS} FROM ${table.table}
            WHERE ${grain} BETWEEN ? AND ?${rollupFilter(table, f)} GROUP BY t`,
        )
        .all(lo, hi, ...f.params) as Row[]
      for (const row of rows) out.set(Number(row.t), measuresOf(row))
      return out
    }
    const quarters = quarterSums(scope, basis, range, grain)
    if (quarters) return quarters as Map<number, Measures>
    // Raw: per UTC quarter hour (every zone offset is a multiple of 15
    // minutes), then each quarter is read as local time in JS.
    // The day and hour series of one range (a day's trend and its heat map off the rollups'
    // path) share the one scan.
    const { start, end } = rangeBounds(range)
    const b = BASIS[basis]
    const rows = memo(
      scope,
      `quarters:${basis}:${start}:${end}`,
      () =>
        scope.db
          .prepare(
            `SELECT ${b.time} / 900000 AS q, ${rawSums(scope)} FROM leads
            WHERE ${b.where} AND ${b.time} >= ? AND ${b.time} < ?${f.sql} GROUP BY q`,
          )
          .all(start, end, ...f.params) as Row[],
    )
    const zone = localTime(range.timeZone)
    for (const row of rows) {
      const ms = Number(row.q) * 900_000
      const t = grain === 'day' ? zone.day(ms) : zone.hour(ms)
      const found = out.get(t)
      if (found) addMeasures(found, measuresOf(row))
      else out.set(t, measuresOf(row))
    }
    return out
  })
}

/** Stretches of constant zone offset: from `from` (UTC ms) on, local time is UTC + `offset`. */
export interface OffsetStretch {
  readonly from: number
  readonly offset: number
}

/**
 * The zone's offsets over [start, end) and the instants they change at, found once per range:
 * two offset reads per UTC day (cached per zone, LocalTime) and a quarter-hour walk through the
 * few days a change falls in. Every offset in use changes on a quarter hour.
 */
export function offsetStretches(
  timeZone: string,
  start: number,
  end: number,
): readonly OffsetStretch[] {
  const zone = localTime(timeZone)
  const out: OffsetStretch[] = [{ from: start, offset: zone.offset(start) }]
  let current = out[0]?.offset ?? 0
  const note = (at: number, offset: number) => {
    if (offset === current) return
    out.push({ from: at, offset })
    current = offset
  }
  for (let day = Math.floor(start / DAY_MS); day * DAY_MS < end; day++) {
    const lo = Math.max(start, day * DAY_MS)
    const hi = Math.min(end, (day + 1) * DAY_MS)
    const a = zone.offset(lo)
    const b = zone.offset(hi - 1)
    if (a === current && b === current) continue
    for (let q = Math.floor(lo / QUARTER_MS) * QUARTER_MS; q < hi; q += QUARTER_MS) {
      note(Math.max(q, lo), zone.offset(Math.max(q, lo)))
    }
  }
  return out
}

/**
 * Where the UTC quarter hour rollups (016-quarter-rollups.ts) can sum a range exactly with `need`
 * filtered on or grouped by: their table, the sections to read (all sources', by source, or by
 * owner: one dimension at most) and the range's offset stretches, where the range's bounds and
 * the zone's offsets and changes are whole quarter hours (every zone in use since 1972). null
 * where they cannot.
 */
function quarterTable(
  scope: Scope,
  basis: Basis,
  timeZone: string,
  start: number,
  end: number,
  need: readonly string[],
): {
  table: QuarterRollupDef
  dim: QuarterDim | null
  stretches: readonly OffsetStretch[]
} | null {
  if (scope.raw || !scope.state.valid) return null
  const dims = [...new Set(need)]
  const dim = dims[0] ?? null
  if (dims.length > 1 || (dim !== null && dim !== 'source' && dim !== 'owner')) return null
  const table = QUARTER_ROLLUPS.find((q) => q.basis === basis)
  if (!table) return null
  const stretches = offsetStretches(timeZone, start, end)
  const whole =
    start % QUARTER_MS === 0 &&
    end % QUARTER_MS === 0 &&
    stretches.every((s) => s.offset % QUARTER_MS === 0 && s.from % QUARTER_MS === 0)
  return whole ? { table, dim, stretches } : null
}

/** One UTC day's section of a quarter blob, decoded: 96 quarters × the measures. */
interface QuarterDay {
  readonly day: number
  /** The section's value (a source or an owner), '' for all leads. */
  readonly source: string
  readonly v: Float64Array
}

/**
 * The sections of the UTC days [lo, hi] a scope reads (all leads', those of the values filtered
 * on, or every value of `dim`), decoded once per scope: the day and hour series, the heat map
 * and the totals of one range (and of ranges sharing its days) add up the same quarters.
 * Sections are matched on their key's bytes, so the other sources' and owners' are skipped
 * unread.
 */
function quarterDays(
  scope: Scope,
  table: QuarterRollupDef,
  dim: QuarterDim | null,
  lo: number,
  hi: number,
): readonly QuarterDay[] {
  const listed = dim === null ? undefined : scope.dims[dim]
  const exact = dim === null ? [quarterSection(null)] : listed?.map((v) => quarterSection(dim, v))
  const prefix = dim === null ? '' : quarterSection(dim)
  const key = `quarterDays:${table.table}:${dim}:${JSON.stringify(exact ?? null)}:${lo}:${hi}`
  return memo(scope, key, () => {
    const width = MEASURES.length
    const out: QuarterDay[] = []
    if (dim === null) {
      // All leads: their section alone, from its own table.
      const rows = scope.db
        .prepare(`SELECT day, sums FROM ${table.allTable} WHERE day BETWEEN ? AND ?`)
        .raw()
        .all(lo, hi) as [number, Uint8Array][]
      for (const [day, body] of rows) {
        const v = new Float64Array(QUARTERS_PER_DAY * width)
        addSums(v, body, width)
        out.push({ day, source: '', v })
      }
      return out
    }
    const rows = scope.db
      .prepare(`SELECT day, sums FROM ${table.table} WHERE day BETWEEN ? AND ?`)
      .raw()
      .all(lo, hi) as [number, Uint8Array][]
    const keys = exact ? exact.map((k) => Buffer.from(k, 'utf8')) : [Buffer.from(prefix, 'utf8')]
    for (const [day, blob] of rows) {
      for (const k of keys) {
        forEachSectionWith(blob, k, exact !== undefined, (section, body) => {
          const v = new Float64Array(QUARTERS_PER_DAY * width)
          addSums(v, body, width)
          out.push({ day, source: section.slice(prefix.length), v })
        })
      }
    }
    return out
  })
}

/** How quarterSums keys its sums: a local day, hour or hour of week, the source, or '' (all). */
type QuarterKey = 'day' | 'hour' | 'weekHour' | 'source' | null

/**
 * Sums over the range's instants from the UTC quarter hour rollups, keyed by the local day, hour
 * or hour of week of each quarter in the range's zone (its offset from the stretches found once
 * per range), by source, or all together: a year reads 365 blobs of 96 quarters (by source or
 * owner, one per source and owner that had leads that day). null where they cannot answer
 * (quarterTable).
 */
function quarterSums(
  scope: Scope,
  basis: Basis,
  range: DateRange,
  key: QuarterKey,
): Map<number | string, Measures> | null {
  const { start, end } = rangeBounds(range)
  return quarterSumsBetween(scope, basis, range.timeZone, start, end, key)
}

/** quarterSums over the instants [start, end) (whole quarters), local time in `timeZone`. */
function quarterSumsBetween(
  scope: Scope,
  basis: Basis,
  timeZone: string,
  start: number,
  end: number,
  key: QuarterKey,
): Map<number | string, Measures> | null {
  const need = [...usedDims(scope.dims), ...(key === 'source' ? ['source'] : [])]
  const found = quarterTable(scope, basis, timeZone, start, end, need)
  if (!found) return null
  const { table, dim, stretches } = found
  const width = MEASURES.length
  const localWeekHour = weekHour
  const days = quarterDays(
    scope,
    table,
    dim,
    Math.floor(start / DAY_MS),
    Math.floor((end - 1) / DAY_MS),
  )
  // Plain numbers in the loop below (29,000 quarters a year): an imported binding is read
  // through a getter under tsx's module transform.
  const dayMs = DAY_MS
  const hourMs = HOUR_MS
  const quarterMs = QUARTER_MS
  const perDay = QUARTERS_PER_DAY
  const sums = new Map<number | string, Float64Array>()
  let lastKey: number | string | undefined
  let last: Float64Array | undefined
  for (const { day, source, v } of days) {
    const dayStart = day * dayMs
    // The stretch in force at the day's first quarter; later ones follow in order.
    let k = 0
    while (k + 1 < stretches.length && (stretches[k + 1] as OffsetStretch).from <= dayStart) k++
    for (let slot = 0; slot < perDay; slot++) {
      const o = slot * width
      // A quarter with no leads has no sums (encodeSums): nothing to add.
      if (v[o] === 0) continue
      const t = dayStart + slot * quarterMs
      if (t < start || t >= end) continue
      while (k + 1 < stretches.length && (stretches[k + 1] as OffsetStretch).from <= t) k++
      const local = t + (stretches[k] as OffsetStretch).offset
      const bucket =
        key === 'day'
          ? Math.floor(local / dayMs)
          : key === 'hour'
            ? Math.floor(local / hourMs)
            : key === 'weekHour'
              ? localWeekHour(Math.floor(local / hourMs))
              : key === 'source'
                ? source
                : ''
      let into = bucket === lastKey ? last : sums.get(bucket)
      if (!into) sums.set(bucket, (into = new Float64Array(width)))
      lastKey = bucket
      last = into
      for (let i = 0; i < width; i++) into[i] = (into[i] as number) + (v[o + i] as number)
    }
  }
  const out = new Map<number | string, Measures>()
  for (const [bucket, v] of sums) {
    const m = zeroMeasures()
    MEASURES.forEach((name, i) => (m[name] = v[i] as number))
    out.set(bucket, m)
  }
  return out
}

/**
 * Sums grouped by one dimension (or all together with `null`) over the
 * range: groupCube of the cube, except that when the filter and the grouping
 * name no dimension but the source, the day × source rollup answers with one
 * row per group (a year of it is ~2,000 rows against the cube's thousands of
 * five-text-column groups to sort).
 */
export function grouped(
  scope: Scope,
  basis: Basis,
  range: DateRange,
  dim: RollupDim | null,
): Map<string, Measures> {
  return memo(scope, `grouped:${basis}:${dim}:${range.from}:${range.to}:${range.timeZone}`, () => {
    if (dim !== null) {
      const facets = facetSums(scope, basis, range, dim)
      if (facets) return facets
    } else if (range.timeZone !== scope.state.timeZone && !scope.raw && scope.state.valid) {
      // Another zone: the rollups' whole days inside the range (in their zone, below), and its
      // two edges (under a day each) from the UTC quarter rollups: a few days' blobs, no raw rows.
      const cut = orgDaysCut(scope, range)
      const edges = cut.edges.map((e) =>
        quarterSumsBetween(scope, basis, range.timeZone, e.start, e.end, null),
      )
      if (edges.every((e) => e !== null)) {
        const all = zeroMeasures()
        const inner = cut.inner && grouped(scope, basis, cut.inner, null).get('')
        if (inner) addMeasures(all, inner)
        for (const e of edges) addMeasures(all, e?.get('') ?? zeroMeasures())
        // As the raw rows answer: no group at all where no lead is in scope.
        return new Map<string, Measures>(all.leads === 0 ? [] : [['', all]])
      }
    }
    const need = [...usedDims(scope.dims), ...(dim === null ? [] : [dim])]
    const table =
      (rollupUsable(scope, range) && need.every((d) => d === 'source')) ||
      (ownerUsable(scope, range) && need.every((d) => OWNER_TABLE_DIMS.includes(d)))
        ? pickTable(basis, 'day', need)
        : undefined
    if (!table && (dim === null || dim === 'source')) {
      // Any zone, an owner (and sources): over exactly the range's quarters.
      const quarters = quarterSums(scope, basis, range, dim)
      if (quarters) return quarters as Map<string, Measures>
    }
    if (!table || table.column === 'dims') return groupCube(cube(scope, basis, range), dim)
    const f = dimsSql(scope.dims)
    const rows = scope.db
      .prepare(
        `SELECT ${dim === null ? "''" : dim} AS k, ${SUMS} FROM ${table.table}
          WHERE day BETWEEN ? AND ?${f.sql} GROUP BY k`,
      )
      .all(dayNumber(range.from), dayNumber(range.to), ...f.params) as Row[]
    return new Map(rows.map((row) => [String(row.k), measuresOf(row)]))
  })
}

/**
 * The facet rollups (019-facet-rollups.ts) that answer a scope's filters for `basis`: the source
 * facets with no filter or a source filter, the owner facets with an owner filter alone (created
 * leads only); null where none can.
 */
function facetsFor(scope: Scope, basis: Basis): readonly RollupDef[] | null {
  if (scope.raw || !scope.state.valid) return null
  const used = usedDims(scope.dims)
  const column =
    used.length === 0 || (used.length === 1 && used[0] === 'source')
      ? 'sourceFacet'
      : used.length === 1 && used[0] === 'owner'
        ? 'facet'
        : null
  const tables = ROLLUPS.filter((r) => r.column === column && r.basis === basis)
  return tables.length > 0 ? tables : null
}

/**
 * grouped() by one of the five dimensions from the facet rollups (facetsFor): the range's
 * org-zone whole months from the month table, its other whole org days from the day table, and
 * in another zone its two edges (under a day each) from the raw rows, grouped once per scope by
 * all five dimensions (edgeCube) and shared by every breakdown. null where they cannot answer.
 */
function facetSums(
  scope: Scope,
  basis: Basis,
  range: DateRange,
  dim: RollupDim,
): Map<string, Measures> | null {
  const tables = facetsFor(scope, basis)
  if (!tables) return null
  const f = dimsSql(scope.dims)
  const out = new Map<string, Measures>()
  const add = (k: string, m: Measures) => {
    const found = out.get(k)
    if (found) addMeasures(found, m)
    else out.set(k, { ...m })
  }
  const cut = orgDaysCut(scope, range)
  if (cut.inner) {
    for (const span of monthSpans(cut.inner)) {
      const table = tables.find((t) => t.grain === span.grain)
      if (!table) throw new Error(`no ${basis} facets by ${span.grain}`)
      const rows = scope.db
        .prepare(
          `SELECT value AS k, ${SUMS} FROM ${table.table}
            WHERE dim = ? AND ${span.grain} BETWEEN ? AND ?${f.sql} GROUP BY value`,
        )
        .all(dim, span.lo, span.hi, ...f.params) as Row[]
      for (const row of rows) add(String(row.k), measuresOf(row))
    }
  }
  // By source, the edges' sums come from the UTC quarter rollups' source sections.
  const bySource =
    dim === 'source'
      ? cut.edges.map((e) =>
          quarterSumsBetween(scope, basis, range.timeZone, e.start, e.end, 'source'),
        )
      : []
  if (bySource.length > 0 && bySource.every((e) => e !== null)) {
    for (const e of bySource) for (const [k, m] of e ?? []) add(String(k), m)
  } else if (cut.edges.length > 0) {
    for (const [k, m] of groupCube(edgeCube(scope, basis, cut.edges), dim)) add(k, m)
  }
  return out
}

/** The raw rows of a range's edges (zoneCut) summed by the five dimensions, once per scope. */
function edgeCube(
  scope: Scope,
  basis: Basis,
  edges: readonly { readonly start: number; readonly end: number }[],
): CubeRow[] {
  const key = `edges:${basis}:${edges.map((e) => `${e.start}-${e.end}`).join(',')}`
  return memo(scope, key, () => {
    const out = new Map<string, CubeRow>()
    for (const edge of edges) rawCube(scope, basis, edge.start, edge.end, out)
    return [...out.values()]
  })
}

/** All the range's leads (or deals) in scope summed. */
export const total = (scope: Scope, basis: Basis, range: DateRange): Measures =>
  grouped(scope, basis, range, null).get('') ?? zeroMeasures()

/** Sums of a cube grouped by one dimension (or all together with `null`). */
export function groupCube(rows: readonly CubeRow[], dim: RollupDim | null): Map<string, Measures> {
  const out = new Map<string, Measures>()
  for (const row of rows) {
    const key = dim === null ? '' : row[dim]
    let m = out.get(key)
    if (!m) {
      m = zeroMeasures()
      out.set(key, m)
    }
    addMeasures(m, row.m)
  }
  return out
}

export const totalOf = (rows: readonly CubeRow[]): Measures =>
  groupCube(rows, null).get('') ?? zeroMeasures()

// The count rollups have source as their only dimension.
const countsUsable = (scope: Scope, range: DateRange) =>
  rollupUsable(scope, range) && usedDims(scope.dims).every((d) => d === 'source')

/** Adds the count blobs of `of` by `key` (the source's, or the owner's) over a span into `into`. */
function addBlobs(
  scope: Scope,
  of: CountOf,
  span: Span,
  into: Float64Array,
  key: 'source' | 'owner' = 'source',
): void {
  const table = COUNT_ROLLUPS.find((c) => c.of === of && c.key === key && c.grain === span.grain)
  if (!table) throw new Error(`no ${of} counts by ${span.grain} and ${key}`)
  const f = dimsSql(scope.dims)
  const blobs = scope.db
    .prepare(`SELECT hist FROM ${table.table} WHERE ${span.grain} BETWEEN ? AND ?${f.sql}`)
    .pluck()
    .all(span.lo, span.hi, ...f.params) as Uint8Array[]
  for (const blob of blobs) addCounts(into, blob)
}

/**
 * Leads created per local hour of week (Sunday 00 = 0) over the range: whole
 * months from their blobs, the days at the edges from the day blobs; in another zone, grouped in
 * SQL from the UTC hour rollup (hourSeries); null off the rollup path.
 */
export function weekHourCounts(scope: Scope, range: DateRange): Float64Array | null {
  if (!countsUsable(scope, range)) {
    // Another zone, or an owner: its 168 hours of week summed from the UTC quarter rollups.
    const hours = quarterSums(scope, 'created', range, 'weekHour') as Map<number, Measures> | null
    if (!hours) return null
    const counts = new Float64Array(WEEK_HOURS)
    for (const [h, m] of hours) counts[h] = m.leads
    return counts
  }
  const counts = new Float64Array(WEEK_HOURS)
  for (const span of monthSpans(range)) addBlobs(scope, 'weekHour', span, counts)
  return counts
}

/**
 * The exact median first-response time, in seconds, of the answered leads in
 * scope. On the rollup path the response histograms give the whole second
 * (bucket) each middle rank falls in and its rank there; the value is then
 * read from the raw rows of that second only, in leads_response_ms order. Off
 * it (an owner filter, another zone, a dimension the histograms lack) it is a
 * rank lookup over the raw rows of the range.
 */
export function medianResponseSeconds(
  scope: Scope,
  range: DateRange,
  responded: number,
): number | null {
  if (responded === 0) return null
  const odd = responded % 2 === 1
  const offset = odd ? (responded - 1) / 2 : responded / 2 - 1
  const values =
    histogramMedian(scope, range, responded, odd ? [offset] : [offset, offset + 1]) ??
    rawRanked(scope, range, offset, odd ? 1 : 2)
  if (values.length === 0) return null
  const sum = values.reduce((a, b) => a + b, 0)
  return sum / values.length / 1000
}

function rawRanked(scope: Scope, range: DateRange, offset: number, limit: number): number[] {
  const f = dimsSql(scope.dims)
  const { start, end } = rangeBounds(range)
  return scope.db
    .prepare(
      `SELECT first_response_at - created_at AS r FROM leads
        WHERE deleted_at IS NULL AND first_response_at IS NOT NULL
          AND created_at >= ? AND created_at < ?${f.sql}
        ORDER BY first_response_at - created_at LIMIT ? OFFSET ?`,
    )
    .pluck()
    .all(start, end, ...f.params, limit, offset) as number[]
}

/**
 * Answered leads per response bucket over the range: from the histograms, or for a range in
 * another zone (zoneCut) from the histograms of the rollups' whole days inside it and the raw
 * rows of its two edges; null where neither can answer (a dimension the histograms lack).
 */
export function responseHistogram(scope: Scope, range: DateRange): Float64Array | null {
  const hist = new Float64Array(RESPONSE_BUCKETS)
  if (countsUsable(scope, range)) {
    for (const span of monthSpans(range)) addBlobs(scope, 'response', span, hist)
    return hist
  }
  const used = usedDims(scope.dims)
  // An owner alone: the owner's day histograms over the rollups' whole days in the range.
  const byOwner = used.length === 1 && used[0] === 'owner'
  if (!byOwner && !used.every((d) => d === 'source')) return null
  const cut = byOwner
    ? scope.raw || !scope.state.valid
      ? null
      : orgDaysCut(scope, range)
    : zoneCut(scope, range)
  if (cut === null) return null
  if (cut.inner) {
    if (byOwner) {
      const span: Span = {
        grain: 'day',
        lo: dayNumber(cut.inner.from),
        hi: dayNumber(cut.inner.to),
      }
      addBlobs(scope, 'response', span, hist, 'owner')
    } else for (const span of monthSpans(cut.inner)) addBlobs(scope, 'response', span, hist)
  }
  const f = dimsSql(scope.dims)
  const edge = scope.db
    .prepare(
      `SELECT first_response_at - created_at FROM leads
        WHERE deleted_at IS NULL AND first_response_at IS NOT NULL
          AND created_at >= ? AND created_at < ?${f.sql}`,
    )
    .pluck()
  for (const { start, end } of cut.edges) {
    for (const ms of edge.all(start, end, ...f.params) as number[]) {
      const bucket = responseBucket(ms)
      hist[bucket] = (hist[bucket] as number) + 1
    }
  }
  return hist
}

/** The response times (ms) at the given ranks, through the histograms; null off their path. */
function histogramMedian(
  scope: Scope,
  range: DateRange,
  responded: number,
  ranks: number[],
): number[] | null {
  const hist = responseHistogram(scope, range)
  if (hist === null) return null
  let total = 0
  for (const n of hist) total += n
  // Histograms and sums are maintained together; if they ever disagree, the
  // raw rows decide.
  if (total !== responded) return null
  const f = dimsSql(scope.dims)
  const { start, end } = rangeBounds(range)
  const inBucket = scope.db
    .prepare(
      `SELECT first_response_at - created_at FROM leads INDEXED BY leads_response_ms
        WHERE deleted_at IS NULL AND first_response_at IS NOT NULL
          AND first_response_at - created_at >= ? AND first_response_at - created_at < ?
          AND created_at >= ? AND created_at < ?${f.sql}
        ORDER BY first_response_at - created_at LIMIT ? OFFSET ?`,
    )
    .pluck()
  const out: number[] = []
  let bucket = 0
  let before = 0
  for (const rank of ranks) {
    while (bucket < hist.length && before + (hist[bucket] as number) <= rank) {
      before += hist[bucket] as number
      bucket++
    }
    const [lo, hi] = responseBucketBounds(bucket)
    const value = inBucket.get(
      lo ?? Number.MIN_SAFE_INTEGER,
      hi ?? Number.MAX_SAFE_INTEGER,
      start,
      end,
      ...f.params,
      1,
      rank - before,
    ) as number | undefined
    if (value === undefined) return null
    out.push(value)
  }
  return out
}

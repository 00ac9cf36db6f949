// Each lead's segment, stored by the recompute and read under the global filters (issue 16,
// migration 017). The segments themselves (their names, centroids, the clustering) are the
// model's, fitted on every lead; a filter only chooses which leads are counted: each segment's
// size, revenue share and conversion among the leads that match, and a scatter of only those.
//
// Numbers are a snapshot: the rows hold each lead's dimensions, status and won value as the
// recompute read them (the same snapshot as the unfiltered answer, `dataAsOf`), so a filtered
// table adds up to the unfiltered one and a recompute follows a sync that moved enough leads.
import {
  LEAD_STATUSES,
  TEMPERATURES,
  type Filters,
  type FilterField,
} from '../../shared/api/index.ts'
import type { SegmentPoint, SegmentRow } from '../../shared/api/intelligence.ts'
import { activeDims } from '../metrics/filter-sql.ts'
import { rangeBounds, resolveRange } from '../metrics/index.ts'
import type { Store } from '../store/index.ts'
import { LOST_STAGE, WON_STAGE, type FeatureTable } from './features.ts'
import type { SegmentsBody } from './segments.ts'

const DAY_MS = 86_400_000
const RANKS = 2 ** 32
/** Ranks below this are in the partial index `intel_lead_segments_rank` (migration 017). */
export const RANK_INDEXED = 2 ** 28
/** Rows written per INSERT statement (13 parameters each; SQLite allows 32,766). */
const INSERT_ROWS = 256
/**
 * The rank bound of a filtered scatter asks for this many times the points wanted, so the lowest
 * ranks under it hold enough of them (a shortfall is a binomial tail, and then fewer points).
 */
const OVERDRAW = 1.25
/**
 * A row reached through the rank index costs about this many rows of a scan in creation order
 * (it is looked up in the table for its dimensions and components).
 */
const LOOKUP_COST = 4

/** Text dimensions stored as codes of `intel_segment_values`. */
const CODED = ['source', 'segment', 'city', 'owner'] as const
type CodedField = (typeof CODED)[number]

/** A lead's place in the seeded uniform order the scatter samples from (0 ≤ rank < 2^32). */
export function leadRank(id: number, seed: number): number {
  // murmur3's finaliser over the id's two 32-bit halves and the seed.
  let h = Math.imul((id >>> 0) ^ seed, 0x9e3779b1) ^ Math.floor(id / RANKS)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Empties the stored assignment (a recompute that found nothing to segment). */
export function clearLeadSegments(db: Store): void {
  db.exec(
    'DELETE FROM intel_lead_segments; DELETE FROM intel_segment_values; DELETE FROM intel_segment_days;',
  )
}

/**
 * Stores every lead's segment (`labels`) and first two components (`pc`, n × 2), with its filter
 * columns and the day rollup. The caller holds the write transaction.
 */
export function writeLeadSegments(
  db: Store,
  t: FeatureTable,
  labels: Uint8Array,
  pc: Float64Array,
  seed: number,
): void {
  clearLeadSegments(db)
  const value = db.prepare('INSERT INTO intel_segment_values (field, value, code) VALUES (?, ?, ?)')
  const lists: Record<CodedField, readonly string[]> = {
    source: t.sources,
    segment: t.segments,
    city: t.cities,
    owner: t.owners,
  }
  for (const field of CODED) lists[field].forEach((v, code) => value.run(field, v, code))

  // In key order (creation time, then id): the B-tree is appended to, never split mid-page.
  const n = t.n
  const order = new Uint32Array(n)
  let sorted = true
  for (let i = 0; i < n; i++) {
    order[i] = i
    if (
      i > 0 &&
      ((t.createdAt[i] as number) < (t.createdAt[i - 1] as number) ||
        ((t.createdAt[i] as number) === (t.createdAt[i - 1] as number) &&
          (t.ids[i] as number) < (t.ids[i - 1] as number)))
    )
      sorted = false
  }
  if (!sorted)
    order.sort(
      (a, b) =>
        (t.createdAt[a] as number) - (t.createdAt[b] as number) ||
        (t.ids[a] as number) - (t.ids[b] as number),
    )

  const columns =
    '(created_at, lead_id, cluster, status, temperature, source, segment, city, owner, revenue_cents, rank, pc1, pc2)'
  const one = `(${new Array<string>(13).fill('?').join(', ')})`
  const many = db.prepare(
    `INSERT INTO intel_lead_segments ${columns} VALUES ${new Array<string>(INSERT_ROWS).fill(one).join(', ')}`,
  )
  const single = db.prepare(`INSERT INTO intel_lead_segments ${columns} VALUES ${one}`)
  const params = new Array<number>(13 * INSERT_ROWS)
  const days = new Map<number, [number, number, number, number]>()
  let filled = 0
  for (let k = 0; k < n; k++) {
    const i = order[k] as number
    const created = t.createdAt[i] as number
    const cluster = labels[i] as number
    const stage = t.stage[i] as number
    const revenue = t.dealCents[i] as number
    const o = filled * 13
    params[o] = created
    params[o + 1] = t.ids[i] as number
    params[o + 2] = cluster
    params[o + 3] = stage
    params[o + 4] = t.temperature[i] as number
    params[o + 5] = t.source[i] as number
    params[o + 6] = t.segment[i] as number
    params[o + 7] = t.city[i] as number
    params[o + 8] = t.owner[i] as number
    params[o + 9] = revenue
    params[o + 10] = leadRank(t.ids[i] as number, seed)
    params[o + 11] = pc[i * 2] as number
    params[o + 12] = pc[i * 2 + 1] as number
    filled++
    if (filled === INSERT_ROWS) {
      many.run(params)
      filled = 0
    }
    const key = Math.floor(created / DAY_MS) * 256 + cluster
    let day = days.get(key)
    if (!day) days.set(key, (day = [0, 0, 0, 0]))
    day[0]++
    if (stage === WON_STAGE) day[1]++
    else if (stage === LOST_STAGE) day[2]++
    day[3] += revenue
  }
  for (let r = 0; r < filled; r++) single.run(params.slice(r * 13, r * 13 + 13))
  const dayRow = db.prepare(
    'INSERT INTO intel_segment_days (day, cluster, leads, won, lost, revenue_cents) VALUES (?, ?, ?, ?, ?, ?)',
  )
  for (const [key, [leads, won, lost, revenue]] of days) {
    const cluster = ((key % 256) + 256) % 256
    dayRow.run((key - cluster) / 256, cluster, leads, won, lost, revenue)
  }
}

/** A segment's counts among filtered leads. */
interface Tally {
  leads: number
  won: number
  lost: number
  revenue: number
}

export interface FilteredSegments {
  readonly segments: readonly SegmentRow[]
  readonly points: readonly SegmentPoint[]
  /** Leads matching the filters. */
  readonly matched: number
}

/** `AND col IN (…)` over the stored codes, or null when a field can match no stored lead. */
function dimsWhere(db: Store, filters: Filters): { sql: string; params: number[] } | null {
  const dims = activeDims(filters)
  let sql = ''
  const params: number[] = []
  const add = (field: FilterField, codes: number[]): boolean => {
    if (codes.length === 0) return false
    sql += ` AND ${field} IN (${codes.map(() => '?').join(', ')})`
    params.push(...codes)
    return true
  }
  const code = db.prepare('SELECT code FROM intel_segment_values WHERE field = ? AND value = ?')
  for (const field of CODED) {
    const list = dims[field]
    if (!list) continue
    const codes = list
      .map((v) => code.pluck().get(field, v) as number | undefined)
      .filter((c): c is number => c !== undefined)
    if (!add(field, codes)) return null
  }
  if (dims.status && !add('status', indexesIn(dims.status, LEAD_STATUSES))) return null
  if (dims.temperature && !add('temperature', indexesIn(dims.temperature, TEMPERATURES)))
    return null
  return { sql, params }
}

const indexesIn = (values: readonly string[], list: readonly string[]): number[] =>
  values.map((v) => list.indexOf(v)).filter((i) => i >= 0)

/**
 * The stored segments (`body`) counted among the leads matching `filters` (created in the range,
 * on the dimensions), and up to `maxPoints` of those leads on the scatter: the ones of lowest
 * seeded rank, a uniform sample that is the same for the same data and filters.
 */
export function filteredSegments(
  db: Store,
  body: SegmentsBody,
  filters: Filters,
  now: Date,
  maxPoints: number,
): FilteredSegments {
  const { start, end } = rangeBounds(resolveRange(filters.range, now))
  const tally: Tally[] = body.segments.map(() => ({ leads: 0, won: 0, lost: 0, revenue: 0 }))
  const dims = dimsWhere(db, filters)
  const addRows = (rows: [number, number, number, number, number][]) => {
    for (const [cluster, leads, won, lost, revenue] of rows) {
      const t = tally[cluster]
      if (!t) continue
      t.leads += leads
      t.won += won
      t.lost += lost
      t.revenue += revenue
    }
  }
  const fromRows = (from: number, to: number, where: string, params: number[]) =>
    addRows(
      db
        .prepare(
          `SELECT cluster, count(*), total(status = ${WON_STAGE}), total(status = ${LOST_STAGE}),
             total(revenue_cents)
           FROM intel_lead_segments WHERE created_at >= ? AND created_at < ?${where}
           GROUP BY cluster`,
        )
        .raw()
        .all(from, to, ...params) as [number, number, number, number, number][],
    )
  if (dims !== null && start < end) {
    const firstDay = Math.ceil(start / DAY_MS)
    const endDay = Math.floor(end / DAY_MS)
    if (dims.sql === '' && firstDay < endDay) {
      // Whole UTC days from the rollup; the range's partial days at either end from the rows.
      addRows(
        db
          .prepare(
            `SELECT cluster, total(leads), total(won), total(lost), total(revenue_cents)
             FROM intel_segment_days WHERE day >= ? AND day < ? GROUP BY cluster`,
          )
          .raw()
          .all(firstDay, endDay) as [number, number, number, number, number][],
      )
      if (start < firstDay * DAY_MS) fromRows(start, firstDay * DAY_MS, '', [])
      if (endDay * DAY_MS < end) fromRows(endDay * DAY_MS, end, '', [])
    } else fromRows(start, end, dims.sql, dims.params)
  }

  const matched = tally.reduce((s, t) => s + t.leads, 0)
  const revenue = tally.reduce((s, t) => s + t.revenue, 0)
  const segments = body.segments.map((s, c): SegmentRow => {
    const t = tally[c] as Tally
    const closed = t.won + t.lost
    return {
      ...s,
      size: t.leads,
      share: matched > 0 ? t.leads / matched : 0,
      revenueCents: t.revenue,
      revenueShare: revenue > 0 ? t.revenue / revenue : null,
      conversion: closed > 0 ? t.won / closed : null,
    }
  })

  let points: SegmentPoint[] = []
  if (dims !== null && matched > 0) {
    const fraction = Math.min(1, (OVERDRAW * maxPoints) / matched)
    const below = Math.min(RANKS, Math.ceil(fraction * RANKS))
    // Through the rank index the walk is the rank bound's share of every stored lead, each one
    // looked up; in creation order it is every lead of the range (at least `matched`).
    // The partial index holds ranks below RANK_INDEXED only; its bound is written as a literal,
    // or the planner could not prove a query within it.
    const byRank = below <= RANK_INDEXED && fraction * body.rows * LOOKUP_COST < matched
    const select = 'SELECT lead_id, pc1, pc2, cluster FROM intel_lead_segments'
    const range = 'created_at >= ? AND created_at < ?'
    const sql = byRank
      ? `${select} INDEXED BY intel_lead_segments_rank
         WHERE rank < ? AND rank < ${RANK_INDEXED} AND ${range}${dims.sql}
         ORDER BY rank, lead_id LIMIT ?`
      : // +rank and an ordering by expression keep the planner on the creation-time key.
        `${select} WHERE +rank < ? AND ${range}${dims.sql} ORDER BY rank + 0, lead_id LIMIT ?`
    const rows = db
      .prepare(sql)
      .raw()
      .all(below, start, end, ...dims.params, maxPoints) as [number, number, number, number][]
    points = rows.map(([leadId, x, y, segmentId]) => ({
      leadId,
      x: Math.round(x * 1e4) / 1e4,
      y: Math.round(y * 1e4) / 1e4,
      segmentId,
    }))
  }
  return { segments, points, matched }
}

// Per-lead behaviour features (issue 16), read from the cache in one pass: recency, frequency
// (appointments) and value of the lead and the project it became, response time and whether it
// was within the KPI registry's target, the channel (as its configured conversion target), the
// city tier (the market segment's target deal size) and temperature. Values are stored
// transformed for modelling (log1p of the skewed ones), one row of INTEL_FEATURES per lead, in
// one Float64Array: a million leads are 64 MB, not a million arrays.
import { LEAD_STATUSES, TEMPERATURES } from '../../shared/api/index.ts'
import { INTEL_FEATURES, type IntelFeature } from '../../shared/api/intelligence.ts'
import { DEFAULT_TARGETS, MEASURES, createRegistry } from '../metrics/registry.ts'
import type { KpiTargets } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'

const DAY_MS = 86_400_000

/** Features stored as log1p(value): their raw spread covers orders of magnitude. */
const LOGGED: ReadonlySet<IntelFeature> = new Set([
  'recencyDays',
  'valueCents',
  'responseSeconds',
  'cityTier',
])

export const FEATURE_COUNT = INTEL_FEATURES.length
export const featureIndex = (f: IntelFeature): number => INTEL_FEATURES.indexOf(f)

/** A stored (transformed) value back in the feature's own unit. */
export const rawValue = (f: IntelFeature, v: number): number => (LOGGED.has(f) ? Math.expm1(v) : v)

const STAGE: Readonly<Record<string, number>> = Object.fromEntries(
  LEAD_STATUSES.map((s, i) => [s, i]),
)
export const WON_STAGE = STAGE['won'] as number
export const LOST_STAGE = STAGE['lost'] as number
export const isOpenStage = (s: number): boolean => s !== WON_STAGE && s !== LOST_STAGE

const TEMPERATURE_VALUE: Readonly<Record<string, number>> = { cold: 0, warm: 1, hot: 2 }
const TEMPERATURE_CODE: Readonly<Record<string, number>> = Object.fromEntries(
  TEMPERATURES.map((t, i) => [t, i]),
)

/** Codes of a text column's values in the order first met (a few hundred at most). */
class Codes {
  private readonly map = new Map<string, number>()
  readonly values: string[] = []
  of(value: string): number {
    let code = this.map.get(value)
    if (code === undefined) {
      code = this.values.length
      this.map.set(value, code)
      this.values.push(value)
    }
    return code
  }
}

export interface FeatureTable {
  readonly n: number
  /** Row-major n × FEATURE_COUNT, transformed values; always finite. */
  readonly x: Float64Array
  readonly ids: Float64Array
  readonly createdAt: Float64Array
  /** Index into LEAD_STATUSES. */
  readonly stage: Uint8Array
  /** Won deal value, cents (0 when not won or unvalued). */
  readonly dealCents: Float64Array
  /** Index into `segments` (the lead's market segment). */
  readonly segment: Uint16Array
  readonly segments: readonly string[]
  /** Index into TEMPERATURES (hot, warm, cold). */
  readonly temperature: Uint8Array
  /** The lead's channel, city and owner as indexes into `sources`, `cities` and `owners`. */
  readonly source: Uint16Array
  readonly sources: readonly string[]
  readonly city: Uint16Array
  readonly cities: readonly string[]
  readonly owner: Uint16Array
  readonly owners: readonly string[]
  /** Average won deal per market segment (registry measures revenue_cents / won_valued), cents. */
  readonly averageDealCents: readonly (number | null)[]
  /** The same over every lead, for a segment without one. */
  readonly overallDealCents: number | null
  /** Newest change in the cache (epoch ms), or null when it holds no lead. */
  readonly asOf: number | null
}

const finite = (v: number): number => (Number.isFinite(v) ? v : 0)

/** Reads every live lead's features. `targets` are the registry's the core runs with. */
export function readFeatures(
  db: Store,
  targets: KpiTargets = DEFAULT_TARGETS,
  onProgress?: (done: number, total: number) => void,
): FeatureTable {
  const registry = createRegistry(targets)
  const targetMs = targets.responseSeconds * 1000
  const total = db
    .prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL')
    .pluck()
    .get() as number
  const asOf = db.prepare('SELECT max(updated_at) FROM leads').pluck().get() as number | null
  const channels = new Map(
    (
      db
        .prepare('SELECT name, conversion_target FROM marketing_channels WHERE deleted_at IS NULL')
        .raw()
        .all() as [string, number][]
    ).map(([name, target]) => [name, target]),
  )
  const tiers = new Map(
    (
      db
        .prepare(
          'SELECT name, target_deal_size_cents FROM market_segments WHERE deleted_at IS NULL',
        )
        .raw()
        .all() as [string, number][]
    ).map(([name, cents]) => [name, Math.log1p(Math.max(0, cents))]),
  )
  const mean = (values: Iterable<number>): number => {
    let s = 0
    let n = 0
    for (const v of values) {
      s += v
      n++
    }
    return n === 0 ? 0 : s / n
  }
  const channelDefault = mean(channels.values())
  const tierDefault = mean(tiers.values())

  // The average won deal, as the registry measures it (revenue of valued wins / valued wins).
  const rev = MEASURES.indexOf('revenue_cents')
  const valued = MEASURES.indexOf('won_valued')
  const dealRows = db
    .prepare(
      `SELECT segment, ${registry.measureSql[rev]}, ${registry.measureSql[valued]}
       FROM leads WHERE deleted_at IS NULL GROUP BY segment ORDER BY segment`,
    )
    .raw()
    .all() as [string, number, number][]
  const segments = dealRows.map((r) => r[0])
  const segmentIndex = new Map(segments.map((s, i) => [s, i]))
  const averageDealCents = dealRows.map(([, cents, n]) => (n > 0 ? cents / n : null))
  const allCents = dealRows.reduce((s, r) => s + r[1], 0)
  const allValued = dealRows.reduce((s, r) => s + r[2], 0)

  const d = FEATURE_COUNT
  const x = new Float64Array(total * d)
  const ids = new Float64Array(total)
  const createdAt = new Float64Array(total)
  const stage = new Uint8Array(total)
  const dealCents = new Float64Array(total)
  const segment = new Uint16Array(total)
  const temperatureCode = new Uint8Array(total)
  const sourceCode = new Uint16Array(total)
  const cityCode = new Uint16Array(total)
  const ownerCode = new Uint16Array(total)
  const sources = new Codes()
  const cities = new Codes()
  const owners = new Codes()
  const now = asOf ?? 0
  const iRecency = featureIndex('recencyDays')
  const iAppointments = featureIndex('appointments')
  const iValue = featureIndex('valueCents')
  const iResponse = featureIndex('responseSeconds')
  const iInTarget = featureIndex('answeredInTarget')
  const iChannel = featureIndex('channelQuality')
  const iTier = featureIndex('cityTier')
  const iTemperature = featureIndex('temperature')

  // Appointments and project value per lead, read once each by group (not a lookup per lead)
  // into maps by lead id; the leads are then read alone.
  const appointmentsOf = new Map(
    db
      .prepare(
        'SELECT lead_id, count(*) FROM appointments WHERE deleted_at IS NULL GROUP BY lead_id',
      )
      .raw()
      .all() as [number, number][],
  )
  const projectsOf = new Map(
    db
      .prepare(
        `SELECT c.lead_id, total(p.value_cents) FROM customers c JOIN projects p ON p.customer_id = c.id
         WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND p.status <> 'cancelled'
           AND c.lead_id IS NOT NULL
         GROUP BY c.lead_id`,
      )
      .raw()
      .all() as [number, number][],
  )
  const rows = db
    .prepare(
      `SELECT id, created_at, updated_at, status, temperature, source, segment, first_response_at,
         deal_value_cents, city, owner
       FROM leads WHERE deleted_at IS NULL ORDER BY id`,
    )
    .raw()
  let i = 0
  for (const r of rows.iterate() as IterableIterator<
    [
      number,
      number,
      number,
      string,
      string,
      string,
      string,
      number | null,
      number | null,
      string,
      string,
    ]
  >) {
    if (i >= total) break // rows added since the count: the next recompute takes them
    const [id, created, updated, status, temperature, source, seg, responded, deal, city, owner] = r
    const appts = appointmentsOf.get(id) ?? 0
    const projects = projectsOf.get(id) ?? 0
    const s = STAGE[status] ?? 0
    const closed = !isOpenStage(s)
    const o = i * d
    x[o + iRecency] = Math.log1p(Math.max(0, (now - updated) / DAY_MS))
    x[o + iAppointments] = appts
    const value = projects > 0 ? projects : (deal ?? 0)
    x[o + iValue] = Math.log1p(Math.max(0, value))
    // Not answered yet: the time waited so far (until it closed, or the data's last change).
    const end = responded ?? (closed ? updated : now)
    const waitedMs = Math.max(0, end - created)
    x[o + iResponse] = Math.log1p(waitedMs / 1000)
    x[o + iInTarget] = responded !== null && responded - created <= targetMs ? 1 : 0
    x[o + iChannel] = channels.get(source) ?? channelDefault
    x[o + iTier] = tiers.get(seg) ?? tierDefault
    x[o + iTemperature] = TEMPERATURE_VALUE[temperature] ?? 1
    for (let j = 0; j < d; j++) x[o + j] = finite(x[o + j] as number)
    ids[i] = id
    createdAt[i] = created
    stage[i] = s
    dealCents[i] = s === WON_STAGE && deal !== null ? deal : 0
    segment[i] = segmentIndex.get(seg) ?? 0
    temperatureCode[i] = TEMPERATURE_CODE[temperature] ?? 1
    sourceCode[i] = sources.of(source)
    cityCode[i] = cities.of(city)
    ownerCode[i] = owners.of(owner)
    i++
    if (i % 100_000 === 0) onProgress?.(i, total)
  }
  const n = i
  return {
    n,
    x: n === total ? x : x.subarray(0, n * d),
    ids: ids.subarray(0, n),
    createdAt: createdAt.subarray(0, n),
    stage: stage.subarray(0, n),
    dealCents: dealCents.subarray(0, n),
    segment: segment.subarray(0, n),
    segments,
    temperature: temperatureCode.subarray(0, n),
    source: sourceCode.subarray(0, n),
    sources: sources.values,
    city: cityCode.subarray(0, n),
    cities: cities.values,
    owner: ownerCode.subarray(0, n),
    owners: owners.values,
    averageDealCents,
    overallDealCents: allValued > 0 ? allCents / allValued : null,
    asOf,
  }
}

/** Column means and standard deviations over rows `rows` (all when omitted); sd 0 stays 0. */
export function columnStats(
  x: Float64Array,
  d: number,
  rows?: ArrayLike<number>,
): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(d)
  const sd = new Float64Array(d)
  const n = rows ? rows.length : x.length / d
  if (n === 0) return { mean, sd }
  for (let k = 0; k < n; k++) {
    const o = (rows ? (rows[k] as number) : k) * d
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[o + j] as number)
  }
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n
  for (let k = 0; k < n; k++) {
    const o = (rows ? (rows[k] as number) : k) * d
    for (let j = 0; j < d; j++) {
      const dev = (x[o + j] as number) - (mean[j] as number)
      sd[j] = (sd[j] as number) + dev * dev
    }
  }
  for (let j = 0; j < d; j++) {
    const v = Math.sqrt((sd[j] as number) / n)
    // A constant column (or one only float noise apart) carries nothing: it standardises to 0.
    sd[j] = v > 1e-12 * Math.max(1, Math.abs(mean[j] as number)) ? v : 0
  }
  return { mean, sd }
}

/** z-score of value `v` of column j, 0 for a constant column. */
export const zOf = (v: number, mean: number, sd: number): number => (sd === 0 ? 0 : (v - mean) / sd)

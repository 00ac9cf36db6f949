// Per-lead behaviour features (issue 16), read from the cache in one pass: recency, frequency
// (appointments) and value of the lead and the project it became, response time and whether it
// was within the KPI registry's target, the channel (as its configured conversion target), the
// city tier (the market segment's target deal size) and temperature. Values are stored
// transformed for modelling (log1p of the skewed ones), one row of INTEL_FEATURES per lead, in
// one Float64Array: a million leads are 64 MB, not a million arrays.
import { LEAD_STATUSES, TEMPERATURES } from '../../shared/api/index.ts'
import { INTEL_FEATURES, type IntelFeature } from '../../shared/api/intelligence.ts'
import { DEFAULT_TARGETS } from '../metrics/registry.ts'
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

/** Leads read per slice of ids. */
const READ_SLICE = 50_000

/** Reads every live lead's features. `targets` are the registry's the core runs with. */
export function readFeatures(
  db: Store,
  targets: KpiTargets = DEFAULT_TARGETS,
  onProgress?: (done: number, total: number) => void,
): FeatureTable {
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

  // Text dimensions travel as small codes, packed with the fixed vocabularies into one number
  // per lead: better-sqlite3 turns every value into a JS value one at a time, and at a million
  // leads those conversions (a string each) and the iterator's per-row cost were most of the
  // read (issue 16 bench: 11.5 s of the 15.4 s). Each text dimension's values are found first,
  // sorted, by a DISTINCT scan each (a few hundred values at most).
  const distinct = (column: 'source' | 'segment' | 'city' | 'owner'): string[] =>
    (
      db
        .prepare(`SELECT DISTINCT ${column} FROM leads WHERE deleted_at IS NULL`)
        .pluck()
        .all() as string[]
    ).sort()
  const segments = distinct('segment')
  const sourceValues = distinct('source')
  const cityValues = distinct('city')
  const ownerValues = distinct('owner')
  const codeSql = (column: string, values: readonly string[]): { sql: string; params: string[] } =>
    values.length === 0
      ? { sql: '0', params: [] }
      : {
          sql: `CASE ${column} ${values.map((_, k) => `WHEN ? THEN ${k}`).join(' ')} ELSE 0 END`,
          params: [...values],
        }
  // Packed as ((((status × 4 + temperature) × 2^10 + source) × 2^10 + segment) × 2^10 + city)
  // × 2^10 + owner: 45 bits, exact in a double. A dimension of more than 1,024 values (none in
  // an operations cache) would not fit: such a read is refused rather than silently wrong.
  const SHIFT = 1024
  for (const [name, values] of [
    ['source', sourceValues],
    ['segment', segments],
    ['city', cityValues],
    ['owner', ownerValues],
  ] as const)
    if (values.length > SHIFT)
      throw new Error(`segments: ${values.length} distinct ${name} values (at most ${SHIFT})`)
  const pStatus = codeSql('status', LEAD_STATUSES)
  const pTemperature = codeSql('temperature', TEMPERATURES)
  const pSource = codeSql('source', sourceValues)
  const pSegment = codeSql('segment', segments)
  const pCity = codeSql('city', cityValues)
  const pOwner = codeSql('owner', ownerValues)
  const parts = [pStatus, pTemperature, pSource, pSegment, pCity, pOwner]
  const packed = `(((((${pStatus.sql}) * 4 + ${pTemperature.sql}) * ${SHIFT} + ${pSource.sql}) * ${SHIFT} + ${pSegment.sql}) * ${SHIFT} + ${pCity.sql}) * ${SHIFT} + ${pOwner.sql}`
  const packedParams = parts.flatMap((p) => p.params)

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
  const now = asOf ?? 0
  const iRecency = featureIndex('recencyDays')
  const iAppointments = featureIndex('appointments')
  const iValue = featureIndex('valueCents')
  const iResponse = featureIndex('responseSeconds')
  const iInTarget = featureIndex('answeredInTarget')
  const iChannel = featureIndex('channelQuality')
  const iTier = featureIndex('cityTier')
  const iTemperature = featureIndex('temperature')
  const channelOf = sourceValues.map((v) => channels.get(v) ?? channelDefault)
  const tierOf = segments.map((v) => tiers.get(v) ?? tierDefault)
  const temperatureValue = TEMPERATURES.map((t) => TEMPERATURE_VALUE[t] ?? 1)
  // The average won deal per market segment, as the registry measures it (metrics/registry.ts
  // revenue_cents / won_valued: the deal values of won leads that have one), summed on the way.
  const segmentCents = new Float64Array(segments.length)
  const segmentValued = new Float64Array(segments.length)

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
  // In slices of ids read whole (.all() costs a third of an iterator's per-row step), so at most
  // READ_SLICE leads' values are held at once.
  const slice = db
    .prepare(
      `SELECT id, created_at, updated_at, first_response_at, deal_value_cents, ${packed}
       FROM leads WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ${READ_SLICE}`,
    )
    .raw()
  let i = 0
  let after = -Infinity
  read: for (;;) {
    const rows = slice.all(...packedParams, after) as [
      number,
      number,
      number,
      number | null,
      number | null,
      number,
    ][]
    if (rows.length === 0) break
    for (const [id, created, updated, responded, deal, code] of rows) {
      if (i >= total) break read // rows added since the count: the next recompute takes them
      let c = code
      const owner = c % SHIFT
      c = (c - owner) / SHIFT
      const city = c % SHIFT
      c = (c - city) / SHIFT
      const seg = c % SHIFT
      c = (c - seg) / SHIFT
      const source = c % SHIFT
      c = (c - source) / SHIFT
      const temperature = c % 4
      const s = (c - temperature) / 4
      const appts = appointmentsOf.get(id) ?? 0
      const projects = projectsOf.get(id) ?? 0
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
      x[o + iChannel] = channelOf[source] ?? channelDefault
      x[o + iTier] = tierOf[seg] ?? tierDefault
      x[o + iTemperature] = temperatureValue[temperature] ?? 1
      for (let j = 0; j < d; j++) x[o + j] = finite(x[o + j] as number)
      ids[i] = id
      createdAt[i] = created
      stage[i] = s
      const won = s === WON_STAGE && deal !== null
      dealCents[i] = won ? deal : 0
      if (won) {
        segmentCents[seg] = (segmentCents[seg] as number) + deal
        segmentValued[seg] = (segmentValued[seg] as number) + 1
      }
      segment[i] = seg
      temperatureCode[i] = temperature
      sourceCode[i] = source
      cityCode[i] = city
      ownerCode[i] = owner
      i++
      if (i % 100_000 === 0) onProgress?.(i, total)
    }
    const last = rows[rows.length - 1]
    if (last) after = last[0]
  }
  const averageDealCents = Array.from(segmentCents, (cents, k) =>
    (segmentValued[k] as number) > 0 ? cents / (segmentValued[k] as number) : null,
  )
  const allCents = segmentCents.reduce((a, b) => a + b, 0)
  const allValued = segmentValued.reduce((a, b) => a + b, 0)
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
    sources: sourceValues,
    city: cityCode.subarray(0, n),
    cities: cityValues,
    owner: ownerCode.subarray(0, n),
    owners: ownerValues,
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

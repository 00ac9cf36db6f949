// What the api answers from the stored intelligence (issue 16): the last recompute's segments and
// model card as stored, and the call-first list and lead scores as one indexed read of the open
// leads' scores joined with their current rows (a lead closed since is left out at once).
import { LEAD_STATUSES, type Filters } from '../../shared/api/index.ts'
import {
  MAX_SEGMENT_POINTS,
  type CallFirstResult,
  type CallFirstRow,
  type IntelResultBase,
  type LeadScoresResult,
  type ModelCard,
  type ScoreDriver,
  type ScoreSource,
  type SegmentsResult,
} from '../../shared/api/intelligence.ts'
import { activeDims, dimsSql } from '../metrics/filter-sql.ts'
import { rangeBounds, resolveRange } from '../metrics/index.ts'
import type { Store } from '../store/index.ts'
import { INTEL_SEED, readResult, type StoredResult, type StoredSegments } from './compute.ts'
import { filteredSegments } from './lead-segments.ts'
import type { ModelBody } from './scores.ts'

const NOT_COMPUTED =
  'Not computed yet: a recompute has started (or press Recompute); this view fills in when it ends.'

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

function baseOf(
  stored: StoredResult<unknown> | null,
  insufficient: string | null,
): IntelResultBase {
  if (!stored)
    return {
      availability: 'not computed',
      message: NOT_COMPUTED,
      computedAt: null,
      inputsHash: null,
      dataAsOf: null,
    }
  return {
    availability: insufficient === null ? 'ready' : 'insufficient data',
    message: insufficient,
    computedAt: iso(stored.computedAt),
    inputsHash: stored.inputsHash,
    dataAsOf: iso(stored.dataAsOf),
  }
}

/**
 * The stored segments; under `filters`, each counted among the matching leads and only those
 * drawn (lead-segments.ts), the preset read against `now`.
 */
export function segmentsResult(
  db: Store,
  maxPoints: number,
  filters?: Filters,
  now: Date = new Date(),
): SegmentsResult {
  // One read snapshot: a recompute committing between the stored body and the per-lead rows
  // would count one model's segment ids under another's names.
  return db.transaction(() => readSegments(db, maxPoints, filters, now))()
}

function readSegments(
  db: Store,
  maxPoints: number,
  filters: Filters | undefined,
  now: Date,
): SegmentsResult {
  const stored = readResult<StoredSegments>(db, 'segments')
  const body = stored?.body
  if (!stored || !body || 'insufficient' in body) {
    return {
      ...baseOf(stored, body && 'insufficient' in body ? body.insufficient : null),
      rows: 0,
      k: null,
      silhouette: null,
      silhouetteByK: [],
      seed: INTEL_SEED,
      explainedVariance: [],
      segments: [],
      points: [],
      pointsTotal: 0,
      filters: filters ?? null,
    }
  }
  const most = Math.min(maxPoints, MAX_SEGMENT_POINTS)
  if (filters) {
    const filtered = filteredSegments(db, body, filters, now, most)
    return {
      ...baseOf(stored, null),
      ...body,
      segments: filtered.segments,
      points: filtered.points,
      pointsTotal: filtered.matched,
      filters,
    }
  }
  return {
    ...baseOf(stored, null),
    ...body,
    points: body.points.slice(0, most),
    filters: null,
  }
}

/** The model card as stored; before the first recompute, an empty card that says so. */
export function modelCard(db: Store): ModelCard {
  const stored = readResult<ModelBody>(db, 'model')
  if (!stored) {
    return {
      ...baseOf(null, null),
      model: '',
      baseline: '',
      features: [],
      trainingRows: 0,
      calibrationRows: 0,
      testRows: 0,
      split: { description: '', trainFrom: null, trainTo: null, testFrom: null, testTo: null },
      auc: { model: null, baseline: null, differenceSe: null },
      calibration: { method: '', error: null, baselineError: null, bound: 0, bins: [] },
      beatsBaseline: false,
      verdict: NOT_COMPUTED,
      scoreSource: 'baseline',
      coefficients: [],
    }
  }
  const { insufficient, ...card } = stored.body
  return { ...baseOf(stored, insufficient), ...card }
}

const OPEN = LEAD_STATUSES.filter((s) => s !== 'won' && s !== 'lost')

function scoreSourceOf(db: Store): { source: ScoreSource; stored: StoredResult<ModelBody> | null } {
  const stored = readResult<ModelBody>(db, 'model')
  return { source: stored?.body.scoreSource ?? 'baseline', stored }
}

/** Open leads (matching `filters`: created in the range, on the dimensions) by expected value. */
export function callFirst(
  db: Store,
  filters: Filters | undefined,
  limit: number,
  now: Date,
): CallFirstResult {
  const { source, stored } = scoreSourceOf(db)
  const score = source === 'model' ? 's.model_score' : 's.baseline_score'
  const value = source === 'model' ? 's.model_value' : 's.baseline_value'
  let where = `l.deleted_at IS NULL AND l.status IN (${OPEN.map(() => '?').join(', ')})`
  const params: unknown[] = [...OPEN]
  if (filters) {
    const { start, end } = rangeBounds(resolveRange(filters.range, now))
    where += ' AND l.created_at >= ? AND l.created_at < ?'
    params.push(start, end)
    const dims = dimsSql(activeDims(filters))
    // dimsSql names bare columns; here they are the lead's.
    where += dims.sql.replace(/ AND (\w+) IN/g, ' AND l.$1 IN')
    params.push(...dims.params)
  }
  const openLeads = db
    .prepare(
      `SELECT count(*) FROM intel_lead_scores s JOIN leads l ON l.id = s.lead_id WHERE ${where}`,
    )
    .pluck()
    .get(...params) as number
  const rows = db
    .prepare(
      `SELECT s.lead_id AS leadId, ${score} AS score, ${value} AS value, s.drivers AS drivers,
         l.status, l.temperature, l.source, l.city, l.segment, l.owner, l.created_at AS createdAt
       FROM intel_lead_scores s INDEXED BY ${source === 'model' ? 'intel_lead_scores_model' : 'intel_lead_scores_baseline'}
       JOIN leads l ON l.id = s.lead_id
       WHERE ${where}
       ORDER BY ${value} DESC, s.lead_id LIMIT ?`,
    )
    .all(...params, limit) as {
    leadId: number
    score: number
    value: number
    drivers: string
    status: CallFirstRow['status']
    temperature: string
    source: string
    city: string
    segment: string
    owner: string
    createdAt: number
  }[]
  return {
    ...baseOf(stored, stored?.body.insufficient ?? null),
    // Scores exist (by the baseline) even when the model could not be trained.
    ...(stored ? { availability: 'ready' as const } : {}),
    scoreSource: source,
    openLeads,
    rows: rows.map((r, i) => ({
      leadId: r.leadId,
      score: r.score,
      expectedValueCents: r.value,
      priority: i + 1,
      status: r.status,
      temperature: r.temperature,
      source: r.source,
      city: r.city,
      segment: r.segment,
      owner: r.owner,
      createdAt: new Date(r.createdAt).toISOString(),
      drivers: source === 'model' ? (JSON.parse(r.drivers) as ScoreDriver[]) : [],
    })),
  }
}

export function leadScores(db: Store, leadIds: readonly number[]): LeadScoresResult {
  const { source, stored } = scoreSourceOf(db)
  const rows = db
    .prepare(
      `SELECT s.lead_id AS leadId, ${source === 'model' ? 's.model_score' : 's.baseline_score'} AS score, s.drivers AS drivers
       FROM intel_lead_scores s JOIN leads l ON l.id = s.lead_id
       WHERE s.lead_id IN (SELECT value FROM json_each(?)) AND l.deleted_at IS NULL
         AND l.status IN (${OPEN.map(() => '?').join(', ')})
       ORDER BY s.lead_id`,
    )
    .all(JSON.stringify(leadIds), ...OPEN) as { leadId: number; score: number; drivers: string }[]
  return {
    ...baseOf(stored, null),
    ...(stored ? { availability: 'ready' as const } : {}),
    scoreSource: source,
    scores: rows.map((r) => ({
      leadId: r.leadId,
      score: r.score,
      drivers: source === 'model' ? (JSON.parse(r.drivers) as ScoreDriver[]) : [],
    })),
  }
}

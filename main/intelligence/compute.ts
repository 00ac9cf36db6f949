// One recompute of the stored intelligence (issue 16): features, segments, the lead-score model
// and the open leads' scores, written in one transaction with the hash of the inputs they were
// computed from. Runs in a worker thread over its own connection (main/intelligence/worker.ts);
// a recompute over unchanged inputs (same hash) is skipped unless forced.
import { createHash } from 'node:crypto'
import type { KpiTargets } from '../../shared/api/index.ts'
import { DEFAULT_TARGETS } from '../metrics/registry.ts'
import type { Store } from '../store/index.ts'
import { readFeatures } from './features.ts'
import { clearLeadSegments, writeLeadSegments } from './lead-segments.ts'
import { segmentLeadRows, type SegmentsBody } from './segments.ts'
import { trainAndScore, type ModelBody } from './scores.ts'

/** Bumped when what a recompute computes changes in a way the inputs' hash cannot see. */
export const INTEL_FORMAT = 2
/** The seed of k-means and of every sample. */
export const INTEL_SEED = 16

export type ResultKind = 'segments' | 'model'

export interface StoredResult<T> {
  readonly computedAt: number
  readonly inputsHash: string
  readonly dataAsOf: number | null
  readonly body: T
}

/** Segments' body, or why there are none. */
export type StoredSegments = SegmentsBody | { readonly insufficient: string }

export function readResult<T>(db: Store, kind: ResultKind): StoredResult<T> | null {
  const row = db
    .prepare(
      'SELECT computed_at AS computedAt, inputs_hash AS inputsHash, data_as_of AS dataAsOf, body FROM intel_results WHERE kind = ?',
    )
    .get(kind) as
    { computedAt: number; inputsHash: string; dataAsOf: number | null; body: string } | undefined
  if (!row) return null
  return { ...row, body: JSON.parse(row.body) as T }
}

/**
 * Hash of everything a recompute reads: each input table's row count, newest change and sums of
 * its keys and change times (a changed, added or removed row moves one of them), the KPI targets,
 * the seed and INTEL_FORMAT.
 */
export function inputsHash(db: Store, targets: KpiTargets, seed: number): string {
  const summary = (table: string): unknown =>
    db
      .prepare(
        `SELECT count(*), max(updated_at), total(id), total(updated_at), total(deleted_at IS NULL) FROM ${table}`,
      )
      .raw()
      .get()
  return createHash('sha256')
    .update(
      JSON.stringify({
        format: INTEL_FORMAT,
        seed,
        targets,
        leads: summary('leads'),
        statuses: db.prepare('SELECT total(length(status) * id) FROM leads').pluck().get(),
        appointments: summary('appointments'),
        customers: summary('customers'),
        projects: summary('projects'),
        channels: summary('marketing_channels'),
        segments: summary('market_segments'),
      }),
    )
    .digest('hex')
    .slice(0, 16)
}

export interface RecomputeOptions {
  readonly targets?: KpiTargets
  readonly seed?: number
  readonly force?: boolean
  readonly progress?: (phase: string, done: number, total: number) => void
  readonly now?: () => number
}

export interface RecomputeOutcome {
  readonly skipped: boolean
  readonly inputsHash: string
  readonly computedAt: number
  readonly rows: number
  readonly segments: number | null
  readonly scoreSource: ModelBody['scoreSource'] | null
  readonly openLeads: number
  readonly sentence: string
}

const STEPS = 5

/** Recomputes and stores segments, the model and open leads' scores. */
export function recompute(db: Store, options: RecomputeOptions = {}): RecomputeOutcome {
  const targets = options.targets ?? DEFAULT_TARGETS
  const seed = options.seed ?? INTEL_SEED
  const now = options.now ?? Date.now
  const progress = options.progress ?? (() => {})
  progress('Checking what changed', 0, STEPS)
  const hash = inputsHash(db, targets, seed)
  const stored = readResult<unknown>(db, 'model')
  const storedSegments = readResult<unknown>(db, 'segments')
  if (!options.force && stored?.inputsHash === hash && storedSegments?.inputsHash === hash) {
    return {
      skipped: true,
      inputsHash: hash,
      computedAt: stored.computedAt,
      rows: 0,
      segments: null,
      scoreSource: null,
      openLeads: 0,
      sentence: 'Nothing changed since the last recompute; the stored results stand.',
    }
  }
  progress('Reading lead features', 1, STEPS)
  const features = readFeatures(db, targets)
  progress(`Clustering ${features.n.toLocaleString('en-US')} leads`, 2, STEPS)
  const clustered = segmentLeadRows(features, seed)
  const segments: StoredSegments = clustered?.body ?? {
    insufficient:
      features.n === 0
        ? 'The cache holds no leads to segment.'
        : 'The leads are all alike on every feature; there is nothing to segment them by.',
  }
  progress('Training and testing the lead score', 3, STEPS)
  const { body: model, scored } = trainAndScore(features)
  progress(`Storing ${scored.length.toLocaleString('en-US')} open leads’ scores`, 4, STEPS)
  const computedAt = now()
  const put = db.prepare(
    'INSERT OR REPLACE INTO intel_results (kind, computed_at, inputs_hash, data_as_of, body) VALUES (?, ?, ?, ?, ?)',
  )
  const insert = db.prepare(
    'INSERT INTO intel_lead_scores (lead_id, model_score, baseline_score, model_value, baseline_value, drivers) VALUES (?, ?, ?, ?, ?, ?)',
  )
  db.transaction(() => {
    put.run('segments', computedAt, hash, features.asOf, JSON.stringify(segments))
    // Each lead's segment, for the segments under the global filters (lead-segments.ts).
    if (clustered) writeLeadSegments(db, features, clustered.labels, clustered.pc, seed)
    else clearLeadSegments(db)
    put.run('model', computedAt, hash, features.asOf, JSON.stringify(model))
    db.exec('DELETE FROM intel_lead_scores')
    for (const s of scored)
      insert.run(
        s.leadId,
        s.modelScore,
        s.baselineScore,
        s.modelValue,
        s.baselineValue,
        JSON.stringify(s.drivers),
      )
  })()
  progress('Done', STEPS, STEPS)
  const k = 'insufficient' in segments ? null : segments.k
  return {
    skipped: false,
    inputsHash: hash,
    computedAt,
    rows: features.n,
    segments: k,
    scoreSource: model.scoreSource,
    openLeads: scored.length,
    sentence:
      `Recomputed from ${features.n.toLocaleString('en-US')} leads: ` +
      (k === null ? 'no segments' : `${k} segments`) +
      `, ${scored.length.toLocaleString('en-US')} open leads scored (${model.scoreSource === 'model' ? 'the model beats the baseline' : 'the baseline’s order'}).`,
  }
}

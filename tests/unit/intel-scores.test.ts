// Lead scores (issue 16): on demo data split by time (fit on the oldest, test on the newest 20 %)
// the model beats the temperature-only baseline with its calibration error within the stated
// bound, and the call-first list follows its order; on data with no signal the model card says
// the model does not beat the baseline and the list follows the baseline; hostile caches (empty,
// one lead, every lead won, year 9999) give sentences, never NaN.
import { describe, expect, it } from 'vitest'
import { recompute } from '../../main/intelligence/compute.ts'
import { callFirst, leadScores, modelCard, segmentsResult } from '../../main/intelligence/read.ts'
import { auc } from '../../main/intelligence/scores.ts'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { createRandom } from '../../main/demo/random.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { CALIBRATION_ERROR_BOUND } from '../../shared/api/intelligence.ts'
import { insertLeads, lead } from '../support/leads.ts'

const END = Date.parse('2026-11-30T12:00:00Z')
const NOW = new Date(END)

/** Finite numbers or null everywhere: JSON turns NaN and Infinity into null, so look before. */
function finiteEverywhere(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every(finiteEverywhere)
  if (value !== null && typeof value === 'object')
    return Object.values(value).every(finiteEverywhere)
  return true
}

describe('lead scores', () => {
  it('beat the temperature baseline on demo data split by time, calibrated within the bound', () => {
    const db = openStore(':memory:')
    fillCache(db, generateDemo({ seed: 11, leads: 20_000, endAt: END }))
    const outcome = recompute(db)
    expect(outcome.skipped).toBe(false)
    const card = modelCard(db)
    expect(card.availability).toBe('ready')
    expect(card.trainingRows + card.calibrationRows + card.testRows).toBeGreaterThan(15_000)
    expect(card.testRows / (card.trainingRows + card.calibrationRows + card.testRows)).toBeCloseTo(
      0.2,
      2,
    )
    expect(card.split.trainTo! <= card.split.testFrom!).toBe(true)
    expect(card.auc.model!).toBeGreaterThan(card.auc.baseline!)
    expect(card.beatsBaseline).toBe(true)
    expect(card.scoreSource).toBe('model')
    expect(card.calibration.error!).toBeLessThanOrEqual(CALIBRATION_ERROR_BOUND)
    expect(card.verdict).toMatch(/^The model beats the temperature-only baseline/)
    expect(finiteEverywhere(card)).toBe(true)

    const list = callFirst(db, undefined, 50, NOW)
    expect(list.scoreSource).toBe('model')
    expect(list.rows).toHaveLength(50)
    expect(list.rows.map((r) => r.priority)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const values = list.rows.map((r) => r.expectedValueCents)
    expect(values).toEqual([...values].sort((a, b) => b - a))
    for (const r of list.rows) {
      expect(['new', 'contacted', 'qualified', 'proposal']).toContain(r.status)
      expect(r.drivers.length).toBeGreaterThanOrEqual(2)
      expect(r.drivers.length).toBeLessThanOrEqual(3)
      expect(r.score).toBeGreaterThan(0)
      expect(r.score).toBeLessThan(1)
    }
    // Filters narrow the list to open leads they match.
    const hot = callFirst(
      db,
      { range: { preset: 'last90', timeZone: 'America/Detroit' }, temperature: ['hot'] },
      500,
      NOW,
    )
    expect(hot.openLeads).toBeGreaterThan(0)
    expect(hot.openLeads).toBeLessThan(list.openLeads)
    expect(hot.rows.every((r) => r.temperature === 'hot')).toBe(true)
    // Scores by lead: open ones only.
    const first = list.rows[0]!
    const closed = db
      .prepare("SELECT id FROM leads WHERE status = 'won' LIMIT 1")
      .pluck()
      .get() as number
    const scores = leadScores(db, [first.leadId, closed, 99_999_999])
    expect(scores.scores).toEqual([
      { leadId: first.leadId, score: first.score, drivers: first.drivers },
    ])
    // A lead won since the recompute leaves the list at once.
    db.prepare("UPDATE leads SET status = 'won' WHERE id = ?").run(first.leadId)
    expect(callFirst(db, undefined, 50, NOW).rows[0]?.leadId).not.toBe(first.leadId)

    // Same inputs: the next recompute is skipped; forced, it gives the same results.
    db.prepare('UPDATE leads SET status = ? WHERE id = ?').run(first.status, first.leadId)
    const segments = segmentsResult(db, 5_000)
    expect(recompute(db).skipped).toBe(true)
    expect(recompute(db, { force: true }).skipped).toBe(false)
    const again = segmentsResult(db, 5_000)
    expect({ ...again, computedAt: null }).toEqual({ ...segments, computedAt: null })
    expect(modelCard(db).auc).toEqual(card.auc)
  })

  it('say the model does not beat the baseline on data with no signal, and use the baseline order', () => {
    const db = openStore(':memory:')
    const r = createRandom(5, 1)
    const rows: LeadRow[] = []
    const sources = ['Google LSA', 'Nextdoor', 'Facebook Ads']
    const temps = ['hot', 'warm', 'cold'] as const
    for (let i = 0; i < 4000; i++) {
      const created = END - 400 * 86_400_000 + i * 8_000_000
      const open = i % 10 === 0
      const won = !open && r.chance(0.3)
      const responded = r.chance(0.9)
      rows.push(
        lead({
          id: i + 1,
          created_at: created,
          updated_at: created + 86_400_000,
          source: sources[r.int(0, 3)],
          temperature: temps[r.int(0, 3)],
          first_response_at: responded ? created + r.int(10, 4000) * 1000 : null,
          status: open ? 'contacted' : won ? 'won' : 'lost',
          converted_at: won ? created + 86_400_000 : null,
          deal_value_cents: won ? 1_000_000 : null,
        }),
      )
    }
    insertLeads(db, rows)
    recompute(db)
    const card = modelCard(db)
    expect(card.availability).toBe('ready')
    expect(card.beatsBaseline).toBe(false)
    expect(card.scoreSource).toBe('baseline')
    expect(card.verdict).toMatch(/^The model does not beat the temperature-only baseline/)
    const list = callFirst(db, undefined, 500, NOW)
    expect(list.scoreSource).toBe('baseline')
    expect(list.rows.every((row) => row.drivers.length === 0)).toBe(true)
    // The baseline's order: by temperature's rate × the average deal, best first.
    const stored = db
      .prepare(
        'SELECT lead_id FROM intel_lead_scores ORDER BY baseline_value DESC, lead_id LIMIT 500',
      )
      .pluck()
      .all()
    expect(list.rows.map((row) => row.leadId)).toEqual(stored)
  })

  it('answer with sentences for an empty cache, one lead, every lead won, and year 9999', () => {
    const db = openStore(':memory:')
    recompute(db)
    expect(segmentsResult(db, 100)).toMatchObject({
      availability: 'insufficient data',
      message: 'The cache holds no leads to segment.',
      segments: [],
    })
    expect(modelCard(db)).toMatchObject({ availability: 'insufficient data', beatsBaseline: false })
    expect(callFirst(db, undefined, 10, NOW)).toMatchObject({ rows: [], openLeads: 0 })

    insertLeads(db, [lead({ id: 1, created_at: END - 86_400_000 })])
    recompute(db)
    expect(modelCard(db).message).toMatch(/Only 0 closed leads/)
    expect(callFirst(db, undefined, 10, NOW).rows).toHaveLength(1)

    const far = Date.parse('9999-12-31T00:00:00Z')
    insertLeads(
      db,
      Array.from({ length: 200 }, (_, i) =>
        lead({
          id: i + 2,
          created_at: i % 2 ? far : END - i * 3_600_000,
          updated_at: i % 2 ? far : END,
          status: 'won',
          converted_at: i % 2 ? far : END,
          first_response_at: i % 3 ? null : far,
          deal_value_cents: 500_000,
        }),
      ),
    )
    recompute(db)
    const card = modelCard(db)
    expect(card.message).toMatch(/200 won and 0 lost/)
    expect(card.verdict).toMatch(/follows the temperature-only baseline/)
    expect(finiteEverywhere(card)).toBe(true)
    expect(finiteEverywhere(segmentsResult(db, 100))).toBe(true)
    expect(finiteEverywhere(callFirst(db, undefined, 10, NOW))).toBe(true)
  })

  it('compute AUC with ties as half', () => {
    expect(auc(Float64Array.from([0.1, 0.4, 0.35, 0.8]), Uint8Array.from([0, 0, 1, 1]))).toBe(0.75)
    expect(auc(Float64Array.from([0.5, 0.5, 0.5]), Uint8Array.from([0, 1, 1]))).toBe(0.5)
    expect(auc(Float64Array.from([0.5, 0.2]), Uint8Array.from([1, 1]))).toBeNull()
  })
})

export type { Store }

// The KPI registry: every ops KPI defined once (DESIGN.md, "The ops domain").
// A KPI's id, label, unit, good direction, target or band and the sentence
// that states its rule live here and nowhere else. The measures the rollups
// store are structured expressions over a lead's columns, compiled from here
// to the SQL of the raw path and to the arithmetic of the rollup upkeep, so
// the two cannot drift. The catalog (catalog.ts) computes with these
// definitions, the page receives them as data (`kpis.definitions`), and
// alerts and exports name KPIs by their id.
//
// Rollups store values computed under the measures' definitions (the
// response target decides `under_target`): they record the hash of the
// definitions they were built from (definitionsHash), and rollups built
// under other definitions are not read (rollupState) until rebuilt.

import { createHash } from 'node:crypto'
import type { KpiDefinition, KpiId, KpiTargets } from '../../shared/api/index.ts'
import type { LeadRow } from '../store/mirror-rows.ts'
import type { Store } from '../store/index.ts'

export type { KpiDefinition, KpiId, KpiTargets }

/** The targets the organisation commits to; a cache may be opened with others (registryFor). */
export const DEFAULT_TARGETS: KpiTargets = {
  responseSeconds: 120,
  responseShareExcellent: 0.8,
  responseShareNeedsImprovement: 0.5,
  conversionBand: { low: 0.25, high: 0.35 },
  coldConversionFloor: 0.05,
  hotConversionFloor: 0.4,
}

// ---- Measures: what the rollups store ----------------------------------------------------

/** Facts about one lead; each has a SQL form over `leads` and a bit in the upkeep's mask. */
export const PREDICATES = ['responded', 'withinTarget', 'won', 'valued'] as const
export type Predicate = (typeof PREDICATES)[number]

/** Values a measure can sum over a lead. */
export type Quantity = 'responseMs' | 'dealValueCents'

export interface MeasureDef {
  /** Column name in every rollup table. */
  readonly id: string
  readonly meaning: string
  /** Counts the leads for which every predicate holds, or sums `sum` over them. */
  readonly when: readonly Predicate[]
  readonly sum?: Quantity
}

export const MEASURE_DEFS = [
  { id: 'leads', meaning: 'leads', when: [] },
  { id: 'responded', meaning: 'leads answered', when: ['responded'] },
  {
    id: 'under_target',
    meaning: 'leads answered within the response target',
    when: ['responded', 'withinTarget'],
  },
  {
    id: 'response_ms',
    meaning: 'first-response milliseconds of the answered leads',
    when: ['responded'],
    sum: 'responseMs',
  },
  { id: 'won', meaning: 'leads won', when: ['won'] },
  {
    id: 'won_under',
    meaning: 'leads won that were answered within the response target',
    when: ['won', 'responded', 'withinTarget'],
  },
  { id: 'won_valued', meaning: 'leads won with a deal value', when: ['won', 'valued'] },
  {
    id: 'revenue_cents',
    meaning: 'deal value of the leads won, cents',
    when: ['won', 'valued'],
    sum: 'dealValueCents',
  },
] as const satisfies readonly MeasureDef[]

export type Measure = (typeof MEASURE_DEFS)[number]['id']
export const MEASURES: readonly Measure[] = MEASURE_DEFS.map((m) => m.id)
export type Measures = Record<Measure, number>

const QUANTITY_SQL: Record<Quantity, string> = {
  responseMs: 'first_response_at - created_at',
  dealValueCents: 'deal_value_cents',
}

/** How a value derived from measures is computed (over the rollups or the raw rows alike). */
export type MeasureValue =
  | { readonly sum: Measure }
  | { readonly ratio: readonly [Measure, Measure]; readonly scale?: number }

export function valueOf(expr: MeasureValue, m: Measures): number | null {
  if ('sum' in expr) return m[expr.sum]
  const [n, d] = expr.ratio
  return m[d] === 0 ? null : (m[n] / m[d]) * (expr.scale ?? 1)
}

// ---- KPIs ------------------------------------------------------------------------------------

interface KpiSpec extends Omit<KpiDefinition, 'id'> {
  /** For KPIs that are a plain function of the measures: the card values and their deltas. */
  readonly value?: MeasureValue
}

/** A share as the rule sentences write it: 0.25 → "25 %", 0.125 → "12.5 %". */
export const sharePercent = (x: number): string => `${Math.round(x * 1000) / 10} %`

function kpiSpecs(t: KpiTargets): Record<KpiId, KpiSpec> {
  const pct = sharePercent
  return {
    leads: {
      label: 'Leads',
      unit: 'count',
      display: 'integer',
      basis: 'lead date',
      matures: false,
      good: 'up',
      rule: 'leads created in the range (soft-deleted leads excluded)',
      value: { sum: 'leads' },
    },
    averageResponseSeconds: {
      label: 'Average first response',
      unit: 'seconds',
      display: 'seconds',
      basis: 'lead date',
      matures: false,
      good: 'down',
      target: t.responseSeconds,
      rule: `mean time from a lead's creation to its first response, over the leads answered; target ${t.responseSeconds} s`,
      value: { ratio: ['response_ms', 'responded'], scale: 1 / 1000 },
    },
    medianResponseSeconds: {
      label: 'Median first response',
      unit: 'seconds',
      display: 'seconds',
      basis: 'lead date',
      matures: false,
      good: 'down',
      target: t.responseSeconds,
      rule: 'median time to first response over the leads answered, to the whole second',
    },
    shareUnderTarget: {
      label: 'Answered within target',
      unit: 'fraction',
      display: 'percent',
      basis: 'lead date',
      matures: false,
      good: 'up',
      target: t.responseShareExcellent,
      band: { low: t.responseShareNeedsImprovement, high: t.responseShareExcellent },
      rule: `excellent when at least ${pct(t.responseShareExcellent)} of leads are answered within ${t.responseSeconds} s, needs improvement from ${pct(t.responseShareNeedsImprovement)}, poor below ${pct(t.responseShareNeedsImprovement)}`,
      value: { ratio: ['under_target', 'leads'] },
    },
    estimatedConversionsLost: {
      label: 'Conversions lost to slow response',
      unit: 'count',
      display: 'integer',
      basis: 'lead date',
      matures: true,
      good: 'down',
      rule: 'conversions lost = leads over target × (conversion rate of leads answered within target − conversion rate of leads over target), when the first rate is the higher; never-answered leads are over target',
    },
    conversions: {
      label: 'Deals won',
      unit: 'count',
      display: 'integer',
      basis: 'lead date',
      matures: true,
      good: 'up',
      rule: 'leads created in the range that were won',
      value: { sum: 'won' },
    },
    conversionRate: {
      label: 'Conversion rate',
      unit: 'fraction',
      display: 'percent',
      basis: 'lead date',
      matures: true,
      good: 'up',
      target: t.conversionBand.low,
      band: t.conversionBand,
      rule: `won ÷ leads created in the range; the target band is ${pct(t.conversionBand.low)}–${pct(t.conversionBand.high)}`,
      value: { ratio: ['won', 'leads'] },
    },
    revenueCents: {
      label: 'Revenue',
      unit: 'cents',
      display: 'money',
      basis: 'lead date',
      matures: true,
      good: 'up',
      rule: 'deal value of the leads created in the range that were won',
      value: { sum: 'revenue_cents' },
    },
    dealsBooked: {
      label: 'Deals won',
      unit: 'count',
      display: 'integer',
      basis: 'close date',
      matures: false,
      good: 'up',
      rule: 'deals won (converted_at) in the range, whatever day their lead arrived',
    },
    revenueBooked: {
      label: 'Revenue booked',
      unit: 'cents',
      display: 'money',
      basis: 'close date',
      matures: false,
      good: 'up',
      rule: 'deal value of the deals won (converted_at) in the range, whatever day their lead arrived',
    },
    roiPercent: {
      label: 'Marketing ROI',
      unit: 'percent',
      display: 'percent',
      basis: 'lead date',
      matures: true,
      good: 'up',
      target: 0,
      rule: 'cost = the channel’s monthly spend × days in range ÷ 30.4375 when its monthly spend is known and no filter other than source is set (spend is not known per city, segment, temperature, status or owner); otherwise leads × the channel’s target cost per lead; rounded to the cent once per channel. ROI % = (revenue − cost) ÷ cost × 100; revenue is the deal value of the range’s leads that were won',
    },
    penetration: {
      label: 'Penetration',
      unit: 'fraction',
      display: 'percent',
      basis: 'lead date',
      matures: false,
      good: 'up',
      rule: 'penetration = the segment’s leads ÷ all leads in the filter',
    },
    monthProgress: {
      label: 'Month revenue vs target',
      unit: 'fraction',
      display: 'percent',
      basis: 'close date',
      matures: false,
      good: 'up',
      target: 1,
      rule: 'revenue = deal values booked (converted_at) in the period, in the filter’s zone; projection = month revenue ÷ elapsed share of the month; annualised = year-to-date revenue ÷ elapsed share of the year; the next growth target is the first yearly target (sum of monthly targets) above the annualised revenue; targets are org-wide even when a dimension filter is set',
    },
    funnelReach: {
      label: 'Funnel stage reached',
      unit: 'count',
      display: 'integer',
      basis: 'lead date',
      matures: true,
      good: 'up',
      rule: 'a lead reached a stage when its current status is that stage or a later one; lost leads count as reaching only "new", because the cache does not record how far they got',
    },
  }
}

/** The KPIs that are a plain function of the measures, in the cards' order. */
export const CARD_KPIS = [
  'leads',
  'averageResponseSeconds',
  'shareUnderTarget',
  'conversions',
  'conversionRate',
  'revenueCents',
] as const satisfies readonly KpiId[]
export type CardKpi = (typeof CARD_KPIS)[number]

// ---- Cohort maturity ---------------------------------------------------------------------
//
// A KPI by lead date that `matures` (deals won, conversion, revenue of the range's leads) grows
// for weeks after the range ends, as its leads close. How long deals take is read from the data
// (the newest won deals), so the page can say "deals typically close in 16 days" truthfully.

export const MATURITY = {
  /** The newest won deals read to learn how long deals take (org-wide, whatever the filter). */
  sampleDeals: 2000,
  /** Below this many won deals the cache cannot tell, and the defaults below are used. */
  minDeals: 50,
  /** The share of deals closed by `closeDays`. */
  closeQuantile: 0.8,
  defaultCloseDays: 30,
  defaultTypicalCloseDays: 14,
  /** A range is maturing when at least this share of its leads is younger than `closeDays`. */
  youngShare: 0.1,
} as const

/** The sentence that states the maturity rule, with the close days in force. */
export function maturityRule(closeDays: number): string {
  return `a range is maturing while at least ${sharePercent(MATURITY.youngShare)} of its leads were younger than ${closeDays} days at the data’s last change, the time within which ${sharePercent(MATURITY.closeQuantile)} of the recent deals closed; its deals won, conversion and revenue by lead date are still rising, so their change against an older range is not compared`
}

// ---- The registry ----------------------------------------------------------------------------

export interface KpiRegistry {
  readonly targets: KpiTargets
  readonly kpis: Readonly<Record<KpiId, KpiDefinition>>
  readonly values: Readonly<Record<CardKpi, MeasureValue>>
  /** The SQL sum of each measure over raw `leads` rows, in MEASURES order (integer sums: cents stay exact). */
  readonly measureSql: readonly string[]
  /** One lead's measures into `out` (MEASURES order), from its columns. */
  readonly measure: (
    out: Float64Array,
    createdAt: number,
    firstResponseAt: number | null,
    status: string,
    dealValueCents: number | null,
  ) => void
  /** Hash of everything the stored rollups depend on. */
  readonly definitionsHash: string
}

/** Bumped when the rollups' layout or arithmetic changes in a way the hash cannot see. */
const ROLLUP_FORMAT = 5

export function createRegistry(targets: KpiTargets = DEFAULT_TARGETS): KpiRegistry {
  const targetMs = Math.round(targets.responseSeconds * 1000)
  const predicateSql: Record<Predicate, string> = {
    responded: 'first_response_at IS NOT NULL',
    withinTarget: `first_response_at - created_at <= ${targetMs}`,
    won: "status = 'won'",
    valued: 'deal_value_cents IS NOT NULL',
  }
  const measureSql = MEASURE_DEFS.map((d: MeasureDef) => {
    const cond = d.when.map((p) => predicateSql[p]).join(' AND ')
    if (d.sum) {
      const v = QUANTITY_SQL[d.sum]
      return `coalesce(sum(${cond ? `CASE WHEN ${cond} THEN ${v} END` : v}), 0)`
    }
    return cond ? `coalesce(sum(${cond}), 0)` : 'count(*)'
  })
  const bit = (p: Predicate) => 1 << PREDICATES.indexOf(p)
  const masks = MEASURE_DEFS.map((d: MeasureDef) => d.when.reduce((a, p) => a | bit(p), 0))
  const sums = MEASURE_DEFS.map((d: MeasureDef) => d.sum ?? null)
  const n = MEASURE_DEFS.length
  const measure: KpiRegistry['measure'] = (out, createdAt, firstResponseAt, status, deal) => {
    const responded = firstResponseAt !== null
    const ms = responded ? firstResponseAt - createdAt : 0
    const won = status === 'won'
    const facts =
      (responded ? 1 : 0) |
      (responded && ms <= targetMs ? 2 : 0) |
      (won ? 4 : 0) |
      (deal !== null ? 8 : 0)
    for (let i = 0; i < n; i++) {
      const mask = masks[i] as number
      if ((facts & mask) !== mask) out[i] = 0
      else {
        const s = sums[i]
        out[i] = s === null ? 1 : s === 'responseMs' ? ms : (deal as number)
      }
    }
  }
  const specs = kpiSpecs(targets)
  const kpis = Object.fromEntries(
    Object.entries(specs).map(([id, spec]) => [
      id,
      {
        id,
        label: spec.label,
        unit: spec.unit,
        display: spec.display,
        basis: spec.basis,
        matures: spec.matures,
        good: spec.good,
        ...(spec.target === undefined ? {} : { target: spec.target }),
        ...(spec.band === undefined ? {} : { band: spec.band }),
        rule: spec.rule,
      },
    ]),
  ) as unknown as Record<KpiId, KpiDefinition>
  const values = Object.fromEntries(
    CARD_KPIS.map((id) => {
      const value = specs[id].value
      if (!value) throw new Error(`card KPI ${id} has no measure expression`)
      return [id, value]
    }),
  ) as Record<CardKpi, MeasureValue>
  const definitionsHash = createHash('sha256')
    .update(JSON.stringify({ format: ROLLUP_FORMAT, measures: MEASURE_DEFS, measureSql }))
    .digest('hex')
    .slice(0, 16)
  return { targets, kpis, values, measureSql, measure, definitionsHash }
}

const DEFAULT_REGISTRY = createRegistry()
const bound = new WeakMap<Store, KpiRegistry>()

/** The registry a cache handle computes with: the default, unless registryFor chose others. */
export function registryOf(db: Store): KpiRegistry {
  return bound.get(db) ?? DEFAULT_REGISTRY
}

/**
 * Opens `db` with other targets (a new release's, or an organisation's own).
 * Rollups built under other definitions stop being read at once (rollupState)
 * and are rebuilt by ensureRollups.
 */
export function registryFor(db: Store, targets: KpiTargets): KpiRegistry {
  const registry = createRegistry(targets)
  bound.set(db, registry)
  return registry
}

/** One lead's measures as an object (the JS twin of measureSql; tests and small callers). */
export function leadMeasures(l: LeadRow, registry = DEFAULT_REGISTRY): Measures {
  const out = new Float64Array(MEASURES.length)
  registry.measure(out, l.created_at, l.first_response_at, l.status, l.deal_value_cents)
  return Object.fromEntries(MEASURES.map((m, i) => [m, out[i] as number])) as Measures
}

// The tables a report carries (shared/api/exports.ts EXPORT_DATASETS), each built from the same
// numbers the tab shows: `leads` reads the cache row by row under the very WHERE the metrics use
// (filter-sql.ts, the created-at basis of rollups.ts and the range's bounds in its own zone); the
// breakdowns are the dashboard answer's rows (marketing ROI, premium markets, funnel), and revenue
// by month is the Revenue tab's "revenue booked" series summed by local month. Labels read as the
// screen writes them; where a column is a registry KPI its kind follows the KPI's display unit.
import {
  EXPORT_DATASET_TEXT,
  type DashboardData,
  type DashboardName,
  type DateRange,
  type ExportDataset,
  type Filters,
  type Funnel,
  type KpiDefinition,
  type MarketingRoi,
  type PremiumMarkets,
  type LEAD_STATUSES,
} from '../../shared/api/index.ts'
import {
  INTEL_FEATURE_TEXT,
  type CallFirstResult,
  type JourneysResult,
  type SegmentsResult,
} from '../../shared/api/intelligence.ts'
import { FILTER_FIELD_LABELS } from '../../shared/format/index.ts'
import { modelCard } from '../intelligence/read.ts'
import { createScope, series } from '../metrics/aggregate.ts'
import { dimsSql, activeDims } from '../metrics/filter-sql.ts'
import { BASIS } from '../metrics/rollups.ts'
import { dayNumber, firstDayOfMonth, monthOfDay, rangeBounds } from '../metrics/time-range.ts'
import type { Store } from '../store/index.ts'
import type { Cell, CellKind, Column, Dataset } from './report.ts'

/** The dashboards of `kpis.dashboard` a dataset is read from (besides the tab's own). */
export const DATASET_DASHBOARDS: Readonly<Record<ExportDataset, readonly DashboardName[]>> = {
  leads: [],
  channels: ['marketing'],
  segments: ['markets'],
  revenueByMonth: [],
  funnel: ['funnel'],
  // Read from the stored intelligence (main/intelligence/read.ts), not from kpis.dashboard.
  customerSegments: [],
  journeySteps: [],
  callFirst: [],
}

/** A column whose value is a registry KPI: its kind from the KPI's display unit. */
export function kpiKind(def: Pick<KpiDefinition, 'display'>): CellKind {
  switch (def.display) {
    case 'integer':
      return 'integer'
    case 'seconds':
      return 'seconds'
    case 'percent':
      return 'fraction'
    case 'money':
      return 'money'
    case 'ratio':
      return 'decimal'
  }
}

/** Integer cents as the currency units a `money` cell carries. */
export const dollars = (cents: number | null): number | null =>
  cents === null ? null : cents / 100

/** A dataset whose rows are already in memory (a breakdown of a few dozen rows). */
function listed(
  id: ExportDataset,
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  totals?: readonly Cell[],
): Dataset {
  return {
    id,
    ...EXPORT_DATASET_TEXT[id],
    columns,
    rowCount: rows.length,
    rows: () => rows[Symbol.iterator](),
    ...(totals === undefined ? {} : { totals }),
  }
}

// ---- leads -----------------------------------------------------------------------------------

const LEAD_COLUMNS: readonly Column[] = [
  // An id is text end to end: 9123456789012345 is past 2^53 and would come out as …344 as a number.
  { key: 'id', label: 'Lead ID', kind: 'id', width: 20 },
  { key: 'createdAt', label: 'Created', kind: 'datetime', width: 20 },
  { key: 'source', label: FILTER_FIELD_LABELS.source, kind: 'text', width: 18 },
  { key: 'city', label: FILTER_FIELD_LABELS.city, kind: 'text', width: 16 },
  { key: 'segment', label: FILTER_FIELD_LABELS.segment, kind: 'text', width: 14 },
  { key: 'temperature', label: FILTER_FIELD_LABELS.temperature, kind: 'text', width: 12 },
  { key: 'status', label: FILTER_FIELD_LABELS.status, kind: 'text', width: 12 },
  { key: 'owner', label: FILTER_FIELD_LABELS.owner, kind: 'text', width: 14 },
  { key: 'firstResponseSeconds', label: 'First response', kind: 'seconds', width: 14 },
  { key: 'convertedAt', label: 'Converted', kind: 'datetime', width: 20 },
  { key: 'dealValue', label: 'Deal value', kind: 'money', width: 14 },
  // Issue 16: an open lead's chance to convert, as its call-first row shows it.
  { key: 'score', label: 'Score', kind: 'fraction', width: 10 },
]

/** A won or lost lead has no score: its outcome is known (a score kept from before it closed is stale). */
const CLOSED: readonly (typeof LEAD_STATUSES)[number][] = ['won', 'lost']

/**
 * The filtered leads, one row each, oldest first: the leads created in the range's days of its
 * own zone that the dimension filters keep, deleted leads left out, exactly the leads the KPIs
 * count (`leadResponse.leads` is its row count). Rows are read lazily from `db` on each call of
 * `rows()`; while one is being read the connection runs nothing else (better-sqlite3), so a
 * writer reads one dataset at a time, to its end or `return()`.
 */
export function leadsDataset(db: Store, filters: Filters, range: DateRange): Dataset {
  const { start, end } = rangeBounds(range)
  const dims = dimsSql(activeDims(filters))
  const where = `${BASIS.created.where} AND created_at >= ? AND created_at < ?${dims.sql}`
  const params = [start, end, ...dims.params]
  const rowCount = db
    .prepare(`SELECT count(*) FROM leads WHERE ${where}`)
    .pluck()
    .get(...params) as number
  // The score of the order the call-first list follows: the model's, or the temperature
  // baseline's when the model does not beat it (main/intelligence/read.ts).
  const score = modelCard(db).scoreSource === 'model' ? 'model_score' : 'baseline_score'
  // Money and seconds divided in SQL into the units a cell carries; the leads_created_at index
  // (its entries end with the rowid) gives this order without a sort; a score is one lookup by key.
  const select = db
    .prepare(
      `SELECT CAST(id AS TEXT), created_at, source, city, segment, temperature, status, owner,
              (first_response_at - created_at) / 1000.0, converted_at, deal_value_cents / 100.0,
              CASE WHEN status IN (${CLOSED.map(() => '?').join(', ')}) THEN NULL
                   ELSE (SELECT s.${score} FROM intel_lead_scores s WHERE s.lead_id = leads.id) END
         FROM leads WHERE ${where} ORDER BY created_at, id`,
    )
    .raw(true)
  return {
    id: 'leads',
    ...EXPORT_DATASET_TEXT.leads,
    columns: LEAD_COLUMNS,
    rowCount,
    rows: () => select.iterate(...CLOSED, ...params) as Iterator<readonly Cell[]>,
  }
}

// ---- channels --------------------------------------------------------------------------------

/** The Marketing tab's channel table, with its totals (the tab's cards). */
export function channelsDataset(roi: MarketingRoi, kpis: DashboardData['kpis']): Dataset {
  const columns: readonly Column[] = [
    { key: 'channel', label: 'Channel', kind: 'text', width: 22 },
    { key: 'leads', label: 'Leads', kind: kpiKind(kpis.leads), width: 10 },
    { key: 'won', label: 'Won', kind: kpiKind(kpis.conversions), width: 10 },
    { key: 'rate', label: 'Rate', kind: kpiKind(kpis.conversionRate), width: 10 },
    { key: 'rateTarget', label: 'Rate target', kind: 'fraction', width: 12 },
    { key: 'revenue', label: 'Revenue', kind: kpiKind(kpis.revenueCents), width: 14 },
    { key: 'cost', label: 'Cost', kind: 'money', width: 14 },
    { key: 'costBasis', label: 'Cost from', kind: 'text', width: 14 },
    { key: 'perLead', label: 'Per lead', kind: 'money', width: 12 },
    { key: 'perLeadTarget', label: 'Per lead target', kind: 'money', width: 14 },
    // ROI is a percent number in the api (25 = 25 %); a fraction in the cell, as its card shows it.
    { key: 'roi', label: 'ROI', kind: kpiKind(kpis.roiPercent), width: 10 },
    { key: 'result', label: 'Result', kind: 'text', width: 12 },
  ]
  const result = (profitable: boolean | null): string =>
    profitable === null ? 'unknown' : profitable ? 'Profitable' : 'Loss'
  const fraction = (percent: number | null): number | null =>
    percent === null ? null : percent / 100
  const rows = roi.channels.map((ch) => [
    ch.channel,
    ch.leads,
    ch.conversions,
    ch.rate,
    ch.conversionTarget,
    dollars(ch.revenueCents),
    dollars(ch.costCents),
    ch.costBasis,
    dollars(ch.costPerLeadCents),
    dollars(ch.targetCostPerLeadCents),
    fraction(ch.roiPercent),
    result(ch.profitable),
  ])
  const t = roi.totals
  const totals: readonly Cell[] = [
    'Total',
    t.leads,
    t.conversions,
    t.leads === 0 ? null : t.conversions / t.leads,
    null,
    dollars(t.revenueCents),
    dollars(t.costCents),
    null,
    null,
    null,
    fraction(t.roiPercent),
    result(t.profitable),
  ]
  return listed('channels', columns, rows, totals)
}

// ---- segments --------------------------------------------------------------------------------

/** The Premium markets tab's segment table (the tab shows no totals row). */
export function segmentsDataset(markets: PremiumMarkets, kpis: DashboardData['kpis']): Dataset {
  const columns: readonly Column[] = [
    { key: 'segment', label: 'Segment', kind: 'text', width: 18 },
    { key: 'leads', label: 'Leads', kind: kpiKind(kpis.leads), width: 10 },
    { key: 'deals', label: 'Deals', kind: kpiKind(kpis.conversions), width: 10 },
    { key: 'dealsWithoutValue', label: 'Deals without value', kind: 'integer', width: 12 },
    { key: 'revenue', label: 'Revenue', kind: kpiKind(kpis.revenueCents), width: 14 },
    { key: 'averageDeal', label: 'Avg deal', kind: 'money', width: 14 },
    { key: 'targetDeal', label: 'Deal target', kind: 'money', width: 14 },
    { key: 'vsTarget', label: 'vs target', kind: 'decimal', width: 10 },
    { key: 'conversion', label: 'Conversion', kind: kpiKind(kpis.conversionRate), width: 12 },
    { key: 'penetration', label: kpis.penetration.label, kind: kpiKind(kpis.penetration) },
  ]
  const rows = markets.segments.map((s) => [
    s.segment,
    s.leads,
    s.deals,
    s.dealsWithoutValue,
    dollars(s.revenueCents),
    dollars(s.averageDealCents),
    dollars(s.targetDealCents),
    s.dealSizeVsTarget,
    s.conversion,
    s.penetration,
  ])
  return listed('segments', columns, rows)
}

// ---- funnel ----------------------------------------------------------------------------------

/** The Funnel tab's stage-to-stage table, in the funnel's order. */
export function funnelDataset(funnel: Funnel, kpis: DashboardData['kpis']): Dataset {
  const columns: readonly Column[] = [
    { key: 'stage', label: 'Stage', kind: 'text', width: 14 },
    { key: 'current', label: 'Now at stage', kind: 'integer', width: 14 },
    { key: 'reached', label: 'Reached', kind: kpiKind(kpis.funnelReach), width: 12 },
    { key: 'fromPrevious', label: 'From previous', kind: 'fraction', width: 14 },
  ]
  const rows = funnel.stages.map((s) => [s.stage, s.current, s.reached, s.fromPrevious])
  return listed('funnel', columns, rows)
}

// ---- revenue by month ------------------------------------------------------------------------

const monthKey = (month: number): string =>
  `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`

/**
 * Revenue booked (deals won by their close date, in the range's zone) per local month of the
 * range, as the Revenue tab's chart sums it, beside each month's target. The first and last
 * months may be partly in the range: "Days in range" says how much of each was counted, while its
 * target stays the whole month's. A range holds at most 20 years (date-range.ts): 241 rows.
 */
export function revenueByMonthDataset(
  db: Store,
  filters: Filters,
  range: DateRange,
  kpis: DashboardData['kpis'],
): Dataset {
  const scope = createScope(db, filters)
  const booked = series(scope, 'converted', 'day', range)
  const from = dayNumber(range.from)
  const to = dayNumber(range.to)
  const first = monthOfDay(from)
  const last = monthOfDay(to)
  const deals = new Map<number, number>()
  const cents = new Map<number, number>()
  for (const [day, m] of booked) {
    const month = monthOfDay(day)
    deals.set(month, (deals.get(month) ?? 0) + m.leads)
    cents.set(month, (cents.get(month) ?? 0) + m.revenue_cents)
  }
  const targets = new Map(
    (
      db
        .prepare(
          `SELECT month, target_cents AS t FROM revenue_targets
            WHERE deleted_at IS NULL AND month BETWEEN ? AND ?`,
        )
        .all(monthKey(first), monthKey(last)) as { month: string; t: number }[]
    ).map((r) => [r.month, r.t]),
  )
  const columns: readonly Column[] = [
    { key: 'month', label: 'Month', kind: 'text', width: 10 },
    { key: 'daysInRange', label: 'Days in range', kind: 'integer', width: 10 },
    { key: 'deals', label: kpis.dealsBooked.label, kind: kpiKind(kpis.dealsBooked), width: 12 },
    {
      key: 'revenue',
      label: kpis.revenueBooked.label,
      kind: kpiKind(kpis.revenueBooked),
      width: 16,
    },
    { key: 'target', label: 'Month target', kind: 'money', width: 16 },
    {
      key: 'vsTarget',
      label: kpis.monthProgress.label,
      kind: kpiKind(kpis.monthProgress),
      width: 14,
    },
  ]
  const rows: Cell[][] = []
  let dealSum = 0
  let centSum = 0
  let targetSum: number | null = null
  let targetedCents = 0
  for (let month = first; month <= last; month++) {
    const days =
      Math.min(to, firstDayOfMonth(month + 1) - 1) - Math.max(from, firstDayOfMonth(month)) + 1
    const d = deals.get(month) ?? 0
    const c = cents.get(month) ?? 0
    const target = targets.get(monthKey(month)) ?? null
    dealSum += d
    centSum += c
    if (target !== null) {
      targetSum = (targetSum ?? 0) + target
      targetedCents += c
    }
    rows.push([monthKey(month), days, d, c / 100, dollars(target), target ? c / target : null])
  }
  const totals: Cell[] = [
    'Total',
    to - from + 1,
    dealSum,
    centSum / 100,
    dollars(targetSum),
    // Against the months that have a target only: a month without one is not a miss.
    targetSum ? targetedCents / targetSum : null,
  ]
  return listed('revenueByMonth', columns, rows, totals)
}

// ---- customer intelligence (issue 16) ----------------------------------------------------------

/**
 * The Segments tab's table: each segment with its size, revenue share and conversion, and its
 * centroid's standardised value of every feature (what sets it apart, as the tab says it).
 * Segments are a model of every lead: the filters do not apply (the tab shows none).
 */
export function customerSegmentsDataset(result: SegmentsResult): Dataset {
  const features = result.segments[0]?.centroid.map((f) => f.feature) ?? []
  const columns: readonly Column[] = [
    { key: 'segment', label: 'Segment', kind: 'text', width: 34 },
    { key: 'leads', label: 'Leads', kind: 'integer', width: 10 },
    { key: 'share', label: 'Share of leads', kind: 'fraction', width: 12 },
    { key: 'revenue', label: 'Revenue', kind: 'money', width: 14 },
    { key: 'revenueShare', label: 'Revenue share', kind: 'fraction', width: 12 },
    { key: 'conversion', label: 'Conversion', kind: 'fraction', width: 12 },
    ...features.map((f): Column => ({
      key: `z-${f}`,
      label: `${INTEL_FEATURE_TEXT[f].label} (z)`,
      kind: 'decimal',
      width: 12,
    })),
  ]
  const rows = result.segments.map((s) => [
    s.name,
    s.size,
    s.share,
    dollars(s.revenueCents),
    s.revenueShare,
    s.conversion,
    ...features.map((f) => s.centroid.find((c) => c.feature === f)?.z ?? null),
  ])
  return listed('customerSegments', columns, rows)
}

/** The Journeys tab's steps under the filters: leads that took each, and the median stay. */
export function journeyStepsDataset(result: JourneysResult): Dataset {
  const slow = new Set(result.slowest.map((e) => `${e.from}>${e.to}`))
  const columns: readonly Column[] = [
    { key: 'from', label: 'From', kind: 'text', width: 12 },
    { key: 'to', label: 'To', kind: 'text', width: 12 },
    { key: 'leads', label: 'Leads', kind: 'integer', width: 10 },
    { key: 'medianStay', label: 'Median stay', kind: 'seconds', width: 14 },
    { key: 'slowest', label: 'Among the slowest', kind: 'text', width: 12 },
  ]
  const rows = result.edges.map((e) => [
    e.from,
    e.to,
    e.count,
    e.medianMs / 1000,
    slow.has(`${e.from}>${e.to}`) ? 'yes' : '',
  ])
  return listed('journeySteps', columns, rows)
}

/** The Lead scores tab's list: open leads in the order to call them, with what drove each score. */
export function callFirstDataset(result: CallFirstResult): Dataset {
  const columns: readonly Column[] = [
    { key: 'priority', label: 'Priority', kind: 'integer', width: 10 },
    { key: 'id', label: 'Lead ID', kind: 'id', width: 20 },
    { key: 'score', label: 'Score', kind: 'fraction', width: 10 },
    { key: 'expectedValue', label: 'Expected value', kind: 'money', width: 14 },
    { key: 'drivers', label: 'Drivers', kind: 'text', width: 34 },
    { key: 'temperature', label: FILTER_FIELD_LABELS.temperature, kind: 'text', width: 12 },
    { key: 'status', label: FILTER_FIELD_LABELS.status, kind: 'text', width: 12 },
    { key: 'source', label: FILTER_FIELD_LABELS.source, kind: 'text', width: 18 },
    { key: 'city', label: FILTER_FIELD_LABELS.city, kind: 'text', width: 16 },
    { key: 'owner', label: FILTER_FIELD_LABELS.owner, kind: 'text', width: 14 },
    { key: 'createdAt', label: 'Created', kind: 'datetime', width: 20 },
  ]
  const rows = result.rows.map((r) => [
    r.priority,
    String(r.leadId),
    r.score,
    dollars(r.expectedValueCents),
    result.scoreSource === 'model'
      ? r.drivers
          .map((d) => `${INTEL_FEATURE_TEXT[d.feature].label} ${d.direction === 'up' ? '+' : '−'}`)
          .join(', ')
      : 'temperature alone (the model does not beat it)',
    r.temperature,
    r.status,
    r.source,
    r.city,
    r.owner,
    Date.parse(r.createdAt),
  ])
  return listed('callFirst', columns, rows)
}

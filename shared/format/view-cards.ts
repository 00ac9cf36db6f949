// The KPI cards each tab shows, with the words the page writes on them, defined once for the
// page's views and the exports (issue 12: "every KPI an export writes, with its label, unit and
// number format, comes from the registry, so a screen and its export cannot disagree"). Labels,
// bases, display units and targets come from the registry's definitions that arrive with the
// answer (DashboardData.kpis); the values are the answer's own.
//
// The views in renderer/src/views/*.tsx draw these cards with their own JSX (meters, tones, the
// delta's arrow in a span); tests/unit/export-report.test.ts pins that the texts here are what
// those views write for the same answer.
import type {
  CardDelta,
  DashboardData,
  KpiBasis,
  KpiDefinition,
  LeadResponseStats,
  ViewId,
} from '../api/index.ts'
import { formatMonth } from './dates.ts'
import {
  basisLabel,
  deltaWords,
  formatKpiValue,
  formatMaturity,
  type KpiFormat,
} from './kpi-values.ts'
import { formatInteger, formatMoneyShort, formatPercent } from './numbers.ts'

/** One card as the screen shows it. */
export interface ViewCard {
  /** The card's `data-testid` on the page, without its `kpi-` prefix. */
  readonly id: string
  readonly label: string
  /** What the number counts: leads created in the range, or deals booked in it. */
  readonly basis: KpiBasis
  /** "by lead date" where the card says it (the registry's KPIs), else null. */
  readonly basisText: string | null
  /** The value as the api answers it (cents, fractions, seconds, ROI in percent); null for none. */
  readonly value: number | null
  /** How the value is written; null when the card's value is a word (the verdict). */
  readonly format: KpiFormat | null
  /** The value as the screen writes it, or the sentence it shows instead ("No leads in this range"). */
  readonly text: string
  /** The target as the screen or the registry writes it ("25.0 %–35.0 %", "120 s"), or null. */
  readonly target: string | null
  /** The card's small print ("over 95 answered of 120 leads", a change "▲ +3.1 % vs …"), or null. */
  readonly context: string | null
  /** Why its number still rises, where the range is maturing ("45.0 % of these leads still open; …"). */
  readonly maturing: string | null
}

const NO_LEADS = 'No leads in this range'
/** The page's placeholder for a value that is not there. */
const NONE = '—'

const COUNT: KpiFormat = { unit: 'count', display: 'integer' }
const MONEY: KpiFormat = { unit: 'cents', display: 'money' }

const leadsWord = (n: number): string => `${formatInteger(n)} ${n === 1 ? 'lead' : 'leads'}`

interface CardParts {
  readonly id: string
  readonly label: string
  readonly basis: KpiBasis
  /** The registry definition whose basis the card names. */
  readonly def?: KpiDefinition | undefined
  readonly value: number | null
  readonly format: KpiFormat | null
  readonly display: string | null
  readonly emptyText?: string | null
  readonly target?: string | null
  readonly context?: string | null
  readonly maturing?: string | null
}

function card(p: CardParts): ViewCard {
  return {
    id: p.id,
    label: p.label,
    basis: p.basis,
    basisText: p.def === undefined ? null : basisLabel(p.def),
    value: p.value,
    format: p.format,
    text: p.display ?? p.emptyText ?? NONE,
    target: p.target ?? null,
    context: p.context ?? null,
    maturing: p.maturing ?? null,
  }
}

/** A registry target in the KPI's own unit ("120 s", "80.0 %"), or null where it has none. */
const registryTarget = (def: KpiDefinition): string | null =>
  def.target === undefined ? null : formatKpiValue(def, def.target)

const bandText = (def: KpiDefinition, band: { low: number; high: number }): string =>
  `${formatKpiValue(def, band.low)}–${formatKpiValue(def, band.high)}`

/** The three lead-response cards (renderer/src/components/lead-response-kpis.tsx). */
function leadResponseCards(k: LeadResponseStats, defs: DashboardData['kpis']): ViewCard[] {
  const empty = k.noData || k.leads === 0
  const leads = leadsWord(k.leads)
  const average = defs.averageResponseSeconds
  const share = defs.shareUnderTarget
  return [
    card({
      id: 'average-response',
      label: average.label,
      basis: average.basis,
      def: average,
      value: k.averageSeconds,
      format: average,
      display: k.averageSeconds === null ? null : formatKpiValue(average, k.averageSeconds),
      emptyText: empty ? NO_LEADS : 'No lead answered yet',
      target: registryTarget(average),
      context: empty
        ? 'Nothing was created in the selected days'
        : `over ${formatInteger(k.responded)} answered of ${leads}`,
    }),
    card({
      id: 'share-under-target',
      label: `Answered within ${k.targetSeconds} s`,
      basis: share.basis,
      def: share,
      value: k.shareUnderTarget,
      format: share,
      display: k.shareUnderTarget === null ? null : formatKpiValue(share, k.shareUnderTarget),
      emptyText: NO_LEADS,
      target: registryTarget(share),
      context: empty ? null : `${formatInteger(k.underTarget)} of ${leads}`,
    }),
    card({
      id: 'over-target',
      label: 'Leads over target',
      basis: 'lead date',
      value: empty ? null : k.overTarget,
      format: COUNT,
      display: empty ? null : formatInteger(k.overTarget),
      emptyText: NO_LEADS,
      context: empty ? null : `of ${leads}, ${formatInteger(k.neverResponded)} never answered`,
    }),
  ]
}

/** The Lead response tab's details (renderer/src/views/lead-response.tsx). */
function leadResponseDetails(k: LeadResponseStats, defs: DashboardData['kpis']): ViewCard[] {
  const empty = k.noData
  const median = defs.medianResponseSeconds
  const lost = defs.estimatedConversionsLost
  return [
    card({
      id: 'median-response',
      label: median.label,
      basis: median.basis,
      def: median,
      value: k.medianSeconds,
      format: median,
      display: k.medianSeconds === null ? null : formatKpiValue(median, k.medianSeconds),
      emptyText: empty ? NO_LEADS : 'No lead answered yet',
      target: registryTarget(median),
      context: empty ? null : 'half the answered leads were faster',
    }),
    card({
      id: 'never-answered',
      label: 'Never answered',
      basis: 'lead date',
      value: empty ? null : k.neverResponded,
      format: COUNT,
      display: empty ? null : formatInteger(k.neverResponded),
      emptyText: empty ? NO_LEADS : null,
      context: empty ? null : `of ${formatInteger(k.leads)} leads`,
    }),
    card({
      id: 'conversions-lost',
      label: 'Est. deals lost to slow answers',
      basis: lost.basis,
      value: k.estimatedConversionsLost,
      format: COUNT,
      display:
        k.estimatedConversionsLost === null ? null : formatInteger(k.estimatedConversionsLost),
      emptyText: empty ? NO_LEADS : 'Not enough answered leads to compare',
      context:
        k.conversionUnderTarget === null || k.conversionOverTarget === null
          ? null
          : `${formatPercent(k.conversionUnderTarget)} win rate when fast vs ${formatPercent(k.conversionOverTarget)} when slow`,
    }),
    card({
      id: 'response-status',
      label: 'Verdict',
      basis: 'lead date',
      value: null,
      format: null,
      display: k.status,
      emptyText: NO_LEADS,
      context: k.statusRule,
    }),
  ]
}

/** Overview's headline numbers with their change (renderer/src/views/overview.tsx HeadlineCards). */
function headlineCards(data: DashboardData): ViewCard[] {
  const trends = data.trends
  if (trends === undefined) return []
  const defs = data.kpis
  const d = trends.deltas
  const maturity = data.conversion?.maturity ?? trends.maturity
  const noLeads = d.leads.current === 0
  const change = (delta: CardDelta, unit: 'relative' | 'points', def: KpiDefinition) =>
    deltaWords(delta, unit, def.good, trends.comparison).text
  const maturingOf = (def: KpiDefinition) =>
    def.matures && maturity.maturing && !noLeads ? formatMaturity(maturity) : null
  const plain = (id: 'leads' | 'conversions' | 'revenueCents', testId: string, short: boolean) => {
    const def = defs[id]
    const value = d[id].current ?? 0
    return card({
      id: testId,
      label: def.label,
      basis: def.basis,
      def,
      value: d[id].current,
      format: def,
      display: formatKpiValue(def, value, short ? { short } : {}),
      context: change(d[id], 'relative', def),
      maturing: maturingOf(def),
    })
  }
  const rateDef = defs.conversionRate
  const rate = d.conversionRate.current
  const band = rateDef.band
  return [
    plain('leads', 'leads', false),
    card({
      id: 'conversion-rate',
      label: rateDef.label,
      basis: rateDef.basis,
      def: rateDef,
      value: rate,
      format: rateDef,
      display: rate === null ? null : formatKpiValue(rateDef, rate),
      emptyText: noLeads ? NO_LEADS : null,
      target: band === undefined ? null : bandText(rateDef, band),
      context: change(d.conversionRate, 'points', rateDef),
      maturing: maturingOf(rateDef),
    }),
    plain('conversions', 'conversions', false),
    plain('revenueCents', 'revenue', true),
  ]
}

function conversionCards(data: DashboardData): ViewCard[] {
  const conv = data.conversion
  if (conv === undefined) return []
  const empty = conv.noData
  const rateDef = data.kpis.conversionRate
  const wonDef = data.kpis.conversions
  const maturing = !empty && conv.maturity.maturing
  const note = maturing ? formatMaturity(conv.maturity) : null
  const band = bandText(rateDef, conv.targetBand)
  return [
    card({
      id: 'conversion-overall',
      label: rateDef.label,
      basis: rateDef.basis,
      def: rateDef,
      value: conv.rate,
      format: rateDef,
      display: conv.rate === null ? null : formatKpiValue(rateDef, conv.rate),
      emptyText: NO_LEADS,
      target: band,
      context: `target band ${band}${conv.band === null ? '' : ` · ${maturing ? 'so far ' : ''}${conv.band}`}`,
      maturing: note,
    }),
    card({
      id: 'conversion-won',
      label: wonDef.label,
      basis: wonDef.basis,
      def: wonDef,
      value: empty ? null : conv.conversions,
      format: wonDef,
      display: empty ? null : formatKpiValue(wonDef, conv.conversions),
      emptyText: empty ? NO_LEADS : null,
      context: empty ? null : `of ${formatInteger(conv.leads)} leads`,
      maturing: note,
    }),
  ]
}

function marketingCards(data: DashboardData): ViewCard[] {
  const roi = data.marketing
  if (roi === undefined) return []
  const t = roi.totals
  const empty = roi.noData
  const { leads, revenueCents, roiPercent } = data.kpis
  return [
    card({
      id: 'marketing-leads',
      label: 'Leads from channels',
      basis: leads.basis,
      def: leads,
      value: empty ? null : t.leads,
      format: leads,
      display: empty ? null : formatInteger(t.leads),
      emptyText: empty ? NO_LEADS : null,
      context: empty ? null : `${formatInteger(t.conversions)} won`,
    }),
    card({
      id: 'marketing-revenue',
      label: 'Revenue',
      basis: revenueCents.basis,
      def: revenueCents,
      value: empty ? null : t.revenueCents,
      format: revenueCents,
      display: empty ? null : formatKpiValue(revenueCents, t.revenueCents, { short: true }),
      emptyText: empty ? NO_LEADS : null,
      context: empty ? null : `cost ${formatMoneyShort(t.costCents)}`,
    }),
    card({
      id: 'marketing-roi',
      label: 'Return on spend',
      basis: roiPercent.basis,
      def: roiPercent,
      value: t.roiPercent,
      format: roiPercent,
      display: t.roiPercent === null ? null : formatKpiValue(roiPercent, t.roiPercent),
      emptyText: empty ? NO_LEADS : 'No cost data',
      target: registryTarget(roiPercent),
      context:
        t.profitable === null ? null : t.profitable ? 'profitable overall' : 'losing money overall',
    }),
  ]
}

function revenueCards(data: DashboardData): ViewCard[] {
  const r = data.revenue
  if (r === undefined) return []
  // Deals booked in the month or year: the registry's month-progress KPI counts by close date.
  const basis = data.kpis.monthProgress.basis
  const money = (cents: number | null): string | null =>
    cents === null ? null : formatMoneyShort(cents)
  return [
    card({
      id: 'month-revenue',
      label: formatMonth(r.month),
      basis,
      value: r.monthRevenueCents,
      format: MONEY,
      display: money(r.monthRevenueCents),
      target: money(r.monthTargetCents),
      context:
        r.monthTargetCents === null
          ? 'no target for this month'
          : `${formatPercent(r.monthProgress ?? 0)} of ${formatMoneyShort(r.monthTargetCents)} target`,
    }),
    card({
      id: 'month-projection',
      label: 'Month projection',
      basis,
      value: r.projectedMonthCents,
      format: MONEY,
      display: money(r.projectedMonthCents),
      emptyText: 'Month not started',
      target: money(r.monthTargetCents),
      context: 'at the current run rate',
    }),
    card({
      id: 'ytd-revenue',
      label: 'Year to date',
      basis,
      value: r.ytdRevenueCents,
      format: MONEY,
      display: money(r.ytdRevenueCents),
      target: money(r.ytdTargetCents),
      context:
        r.ytdTargetCents === null
          ? 'no target this year'
          : `target ${formatMoneyShort(r.ytdTargetCents)}`,
    }),
    card({
      id: 'annualised',
      label: 'Annualised',
      basis,
      value: r.annualisedCents,
      format: MONEY,
      display: money(r.annualisedCents),
      emptyText: 'No revenue this year',
      target: money(r.yearTargetCents),
      context:
        r.yearTargetCents === null
          ? 'no yearly target'
          : `year target ${formatMoneyShort(r.yearTargetCents)}`,
    }),
    card({
      id: 'growth-gap',
      label:
        r.nextGrowthTargetYear === null
          ? 'Next growth target'
          : `Gap to ${r.nextGrowthTargetYear} target`,
      basis,
      value: r.gapToNextTargetCents,
      format: MONEY,
      display: money(r.gapToNextTargetCents),
      emptyText: 'No target set',
      target: money(r.nextGrowthTargetCents),
      context:
        r.nextGrowthTargetCents === null
          ? 'every target is already met or none is set'
          : `${formatPercent(r.progressToNextTarget ?? 0)} of ${formatMoneyShort(r.nextGrowthTargetCents)}`,
    }),
  ]
}

/**
 * The cards a tab shows for an answer, in the page's order. Tabs without cards (Premium markets,
 * Funnel, Trends, the intelligence tabs, Activity) have none; System health's cards describe this
 * machine (memory, disk), not the filtered data, and are not part of a report.
 */
export function viewCards(view: ViewId, data: DashboardData): ViewCard[] {
  const lr = data.leadResponse
  switch (view) {
    case 'overview':
      return [...(lr ? leadResponseCards(lr, data.kpis) : []), ...headlineCards(data)]
    case 'lead-response':
      return lr ? [...leadResponseCards(lr, data.kpis), ...leadResponseDetails(lr, data.kpis)] : []
    case 'conversion':
      return conversionCards(data)
    case 'marketing':
      return marketingCards(data)
    case 'revenue':
      return revenueCards(data)
    case 'markets':
    case 'funnel':
    case 'trends':
    case 'segments':
    case 'journeys':
    case 'scores':
    case 'activity':
    case 'health':
      return []
  }
}

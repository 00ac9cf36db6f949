// Output types of the KPI catalog (DESIGN.md, "The ops domain"). Money is in
// integer cents, durations in seconds, rates as fractions (0.25 = 25 %). A
// KPI whose inputs are empty says so with `noData` and nulls, never 0 or NaN.

import type { SourceStatus } from './sources.ts'
import type { DashboardName } from './dashboards.ts'
import type { DateRange } from './filters.ts'
import type { RangePreset } from './date-range.ts'

/** Every KPI of the registry (main/metrics/registry.ts), by id. */
export type KpiId =
  | 'leads'
  | 'averageResponseSeconds'
  | 'medianResponseSeconds'
  | 'shareUnderTarget'
  | 'estimatedConversionsLost'
  | 'conversions'
  | 'conversionRate'
  | 'revenueCents'
  | 'dealsBooked'
  | 'revenueBooked'
  | 'roiPercent'
  | 'penetration'
  | 'monthProgress'
  | 'funnelReach'

/** count: a number of leads or deals; fraction: 0.25 = 25 %; cents: money; percent: 25 = 25 %. */
export type KpiUnit = 'count' | 'seconds' | 'fraction' | 'cents' | 'percent'

/**
 * Which leads a KPI counts: those CREATED in the range ('lead date': the range's cohort with
 * whatever became of it) or deals BOOKED in the range ('close date'). The same days give two
 * different "deals won" (issue 11): the page names the basis beside every number.
 */
export type KpiBasis = 'lead date' | 'close date'

/**
 * The one way a KPI's value is written, on cards, chart axes and tooltips alike
 * (renderer/src/lib/format.ts formatKpiValue / kpiAxis): integer "1,234"; seconds "480 s" (always
 * seconds, the unit the response target is stated in); percent "54.3 %" of a fraction (or of a
 * percent number for unit 'percent'); money "$12,340" of cents; ratio "1.8×".
 */
export type KpiDisplay = 'integer' | 'seconds' | 'percent' | 'money' | 'ratio'

/** A KPI as the registry defines it: the page, alerts and exports read these, never constants. */
export interface KpiDefinition {
  readonly id: KpiId
  readonly label: string
  readonly unit: KpiUnit
  /** How its values are written wherever they are shown. */
  readonly display: KpiDisplay
  /** Which leads it counts: created in the range, or booked (won) in it. */
  readonly basis: KpiBasis
  /**
   * Whether its value grows as the range's leads close (deals won, conversion, revenue of a
   * lead-date cohort): a range of young leads reads low until they have had time to close.
   */
  readonly matures: boolean
  /** Which way is better. */
  readonly good: 'up' | 'down'
  readonly target?: number
  /** The acceptable band, where the KPI has one (low ≤ value ≤ high). */
  readonly band?: { readonly low: number; readonly high: number }
  /** The sentence that states how it is computed and judged. */
  readonly rule: string
}

/** The targets the KPI definitions are made from. */
export interface KpiTargets {
  /** A lead is answered within target when its first response took at most this long. */
  readonly responseSeconds: number
  readonly responseShareExcellent: number
  readonly responseShareNeedsImprovement: number
  readonly conversionBand: { readonly low: number; readonly high: number }
  readonly coldConversionFloor: number
  readonly hotConversionFloor: number
}

export interface KpiBase {
  /** ISO time of the newest change in the cache; null when it holds no lead. */
  readonly asOf: string | null
  readonly noData: boolean
}

export interface LeadResponseStats extends KpiBase {
  readonly targetSeconds: number
  readonly leads: number
  readonly responded: number
  readonly neverResponded: number
  readonly underTarget: number
  /** Answered after the target or never answered. */
  readonly overTarget: number
  readonly averageSeconds: number | null
  readonly medianSeconds: number | null
  readonly shareUnderTarget: number | null
  /** Conversion rate of leads answered within target, and of the others. */
  readonly conversionUnderTarget: number | null
  readonly conversionOverTarget: number | null
  readonly estimatedConversionsLost: number | null
  readonly lostRule: string
  readonly status: 'excellent' | 'needs improvement' | 'poor' | null
  readonly statusRule: string
}

export interface RateRow {
  readonly key: string
  readonly leads: number
  readonly conversions: number
  readonly rate: number | null
  /** The channel's conversion target, where one is configured (by source only). */
  readonly target?: number | null
}

export interface Opportunity {
  readonly rule: string
  readonly message: string
  readonly leads: number
  readonly conversions: number
  readonly rate: number
  readonly threshold: number
}

export interface ConversionStats extends KpiBase {
  readonly leads: number
  readonly conversions: number
  readonly rate: number | null
  readonly targetBand: { readonly low: number; readonly high: number }
  readonly band: 'below' | 'within' | 'above' | null
  /** How far the range's leads have played out: a young cohort's rate is still rising. */
  readonly maturity: CohortMaturity
  readonly byTemperature: readonly RateRow[]
  readonly bySource: readonly RateRow[]
  readonly opportunities: readonly Opportunity[]
}

export interface ChannelRoi {
  readonly channel: string
  readonly leads: number
  readonly conversions: number
  readonly rate: number | null
  readonly conversionTarget: number | null
  readonly revenueCents: number
  readonly costCents: number | null
  readonly costBasis: 'monthly spend' | 'cost per lead' | null
  readonly costPerLeadCents: number | null
  readonly targetCostPerLeadCents: number | null
  readonly roiPercent: number | null
  readonly profitable: boolean | null
}

export interface MarketingRoi extends KpiBase {
  readonly channels: readonly ChannelRoi[]
  readonly totals: {
    readonly leads: number
    readonly conversions: number
    readonly revenueCents: number
    readonly costCents: number
    readonly roiPercent: number | null
    readonly profitable: boolean | null
  }
  readonly costRule: string
}

export interface SegmentStats {
  readonly segment: string
  readonly leads: number
  readonly deals: number
  readonly dealsWithoutValue: number
  readonly revenueCents: number
  readonly averageDealCents: number | null
  readonly targetDealCents: number | null
  readonly dealSizeVsTarget: number | null
  readonly conversion: number | null
  readonly penetration: number | null
}

export interface PremiumMarkets extends KpiBase {
  readonly segments: readonly SegmentStats[]
  readonly penetrationRule: string
}

export interface RevenueGrowth extends KpiBase {
  readonly month: string
  readonly monthRevenueCents: number
  readonly monthTargetCents: number | null
  readonly monthProgress: number | null
  readonly projectedMonthCents: number | null
  readonly ytdRevenueCents: number
  readonly ytdTargetCents: number | null
  readonly annualisedCents: number | null
  readonly yearTargetCents: number | null
  readonly nextGrowthTargetCents: number | null
  readonly nextGrowthTargetYear: number | null
  readonly progressToNextTarget: number | null
  readonly gapToNextTargetCents: number | null
  readonly rules: string
}

export interface FunnelStage {
  readonly stage: string
  /** Leads whose current status is this stage. */
  readonly current: number
  /** Leads that reached at least this stage (see rule). */
  readonly reached: number
  /** reached / reached of the stage before; null for the first stage or a zero denominator. */
  readonly fromPrevious: number | null
}

export interface Funnel extends KpiBase {
  readonly stages: readonly FunnelStage[]
  readonly lost: number
  readonly rule: string
}

export interface Series {
  /** Bucket starts as local `YYYY-MM-DD` (day, week, month) or `YYYY-MM-DDTHH` (hour). */
  readonly x: readonly string[]
  readonly y: readonly (number | null)[]
}

export interface CardValues {
  readonly leads: number
  readonly averageResponseSeconds: number | null
  readonly shareUnderTarget: number | null
  readonly conversions: number
  readonly conversionRate: number | null
  readonly revenueCents: number
}

export interface CardDelta {
  readonly current: number | null
  readonly previous: number | null
  readonly change: number | null
  /** change / previous; null when previous is 0 or null. */
  readonly relative: number | null
  /**
   * False when the change says more about age than performance: a KPI that matures (deals won,
   * conversion, revenue by lead date) over a maturing range, against a settled one.
   */
  readonly comparable: boolean
}

/**
 * What a range is compared with. The kind follows the range the viewer picked
 * (comparisonKindFor); main/metrics/time-range.ts comparisonFor turns it into days.
 */
export const COMPARISON_KINDS = [
  'previous period',
  'previous day',
  'same days last month',
  'same days last quarter',
  'same days last year',
] as const
export type ComparisonKind = (typeof COMPARISON_KINDS)[number]

/**
 * The one rule for which days a range is compared with (issue 11: year to date was compared
 * with "Feb 2 – Dec 31, 2025"): a period to date with the same days of the period before; a
 * single day with the day before; last N days and custom days with the N days just before. The
 * page reads its presets to days before asking, so it sends this kind along (`compareWith`).
 */
export function comparisonKindFor(preset: RangePreset | 'custom'): ComparisonKind {
  switch (preset) {
    case 'mtd':
      return 'same days last month'
    case 'qtd':
      return 'same days last quarter'
    case 'ytd':
      return 'same days last year'
    case 'today':
    case 'yesterday':
      return 'previous day'
    default:
      return 'previous period'
  }
}

export interface Comparison {
  readonly range: DateRange
  readonly kind: ComparisonKind
}

/**
 * How far the outcomes of a range's leads (by lead date) have played out. Deals close days or
 * weeks after the lead arrives, so the newest leads of a range are mostly still open and its
 * conversion reads low until they close (issue 11: "8.3 % conversion, deals won −61 %").
 */
export interface CohortMaturity {
  /** The range's leads are too young for their outcomes to be read as final (see rule). */
  readonly maturing: boolean
  /**
   * Share of the range's leads still open (neither won nor lost); null without leads, and in the
   * trends answer, which does not compute it (read the conversion answer's).
   */
  readonly openShare: number | null
  /** Share of the range's leads created less than `closeDays` days ago; null without leads. */
  readonly youngShare: number | null
  /** Median days from lead to won deal over the recent deals (or the registry's default). */
  readonly typicalCloseDays: number
  /** Days within which most (80 %) deals close. */
  readonly closeDays: number
  /** How the close days were found: 'recent deals' or the registry default when too few. */
  readonly closeDaysFrom: 'recent deals' | 'default'
  readonly rule: string
}

export interface Trends extends KpiBase {
  readonly bucket: 'hour' | 'day' | 'week' | 'month'
  readonly leads: Series
  /** Deals booked (by conversion time) per bucket. */
  readonly conversions: Series
  /** Revenue booked (by conversion time) per bucket, cents. */
  readonly revenueCents: Series
  /** Average first-response seconds of the bucket's leads; null where none was answered. */
  readonly responseSeconds: Series
  /** Leads by local weekday (0 = Sunday) × hour: 7 rows of 24. */
  readonly heatmap: readonly (readonly number[])[]
  /** The range the deltas compare with (same as comparison.range). */
  readonly previousRange: DateRange
  readonly comparison: Comparison
  readonly maturity: CohortMaturity
  readonly deltas: { readonly [K in keyof CardValues]: CardDelta }
}

export interface ActivityEvent {
  readonly id: string
  readonly type: string
  readonly at: string
  readonly payload: unknown
}

export interface ActivityPage extends KpiBase {
  readonly events: readonly ActivityEvent[]
  /** Pass as `before` to read the next (older) page; null at the end. */
  readonly next: string | null
}

export interface SystemHealth {
  readonly asOf: string | null
  readonly sources: readonly (SourceStatus & {
    readonly lastSuccessAt: string | null
    readonly lagSeconds: number | null
  })[]
  /** Seconds since the newest change in the cache. */
  readonly dataAgeSeconds: number | null
  readonly cacheBytes: number | null
  readonly freeDiskBytes: number | null
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number }
  readonly recentErrors: readonly {
    readonly source: string
    readonly table: string
    readonly message: string
  }[]
}

export interface DashboardData {
  readonly range: DateRange
  readonly asOf: string | null
  /** The registry's KPI definitions the numbers were computed under (labels, basis, display). */
  readonly kpis: Readonly<Record<KpiId, KpiDefinition>>
  readonly leadResponse?: LeadResponseStats
  readonly conversion?: ConversionStats
  readonly marketing?: MarketingRoi
  readonly markets?: PremiumMarkets
  readonly revenue?: RevenueGrowth
  readonly funnel?: Funnel
  readonly trends?: Trends
  readonly activity?: ActivityPage
  readonly health?: SystemHealth
  /** Milliseconds the core spent computing this answer. */
  readonly computeMs: number
}

export type { DashboardName }

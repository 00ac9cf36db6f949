// The ops KPI catalog (DESIGN.md, "The ops domain"). Every KPI is a pure
// function of (db, filters, clock): the range preset is read against the
// injected clock, the numbers come through aggregate.ts (rollups or raw
// rows, same answer), money stays in integer cents, and a KPI without data
// says so (`noData`, nulls) instead of dividing by zero.
//
// Cohort rule: lead response, conversion, marketing ROI, premium markets and
// the funnel count the leads CREATED in the range, with what became of them
// (won, deal value). Revenue growth and the revenue/conversion trend series
// count deals BOOKED in a period (converted_at), which is what a monthly
// revenue target is measured against.

import type {
  CardDelta,
  CardValues,
  ChannelRoi,
  CohortMaturity,
  ComparisonKind,
  ConversionStats,
  DateRange,
  Filters,
  Funnel,
  KpiTargets,
  LeadResponseStats,
  MarketingRoi,
  Opportunity,
  PremiumMarkets,
  RateRow,
  RevenueGrowth,
  Series,
  Trends,
} from '../../shared/api/index.ts'
import { TEMPERATURES, comparisonKindFor } from '../../shared/api/index.ts'
import { memoUntilChanged, type Store } from '../store/index.ts'
import {
  createScope,
  grouped,
  medianResponseSeconds,
  series,
  total,
  weekHourCounts,
  type Scope,
} from './aggregate.ts'
import { dataAsOf } from './freshness.ts'
import { thin } from './lttb.ts'
import {
  CARD_KPIS,
  MATURITY,
  maturityRule,
  registryOf,
  sharePercent,
  valueOf,
  type CardKpi,
} from './registry.ts'
import { WEEK_HOURS, weekHour, zeroMeasures, type Measures } from './rollups.ts'
import {
  DAY_MS,
  dayNumber,
  dayString,
  firstDayOfMonth,
  comparisonFor,
  localDayOf,
  localDayStartUtc,
  monthOfDay,
  resolveRange,
} from './time-range.ts'

export type Clock = () => Date

const rate = (n: number, d: number): number | null => (d === 0 ? null : n / d)
const scopeFor = (db: Store, filters: Filters, scope?: Scope) => scope ?? createScope(db, filters)
const rangeOf = (filters: Filters, clock: Clock) => resolveRange(filters.range, clock())

// Rates are judged as they are shown (one decimal of a percent, as the tips and the cards write
// them): a channel shown at "18.0 %" against an "18.0 %" target is neither under nor above it.
const shown = (fraction: number): number => Math.round(fraction * 1000)
const shownBelow = (a: number, b: number): boolean => shown(a) < shown(b)

// ---- Lead response ---------------------------------------------------------------------------

export function leadResponseKpi(
  db: Store,
  filters: Filters,
  clock: Clock,
  scope?: Scope,
): LeadResponseStats {
  const s = scopeFor(db, filters, scope)
  const range = rangeOf(filters, clock)
  const { targets, kpis, values } = registryOf(db)
  const m = total(s, 'created', range)
  const over = m.leads - m.under_target
  const share = valueOf(values.shareUnderTarget, m)
  const convUnder = rate(m.won_under, m.under_target)
  const convOver = rate(m.won - m.won_under, over)
  const lost =
    convUnder === null || convOver === null ? null : over * Math.max(0, convUnder - convOver)
  return {
    asOf: dataAsOf(db),
    noData: m.leads === 0,
    targetSeconds: targets.responseSeconds,
    leads: m.leads,
    responded: m.responded,
    neverResponded: m.leads - m.responded,
    underTarget: m.under_target,
    overTarget: over,
    averageSeconds: valueOf(values.averageResponseSeconds, m),
    medianSeconds: medianResponseSeconds(s, range, m.responded),
    shareUnderTarget: share,
    conversionUnderTarget: convUnder,
    conversionOverTarget: convOver,
    estimatedConversionsLost: lost,
    lostRule: kpis.estimatedConversionsLost.rule,
    status:
      share === null
        ? null
        : !shownBelow(share, targets.responseShareExcellent)
          ? 'excellent'
          : !shownBelow(share, targets.responseShareNeedsImprovement)
            ? 'needs improvement'
            : 'poor',
    statusRule: kpis.shareUnderTarget.rule,
  }
}

// ---- Cohort maturity -------------------------------------------------------------------------
//
// Decision (issue 11, "8.3 % conversion and deals won −61 %" on the default 30 days): a range
// whose leads are young is MARKED maturing, with the share of its leads still open and how long
// deals take, and the change of a KPI that matures is flagged not comparable (CardDelta
// .comparable) instead of being drawn as a collapse. We do not compare with the previous range
// "at the same age": the rollups hold what became of each lead as of now, not when, so that would
// be a raw scan of the previous range's leads on every request (1M-lead caches), and lost leads
// carry no loss date to age them by. Counting deals by close date (the Trends charts,
// `dealsBooked`) is the view that needs no maturing.

const DAY_SECONDS = 86_400

/** Lag quantile of sorted lags (ms) in whole days, at least 1. */
const lagDays = (sorted: readonly number[], q: number): number =>
  Math.max(
    1,
    Math.ceil(
      (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) /
        1000 /
        DAY_SECONDS,
    ),
  )

/** How long deals take to close, from the newest won deals (org-wide): median and closeQuantile. */
function closeTimes(
  db: Store,
): Pick<CohortMaturity, 'typicalCloseDays' | 'closeDays' | 'closeDaysFrom'> {
  const lags = (
    db
      .prepare(
        `SELECT converted_at - created_at FROM leads
          WHERE converted_at IS NOT NULL AND status = 'won' AND deleted_at IS NULL
          ORDER BY converted_at DESC LIMIT ?`,
      )
      .pluck()
      .all(MATURITY.sampleDeals) as number[]
  )
    .filter((ms) => ms >= 0)
    .sort((a, b) => a - b)
  if (lags.length < MATURITY.minDeals) {
    return {
      typicalCloseDays: MATURITY.defaultTypicalCloseDays,
      closeDays: MATURITY.defaultCloseDays,
      closeDaysFrom: 'default',
    }
  }
  return {
    typicalCloseDays: lagDays(lags, 0.5),
    closeDays: lagDays(lags, MATURITY.closeQuantile),
    closeDaysFrom: 'recent deals',
  }
}

const openShareOf = (s: Scope, range: DateRange): number | null => {
  const byStatus = grouped(s, 'created', range, 'status')
  let leads = 0
  let closed = 0
  for (const [status, m] of byStatus) {
    leads += m.leads
    if (status === 'won' || status === 'lost') closed += m.leads
  }
  return leads === 0 ? null : (leads - closed) / leads
}

/**
 * How far the outcomes of the range's leads have played out. `openShare` needs the range's cube
 * by status (~50 ms at 100k leads from the rollups): the conversion answer reads that cube anyway
 * and asks for it; the trends answer, which only needs `maturing` for its deltas, does not.
 */
export function cohortMaturity(
  s: Scope,
  range: DateRange,
  clock: Clock,
  options: { readonly openShare: boolean },
): CohortMaturity {
  const key = `maturity:${range.from}:${range.to}:${range.timeZone}:${options.openShare}`
  const kept = s.memo.get(key) as CohortMaturity | undefined
  if (kept) return kept
  // The last deals' close times change only with the file: kept until it does (a raw read of
  // the latest deals, otherwise paid by every dashboard answer).
  const close = memoUntilChanged(s.db, 'metrics:closeTimes', 0, () => closeTimes(s.db))
  // Outcomes are known as of the cache's newest change: a cache last synced a month ago holds
  // a month-old picture of its leads, so their age is counted to then, not to the clock.
  const asOf = dataAsOf(s.db)
  const seen = Math.min(clock().getTime(), asOf === null ? Infinity : Date.parse(asOf))
  const today = dayNumber(localDayOf(seen, range.timeZone))
  const youngFrom = Math.max(dayNumber(range.from), today - close.closeDays + 1)
  const all = total(s, 'created', range).leads
  const young =
    youngFrom > dayNumber(range.to)
      ? 0
      : total(s, 'created', { from: dayString(youngFrom), to: range.to, timeZone: range.timeZone })
          .leads
  const youngShare = rate(young, all)
  const out: CohortMaturity = {
    maturing: youngShare !== null && youngShare >= MATURITY.youngShare,
    openShare: options.openShare ? openShareOf(s, range) : null,
    youngShare,
    ...close,
    rule: maturityRule(close.closeDays),
  }
  s.memo.set(key, out)
  return out
}

// ---- Conversion ------------------------------------------------------------------------------

interface ChannelConfig {
  name: string
  cost_per_lead_cents: number
  conversion_target: number
  monthly_spend_cents: number | null
}

function channels(db: Store): ChannelConfig[] {
  return db
    .prepare(
      `SELECT name, cost_per_lead_cents, conversion_target, monthly_spend_cents
         FROM marketing_channels WHERE deleted_at IS NULL ORDER BY name`,
    )
    .all() as ChannelConfig[]
}

function sortedKeys(groups: Map<string, Measures>, extra: readonly string[]): string[] {
  const keys = new Set([...groups.keys(), ...extra])
  return [...keys].sort(
    (a, b) => (groups.get(b)?.leads ?? 0) - (groups.get(a)?.leads ?? 0) || a.localeCompare(b),
  )
}

const allowed = (filters: Filters, field: 'source' | 'segment', value: string) =>
  !filters[field] || filters[field].length === 0 || filters[field].includes(value)

const pct = (x: number) => `${(x * 100).toFixed(1)} %`

export interface ConversionTipsInput {
  readonly targets: KpiTargets
  readonly overall: number | null
  readonly won: number
  readonly leads: number
  readonly byTemperature: readonly RateRow[]
  readonly bySource: readonly RateRow[]
  readonly maturity: Pick<CohortMaturity, 'maturing' | 'openShare' | 'typicalCloseDays'>
}

/**
 * The conversion tips: each states a fact it checked and advises only what that fact supports.
 * A maturing range's overall rate is still rising, so it gives no spend advice; spend is
 * advised toward channels only when some channel is shown above its target (issue 11: the tip
 * said "shift spend toward the channels above their targets" when none was).
 */
export function conversionTips(input: ConversionTipsInput): Opportunity[] {
  const { targets, overall, maturity, byTemperature, bySource } = input
  const band = targets.conversionBand
  const opportunities: Opportunity[] = []
  const open =
    maturity.maturing && maturity.openShare !== null
      ? `${pct(maturity.openShare)} of these leads are still open and deals typically close in ${maturity.typicalCloseDays} ${maturity.typicalCloseDays === 1 ? 'day' : 'days'}`
      : null
  const soFar = open === null ? '' : ' so far'
  const cold = byTemperature.find((r) => r.key === 'cold')
  const cf = targets.coldConversionFloor
  if (cold && cold.rate !== null && shownBelow(cold.rate, cf)) {
    opportunities.push({
      rule: `cold leads convert under ${sharePercent(cf)}`,
      message: `Cold leads convert at ${pct(cold.rate)}${soFar} (${cold.conversions} of ${cold.leads}): nurture them with follow-up sequences instead of sales calls.`,
      leads: cold.leads,
      conversions: cold.conversions,
      rate: cold.rate,
      threshold: cf,
    })
  }
  const hot = byTemperature.find((r) => r.key === 'hot')
  const hf = targets.hotConversionFloor
  if (hot && hot.rate !== null && shownBelow(hot.rate, hf)) {
    opportunities.push({
      rule: `hot leads convert under ${sharePercent(hf)}`,
      message: `Hot leads convert at ${pct(hot.rate)}${soFar} (${hot.conversions} of ${hot.leads}): answer them first and book a visit on the first call.`,
      leads: hot.leads,
      conversions: hot.conversions,
      rate: hot.rate,
      threshold: hf,
    })
  }
  const judged = bySource.filter(
    (r): r is RateRow & { rate: number; target: number } =>
      r.rate !== null && r.target !== null && r.target !== undefined,
  )
  for (const src of judged) {
    if (shownBelow(src.rate, src.target)) {
      opportunities.push({
        rule: 'channel converts under its target',
        message: `${src.key} converts at ${pct(src.rate)}${soFar} against its ${pct(src.target)} target (${src.conversions} of ${src.leads}): review its targeting and lead quality.`,
        leads: src.leads,
        conversions: src.conversions,
        rate: src.rate,
        threshold: src.target,
      })
    }
  }
  if (overall !== null && shownBelow(overall, band.low)) {
    const above = judged.filter((r) => shownBelow(r.target, r.rate))
    const advice =
      open !== null
        ? `${open}, so read it again once they have had time to close before moving spend`
        : above.length > 0
          ? `shift spend toward ${above.map((r) => r.key).join(', ')}, above ${above.length === 1 ? 'its target' : 'their targets'}`
          : judged.length === 0
            ? 'no channel has a conversion target to compare with: review lead quality and follow-up'
            : 'no channel is above its target: review lead quality and follow-up before moving spend'
    opportunities.push({
      rule: `overall conversion under the ${sharePercent(band.low)}–${sharePercent(band.high)} band`,
      message: `Overall conversion is ${pct(overall)}${soFar} (${input.won} of ${input.leads}), under the ${sharePercent(band.low)}–${sharePercent(band.high)} band: ${advice}.`,
      leads: input.leads,
      conversions: input.won,
      rate: overall,
      threshold: band.low,
    })
  }
  return opportunities
}

export function conversionKpi(
  db: Store,
  filters: Filters,
  clock: Clock,
  scope?: Scope,
): ConversionStats {
  const s = scopeFor(db, filters, scope)
  const { targets } = registryOf(db)
  const band = targets.conversionBand
  const range = rangeOf(filters, clock)
  // Each breakdown through grouped(): the cube's where it answers, an owner's facets, or the
  // day × source rollup.
  const sums = total(s, 'created', range)
  const byTemp = grouped(s, 'created', range, 'temperature')
  const bySrc = grouped(s, 'created', range, 'source')
  const config = channels(db)
  const byTemperature: RateRow[] = TEMPERATURES.map((t) => {
    const m = byTemp.get(t) ?? zeroMeasures()
    return { key: t, leads: m.leads, conversions: m.won, rate: rate(m.won, m.leads) }
  })
  const bySource: RateRow[] = sortedKeys(
    bySrc,
    config.map((c) => c.name).filter((n) => allowed(filters, 'source', n)),
  ).map((key) => {
    const m = bySrc.get(key) ?? zeroMeasures()
    const target = config.find((c) => c.name === key)?.conversion_target ?? null
    return { key, leads: m.leads, conversions: m.won, rate: rate(m.won, m.leads), target }
  })
  const overall = rate(sums.won, sums.leads)
  const maturity = cohortMaturity(s, range, clock, { openShare: true })
  const opportunities = conversionTips({
    targets,
    overall,
    won: sums.won,
    leads: sums.leads,
    byTemperature,
    bySource,
    maturity,
  })
  return {
    asOf: dataAsOf(db),
    noData: sums.leads === 0,
    leads: sums.leads,
    conversions: sums.won,
    rate: overall,
    targetBand: band,
    band:
      overall === null
        ? null
        : shownBelow(overall, band.low)
          ? 'below'
          : shownBelow(band.high, overall)
            ? 'above'
            : 'within',
    maturity,
    byTemperature,
    bySource,
    opportunities,
  }
}

// ---- Marketing ROI ---------------------------------------------------------------------------

/** Days a year holds on average, so a monthly figure prorates to any range. */
const DAYS_PER_MONTH = 365.25 / 12

export function marketingRoiKpi(
  db: Store,
  filters: Filters,
  clock: Clock,
  scope?: Scope,
): MarketingRoi {
  const s = scopeFor(db, filters, scope)
  const range = rangeOf(filters, clock)
  const bySrc = grouped(s, 'created', range, 'source')
  const config = channels(db)
  const days = dayNumber(range.to) - dayNumber(range.from) + 1
  const spendUsable = Object.keys(s.dims).every((d) => d === 'source')
  const list: ChannelRoi[] = sortedKeys(
    bySrc,
    config.map((c) => c.name).filter((n) => allowed(filters, 'source', n)),
  ).map((channel) => {
    const m = bySrc.get(channel) ?? zeroMeasures()
    const c = config.find((x) => x.name === channel)
    let cost: number | null = null
    let basis: ChannelRoi['costBasis'] = null
    if (c && c.monthly_spend_cents !== null && spendUsable) {
      cost = Math.round((c.monthly_spend_cents * days) / DAYS_PER_MONTH)
      basis = 'monthly spend'
    } else if (c) {
      cost = m.leads * c.cost_per_lead_cents
      basis = 'cost per lead'
    }
    const roi = cost === null || cost === 0 ? null : ((m.revenue_cents - cost) / cost) * 100
    return {
      channel,
      leads: m.leads,
      conversions: m.won,
      rate: rate(m.won, m.leads),
      conversionTarget: c?.conversion_target ?? null,
      revenueCents: m.revenue_cents,
      costCents: cost,
      costBasis: basis,
      costPerLeadCents: cost === null || m.leads === 0 ? null : cost / m.leads,
      targetCostPerLeadCents: c?.cost_per_lead_cents ?? null,
      roiPercent: roi,
      profitable: cost === null ? null : m.revenue_cents > cost,
    }
  })
  const leads = list.reduce((a, c) => a + c.leads, 0)
  const conversions = list.reduce((a, c) => a + c.conversions, 0)
  const revenueCents = list.reduce((a, c) => a + c.revenueCents, 0)
  const costCents = list.reduce((a, c) => a + (c.costCents ?? 0), 0)
  return {
    asOf: dataAsOf(db),
    noData: leads === 0,
    channels: list,
    totals: {
      leads,
      conversions,
      revenueCents,
      costCents,
      roiPercent: costCents === 0 ? null : ((revenueCents - costCents) / costCents) * 100,
      profitable: costCents === 0 ? null : revenueCents > costCents,
    },
    costRule: registryOf(db).kpis.roiPercent.rule,
  }
}

// ---- Premium markets -------------------------------------------------------------------------

export function premiumMarketsKpi(
  db: Store,
  filters: Filters,
  clock: Clock,
  scope?: Scope,
): PremiumMarkets {
  const s = scopeFor(db, filters, scope)
  const range = rangeOf(filters, clock)
  const all = total(s, 'created', range)
  const bySeg = grouped(s, 'created', range, 'segment')
  const config = db
    .prepare(
      `SELECT name, target_deal_size_cents AS target FROM market_segments
        WHERE deleted_at IS NULL ORDER BY name`,
    )
    .all() as { name: string; target: number }[]
  const segments = sortedKeys(
    bySeg,
    config.map((c) => c.name).filter((n) => allowed(filters, 'segment', n)),
  ).map((segment) => {
    const m = bySeg.get(segment) ?? zeroMeasures()
    const target = config.find((c) => c.name === segment)?.target ?? null
    const avg = m.won_valued === 0 ? null : m.revenue_cents / m.won_valued
    return {
      segment,
      leads: m.leads,
      deals: m.won,
      dealsWithoutValue: m.won - m.won_valued,
      revenueCents: m.revenue_cents,
      averageDealCents: avg,
      targetDealCents: target,
      dealSizeVsTarget: avg === null || !target ? null : avg / target,
      conversion: rate(m.won, m.leads),
      penetration: rate(m.leads, all.leads),
    }
  })
  return {
    asOf: dataAsOf(db),
    noData: all.leads === 0,
    segments,
    penetrationRule: registryOf(db).kpis.penetration.rule,
  }
}

// ---- Revenue growth --------------------------------------------------------------------------

export function revenueGrowthKpi(
  db: Store,
  filters: Filters,
  clock: Clock,
  scope?: Scope,
): RevenueGrowth {
  const s = scopeFor(db, filters, scope)
  const now = clock().getTime()
  const tz = filters.range.timeZone
  const today = resolveRange({ preset: 'today', timeZone: tz }, clock()).from
  const month = monthOfDay(dayNumber(today))
  const year = Math.floor(month / 12)
  const monthStart = firstDayOfMonth(month)
  const monthRange: DateRange = { from: dayString(monthStart), to: today, timeZone: tz }
  const ytdRange: DateRange = {
    from: dayString(firstDayOfMonth(year * 12)),
    to: today,
    timeZone: tz,
  }
  const monthRev = total(s, 'converted', monthRange).revenue_cents
  const ytd = total(s, 'converted', ytdRange)
  const startUtc = (m: number) => localDayStartUtc(dayString(firstDayOfMonth(m)), tz)
  const monthShare = (now - startUtc(month)) / (startUtc(month + 1) - startUtc(month))
  const yearShare = (now - startUtc(year * 12)) / (startUtc(year * 12 + 12) - startUtc(year * 12))
  const targets = new Map(
    (
      db
        .prepare('SELECT month, target_cents AS t FROM revenue_targets WHERE deleted_at IS NULL')
        .all() as { month: string; t: number }[]
    ).map((r) => [r.month, r.t]),
  )
  const key = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`
  const yearTarget = (y: number): number | null => {
    let sum = 0
    let any = false
    for (let m = 0; m < 12; m++) {
      const t = targets.get(key(y * 12 + m))
      if (t !== undefined) {
        sum += t
        any = true
      }
    }
    return any ? sum : null
  }
  let ytdTarget: number | null = null
  for (let m = year * 12; m <= month; m++) {
    const t = targets.get(key(m))
    if (t !== undefined) ytdTarget = (ytdTarget ?? 0) + t
  }
  const monthTarget = targets.get(key(month)) ?? null
  const annualised = yearShare > 0 ? Math.round(ytd.revenue_cents / yearShare) : null
  let nextTarget: number | null = null
  let nextYear: number | null = null
  const years = [...targets.keys()].map((k) => Number(k.slice(0, 4)))
  const lastYear = years.length ? Math.max(...years) : year - 1
  for (let y = year; y <= lastYear && annualised !== null; y++) {
    const t = yearTarget(y)
    if (t !== null && t > annualised) {
      nextTarget = t
      nextYear = y
      break
    }
  }
  return {
    asOf: dataAsOf(db),
    noData: ytd.won === 0,
    month: key(month),
    monthRevenueCents: monthRev,
    monthTargetCents: monthTarget,
    monthProgress: monthTarget ? monthRev / monthTarget : null,
    projectedMonthCents: monthShare > 0 ? Math.round(monthRev / monthShare) : null,
    ytdRevenueCents: ytd.revenue_cents,
    ytdTargetCents: ytdTarget,
    annualisedCents: annualised,
    yearTargetCents: yearTarget(year),
    nextGrowthTargetCents: nextTarget,
    nextGrowthTargetYear: nextYear,
    progressToNextTarget: nextTarget && annualised !== null ? annualised / nextTarget : null,
    gapToNextTargetCents:
      nextTarget !== null && annualised !== null ? nextTarget - annualised : null,
    rules: registryOf(db).kpis.monthProgress.rule,
  }
}

// ---- Funnel ----------------------------------------------------------------------------------

export const FUNNEL_STAGES = ['new', 'contacted', 'qualified', 'proposal', 'won'] as const

export function funnelKpi(db: Store, filters: Filters, clock: Clock, scope?: Scope): Funnel {
  const s = scopeFor(db, filters, scope)
  const byStatus = grouped(s, 'created', rangeOf(filters, clock), 'status')
  const n = (st: string) => byStatus.get(st)?.leads ?? 0
  const lost = n('lost')
  const stages = FUNNEL_STAGES.map((stage, i) => {
    const later = FUNNEL_STAGES.slice(i).reduce((a, st) => a + n(st), 0)
    return { stage, current: n(stage), reached: later + (i === 0 ? lost : 0) }
  })
  return {
    asOf: dataAsOf(db),
    noData: stages[0]?.reached === 0,
    stages: stages.map((st, i) => ({
      ...st,
      fromPrevious: i === 0 ? null : rate(st.reached, stages[i - 1]?.reached ?? 0),
    })),
    lost,
    rule: registryOf(db).kpis.funnelReach.rule,
  }
}

// ---- Trends ----------------------------------------------------------------------------------

export type Bucket = Trends['bucket']

/** Hour up to 2 days, day up to 92, week up to 2 years, month beyond. */
export function bucketFor(range: DateRange): Bucket {
  const days = dayNumber(range.to) - dayNumber(range.from) + 1
  return days <= 2 ? 'hour' : days <= 92 ? 'day' : days <= 731 ? 'week' : 'month'
}

// The cards are exactly the registry's card KPIs: a KPI added to one and not the other fails here.
const cardsMatch: [CardKpi, keyof CardValues] extends [keyof CardValues, CardKpi] ? true : never =
  true
void cardsMatch

/** The card KPIs of the registry over the range's leads. */
function cards(s: Scope, range: DateRange): CardValues {
  const m = total(s, 'created', range)
  const { values } = registryOf(s.db)
  return Object.fromEntries(
    CARD_KPIS.map((id) => [id, valueOf(values[id], m)]),
  ) as unknown as CardValues
}

function delta(current: number | null, previous: number | null, comparable: boolean): CardDelta {
  const change = current === null || previous === null ? null : current - previous
  return {
    current,
    previous,
    change,
    relative: change === null || previous === null || previous === 0 ? null : change / previous,
    comparable,
  }
}

export function trendsKpi(
  db: Store,
  filters: Filters,
  clock: Clock,
  scope?: Scope,
  maxPoints = 500,
  /** What the deltas compare with; by default the kind the range's preset names. */
  compareWith?: ComparisonKind,
): Trends {
  const s = scopeFor(db, filters, scope)
  const range = rangeOf(filters, clock)
  const bucket = bucketFor(range)
  const grain = bucket === 'hour' ? 'hour' : 'day'
  const created = series(s, 'created', grain, range)
  const booked = series(s, 'converted', grain, range)
  const from = dayNumber(range.from)
  const to = dayNumber(range.to)
  // Bucket key and label of a local day number / hour index.
  const bucketOf = (t: number): number =>
    bucket === 'hour'
      ? t
      : bucket === 'day'
        ? t
        : bucket === 'week'
          ? t - ((t + 3) % 7)
          : monthOfDay(t)
  const label = (k: number): string =>
    bucket === 'hour'
      ? `${dayString(Math.floor(k / 24))}T${String(k % 24).padStart(2, '0')}`
      : bucket === 'month'
        ? dayString(firstDayOfMonth(k))
        : dayString(k)
  const keys: number[] = []
  const [lo, hi] = grain === 'hour' ? [from * 24, to * 24 + 23] : [from, to]
  for (let t = lo; t <= hi; t++) {
    const k = bucketOf(t)
    if (keys[keys.length - 1] !== k) keys.push(k)
  }
  const sum = (src: Map<number, Measures>) => {
    const out = new Map<number, Measures>()
    for (const [t, m] of src) {
      const k = bucketOf(t)
      const into = out.get(k) ?? zeroMeasures()
      for (const f of Object.keys(m) as (keyof Measures)[]) into[f] += m[f]
      out.set(k, into)
    }
    return out
  }
  const c = sum(created)
  const b = sum(booked)
  const x = keys.map(label)
  const mk = (y: (number | null)[]): Series => thin(x, y, maxPoints)
  let week = weekHourCounts(s, range)
  if (!week) {
    week = new Float64Array(WEEK_HOURS)
    for (const [h, m] of series(s, 'created', 'hour', range)) {
      week[weekHour(h)] = (week[weekHour(h)] ?? 0) + m.leads
    }
  }
  const heatmap = Array.from({ length: 7 }, (_, d) =>
    Array.from(week.subarray(d * 24, d * 24 + 24)),
  )
  const comparison = comparisonFor(compareWith ?? comparisonKindFor(filters.range.preset), range)
  const previous = comparison.range
  const maturity = cohortMaturity(s, range, clock, { openShare: false })
  const { kpis } = registryOf(db)
  const now = cards(s, range)
  const before = cards(s, previous)
  const deltas = Object.fromEntries(
    (Object.keys(now) as (keyof CardValues)[]).map((k) => [
      k,
      delta(now[k], before[k], !(kpis[k].matures && maturity.maturing)),
    ]),
  ) as Trends['deltas']
  return {
    asOf: dataAsOf(db),
    noData: now.leads === 0 && [...b.values()].every((m) => m.leads === 0),
    bucket,
    leads: mk(keys.map((k) => c.get(k)?.leads ?? 0)),
    conversions: mk(keys.map((k) => b.get(k)?.leads ?? 0)),
    revenueCents: mk(keys.map((k) => b.get(k)?.revenue_cents ?? 0)),
    responseSeconds: mk(
      keys.map((k) => {
        const m = c.get(k)
        return m && m.responded > 0 ? m.response_ms / m.responded / 1000 : null
      }),
    ),
    heatmap,
    previousRange: previous,
    comparison,
    maturity,
    deltas,
  }
}

export { DAY_MS }

// Reads the value each rule watches (issue 13). KPI values come from the
// metrics' own dashboard() answer (so a rule sees exactly the number its tab
// shows), computed once per filter set for every rule that shares it and only
// for the dashboards those rules' metrics need. The system values come from
// the sources' live status, so they are read even when every upstream is
// unreachable: evaluation never touches the network.
import type { AlertMetric, AlertRuleSpec } from '../../shared/api/alert-rules.ts'
import type { DashboardData, DashboardName, Filters, SourceStatus } from '../../shared/api/index.ts'
import type { ViewId } from '../../shared/api/views.ts'
import { createScope, series } from '../metrics/aggregate.ts'
import { dashboard } from '../metrics/dashboard.ts'
import { dayNumber, dayString, resolveRange } from '../metrics/time-range.ts'
import { rollupState } from '../metrics/rollups.ts'
import type { Store } from '../store/index.ts'

/** How one metric is read: the dashboard it comes from, the tab that shows it, its value. */
interface MetricReader {
  /** The dashboard whose answer holds it (null: not read from a dashboard answer). */
  readonly dashboard: DashboardName | null
  /** The dashboard a sync commit names when this value may have moved (null: any commit). */
  readonly movedWith: DashboardName | null
  readonly view: ViewId
  readonly read: (data: DashboardData, system: SystemValues, direct: DirectValues) => number | null
}

/** The values that describe the sync rather than the data. */
export interface SystemValues {
  readonly sourceOfflineSeconds: number | null
  readonly syncLagSeconds: number | null
}

/** Values read straight from the aggregates, where a whole dashboard would cost far more. */
interface DirectValues {
  readonly revenueBookedCents: number | null
  /**
   * Conversion of the range's leads old enough to have closed, when the range is maturing (its
   * leads too young for their outcomes to be final: issue 11's "8.3 % conversion"): a rule reads
   * this, not the whole cohort's rate, or it would cry wolf every morning. Null: nothing matured.
   */
  readonly matured: { readonly rate: number; readonly conversions: number } | null
}

const kpi = (
  dashboard: DashboardName,
  view: ViewId,
  read: (data: DashboardData) => number | null | undefined,
): MetricReader => ({ dashboard, movedWith: dashboard, view, read: (d) => read(d) ?? null })

export const METRIC_READERS: Readonly<Record<AlertMetric, MetricReader>> = {
  averageResponseSeconds: kpi(
    'leadResponse',
    'lead-response',
    (d) => d.leadResponse?.averageSeconds,
  ),
  medianResponseSeconds: kpi('leadResponse', 'lead-response', (d) => d.leadResponse?.medianSeconds),
  shareUnderTarget: kpi('leadResponse', 'lead-response', (d) => d.leadResponse?.shareUnderTarget),
  leads: kpi('leadResponse', 'overview', (d) => d.leadResponse?.leads),
  conversionRate: {
    ...kpi('conversion', 'conversion', (d) => d.conversion?.rate),
    read: (d, _s, direct) =>
      d.conversion?.maturity.maturing
        ? (direct.matured?.rate ?? null)
        : (d.conversion?.rate ?? null),
  },
  conversions: {
    ...kpi('conversion', 'conversion', (d) => d.conversion?.conversions),
    read: (d, _s, direct) =>
      d.conversion?.maturity.maturing
        ? (direct.matured?.conversions ?? null)
        : (d.conversion?.conversions ?? null),
  },
  monthProgress: kpi('revenue', 'revenue', (d) => d.revenue?.monthProgress),
  unprofitableChannels: kpi(
    'marketing',
    'marketing',
    (d) => d.marketing?.channels.filter((c) => c.roiPercent !== null && c.roiPercent < 0).length,
  ),
  revenueBooked: {
    // Deals won in the range by their close date, in cents: the sum of the trends answer's
    // booked-revenue series, read from the same aggregate without the rest of trends (its
    // heatmap, comparison and maturity cost some 20 ms a filter set at 1M leads).
    dashboard: null,
    movedWith: 'trends',
    view: 'revenue',
    read: (_d, _s, direct) => direct.revenueBookedCents,
  },
  sourceOfflineSeconds: {
    dashboard: null,
    movedWith: null,
    view: 'health',
    read: (_d, s) => s.sourceOfflineSeconds,
  },
  syncLagSeconds: {
    dashboard: null,
    movedWith: null,
    view: 'health',
    read: (_d, s) => s.syncLagSeconds,
  },
}

/** What evaluation needs of a rule (a saved AlertRule fits). */
export type EvaluatedRule = Pick<AlertRuleSpec, 'metric' | 'filters'> & { readonly id: number }

/** A rule without filters is read over the last 7 days in the organisation's zone. */
export function defaultAlertFilters(db: Store): Filters {
  return { range: { preset: 'last7', timeZone: rollupState(db).timeZone } }
}

/**
 * When each source that is down went down, from its status: the last good sync when it had one,
 * else the first time it was seen down (kept here across evaluations, by source name).
 */
export function createOfflineTracker(): (
  sources: readonly SourceStatus[],
  now: number,
) => number | null {
  const firstSeen = new Map<string, number>()
  return (sources, now) => {
    let longest: number | null = null
    const down = new Set<string>()
    for (const s of sources) {
      if (s.generated || (s.state !== 'offline' && s.state !== 'error')) continue
      down.add(s.name)
      if (!firstSeen.has(s.name)) firstSeen.set(s.name, now)
      const good = s.lastGoodSyncAt ? Date.parse(s.lastGoodSyncAt) : Number.NaN
      const since = Number.isFinite(good) ? good : (firstSeen.get(s.name) as number)
      const seconds = Math.max(0, (now - since) / 1000)
      longest = Math.max(longest ?? 0, seconds)
    }
    for (const name of [...firstSeen.keys()]) if (!down.has(name)) firstSeen.delete(name)
    // Every real source up: 0. Demo data (no real source): nothing to be offline.
    return longest ?? 0
  }
}

/** The sync's own values from the sources' status. */
export function systemValues(
  sources: readonly SourceStatus[],
  now: number,
  offlineSeconds: (sources: readonly SourceStatus[], now: number) => number | null,
): SystemValues {
  const lags = sources
    .filter((s) => !s.generated && typeof s.lagMs === 'number')
    .map((s) => (s.lagMs as number) / 1000)
  return {
    sourceOfflineSeconds: offlineSeconds(sources, now),
    syncLagSeconds: lags.length === 0 ? null : Math.max(...lags),
  }
}

/** The dashboards a set of metrics needs. */
export const dashboardsFor = (metrics: Iterable<AlertMetric>): DashboardName[] => [
  ...new Set(
    [...metrics]
      .map((m) => METRIC_READERS[m].dashboard)
      .filter((d): d is DashboardName => d !== null),
  ),
]

/**
 * Every rule's current value, by rule id. Rules with the same filter set share one dashboard()
 * call, and it computes only the dashboards their metrics need; a filter set whose read fails
 * (a filter the cache cannot answer) gives its rules no data rather than failing the cycle.
 */
export function evaluateRules(
  db: Store,
  rules: readonly EvaluatedRule[],
  clock: () => Date,
  system: SystemValues,
  log?: (line: string) => void,
): Map<number, number | null> {
  const values = new Map<number, number | null>()
  const groups = new Map<string, { filters: Filters; rules: EvaluatedRule[] }>()
  let defaults: Filters | null = null
  for (const rule of rules) {
    const filters = rule.filters ?? (defaults ??= defaultAlertFilters(db))
    const key = JSON.stringify(filters)
    const group = groups.get(key) ?? { filters, rules: [] }
    group.rules.push(rule)
    groups.set(key, group)
  }
  for (const { filters, rules: members } of groups.values()) {
    const wanted = dashboardsFor(members.map((r) => r.metric))
    let data: DashboardData = EMPTY
    let direct: DirectValues = { revenueBookedCents: null, matured: null }
    try {
      // One snapshot for the group: a sync committing meanwhile is seen whole or not at all.
      db.transaction(() => {
        if (wanted.length > 0)
          data = dashboard(
            db,
            { filters, dashboards: wanted, maxPoints: 3, activityLimit: 1 },
            clock,
          )
        if (members.some((r) => r.metric === 'revenueBooked')) {
          const range = resolveRange(filters.range, clock())
          let cents = 0
          for (const m of series(createScope(db, filters), 'converted', 'day', range).values())
            cents += m.revenue_cents
          direct = { ...direct, revenueBookedCents: cents }
        }
        const conversion = data.conversion
        if (
          conversion?.maturity.maturing &&
          members.some((r) => r.metric === 'conversionRate' || r.metric === 'conversions')
        )
          direct = { ...direct, matured: maturedConversion(db, filters, conversion, clock) }
      }).deferred()
    } catch (e) {
      // A filter set the cache cannot answer gives its rules no data, not a failed cycle.
      log?.(`Alert rules ${members.map((r) => r.id).join(', ')} could not be read: ${String(e)}`)
    }
    for (const rule of members)
      values.set(rule.id, METRIC_READERS[rule.metric].read(data, system, direct))
  }
  return values
}

/**
 * Conversion of the range's leads created at least `closeDays` before today (the days within
 * which most deals close, learnt from recent deals): the part of a maturing range whose outcomes
 * can be read. Null when no day of the range is that old.
 */
function maturedConversion(
  db: Store,
  filters: Filters,
  conversion: NonNullable<DashboardData['conversion']>,
  clock: () => Date,
): { rate: number; conversions: number } | null {
  const range = resolveRange(filters.range, clock())
  const today = resolveRange({ preset: 'today', timeZone: range.timeZone }, clock()).from
  const lastMatured = dayString(dayNumber(today) - conversion.maturity.closeDays)
  if (lastMatured < range.from) return null
  const to = lastMatured < range.to ? lastMatured : range.to
  const matured = dashboard(
    db,
    {
      filters: {
        ...filters,
        range: { preset: 'custom', from: range.from, to, timeZone: range.timeZone },
      },
      dashboards: ['conversion'],
      maxPoints: 3,
      activityLimit: 1,
    },
    clock,
  ).conversion
  if (!matured || matured.leads === 0 || matured.rate === null) return null
  return { rate: matured.rate, conversions: matured.conversions }
}

/** No dashboard answer: every KPI reader finds its dashboard absent and says no data. */
const EMPTY: DashboardData = {
  range: { from: '1970-01-01', to: '1970-01-01', timeZone: 'UTC' },
  asOf: null,
  kpis: {} as DashboardData['kpis'],
  computeMs: 0,
}

// Reads the value each rule watches (issue 13). KPI values come from the
// metrics' own dashboard() answer (so a rule sees exactly the number its tab
// shows), computed once per filter set for every rule that shares it and only
// for the dashboards those rules' metrics need. The system values come from
// the sources' live status, so they are read even when every upstream is
// unreachable: evaluation never touches the network.
import type { AlertMetric, AlertRuleSpec } from '../../shared/api/alert-rules.ts'
import type { DashboardData, DashboardName, Filters, SourceStatus } from '../../shared/api/index.ts'
import type { ViewId } from '../../shared/api/views.ts'
import { dashboard } from '../metrics/dashboard.ts'
import { rollupState } from '../metrics/rollups.ts'
import type { Store } from '../store/index.ts'

/** How one metric is read: the dashboard it comes from, the tab that shows it, its value. */
interface MetricReader {
  readonly dashboard: DashboardName | null
  readonly view: ViewId
  readonly read: (data: DashboardData, system: SystemValues) => number | null
}

/** The values that describe the sync rather than the data. */
export interface SystemValues {
  readonly sourceOfflineSeconds: number | null
  readonly syncLagSeconds: number | null
}

const sumOf = (ys: readonly (number | null)[]): number =>
  ys.reduce<number>((a, y) => a + (y ?? 0), 0)

export const METRIC_READERS: Readonly<Record<AlertMetric, MetricReader>> = {
  averageResponseSeconds: {
    dashboard: 'leadResponse',
    view: 'lead-response',
    read: (d) => d.leadResponse?.averageSeconds ?? null,
  },
  medianResponseSeconds: {
    dashboard: 'leadResponse',
    view: 'lead-response',
    read: (d) => d.leadResponse?.medianSeconds ?? null,
  },
  shareUnderTarget: {
    dashboard: 'leadResponse',
    view: 'lead-response',
    read: (d) => d.leadResponse?.shareUnderTarget ?? null,
  },
  leads: {
    dashboard: 'leadResponse',
    view: 'overview',
    read: (d) => d.leadResponse?.leads ?? null,
  },
  conversionRate: {
    dashboard: 'conversion',
    view: 'conversion',
    read: (d) => d.conversion?.rate ?? null,
  },
  conversions: {
    dashboard: 'conversion',
    view: 'conversion',
    read: (d) => d.conversion?.conversions ?? null,
  },
  revenueBooked: {
    // Deals won in the range by their close date, in cents: the trends answer's booked series.
    dashboard: 'trends',
    view: 'revenue',
    read: (d) => (d.trends ? sumOf(d.trends.revenueCents.y) : null),
  },
  monthProgress: {
    dashboard: 'revenue',
    view: 'revenue',
    read: (d) => d.revenue?.monthProgress ?? null,
  },
  unprofitableChannels: {
    dashboard: 'marketing',
    view: 'marketing',
    read: (d) =>
      d.marketing
        ? d.marketing.channels.filter((c) => c.roiPercent !== null && c.roiPercent < 0).length
        : null,
  },
  sourceOfflineSeconds: {
    dashboard: null,
    view: 'health',
    read: (_d, s) => s.sourceOfflineSeconds,
  },
  syncLagSeconds: { dashboard: null, view: 'health', read: (_d, s) => s.syncLagSeconds },
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
    let data: DashboardData | null = null
    if (wanted.length > 0) {
      try {
        data = dashboard(
          db,
          // Enough points that no series is thinned: revenue booked sums every bucket.
          { filters, dashboards: wanted, maxPoints: 10_000, activityLimit: 1 },
          clock,
        )
      } catch (e) {
        log?.(`Alert rules ${members.map((r) => r.id).join(', ')} could not be read: ${String(e)}`)
      }
    }
    for (const rule of members) {
      const reader = METRIC_READERS[rule.metric]
      values.set(
        rule.id,
        reader.dashboard !== null && data === null ? null : reader.read(data ?? EMPTY, system),
      )
    }
  }
  return values
}

const EMPTY = {} as DashboardData

import type {
  ComparisonKind,
  DashboardData,
  DashboardName,
  Filters,
  SourceStatus,
} from '../../shared/api/index.ts'
import { DASHBOARDS } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { createScope } from './aggregate.ts'
import {
  conversionKpi,
  funnelKpi,
  leadResponseKpi,
  marketingRoiKpi,
  premiumMarketsKpi,
  revenueGrowthKpi,
  trendsKpi,
  type Clock,
} from './catalog.ts'
import { dataAsOf } from './freshness.ts'
import { registryOf } from './registry.ts'
import { activityPage, systemHealth } from './operations.ts'
import { resolveRange } from './time-range.ts'

export interface DashboardRequest {
  readonly filters: Filters
  readonly dashboards: 'all' | readonly DashboardName[]
  readonly maxPoints: number
  readonly activityLimit: number
  /** What the deltas compare with; by default the kind the range's preset names. */
  readonly compareWith?: ComparisonKind | undefined
}

/**
 * Everything the requested dashboards show for one filter set, in one read
 * transaction (a consistent snapshot while a sync writes) and one scope, so
 * the KPIs share their aggregate reads.
 */
export function dashboard(
  db: Store,
  request: DashboardRequest,
  clock: Clock,
  sources: () => readonly SourceStatus[] = () => [],
): DashboardData {
  const started = performance.now()
  const want = new Set<DashboardName>(
    request.dashboards === 'all' ? DASHBOARDS : request.dashboards,
  )
  const { filters } = request
  return db
    .transaction(() => {
      const s = createScope(db, filters)
      const out: { -readonly [K in keyof DashboardData]: DashboardData[K] } = {
        range: resolveRange(filters.range, clock()),
        asOf: dataAsOf(db),
        kpis: registryOf(db).kpis,
        computeMs: 0,
      }
      if (want.has('leadResponse')) out.leadResponse = leadResponseKpi(db, filters, clock, s)
      if (want.has('conversion')) out.conversion = conversionKpi(db, filters, clock, s)
      if (want.has('marketing')) out.marketing = marketingRoiKpi(db, filters, clock, s)
      if (want.has('markets')) out.markets = premiumMarketsKpi(db, filters, clock, s)
      if (want.has('revenue')) out.revenue = revenueGrowthKpi(db, filters, clock, s)
      if (want.has('funnel')) out.funnel = funnelKpi(db, filters, clock, s)
      if (want.has('trends'))
        out.trends = trendsKpi(db, filters, clock, s, request.maxPoints, request.compareWith)
      if (want.has('activity')) out.activity = activityPage(db, request.activityLimit)
      if (want.has('health')) out.health = systemHealth(db, clock, sources)
      out.computeMs = performance.now() - started
      return out
    })
    .deferred()
}

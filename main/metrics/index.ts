export { dataAsOf, liveLeadCount } from './freshness.ts'
export {
  DEFAULT_TARGETS,
  createRegistry,
  registryFor,
  registryOf,
  type KpiRegistry,
} from './registry.ts'
export { rangeBounds, localDayStartUtc, zoneOffsetMs } from './time-range.ts'
export {
  applyLeadChange,
  beginRollupBatch,
  ensureRollups,
  rebuildRollups,
  rebuildRollupsInSlices,
  rollupState,
  COUNT_ROLLUPS,
  ROLLUPS,
  type RollupBatch,
} from './rollups.ts'
export {
  leadResponseKpi,
  conversionKpi,
  marketingRoiKpi,
  premiumMarketsKpi,
  revenueGrowthKpi,
  funnelKpi,
  trendsKpi,
} from './catalog.ts'
export { activityPage, systemHealth } from './operations.ts'
export { dashboard } from './dashboard.ts'
export { cachedDashboard } from './dashboard-cache.ts'
export { filterValues } from './filter-values.ts'
export { createScope } from './aggregate.ts'
export { resolveRange, previousRange } from './time-range.ts'
export { activeDims, dimsSql, FilterError } from './filter-sql.ts'
export { changedDashboards } from '../../shared/api/index.ts'

// The last few dashboard answers, kept while the cache file is unchanged: a person flicking
// between presets (last 30 days, year to date, back) asks the same questions again, and at 1M
// leads an answer off the rollups' path costs seconds. The key is the request's value and the
// clock's minute (a maturing mark counts days to the clock); any write to the file, through this
// connection or another, empties it (changeVersion), so an answer is never older than the data.
// Health is never kept: it reads the sources' live states and the clock.
import type { DashboardData, SourceStatus } from '../../shared/api/index.ts'
import { DASHBOARDS } from '../../shared/api/index.ts'
import { changeVersion, type Store } from '../store/index.ts'
import type { Clock } from './catalog.ts'
import { dashboard, type DashboardRequest } from './dashboard.ts'

/** Answers kept per cache file (an Overview answer is tens of KB). */
export const DASHBOARD_CACHE_ENTRIES = 24

interface Kept {
  version: string
  readonly answers: Map<string, DashboardData>
}

const kept = new WeakMap<Store, Kept>()

/** `dashboard(…)`, answered from the last identical request while the file has not changed. */
export function cachedDashboard(
  db: Store,
  request: DashboardRequest,
  clock: Clock,
  sources: () => readonly SourceStatus[] = () => [],
): DashboardData {
  const names = request.dashboards === 'all' ? DASHBOARDS : request.dashboards
  if (names.includes('health')) return dashboard(db, request, clock, sources)
  const version = changeVersion(db)
  let cache = kept.get(db)
  if (!cache) kept.set(db, (cache = { version, answers: new Map() }))
  if (cache.version !== version) {
    cache.answers.clear()
    cache.version = version
  }
  const key = JSON.stringify([request, Math.floor(clock().getTime() / 60_000)])
  const hit = cache.answers.get(key)
  if (hit) {
    // Most recently used last: the Map's order is the eviction order.
    cache.answers.delete(key)
    cache.answers.set(key, hit)
    return hit
  }
  const answer = dashboard(db, request, clock, sources)
  cache.answers.set(key, answer)
  for (const old of cache.answers.keys()) {
    if (cache.answers.size <= DASHBOARD_CACHE_ENTRIES) break
    cache.answers.delete(old)
  }
  return answer
}

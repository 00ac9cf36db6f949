import type {
  ComparisonKind,
  DashboardData,
  DateRange,
  MethodInput,
} from '../../../shared/api/index.ts'
import { useApi, type ApiState } from '../api/client.ts'
import { maxPointsFor } from '../lib/page-state.ts'
import { toFilters, type Dimensions } from '../lib/url-state.ts'
import type { ViewDefinition } from '../lib/views.ts'

/** Events on the first activity page (older ones are paged in on demand). */
const ACTIVITY_PAGE = 50

/** A tab of intelligence alone asks `kpis.dashboard` nothing: settled, with no answer. */
const NOTHING_ASKED: ApiState<DashboardData> = { data: null, error: null, loading: false }

/**
 * The answer for one tab: its dashboards for the shown days and filters, each series thinned to
 * the pixels of one chart. Waits (loading) until the days and the content's width are known.
 */
export function useDashboard(
  view: ViewDefinition,
  range: DateRange | null,
  dimensions: Dimensions,
  width: number | null,
  /**
   * What the deltas compare with: the days are sent as custom days, so the preset they were read
   * from names its comparison here (shared/api/kpis.ts comparisonKindFor).
   */
  compareWith?: ComparisonKind,
): ApiState<DashboardData> {
  const asks = view.dashboards.length > 0
  const request: MethodInput<'kpis.dashboard'> | null =
    range === null || width === null || !asks
      ? null
      : {
          filters: toFilters({ preset: 'custom', ...range }, dimensions),
          dashboards: [...view.dashboards],
          maxPoints: maxPointsFor(width, view.chartColumns),
          activityLimit: ACTIVITY_PAGE,
          ...(compareWith === undefined ? {} : { compareWith }),
        }
  const answer = useApi('kpis.dashboard', request, [], { dashboards: view.dashboards })
  return asks ? answer : NOTHING_ASKED
}

import { activityPage, dashboard, filterValues } from '../../metrics/index.ts'
import type { Handler } from './types.ts'

const dashboardHandler: Handler<'kpis.dashboard'> = (input, ctx) =>
  dashboard(ctx.db, input, ctx.clock, ctx.sources)

const activityHandler: Handler<'activity.page'> = (input, ctx) =>
  activityPage(ctx.db, input.limit, input.before)

const filterValuesHandler: Handler<'filters.values'> = (_input, ctx) => filterValues(ctx.db)

export const dashboardHandlers = {
  'kpis.dashboard': dashboardHandler,
  'activity.page': activityHandler,
  'filters.values': filterValuesHandler,
}

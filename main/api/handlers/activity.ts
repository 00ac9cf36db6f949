import { activityPage } from '../../metrics/index.ts'
import type { HandlerModule } from './types.ts'

export const activityHandlers = {
  'activity.page': (input, ctx) => activityPage(ctx.db, input.limit, input.before),
} satisfies HandlerModule

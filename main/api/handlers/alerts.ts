import { recentUpstreamAlerts } from '../../metrics/upstream-alerts.ts'
import type { HandlerModule } from './types.ts'

export const alertHandlers = {
  'alerts.recent': (input, ctx) => recentUpstreamAlerts(ctx.db, input.limit, input.since),
} satisfies HandlerModule

import { dashboard } from '../../metrics/index.ts'
import type { HandlerModule } from './types.ts'

export const kpiHandlers = {
  'kpis.dashboard': (input, ctx) => dashboard(ctx.db, input, ctx.clock, ctx.sources),
} satisfies HandlerModule

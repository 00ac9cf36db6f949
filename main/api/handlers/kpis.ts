import { cachedDashboard, registryOf } from '../../metrics/index.ts'
import type { HandlerModule } from './types.ts'

export const kpiHandlers = {
  'kpis.dashboard': (input, ctx) => cachedDashboard(ctx.db, input, ctx.clock, ctx.sources),
  'kpis.definitions': (_input, ctx) => Object.values(registryOf(ctx.db).kpis),
} satisfies HandlerModule

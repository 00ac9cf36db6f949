import { ApiError } from '../../../shared/api/index.ts'
import type { HandlerModule } from './types.ts'

const NOT_HERE =
  'Maintenance runs in the Watchfloor core; this one was started without it (a read-only view of a cache).'

export const maintenanceHandlers = {
  'maintenance.start': (input, ctx) => {
    if (!ctx.maintenance) throw new ApiError({ code: 'unavailable', message: NOT_HERE })
    return ctx.maintenance.start(input)
  },
  'maintenance.status': (_input, ctx) =>
    ctx.maintenance?.status() ?? { job: null, tables: [], resyncUnavailable: NOT_HERE },
} satisfies HandlerModule

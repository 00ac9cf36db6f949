import { filterValues } from '../../metrics/index.ts'
import type { HandlerModule } from './types.ts'

export const filterHandlers = {
  'filters.values': (_input, ctx) => filterValues(ctx.db),
} satisfies HandlerModule

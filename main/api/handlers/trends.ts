import { leadsPerDay } from '../../metrics/index.ts'
import type { Handler } from './types.ts'

const leadsPerDayHandler: Handler<'trends.leadsPerDay'> = (input, ctx) =>
  leadsPerDay(ctx.db, input.range)

export const trendHandlers = { 'trends.leadsPerDay': leadsPerDayHandler }

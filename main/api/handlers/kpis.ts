import { leadResponse } from '../../metrics/index.ts'
import type { Handler } from './types.ts'

const leadResponseHandler: Handler<'kpis.leadResponse'> = (input, ctx) =>
  leadResponse(ctx.db, input.range)

export const kpiHandlers = { 'kpis.leadResponse': leadResponseHandler }

import { dataAsOf } from '../../metrics/index.ts'
import type { Handler } from './types.ts'

const status: Handler<'app.status'> = (_input, ctx) => {
  const { n } = ctx.db
    .prepare('SELECT count(*) AS n FROM leads WHERE deleted_at IS NULL')
    .get() as {
    n: number
  }
  return {
    mode: ctx.isDemo() ? 'demo' : 'live',
    version: ctx.version,
    dataAsOf: dataAsOf(ctx.db),
    leadCount: n,
    sources: ctx.sources(),
  }
}

export const appHandlers = { 'app.status': status }

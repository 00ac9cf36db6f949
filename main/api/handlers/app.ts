import { dataAsOf, liveLeadCount } from '../../metrics/index.ts'
import { memoUntilChanged } from '../../store/index.ts'
import type { Handler, HandlerModule } from './types.ts'

/** The footer's lead count trails a live sync by at most this much. */
const LEAD_COUNT_MAX_AGE_MS = 10_000

const status: Handler<'app.status'> = (_input, ctx) => {
  // From the rollups when current (sub-millisecond); a full count (~70 ms at
  // a million leads, while rollups are rebuilt) on every status call would
  // cost the core that much per sync commit while a page is open.
  const n = memoUntilChanged(ctx.db, 'lead-count', LEAD_COUNT_MAX_AGE_MS, () =>
    liveLeadCount(ctx.db),
  )
  return {
    mode: ctx.isDemo() ? 'demo' : 'live',
    version: ctx.version,
    dataAsOf: dataAsOf(ctx.db),
    leadCount: n,
    sources: ctx.sources(),
  }
}

export const appHandlers = { 'app.status': status } satisfies HandlerModule

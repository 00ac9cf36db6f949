import { createAlertEngine, type AlertEngine } from '../../alerts/index.ts'
import type { Store } from '../../store/index.ts'
import type { CoreContext } from '../context.ts'
import type { HandlerModule } from './types.ts'

// Where the api is served without the core's engine (a read-only view of a cache), calls use one
// of their own, without a timer: each evaluates the cache once when asked.
const standalone = new WeakMap<Store, AlertEngine>()

function engineOf(ctx: CoreContext): AlertEngine {
  if (ctx.alerts) return ctx.alerts
  let engine = standalone.get(ctx.db)
  if (!engine) {
    engine = createAlertEngine({
      db: ctx.db,
      clock: ctx.clock,
      sources: ctx.sources,
      intervalMs: 0,
    })
    standalone.set(ctx.db, engine)
  }
  return engine
}

export const alertEngineHandlers = {
  'alerts.active': (_input, ctx) => engineOf(ctx).active(),
  'alerts.history': (input, ctx) => engineOf(ctx).history(input.limit, input.before),
  'alerts.acknowledge': (input, ctx) => engineOf(ctx).acknowledge(input.key),
  'alerts.acknowledgeAll': (_input, ctx) => engineOf(ctx).acknowledgeAll(),
  'alerts.silence': (input, ctx) => engineOf(ctx).silence(input.key, new Date(input.until)),
} satisfies HandlerModule

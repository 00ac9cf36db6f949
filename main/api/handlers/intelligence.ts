// Customer intelligence (issue 16): stored results read from the cache; the recompute runs in
// the core's service (main/intelligence/service.ts), off the thread that answers these calls.
import { ApiError } from '../../../shared/api/index.ts'
import { journeys } from '../../intelligence/journeys.ts'
import { callFirst, leadScores, modelCard, segmentsResult } from '../../intelligence/read.ts'
import type { HandlerModule } from './types.ts'

const NOT_HERE =
  'Recomputing runs in the Watchfloor core; this one was started without it (a read-only view of a cache).'

export const intelligenceHandlers = {
  'intel.segments': (input, ctx) => {
    const result = segmentsResult(ctx.db, input.maxPoints, input.filters, ctx.clock())
    // The first look at a view that has nothing yet starts the first recompute.
    if (result.availability === 'not computed') ctx.intelligence?.ensureComputed()
    return result
  },
  'intel.journeys': (input, ctx) => journeys(ctx.db, input.filters, ctx.clock(), input.slowest),
  'intel.callFirst': (input, ctx) => {
    const result = callFirst(ctx.db, input.filters, input.limit, ctx.clock())
    if (result.availability === 'not computed') ctx.intelligence?.ensureComputed()
    return result
  },
  'intel.leadScores': (input, ctx) => leadScores(ctx.db, input.leadIds),
  'intel.modelCard': (_input, ctx) => {
    const card = modelCard(ctx.db)
    if (card.availability === 'not computed') ctx.intelligence?.ensureComputed()
    return card
  },
  'intel.status': (_input, ctx) =>
    ctx.intelligence?.status() ?? {
      state: 'idle',
      trigger: null,
      phase: NOT_HERE,
      done: 0,
      total: 0,
      startedAt: null,
      endedAt: null,
      result: null,
      computedAt: modelCard(ctx.db).computedAt,
      inputsHash: modelCard(ctx.db).inputsHash,
      changedSinceRecompute: 0,
      recomputeAfterChanges: 0,
    },
  'intel.recompute': (input, ctx) => {
    if (!ctx.intelligence) throw new ApiError({ code: 'unavailable', message: NOT_HERE })
    return ctx.intelligence.recompute('demand', input.force)
  },
} satisfies HandlerModule

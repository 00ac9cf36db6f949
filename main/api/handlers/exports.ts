// Exports (issue 12): start answers at once with the job, which runs on in
// the core (main/export/job.ts) and reports itself as `export.progress`.
// Only the core serves them: a read-only api over a cache (`watchfloor
// status`) has no downloads folder and no place to write.
import { ApiError } from '../../../shared/api/index.ts'
import type { CoreContext } from '../context.ts'
import type { HandlerModule } from './types.ts'

const NOT_HERE =
  'Exports run in the Watchfloor core; this one was started without it (a read-only view of a cache). Use `watchfloor export` on the command line.'

const exportsOf = (ctx: CoreContext) => {
  if (!ctx.exports) throw new ApiError({ code: 'unavailable', message: NOT_HERE })
  return ctx.exports
}

export const exportHandlers = {
  'export.start': (input, ctx) => exportsOf(ctx).start(input),
  'export.status': (input, ctx) => exportsOf(ctx).status(input.id),
  'export.cancel': (input, ctx) => exportsOf(ctx).cancel(input.id),
} satisfies HandlerModule

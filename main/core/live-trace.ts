// A trace of the live path inside the core, for the live-latency bench (issue 14: "look at
// where the p99 goes"). Off unless WATCHFLOOR_LIVE_TRACE names a file; then the core appends
// one JSON line per mark: wake-ups (a NOTIFY at the sync's LISTEN connection), each Postgres
// query's start and end, each sync commit, each `data.changed` sent, alert evaluations,
// intelligence runs, and every stall of the core's thread longer than STALL_MS. Times are
// `performance.timeOrigin + performance.now()`, as the bench takes its own, so the two
// processes' marks lie on one clock. Nothing here runs when the variable is unset.
import { appendFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import pg from 'pg'

export const LIVE_TRACE_ENV = 'WATCHFLOOR_LIVE_TRACE'

/** One line of the trace file. */
export interface TraceMark {
  /** Milliseconds on the wall clock (performance.timeOrigin + performance.now()). */
  readonly at: number
  readonly mark: string
  readonly detail?: string
}

/** The core's thread is reported when a 10 ms timer fires this much late. */
export const STALL_MS = 15
const STALL_TICK_MS = 10

const file = process.env[LIVE_TRACE_ENV] || null

/** The wall clock in ms with sub-ms precision, comparable between processes on one machine. */
export const traceNow = (): number => performance.timeOrigin + performance.now()

/** Whether marks are recorded (WATCHFLOOR_LIVE_TRACE set). */
export const tracing = (): boolean => file !== null

export function liveTrace(mark: string, detail?: string): void {
  if (file === null) return
  const line: TraceMark =
    detail === undefined ? { at: traceNow(), mark } : { at: traceNow(), mark, detail }
  appendFileSync(file, `${JSON.stringify(line)}\n`)
}

/** The first words of a query, enough to tell the sync's queries apart. */
function queryHead(text: unknown): string {
  const sql =
    typeof text === 'string'
      ? text
      : typeof text === 'object' && text !== null && 'text' in text && typeof text.text === 'string'
        ? text.text
        : 'copy'
  return sql.replace(/\s+/g, ' ').trim().slice(0, 60)
}

/**
 * Starts the trace's hooks when asked: every pg client's queries and notifications are marked
 * (the sync engine's pool and LISTEN connection live inside it; wrapping the driver marks them
 * without a hook in the engine), and a timer notes the thread's stalls.
 */
export function startLiveTrace(): void {
  if (file === null) return
  const proto = pg.Client.prototype as unknown as {
    query: (...args: unknown[]) => unknown
    emit: (event: string | symbol, ...args: unknown[]) => boolean
  }
  const query = proto.query
  let n = 0
  proto.query = function (this: unknown, ...args: unknown[]) {
    const id = ++n
    const head = queryHead(args[0])
    liveTrace('pg-start', `${id} ${head}`)
    const end = (result?: unknown) => {
      // The horizon a cycle read (followPlan, currentHorizon) tells a held-back xmin.
      const row = (result as { rows?: Record<string, unknown>[] } | undefined)?.rows?.[0]
      const horizon = row?.horizon ?? row?.h
      liveTrace('pg-end', `${id}${typeof horizon === 'string' ? ` horizon ${horizon}` : ''}`)
    }
    // The pool passes a callback (then query returns nothing); a caller may await a promise.
    const last = args[args.length - 1]
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        end(result)
        ;(last as (e: unknown, r: unknown) => void)(error, result)
      }
    }
    const result = query.apply(this, args)
    if (result instanceof Promise) result.then(end, () => end())
    else if (typeof result === 'object' && result !== null && 'once' in result) {
      // A COPY stream (pg-copy-streams): ended when its last row was read, or failed.
      const stream = result as { once(event: string, fn: () => void): void }
      stream.once('end', () => end())
      stream.once('error', () => end())
    }
    return result
  }
  const emit = proto.emit
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event === 'notification') {
      const payload = (args[0] as { payload?: string } | undefined)?.payload
      liveTrace('notify', payload)
    }
    return emit.call(this, event, ...args)
  }
  let expected = traceNow() + STALL_TICK_MS
  const tick = () => {
    const now = traceNow()
    const late = now - expected
    if (late > STALL_MS) liveTrace('stall', late.toFixed(1))
    expected = now + STALL_TICK_MS
    setTimeout(tick, STALL_TICK_MS).unref()
  }
  setTimeout(tick, STALL_TICK_MS).unref()
}

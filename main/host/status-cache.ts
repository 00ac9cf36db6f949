// The browser host's answer to `app.status`, kept for a moment. Every wall
// screen asks for it often (its footer: mode, data age, lead count, sources),
// and the core answers one call at a time: behind another client's
// dashboard call, a status call would wait for that call to end. The host
// keeps the last answer and gives it to anyone who asks while it is younger
// than `maxAgeMs`; an older one is still given (up to `maxStaleMs`) while one
// fresh call goes through the core for everyone. A `data.changed` from the
// core drops it: after a change, status is asked of the core again. So does
// an `unavailable` answer: pages must say "offline" while the core is down.
import type { ApiResult } from '../../shared/api/index.ts'

export interface StatusCacheOptions {
  /** Answers younger than this are given without asking the core (default 1 s). */
  readonly maxAgeMs?: number
  /** Older answers are still given while a fresh one is asked for, up to this age (default 10 s). */
  readonly maxStaleMs?: number
  readonly now?: () => number
}

type Invoke = (method: unknown, input: unknown, caller?: unknown) => Promise<ApiResult<unknown>>

/** Whether a call is the plain `app.status` (its only valid input is `{}`). */
const isPlainStatus = (method: unknown, input: unknown): boolean =>
  method === 'app.status' &&
  typeof input === 'object' &&
  input !== null &&
  !Array.isArray(input) &&
  Object.keys(input).length === 0

export interface StatusCache {
  /** The cached answer for a plain `app.status` when there is one to give; undefined otherwise. */
  lookup(method: unknown, input: unknown): ApiResult<unknown> | undefined
  /** Wraps the call into the core: plain `app.status` answers refresh the cache. */
  readonly invoke: Invoke
  /** Forgets the answer (the cache changed). */
  invalidate(): void
}

export function createStatusCache(core: Invoke, options: StatusCacheOptions = {}): StatusCache {
  const now = options.now ?? Date.now
  const maxAge = options.maxAgeMs ?? 1_000
  const maxStale = options.maxStaleMs ?? 10_000
  let kept: { at: number; result: ApiResult<unknown>; generation: number } | null = null
  let generation = 0
  let refreshing: Promise<unknown> | null = null

  const ask = (input: unknown, caller?: unknown): Promise<ApiResult<unknown>> => {
    const asked = generation
    const call = core('app.status', input, caller).then((result) => {
      // An answer begun before a change does not describe the cache after it.
      if (result.ok && asked === generation) kept = { at: now(), result, generation: asked }
      // A core that cannot answer (crashed, restarting) is not covered up by
      // a kept answer: the next page to ask hears that it is unreachable.
      if (!result.ok && result.error.code === 'unavailable') kept = null
      return result
    })
    refreshing = call.finally(() => (refreshing = null))
    return call
  }

  return {
    lookup(method, input) {
      if (!isPlainStatus(method, input) || kept === null || kept.generation !== generation)
        return undefined
      const age = now() - kept.at
      if (age < maxAge) return kept.result
      if (age < maxStale) {
        // Given as it is, while one fresh call goes through the core for everyone.
        if (refreshing === null) void ask({}).catch(() => {})
        return kept.result
      }
      return undefined
    },
    invoke(method, input, caller) {
      return isPlainStatus(method, input) ? ask(input, caller) : core(method, input, caller)
    },
    invalidate() {
      generation += 1
      kept = null
    },
  }
}

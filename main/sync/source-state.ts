// Every source's state (DESIGN.md, "Sync": every source reports its state):
// one model for Postgres, the Redis stream and Socket.IO. A source holds a
// SourceCondition; toSourceStatus is the pure map onto the contract's
// SourceStatus. Also the one reconnect backoff, and the error helpers every
// source describes its failures with.
import type { SourceState, SourceStatus } from '../../shared/api/index.ts'

export type { SourceState }

export type SourceCondition =
  | { readonly state: 'live'; readonly message?: string | null }
  /** Connecting, or copying: `message` says which. */
  | { readonly state: 'syncing'; readonly message?: string | null }
  /** Connected but not hearing from upstream; `since` is the last good sign of life. */
  | { readonly state: 'stale'; readonly since: Date; readonly message?: string | null }
  | { readonly state: 'offline'; readonly nextRetryAt: Date; readonly message: string }
  /** Something a person must fix (a password, a token, a manifest); retries continue. */
  | { readonly state: 'error'; readonly message: string; readonly nextRetryAt?: Date | null }

export interface SourceStateReporter {
  readonly name: string
  current(): SourceCondition
  set(condition: SourceCondition): void
  status(): SourceStatus
}

/** The contract's shape of a condition: `since` is the last good sync (stale) or the next retry (offline). */
export function toSourceStatus(name: string, c: SourceCondition): SourceStatus {
  switch (c.state) {
    case 'live':
    case 'syncing':
      return { name, state: c.state, since: null, message: c.message ?? null }
    case 'stale':
      return { name, state: 'stale', since: c.since.toISOString(), message: c.message ?? null }
    case 'offline':
      return { name, state: 'offline', since: c.nextRetryAt.toISOString(), message: c.message }
    case 'error':
      return { name, state: 'error', since: null, message: c.message }
  }
}

/**
 * Keeps the current condition and reports each change once through
 * `onChange`. The status also carries the last good sync: now while live,
 * the last moment it was live otherwise (null if it never was).
 */
export function createSourceStateReporter(
  name: string,
  onChange?: (status: SourceStatus) => void,
  now: () => number = Date.now,
): SourceStateReporter {
  let condition: SourceCondition = { state: 'syncing' }
  let last = JSON.stringify(toSourceStatus(name, condition))
  let lastLive: number | null = null
  return {
    name,
    current: () => condition,
    status: () => {
      if (condition.state === 'live') lastLive = now()
      return {
        ...toSourceStatus(name, condition),
        lastGoodSyncAt: lastLive === null ? null : new Date(lastLive).toISOString(),
      }
    },
    set(next) {
      // Leaving live: the last good moment is now.
      if (condition.state === 'live' || next.state === 'live') lastLive = now()
      condition = next
      const status = toSourceStatus(name, next)
      const text = JSON.stringify(status)
      if (text !== last) {
        last = text
        onChange?.(status)
      }
    },
  }
}

// ---------------------------------------------------------------------------
// Backoff

export interface BackoffOptions {
  readonly baseMs?: number
  readonly capMs?: number
  readonly random?: () => number
}

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"): a
 * uniform delay in [0, min(cap, base·2^attempt)). A thousand clients that
 * lost the server at the same instant spread their returns over the whole
 * window instead of arriving together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500
  const cap = options.capMs ?? 60_000
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30))
  return Math.floor((options.random ?? Math.random)() * ceiling)
}

// ---------------------------------------------------------------------------
// Failures as sentences

export type FailureKind = 'offline' | 'error'

export interface DescribedFailure {
  readonly kind: FailureKind
  readonly message: string
}

export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors[0] instanceof Error) {
    return error.errors[0].message
  }
  return error instanceof Error ? error.message : String(error)
}

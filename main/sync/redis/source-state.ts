// A source's condition and the reconnect schedule shared by the Redis and
// Socket.IO clients. Shaped to map onto SourceStatus in shared/api/contract.ts
// without importing the api's runtime code into the sync layer.
import type { SourceStatus } from '../../../shared/api/index.ts'

export type SourceCondition =
  | { readonly state: 'live' }
  | { readonly state: 'syncing' }
  /** Connected but not hearing from upstream; `since` is the last good sign of life. */
  | { readonly state: 'stale'; readonly since: Date }
  | { readonly state: 'offline'; readonly nextRetryAt: Date; readonly message: string }
  /** Something a person must fix (a password, a token); retries continue. */
  | { readonly state: 'error'; readonly message: string }

export interface SourceStateReporter {
  readonly name: string
  current(): SourceCondition
  set(condition: SourceCondition): void
  status(): SourceStatus
}

export function toSourceStatus(name: string, c: SourceCondition): SourceStatus {
  switch (c.state) {
    case 'live':
    case 'syncing':
      return { name, state: c.state, since: null, message: null }
    case 'stale':
      return { name, state: 'stale', since: c.since.toISOString(), message: null }
    case 'offline':
      return {
        name,
        state: 'offline',
        since: c.nextRetryAt.toISOString(),
        message: c.message,
      }
    case 'error':
      return { name, state: 'error', since: null, message: c.message }
  }
}

/**
 * Keeps the current condition and reports each change once through
 * `onChange` (the lead wires that to the api's status event).
 */
export function createSourceStateReporter(
  name: string,
  onChange?: (status: SourceStatus) => void,
): SourceStateReporter {
  let condition: SourceCondition = { state: 'syncing' }
  let last = JSON.stringify(toSourceStatus(name, condition))
  return {
    name,
    current: () => condition,
    status: () => toSourceStatus(name, condition),
    set(next) {
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

// One backoff for every source: the Postgres sync's (full jitter, capped).
export { backoffDelay, type BackoffOptions } from '../source-state.ts'

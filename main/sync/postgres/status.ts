// The Postgres source's status, derived by one pure function from what the
// engine knows (its SourceCondition, each table's facts, the clock), so every
// rule of it is unit-tested without a server.
import type { SourceStatus } from '../../../shared/api/index.ts'
import type { SourceCondition, SourceState } from '../source-state.ts'

export interface TableSyncStatus {
  /** Upstream table name. */
  readonly table: string
  readonly state: SourceState
  /** ISO: last good sync (stale, live) or next retry (offline). */
  readonly since: string | null
  readonly message: string | null
  /** Which feed keeps this table current: exact change log, or the approximate poll. */
  readonly feed: 'changelog' | 'poll' | null
  readonly rowsApplied: number
  readonly rowsRejected: number
}

export interface PostgresSyncStatus extends SourceStatus {
  /** True when any table is fed by the polling fallback (no change log upstream). */
  readonly approximate: boolean
  /** Rows applied per second over the last few seconds. */
  readonly rowsPerSecond: number
  /** Milliseconds since the cache last equalled the upstream horizon; null before the first sync. */
  readonly lagMs: number | null
  /** ISO time of the next connection attempt while offline or in error. */
  readonly nextRetryAt: string | null
  readonly lastSuccessAt: string | null
  readonly tables: readonly TableSyncStatus[]
}

/** What the engine knows about one table. */
export interface TableFacts {
  readonly table: string
  /** Why this table cannot be synced (schema drift, a missing mirror), or null. */
  readonly error: string | null
  /** Being copied right now. */
  readonly copying: boolean
  /** Copied, and following changes. */
  readonly following: boolean
  readonly lastSuccessAt: number | null
  readonly feed: 'changelog' | 'poll' | null
  readonly rowsApplied: number
  readonly rowsRejected: number
}

/** What the engine knows about the source. */
export interface PostgresFacts {
  readonly name: string
  /** The connection's condition: syncing, live, offline or error (stale is derived here). */
  readonly condition: SourceCondition
  readonly tables: readonly TableFacts[]
  readonly lastSuccessAt: number | null
  /** When the cache last equalled the upstream horizon. */
  readonly caughtUpAt: number | null
  /** Since when change-log entries past the horizon have been waiting (an open transaction). */
  readonly pendingSince: number | null
  readonly rowsPerSecond: number
  readonly staleAfterMs: number
  readonly now: number
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString()

/**
 * The source's status. A table that cannot be synced is in error; the others
 * share the connection's state (syncing while copied). The source is stale
 * when entries have waited past the horizon longer than staleAfterMs, in
 * error when every table is, and says so when any table is polled.
 */
export function derivePostgresStatus(f: PostgresFacts): PostgresSyncStatus {
  const c = f.condition
  const connection = c.state === 'stale' ? 'live' : c.state
  const nextRetryAt =
    c.state === 'offline' || c.state === 'error' ? (c.nextRetryAt?.getTime() ?? null) : null
  const tables: TableSyncStatus[] = f.tables.map((t) => ({
    table: t.table,
    state: t.error
      ? 'error'
      : t.copying || !t.following
        ? connection === 'offline' || connection === 'error'
          ? connection
          : 'syncing'
        : connection,
    since: t.error ? null : iso(t.lastSuccessAt),
    message: t.error,
    feed: t.feed,
    rowsApplied: t.rowsApplied,
    rowsRejected: t.rowsRejected,
  }))
  const broken = tables.filter((t) => t.state === 'error')
  let state: SourceState = connection
  let message = c.message ?? null
  let since = connection === 'offline' ? iso(nextRetryAt) : iso(f.lastSuccessAt)
  if (state === 'live' && f.pendingSince !== null && f.now - f.pendingSince > f.staleAfterMs) {
    state = 'stale'
    since = iso(f.caughtUpAt)
    message = 'Upstream changes are held back by a long-running transaction'
  }
  if (tables.length > 0 && broken.length === tables.length && state !== 'offline') {
    state = 'error'
    message = broken[0]?.message ?? message
  } else if (broken.length > 0 && (state === 'live' || state === 'stale')) {
    message = broken.map((t) => t.message).join('; ')
  }
  const approximate = tables.some((t) => t.feed === 'poll')
  if (state === 'live' && approximate && !message) {
    message = 'No change log upstream: polling, approximate until reconciled'
  }
  return {
    name: f.name,
    state,
    since,
    message,
    approximate,
    rowsPerSecond: f.rowsPerSecond,
    lagMs: f.caughtUpAt === null ? null : f.now - f.caughtUpAt,
    nextRetryAt: iso(nextRetryAt),
    lastSuccessAt: iso(f.lastSuccessAt),
    tables,
  }
}

/** The contract's shape, for the api's `sources()`. */
export function postgresSourceStatus(status: PostgresSyncStatus): SourceStatus {
  return {
    name: status.name,
    state: status.state,
    since: status.since,
    message: status.message,
    rate: { value: status.rowsPerSecond, unit: 'rows/s' },
    lagMs: status.lagMs,
    approximate: status.approximate,
    lastGoodSyncAt: status.lastSuccessAt,
  }
}

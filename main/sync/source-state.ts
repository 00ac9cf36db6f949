// Source and table states (DESIGN.md, "Sync": every source reports its
// state), reconnect backoff, and failures turned into sentences a person can
// act on. Shaped to map onto `SourceStatus` in shared/api/contract.ts.
import type { SourceState, SourceStatus } from '../../shared/api/contract.ts'
import { redactUrl } from '../config/connection-profile.ts'

export type { SourceState }

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

/** The contract's shape, for the api's `sources()`. */
export function toSourceStatus(status: PostgresSyncStatus): SourceStatus {
  return {
    name: status.name,
    state: status.state,
    since: status.since,
    message: status.message,
    rate: { value: status.rowsPerSecond, unit: 'rows/s' },
    lagMs: status.lagMs,
    approximate: status.approximate,
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

/** The error's code (pg SQLSTATE or Node errno), looking inside a dual-stack AggregateError. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') return code
  // A refused dual-stack connect is an AggregateError whose parts carry the code.
  if (error instanceof AggregateError) return errorCode(error.errors[0])
  return undefined
}

export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors[0] instanceof Error) {
    return error.errors[0].message
  }
  return error instanceof Error ? error.message : String(error)
}

/** `host:port` of a connection string, never its credentials. */
export function endpointOf(connectionString: string): string {
  try {
    const url = new URL(connectionString)
    return `${url.hostname || 'localhost'}:${url.port || '5432'}`
  } catch {
    return 'the configured Postgres'
  }
}

/** A connection string fit for a log line: the password replaced. */
export const redactConnectionString = redactUrl

/** Errors whose cause is the network or a server going away: retried, shown as offline. */
const offlineCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '57P01', // admin_shutdown (pg_terminate_backend, server restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '53300', // too_many_connections
])

/**
 * One sentence for a failure talking to Postgres: `offline` when the server
 * cannot be reached (retried with backoff), `error` when it answered and
 * refused (a person must fix a password, a database name, a manifest).
 */
export function describePostgresFailure(error: unknown, endpoint: string): DescribedFailure {
  const code = errorCode(error)
  const message = errorMessage(error)
  switch (code) {
    case 'ECONNREFUSED':
      return {
        kind: 'offline',
        message: `Cannot reach Postgres at ${endpoint}: connection refused`,
      }
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'offline', message: `Cannot reach Postgres at ${endpoint}: host not found` }
    case 'ETIMEDOUT':
      return { kind: 'offline', message: `Cannot reach Postgres at ${endpoint}: timed out` }
    case '57P01':
    case '57P02':
    case '57P03':
      return {
        kind: 'offline',
        message: `Lost the connection to Postgres at ${endpoint}: the server closed it (${message})`,
      }
    case '28P01':
    case '28000':
      return { kind: 'error', message: `Postgres at ${endpoint} refused the login: ${message}` }
    case '3D000':
      return {
        kind: 'error',
        message: `Postgres at ${endpoint}: ${message}; create it or fix the URL`,
      }
    case '42501':
      return {
        kind: 'error',
        message: `Postgres at ${endpoint} denied access: ${message}; grant the sync user SELECT on the manifest's tables`,
      }
  }
  if (code && offlineCodes.has(code)) {
    return {
      kind: 'offline',
      message: `Lost the connection to Postgres at ${endpoint}: ${message}`,
    }
  }
  if (/timeout|terminated|Connection terminated|ended unexpectedly/i.test(message)) {
    return {
      kind: 'offline',
      message: `Lost the connection to Postgres at ${endpoint}: ${message}`,
    }
  }
  if (code?.startsWith('SQLITE')) {
    return { kind: 'error', message: `The cache could not be written: ${message}` }
  }
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) {
    return { kind: 'error', message: `The Postgres sync failed: ${message}` }
  }
  return { kind: 'error', message: `Postgres at ${endpoint} failed: ${message}` }
}

/** Whether a failure is about one table's shape (undefined table/column), not the connection. */
export function isSchemaDrift(error: unknown): boolean {
  const code = errorCode(error)
  return code === '42P01' || code === '42703' || code === '42804' || code === '42883'
}

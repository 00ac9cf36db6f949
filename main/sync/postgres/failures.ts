// Failures talking to Postgres as sentences a person can act on: offline
// (the network or the server went away: retried) or error (it answered and
// refused: a person must fix something).
import { redactUrl } from '../../config/connection-profile.ts'
import { errorCode } from '../../store/error-code.ts'
import { errorMessage, type DescribedFailure } from '../source-state.ts'

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

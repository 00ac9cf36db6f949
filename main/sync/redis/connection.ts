// Connections to Redis, standalone or Cluster, with our reconnect schedule
// and one actionable sentence per failure (README, "The CLI": errors are a
// sentence a person can act on, passwords in URLs are never printed).
import { Cluster, Redis } from 'ioredis'
import { backoffDelay, type BackoffOptions } from '../source-state.ts'
import { errorCode } from '../../store/error-code.ts'

export interface ClusterNode {
  readonly host: string
  readonly port: number
}

export type RedisTarget =
  | { readonly url: string }
  | {
      readonly cluster: readonly ClusterNode[]
      readonly username?: string
      readonly password?: string
    }

export type RedisClient = Redis | Cluster

/** `host:port` without credentials, for messages. */
export function describeTarget(target: RedisTarget): string {
  if ('url' in target) {
    try {
      const u = new URL(target.url)
      return `${u.hostname || 'localhost'}:${u.port || 6379}`
    } catch {
      return 'the configured URL'
    }
  }
  const first = target.cluster[0]
  return first ? `${first.host}:${first.port} (cluster)` : 'an empty cluster node list'
}

export type FailureKind = 'unreachable' | 'auth' | 'other'

/** Classifies a connection or command failure into a kind and one sentence. */
export function explainRedisError(
  endpoint: string,
  error: unknown,
): { kind: FailureKind; message: string } {
  const code = errorCode(error)
  const raw = error instanceof Error ? error.message : String(error)
  const firstLine = raw.split('\n')[0] ?? raw
  const unreachable = (why: string) => ({
    kind: 'unreachable' as const,
    message: `Cannot reach Redis at ${endpoint}: ${why}`,
  })
  switch (code) {
    case 'ECONNREFUSED':
      return unreachable('connection refused')
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return unreachable('host not found')
    case 'ETIMEDOUT':
      return unreachable('timed out')
    case 'ECONNRESET':
    case 'EPIPE':
      return unreachable('connection reset')
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return unreachable('no route to the host')
  }
  if (/WRONGPASS|invalid password|invalid username-password/i.test(raw)) {
    return {
      kind: 'auth',
      message: `Redis at ${endpoint} refused the password; check the user and password in the Redis connection settings`,
    }
  }
  if (/NOAUTH/i.test(raw)) {
    return {
      kind: 'auth',
      message: `Redis at ${endpoint} requires a password; add it to the Redis connection settings`,
    }
  }
  if (/NOPERM/i.test(raw)) {
    return {
      kind: 'auth',
      message: `Redis at ${endpoint} does not allow this user to read the stream: ${firstLine}`,
    }
  }
  if (/timed? ?out/i.test(raw)) return unreachable('timed out')
  if (/Connection is closed|Stream isn't writeable|connection lost/i.test(raw)) {
    return unreachable('the connection was lost')
  }
  return { kind: 'other', message: `Redis at ${endpoint} failed: ${firstLine}` }
}

export interface ConnectHooks {
  /** Called by ioredis before each reconnect attempt, with the wait it chose. */
  readonly onRetry: (delayMs: number) => void
  readonly backoff?: BackoffOptions
  readonly connectTimeoutMs?: number
}

/**
 * One client with our retry schedule. Commands are neither queued while the
 * connection is down nor retried after it comes back: the reader waits for
 * `ready` itself and checks for a gap before reading on, and a queued XREAD
 * would hide the outage from the status.
 */
export function createRedisClient(
  target: RedisTarget,
  hooks: ConnectHooks,
  connectionName: string,
): RedisClient {
  const retryStrategy = (times: number): number => {
    const delay = backoffDelay(times - 1, hooks.backoff)
    hooks.onRetry(delay)
    return delay
  }
  const common = {
    connectionName,
    lazyConnect: true,
    enableOfflineQueue: false,
    // An XREAD in flight when the connection drops must fail, not be resent
    // on the next connection: the reader has to compare positions first.
    maxRetriesPerRequest: 0,
    connectTimeout: hooks.connectTimeoutMs ?? 5_000,
  }
  if ('url' in target) {
    return new Redis(target.url, { ...common, retryStrategy })
  }
  return new Cluster(
    target.cluster.map((n) => ({ host: n.host, port: n.port })),
    {
      clusterRetryStrategy: retryStrategy,
      enableOfflineQueue: false,
      lazyConnect: true,
      redisOptions: {
        ...common,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
      },
    },
  )
}

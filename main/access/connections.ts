// The connections as the settings screen shows them (issue 15, "Credentials"): host, port,
// database and user of each upstream, and a password only as "set" (MASKED_SECRET) or not;
// and "Test connection", which connects once to each and answers with the sync's own sentence
// for a failure (describePostgresFailure, explainRedisError), so a person reads the same
// advice here as in the status footer. No secret leaves this module: every message is also
// scrubbed of the profile's secrets in case a driver ever echoes one.
import { Client as PgClient } from 'pg'
import { Cluster, Redis } from 'ioredis'
import {
  MASKED_SECRET,
  type ConnectionEndpoint,
  type ConnectionInfo,
  type ConnectionsStatus,
  type ConnectionsTest,
  type ConnectionTestResult,
} from '../../shared/api/index.ts'
import type { ConnectionProfile } from '../config/connection-profile.ts'
import { describePostgresFailure, endpointOf } from '../sync/postgres/failures.ts'
import { describeTarget, explainRedisError, type RedisTarget } from '../sync/redis/connection.ts'

/** How long "Test connection" waits for each upstream. */
export const CONNECTION_TEST_TIMEOUT_MS = 5_000

const decode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** One URL's parts, the password only as set or not. */
function endpointOfUrl(url: string, defaultPort: number): ConnectionEndpoint {
  try {
    const u = new URL(url)
    const database = decode(u.pathname.replace(/^\//, '')) || u.searchParams.get('dbname') || null
    return {
      host: u.hostname || 'localhost',
      port: u.port ? Number(u.port) : defaultPort,
      database,
      user: u.username ? decode(u.username) : (u.searchParams.get('user') ?? null),
      password: u.password || u.searchParams.has('password') ? MASKED_SECRET : null,
    }
  } catch {
    return { host: '(unreadable URL)', port: null, database: null, user: null, password: null }
  }
}

/** The profile's connections, masked. */
export function connectionsStatus(profile: ConnectionProfile | undefined): ConnectionsStatus {
  const connections: ConnectionInfo[] = []
  if (profile?.postgres) {
    connections.push({
      kind: 'postgres',
      endpoints: [endpointOfUrl(profile.postgres.url, 5432)],
      details: {
        schema: profile.postgres.schema,
        feed: profile.postgres.feed,
        tls: profile.postgres.tls
          ? profile.postgres.tls.rejectUnauthorized
            ? 'on, certificate checked'
            : 'on, certificate not checked'
          : 'off',
      },
    })
  }
  if (profile?.redis) {
    connections.push({
      kind: 'redis',
      endpoints: profile.redis.url
        ? [endpointOfUrl(profile.redis.url, 6379)]
        : (profile.redis.cluster ?? []).map((node) => {
            const [host = '', port = '6379'] = node.split(':')
            return { host, port: Number(port), database: null, user: null, password: null }
          }),
      details: profile.redis.cluster ? { mode: 'cluster' } : {},
    })
  }
  if (profile?.socketio) {
    const endpoint = endpointOfUrl(profile.socketio.url, 80)
    connections.push({
      kind: 'socketio',
      endpoints: [{ ...endpoint, database: null }],
      details: { token: profile.socketio.token ? MASKED_SECRET : 'not set' },
    })
  }
  return { configured: connections.length > 0, connections, tenant: profile?.tenant ?? null }
}

/** Every secret of the profile, to scrub from any message before it leaves the core. */
export function profileSecrets(profile: ConnectionProfile | undefined): string[] {
  const secrets: string[] = []
  const fromUrl = (url: string | undefined) => {
    if (!url) return
    try {
      const u = new URL(url)
      if (u.password) secrets.push(u.password, decode(u.password))
      const p = u.searchParams.get('password')
      if (p) secrets.push(p)
    } catch {
      // An unreadable URL is refused by the profile's schema long before here.
    }
  }
  fromUrl(profile?.postgres?.url)
  fromUrl(profile?.redis?.url)
  fromUrl(profile?.socketio?.url)
  if (profile?.socketio?.token) secrets.push(profile.socketio.token)
  return [...new Set(secrets.filter((s) => s.length >= 3))]
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) out = out.split(secret).join(MASKED_SECRET)
  return out
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' })),
      ms,
    )
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })

async function testPostgres(
  postgres: NonNullable<ConnectionProfile['postgres']>,
  timeoutMs: number,
): Promise<Omit<ConnectionTestResult, 'ms'>> {
  const endpoint = endpointOf(postgres.url)
  const client = new PgClient({
    connectionString: postgres.url,
    connectionTimeoutMillis: timeoutMs,
    application_name: 'watchfloor-connection-test',
    ...(postgres.tls ? { ssl: { rejectUnauthorized: postgres.tls.rejectUnauthorized } } : {}),
  })
  client.on('error', () => undefined)
  try {
    await within(client.connect(), timeoutMs, 'the connection')
    await within(client.query('SELECT 1'), timeoutMs, 'the query')
    return { kind: 'postgres', ok: true, message: `Connected to Postgres at ${endpoint}` }
  } catch (error) {
    return {
      kind: 'postgres',
      ok: false,
      message: describePostgresFailure(error, endpoint).message,
    }
  } finally {
    void client.end().catch(() => undefined)
  }
}

async function testRedis(
  redis: NonNullable<ConnectionProfile['redis']>,
  timeoutMs: number,
): Promise<Omit<ConnectionTestResult, 'ms'>> {
  const target: RedisTarget = redis.url
    ? { url: redis.url }
    : {
        cluster: (redis.cluster ?? []).map((node) => {
          const [host = '', port = '6379'] = node.split(':')
          return { host, port: Number(port) }
        }),
      }
  const endpoint = describeTarget(target)
  // One attempt, no retries: the sync's own client would keep reconnecting.
  const common = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    connectionName: 'watchfloor-connection-test',
  }
  const client =
    'url' in target
      ? new Redis(target.url, { ...common, retryStrategy: () => null })
      : new Cluster(
          target.cluster.map((n) => ({ host: n.host, port: n.port })),
          { clusterRetryStrategy: () => null, lazyConnect: true, redisOptions: common },
        )
  // Without retries, connect() rejects with "Connection is closed"; the cause (refused, not
  // found, a wrong password) came as an error event first.
  let cause: unknown
  client.on('error', (error: unknown) => (cause ??= error))
  try {
    await within(client.connect(), timeoutMs, 'the connection')
    await within(client.ping(), timeoutMs, 'PING')
    return { kind: 'redis', ok: true, message: `Connected to Redis at ${endpoint}` }
  } catch (error) {
    return {
      kind: 'redis',
      ok: false,
      message: explainRedisError(endpoint, cause ?? error).message,
    }
  } finally {
    client.disconnect()
  }
}

async function testSocketIo(
  socketio: NonNullable<ConnectionProfile['socketio']>,
  timeoutMs: number,
): Promise<Omit<ConnectionTestResult, 'ms'>> {
  const endpoint = `${endpointOfUrl(socketio.url, 80).host}:${endpointOfUrl(socketio.url, 80).port}`
  try {
    const url = new URL('/socket.io/?EIO=4&transport=polling', socketio.url)
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    await response.body?.cancel()
    return response.ok
      ? { kind: 'socketio', ok: true, message: `Reached the Socket.IO server at ${endpoint}` }
      : {
          kind: 'socketio',
          ok: false,
          message: `The Socket.IO server at ${endpoint} answered ${response.status}; check its URL`,
        }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    const why =
      cause === 'ECONNREFUSED'
        ? 'connection refused'
        : cause === 'ENOTFOUND'
          ? 'host not found'
          : (error as Error).name === 'TimeoutError'
            ? 'timed out'
            : (error as Error).message
    return { kind: 'socketio', ok: false, message: `Cannot reach Socket.IO at ${endpoint}: ${why}` }
  }
}

/** Connects once to every upstream of the profile, at once; each answers within the timeout. */
export async function testConnections(
  profile: ConnectionProfile | undefined,
  timeoutMs = CONNECTION_TEST_TIMEOUT_MS,
): Promise<ConnectionsTest> {
  const secrets = profileSecrets(profile)
  const timed = async (
    run: () => Promise<Omit<ConnectionTestResult, 'ms'>>,
  ): Promise<ConnectionTestResult> => {
    const started = performance.now()
    const result = await run()
    const ms = Math.round(performance.now() - started)
    return {
      ...result,
      message: scrub(result.ok ? `${result.message} in ${ms} ms` : result.message, secrets),
      ms,
    }
  }
  const runs: Promise<ConnectionTestResult>[] = []
  if (profile?.postgres) {
    const postgres = profile.postgres
    runs.push(timed(() => testPostgres(postgres, timeoutMs)))
  }
  if (profile?.redis) {
    const redis = profile.redis
    runs.push(timed(() => testRedis(redis, timeoutMs)))
  }
  if (profile?.socketio) {
    const socketio = profile.socketio
    runs.push(timed(() => testSocketIo(socketio, timeoutMs)))
  }
  return { results: await Promise.all(runs) }
}

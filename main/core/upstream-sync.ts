import type { EventName, EventPayload, SourceStatus } from '../../shared/api/index.ts'
import { changedDashboards } from '../../shared/api/index.ts'
import type { ConnectionProfile } from '../config/connection-profile.ts'
import { rollupSyncHooks } from '../metrics/sync-hooks.ts'
import type { Store } from '../store/index.ts'
import { startPostgresSync, type PostgresSync } from '../sync/engine.ts'
import { startRedisSync, type RedisSync } from '../sync/redis/index.ts'
import { repairStreamGap } from '../sync/stream-gap-repair.ts'
import { startSocketIoClient, type SocketIoClient } from '../sync/socketio/index.ts'
import { toSourceStatus } from '../sync/source-state.ts'

export interface UpstreamSync {
  sources(): SourceStatus[]
  stop(): Promise<void>
}

/**
 * Runs every configured source against the cache: Postgres (the truth),
 * the Redis stream and Socket.IO pushes (hints that wake the Postgres pull
 * and carry alerts). Rollups are maintained inside each sync transaction, and
 * pages are told which dashboards moved after each commit.
 */
export function startUpstreamSync(
  db: Store,
  profile: ConnectionProfile,
  hooks: {
    readonly log: (line: string) => void
    readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void
  },
): UpstreamSync {
  const changed = (tables: readonly string[]) =>
    hooks.emit('data.changed', {
      tables: [...tables],
      at: new Date().toISOString(),
      dashboards: changedDashboards(tables),
    })
  const rollups = rollupSyncHooks(db, hooks.log)
  const tenant = profile.tenant
  const region = profile.rowFilters.region
  const postgres: PostgresSync | undefined = profile.postgres
    ? startPostgresSync({
        db,
        pgConfig: {
          connectionString: profile.postgres.url,
          ...(profile.postgres.tls
            ? { ssl: { rejectUnauthorized: profile.postgres.tls.rejectUnauthorized } }
            : {}),
        },
        schema: profile.postgres.schema,
        ...(tenant || region
          ? { filter: { ...(tenant ? { tenant } : {}), ...(region ? { region } : {}) } }
          : {}),
        feed: profile.postgres.feed === 'poll' ? 'poll' : 'auto',
        intervalMs: profile.syncIntervalMs,
        log: hooks.log,
        rowHooks: rollups,
        onCommit: (tables) => changed(tables),
      })
    : undefined
  const redis: RedisSync | undefined =
    profile.redis && tenant
      ? startRedisSync({
          db,
          redis: profile.redis.url
            ? { url: profile.redis.url }
            : {
                cluster: (profile.redis.cluster ?? []).map((node) => {
                  const [host = '', port = '6379'] = node.split(':')
                  return { host, port: Number(port) }
                }),
              },
          tenant,
          log: hooks.log,
          onChange: (tables) => {
            // The stream is a hint; the Postgres pull is the truth.
            postgres?.wake()
            changed(tables.includes('events') ? tables : [...tables, 'events'])
          },
          onAlert: () => changed(['upstream_alerts']),
          onGap: (gap) => repairStreamGap(postgres, db, gap),
        })
      : undefined
  const socketIo: SocketIoClient | undefined =
    profile.socketio && tenant
      ? startSocketIoClient({
          url: profile.socketio.url,
          ...(profile.socketio.token ? { token: profile.socketio.token } : {}),
          tenant,
          db,
          log: hooks.log,
          onChange: (tables) => {
            postgres?.wake()
            changed(tables)
          },
          onAlert: () => changed(['upstream_alerts']),
        })
      : undefined
  // Events per second from the stream, sampled, and the last error of each
  // source, kept after it recovers.
  let streamRate = 0
  let lastStored = redis?.stats().stored ?? 0
  let lastSample = Date.now()
  // Rollups skipped during an initial load are rebuilt once Postgres is live.
  const rollupWatch = setInterval(() => {
    if (postgres?.status().state === 'live' && rollups.caughtUp()) changed(['leads'])
  }, 1_000)
  rollupWatch.unref()
  const sampler = setInterval(() => {
    const stored = redis?.stats().stored ?? 0
    const now = Date.now()
    streamRate = ((stored - lastStored) * 1000) / Math.max(1, now - lastSample)
    lastStored = stored
    lastSample = now
  }, 2_000)
  sampler.unref()
  const lastErrors = new Map<string, string>()
  const withLastError = (s: SourceStatus): SourceStatus => {
    if ((s.state === 'error' || s.state === 'offline') && s.message)
      lastErrors.set(s.name, s.message)
    return { ...s, lastError: lastErrors.get(s.name) ?? null }
  }
  return {
    sources: () =>
      [
        ...(postgres ? [toSourceStatus(postgres.status())] : []),
        ...(redis
          ? [{ ...redis.status(), rate: { value: streamRate, unit: 'events/s' as const } }]
          : []),
        ...(socketIo ? [socketIo.status()] : []),
      ].map(withLastError),
    async stop() {
      clearInterval(sampler)
      clearInterval(rollupWatch)
      await Promise.allSettled([postgres?.stop(), redis?.stop(), socketIo?.stop()])
    },
  }
}

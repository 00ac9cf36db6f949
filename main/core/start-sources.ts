import type { SourceStatus } from '../../shared/api/index.ts'
import type { ConnectionProfile } from '../config/connection-profile.ts'
import { rollupSyncHooks } from '../metrics/sync-hooks.ts'
import { combineRowHooks, journeySyncHooks } from '../intelligence/journeys.ts'
import type { Store } from '../store/index.ts'
import { startPostgresSync, type PostgresSync } from '../sync/postgres/engine.ts'
import { opsManifest, type SyncManifest } from '../sync/manifest.ts'
import { startRedisSync, type RedisSync } from '../sync/redis/index.ts'
import { repairStreamGap } from '../sync/stream-gap-repair.ts'
import { startSocketIoClient, type SocketIoClient } from '../sync/socketio/index.ts'
import { postgresSourceStatus } from '../sync/postgres/status.ts'
import { liveTrace, tracing } from './live-trace.ts'
import type { RowHooks } from '../store/row-hooks.ts'

/** How often the core looks for rollups or journeys a load left to rebuild. */
const REBUILD_TICK_MS = 1_000
/** The longest pause before a failed rebuild is tried again. */
const REBUILD_RETRY_MAX_MS = 60_000

export interface SourceHooks {
  readonly log: (line: string) => void
  /** After each commit that changed these cache tables (pages refresh what they show). */
  readonly changed?: (tables: readonly string[]) => void
  /** Rows copied or applied so far, per table. */
  readonly onProgress?: (table: string, phase: 'snapshot' | 'follow', rows: number) => void
  /** Lead rows each commit changed (the intelligence recompute counts them, issue 16). */
  readonly leadRowsChanged?: (rows: number) => void
  /** Infers the journeys off this thread after a bulk load (the core's worker); else here. */
  readonly rebuildJourneys?: () => void
}

export interface SourceOptions {
  /** Sync Postgres until caught up, then end (`watchfloor sync --once`). */
  readonly once?: boolean
  /** Rows per SQLite transaction. */
  readonly batchRows?: number
  /** The tables to mirror (default: the ops manifest). */
  readonly manifest?: SyncManifest
  /** Overrides the profile's feed: `auto` uses the change log where installed. */
  readonly feed?: 'auto' | 'changelog' | 'poll'
  /** better-sqlite3's .node file for Electron's ABI, for the threads with connections of their own. */
  readonly nativeBinding?: string
}

export interface Sources {
  /** The Postgres sync, when the profile names one. */
  readonly postgres: PostgresSync | undefined
  /** The upstream tables the Postgres sync mirrors (its manifest's). */
  readonly tables: readonly string[]
  /** Settles when the Postgres sync ends (caught up with `once`, or stopped), after the rollup catch-up. */
  readonly done: Promise<void>
  sources(): SourceStatus[]
  stop(): Promise<void>
}

/**
 * The row hooks, marking in the live trace (WATCHFLOOR_LIVE_TRACE) when each sync transaction
 * applied its first row (it then holds SQLite's write lock) and when it is about to commit.
 */
function traced(hooks: Required<RowHooks>): Required<RowHooks> {
  if (!tracing()) return hooks
  let first = true
  return {
    wants: (table) => hooks.wants(table),
    row(table, before, after) {
      if (first) liveTrace('tx-row', table)
      first = false
      hooks.row(table, before, after)
    },
    beforeCommit() {
      hooks.beforeCommit()
      liveTrace('tx-commit')
      first = true
    },
    rolledBack() {
      hooks.rolledBack()
      first = true
    },
  }
}

/** The Postgres connection settings of a profile, as the pg driver takes them. */
function pgConfig(postgres: NonNullable<ConnectionProfile['postgres']>) {
  return {
    connectionString: postgres.url,
    ...(postgres.tls ? { ssl: { rejectUnauthorized: postgres.tls.rejectUnauthorized } } : {}),
  }
}

/**
 * Runs every source a profile names against the cache, for the app and for
 * `watchfloor sync` alike: Postgres (the truth), the Redis stream and
 * Socket.IO pushes (hints that wake the Postgres pull and carry alerts; a
 * stream gap is repaired from Postgres). Rollups are kept inside each sync
 * transaction; after a bulk load they are rebuilt once Postgres is live.
 */
export function startSources(
  db: Store,
  profile: ConnectionProfile,
  hooks: SourceHooks,
  options: SourceOptions = {},
): Sources {
  const changed = (tables: readonly string[]) => hooks.changed?.(tables)
  const rollups = rollupSyncHooks(db, hooks.log)
  // The leads' stage history (issue 16) is kept in the same transactions as the rollups.
  const journeys = journeySyncHooks(
    db,
    (rows) => hooks.leadRowsChanged?.(rows),
    hooks.rebuildJourneys,
  )
  const tenant = profile.tenant
  const region = profile.rowFilters.region
  const pg = profile.postgres
  const postgres: PostgresSync | undefined = pg
    ? startPostgresSync({
        db,
        pgConfig: pgConfig(pg),
        schema: pg.schema,
        ...(tenant || region
          ? { filter: { ...(tenant ? { tenant } : {}), ...(region ? { region } : {}) } }
          : {}),
        feed: options.feed ?? (pg.feed === 'poll' ? 'poll' : 'auto'),
        intervalMs: profile.syncIntervalMs,
        log: hooks.log,
        rowHooks: traced(combineRowHooks(rollups, journeys)),
        onCommit: (tables, rows) => {
          liveTrace('commit', `${tables.join(',')} ${rows}`)
          changed(tables)
        },
        ...(options.once ? { once: true } : {}),
        ...(options.batchRows ? { batchRows: options.batchRows } : {}),
        ...(options.manifest ? { manifest: options.manifest } : {}),
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
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
          ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
          onChange: () => {
            liveTrace('stream-hint')
            // The stream is a hint; the Postgres pull is the truth. The batch wrote only
            // `events`: the mirror tables it names move (and say so) when the pull commits,
            // so naming them here would refresh every lead dashboard twice per change.
            postgres?.wake()
            changed(['events'])
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
          // A metrics push is a hint too: it writes nothing, the pull it wakes says what moved.
          onChange: () => postgres?.wake(),
          onAlert: () => changed(['upstream_alerts']),
        })
      : undefined
  // Rollups skipped during an initial load are rebuilt once Postgres is live (a once-run
  // rebuilds them when it has caught up, below): the rollups in slices, so the core goes on
  // pulling and answering meanwhile; the journeys by the intelligence worker. A rebuild that
  // fails (the cache's write lock held by another connection past a write's patience) must never
  // end the core: it is tried again after a pause that doubles up to a minute, and each message
  // is logged once.
  const retries = new Map<
    string,
    { readonly at: number; readonly pauseMs: number; readonly message: string }
  >()
  let rebuilding = false
  // A sliced rebuild still under way when the sources stop meets a closed cache: nothing to say
  // (the rollups stay marked invalid, and the next start rebuilds them).
  let stopped = false
  const catchUp = async () => {
    let rebuilt = false
    for (const [what, caughtUp] of [
      ['rollups', () => rollups.caughtUpInSlices()],
      ['lead journeys', () => Promise.resolve(journeys.caughtUp())],
    ] as const) {
      const retry = retries.get(what)
      if (retry && Date.now() < retry.at) continue
      try {
        if (await caughtUp()) rebuilt = true
        retries.delete(what)
      } catch (error) {
        if (stopped) return
        const message = `The ${what} could not be rebuilt yet (${error instanceof Error ? error.message : String(error)}); trying again.`
        if (message !== retry?.message) hooks.log(message)
        const pauseMs = Math.min(REBUILD_RETRY_MAX_MS, (retry?.pauseMs ?? REBUILD_TICK_MS / 2) * 2)
        retries.set(what, { at: Date.now() + pauseMs, pauseMs, message })
      }
    }
    if (rebuilt) changed(['leads'])
  }
  const rollupWatch = setInterval(() => {
    // A once-run rebuilds when it ends (below): a sliced rebuild begun here could still be under
    // way when its caller closes the cache.
    if (options.once || rebuilding || postgres?.status().state !== 'live') return
    rebuilding = true
    void catchUp().finally(() => {
      rebuilding = false
    })
  }, REBUILD_TICK_MS)
  rollupWatch.unref()
  // Events per second from the stream, sampled, and the last error of each
  // source, kept after it recovers.
  let streamRate = 0
  let lastStored = redis?.stats().stored ?? 0
  let lastSample = Date.now()
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
  const done = (postgres?.done ?? Promise.resolve())
    .finally(() => clearInterval(rollupWatch))
    .then(() => {
      // Caught up (not stopped part-way): rollups skipped by its bulk load are rebuilt now.
      if (!options.once) return
      const rebuilt = rollups.caughtUp()
      if (journeys.caughtUp() || rebuilt) changed(['leads'])
    })
  // Whoever awaits `done` sees a failure; a caller that does not must not crash on it.
  done.catch(() => {})
  return {
    postgres,
    tables: (options.manifest ?? opsManifest).tables.map((t) => t.upstream),
    done,
    sources: () =>
      [
        ...(postgres ? [postgresSourceStatus(postgres.status())] : []),
        ...(redis
          ? [{ ...redis.status(), rate: { value: streamRate, unit: 'events/s' as const } }]
          : []),
        ...(socketIo ? [socketIo.status()] : []),
      ].map(withLastError),
    async stop() {
      stopped = true
      clearInterval(sampler)
      clearInterval(rollupWatch)
      await Promise.allSettled([postgres?.stop(), redis?.stop(), socketIo?.stop()])
    },
  }
}

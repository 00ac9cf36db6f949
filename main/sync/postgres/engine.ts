// The Postgres sync engine the core runs (DESIGN.md, "Sync"): snapshot,
// follow the change log (or the approximate poll where no trigger is
// installed), wake on LISTEN/NOTIFY, an external hook or a timer, and report
// per-source and per-table states. Each SQLite transaction is one short
// batch, so the api's queries interleave with a large initial load.
import type { ConnectionOptions } from 'node:tls'
import type Database from 'better-sqlite3'
import { Pool } from 'pg'
import { changeLogInfo, currentHorizon, followPlan, type ChangeLogInfo } from './change-log.ts'
import {
  DEFAULT_MAX_TEXT,
  localSchemaProblems,
  MirrorWriter,
  SyncStateStore,
  restoreIndexes,
  type TableSyncState,
} from '../local-cache.ts'
import {
  filterFingerprint,
  opsManifest,
  parameterBinder,
  qualified,
  rowCondition,
  validateManifest,
  type ManifestTable,
  type RowFilter,
  type SyncManifest,
} from '../manifest.ts'
import {
  advanceQuiet,
  beginSnapshot,
  copySnapshot,
  logBacklog,
  logPending,
  pollTable,
  pullAhead,
  pullChangeLog,
  reconcileTable,
  upstreamNowMs,
  type AheadMarker,
  type FeedContext,
} from './feed.ts'
import { backoffDelay, type BackoffOptions, type SourceCondition } from '../source-state.ts'
import { describePostgresFailure, endpointOf, isSchemaDrift } from './failures.ts'
import { startChangeListener, type ChangeListener } from './listener.ts'
import { derivePostgresStatus, type PostgresSyncStatus } from './status.ts'
import { Waker } from './waker.ts'
import { PruneStreak } from './prune-streak.ts'
import {
  PRUNED_PAST,
  backlogCap,
  catchUpPlan,
  chooseFeed,
  pendingDelay,
  snapshotReason,
} from './table-plan.ts'
import { stepPoint } from '../step-points.ts'
import type { RowHooks } from '../../store/row-hooks.ts'
import { errorCode } from '../../store/error-code.ts'
import { WRITE_PATIENCE_MS } from '../../store/index.ts'

export interface PostgresConfig {
  /** postgres://user:password@host:port/database; the password is never logged. */
  readonly connectionString: string
  readonly ssl?: boolean | ConnectionOptions
  readonly connectTimeoutMs?: number
  /** Shown in pg_stat_activity (default `watchfloor-sync`). */
  readonly applicationName?: string
}

export interface PostgresSyncOptions {
  readonly db: Database.Database
  readonly pgConfig: PostgresConfig
  readonly schema: string
  /** Default: the ops manifest. */
  readonly manifest?: SyncManifest
  /** Sync only these rows (one tenant, some regions). */
  readonly filter?: RowFilter
  /** Timer fallback between pulls when no wake-up arrives (default 5 s). */
  readonly intervalMs?: number
  readonly onCommit?: (tables: string[], rows: number) => void
  /** Told of each applied row change, inside the SQLite transaction (see RowHooks). */
  readonly rowHooks?: RowHooks
  readonly log?: (line: string) => void
  /** `auto` (default): the change log where its trigger is installed, the poll elsewhere. */
  readonly feed?: 'auto' | 'changelog' | 'poll'
  /** Rows per SQLite transaction (default 5,000). */
  readonly batchRows?: number
  /** Decode a snapshot's COPY on a worker thread beside the writer (default true; false: one thread, as before issue 14). */
  readonly decodeOffThread?: boolean
  /** Poll feed: how far back each poll re-reads (default 5 s). */
  readonly pollOverlapMs?: number
  /** Poll feed: how often key-range checksums are compared (default 5 min). */
  readonly reconcileEveryMs?: number
  readonly reconcileBucket?: number
  /** A source with changes held back longer than this is `stale` (default 60 s). */
  readonly staleAfterMs?: number
  readonly backoff?: BackoffOptions
  readonly maxTextChars?: number
  /** LISTEN for change notifications (default true; off behind a pooler). */
  readonly listen?: boolean
  /** Source name shown in the status (default `Postgres`). */
  readonly name?: string
  /** Run until caught up once, then stop; failures reject `done` instead of retrying. */
  readonly once?: boolean
  /** Progress of a snapshot or catch-up, for the CLI. */
  readonly onProgress?: (table: string, phase: 'snapshot' | 'follow', rows: number) => void
}

export interface PostgresSync {
  status(): PostgresSyncStatus
  /** Pull now (an external change notification, such as the Redis stream). */
  wake(): void
  /** Poll-fed tables compare key-range checksums at the next cycle. */
  requestReconcile(): void
  /** Resolves after the next full cycle that started after this call succeeds. */
  synced(): Promise<void>
  /**
   * Copies one table again from a fresh snapshot at the next cycle (an
   * admin's re-sync): rows the cache lost come back, rows upstream no longer
   * has go. `onRows` hears the rows upstream holds (`total`, once) and the
   * rows copied so far. Resolves with the rows copied; rejects with a
   * sentence when the table cannot be synced or Postgres cannot be reached.
   */
  resync(table: string, onRows?: (done: number, total: number | null) => void): Promise<number>
  /** Settles when the engine stops: at `stop()`, or in `once` mode when caught up (or failed). */
  readonly done: Promise<void>
  stop(): Promise<void>
}

interface TableRuntime {
  readonly table: ManifestTable
  /** The cache lacks this table's mirror or some of its columns: it is never synced. */
  readonly localProblem: string | null
  state: TableSyncState
  feed: 'changelog' | 'poll' | null
  error: string | null
  syncing: boolean
  /** What its last pass past a held horizon applied (`pullAhead`). */
  ahead: AheadMarker | null
}

/**
 * How long entries past the horizon wait for the cursor before `pullAhead` applies those that
 * committed: longer than a busy upstream's writers hold the horizon, short beside the live
 * path's 100 ms.
 */
const AHEAD_AFTER_MS = 20

/**
 * How long an admin's re-sync waits through passing failures in a row (a dropped connection, the
 * cache's write lock held by another connection) before it fails: a slice's patience with a busy
 * cache. Any other failure (a refused login, a missing table) fails it at once.
 */
const RESYNC_PATIENCE_MS = WRITE_PATIENCE_MS

/** Once-mode ended with tables that could not be synced. */
class TablesFailed extends Error {}

/** sync_state's source key: the server, database and schema, never credentials. */
export function sourceKey(connectionString: string, schema: string): string {
  let database: string
  try {
    database = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, ''))
  } catch {
    database = ''
  }
  return `postgres:${endpointOf(connectionString)}/${database}/${schema}`
}

export function startPostgresSync(options: PostgresSyncOptions): PostgresSync {
  const { db, schema } = options
  const manifest = options.manifest ?? opsManifest
  const filter = options.filter ?? {}
  const filterKey = filterFingerprint(filter)
  const intervalMs = options.intervalMs ?? 5_000
  const log = options.log ?? (() => undefined)
  const endpoint = endpointOf(options.pgConfig.connectionString)
  const name = options.name ?? 'Postgres'
  const staleAfterMs = options.staleAfterMs ?? 60_000
  const reconcileEveryMs = options.reconcileEveryMs ?? 300_000
  const source = sourceKey(options.pgConfig.connectionString, schema)
  const stateStore = new SyncStateStore(db, source)
  const controller = new AbortController()

  const localProblems = localSchemaProblems(db, manifest)
  for (const problem of localProblems.values()) log(`${name}: ${problem}`)
  const tables: TableRuntime[] = manifest.tables.map((table) => {
    const localProblem = localProblems.get(table.upstream) ?? null
    return {
      table,
      localProblem,
      state: stateStore.get(table.upstream),
      feed: null,
      error: localProblem,
      syncing: false,
      ahead: null,
    }
  })
  // A load killed after its last chunk but before its index rebuild.
  for (const t of tables) {
    if (t.state.phase === 'follow' && restoreIndexes(db, t.table.local) > 0) {
      stepPoint('indexes-rebuilt')
    }
  }

  const pgBase = {
    connectionString: options.pgConfig.connectionString,
    ssl: options.pgConfig.ssl,
    connectionTimeoutMillis: options.pgConfig.connectTimeoutMs ?? 5_000,
    application_name: options.pgConfig.applicationName ?? 'watchfloor-sync',
  }
  const pool = new Pool({ ...pgBase, max: 2, idleTimeoutMillis: 30_000 })
  // An idle connection dropped by the server must not crash the core; the
  // next query reports it and the loop goes offline.
  pool.on('error', () => undefined)

  // --- status bookkeeping (derived by derivePostgresStatus)
  let condition: SourceCondition = { state: 'syncing', message: 'Connecting' }
  let lastSuccessAt: number | null = null
  let caughtUpAt: number | null = null
  let pendingSince: number | null = null
  const recent: { at: number; rows: number }[] = []

  /** Re-syncs asked for, by upstream table, until their copy ends. */
  const resyncs = new Map<
    string,
    {
      readonly resolve: (rows: number) => void
      readonly reject: (error: Error) => void
      readonly onRows: (done: number, total: number | null) => void
      copied: number
      total: number | null
    }
  >()
  const failResyncs = (message: string, table?: string) => {
    for (const [name, r] of resyncs) {
      if (table !== undefined && name !== table) continue
      resyncs.delete(name)
      r.reject(new Error(message))
    }
  }

  const writers = new Map<string, MirrorWriter>()
  // Wake-ups counted, so a long pull can ask whether one came while it ran
  // (FeedContext.liveWaiting); the waker keeps its own flag for the sleep.
  let wakes = 0
  let wakesSeen = 0
  const ctx: FeedContext = {
    db,
    pool,
    schema,
    filter,
    state: stateStore,
    batchRows: options.batchRows ?? 5_000,
    decodeOffThread: options.decodeOffThread ?? true,
    liveWaiting() {
      if (wakes === wakesSeen) return false
      wakesSeen = wakes
      return true
    },
    maxText: options.maxTextChars ?? DEFAULT_MAX_TEXT,
    signal: controller.signal,
    writer(table) {
      let w = writers.get(table.upstream)
      if (!w) {
        w = new MirrorWriter(db, source, table, options.rowHooks, (t, key, reason) =>
          log(`${name}: skipped ${t} row ${key}: ${reason}`),
        )
        writers.set(table.upstream, w)
      }
      return w
    },
    beforeCommit: () => options.rowHooks?.beforeCommit?.(),
    rolledBack: () => options.rowHooks?.rolledBack?.(),
    committed(table, rows) {
      if (rows > 0) {
        recent.push({ at: Date.now(), rows })
        options.onCommit?.([table], rows)
      }
    },
    progress(table, phase, rows) {
      options.onProgress?.(table, phase, rows)
      const asked = phase === 'snapshot' ? resyncs.get(table) : undefined
      if (asked) {
        asked.copied = rows
        asked.onRows(rows, asked.total)
      }
    },
  }

  // --- wake-ups: LISTEN/NOTIFY, an external hook, or the timer
  const waker = new Waker(controller.signal)
  const wake = () => {
    wakes++
    waker.wake()
  }
  let listener: ChangeListener | null = null
  const ensureListener = async () => {
    if (options.listen === false || options.once || listener?.alive()) return
    listener = await startChangeListener(pgBase, schema, wake, controller.signal)
  }

  // --- one cycle: snapshots, then pulls to one horizon
  let validated = false
  const revalidate = async () => {
    const problems = await validateManifest(pool, schema, manifest)
    for (const t of tables) {
      const problem = t.localProblem ?? problems.get(t.table.upstream) ?? null
      if (problem && problem !== t.error) log(`${name}: ${problem}`)
      if (!problem && t.error) log(`${name}: table ${t.table.upstream} is usable again`)
      t.error = problem
    }
    validated = true
  }

  /** Runs one table's step; schema drift marks only that table. */
  const guarded = async (t: TableRuntime, step: () => Promise<void>) => {
    try {
      await step()
    } catch (error) {
      if (!isSchemaDrift(error)) throw error
      await revalidate()
      if (!t.error) t.error = describePostgresFailure(error, endpoint).message
    } finally {
      t.syncing = false
    }
  }

  const needsSnapshot = (t: TableRuntime, info: ChangeLogInfo): string | null =>
    snapshotReason(t.state, t.feed ?? 'poll', filterKey, info)

  /** Records a new snapshot of `t` from a fresh horizon, and copies it. */
  const snapshot = async (t: TableRuntime, reason: string, epoch: string | null) => {
    log(`${name}: copying ${t.table.upstream} (${reason})`)
    const horizon = t.feed === 'changelog' ? await currentHorizon(pool) : await upstreamNowMs(pool)
    beginSnapshot(ctx, t.table, t.state, t.feed ?? 'poll', horizon, epoch, filterKey)
    t.ahead = null
    await copy(t)
  }
  const copy = async (t: TableRuntime) => {
    t.syncing = true
    condition = { state: 'syncing', message: `Copying ${t.table.upstream}` }
    await copySnapshot(ctx, t.table, t.state)
  }

  const pruneStreak = new PruneStreak(schema)
  // The first pull of each table after a start (the catch-up after being
  // stopped) weighs replaying the log against copying the table again; the
  // live pulls after it replay, and skip the estimate's two counts.
  const planned = new Set<string>()
  const replayOrCopy = async (t: TableRuntime, horizon: bigint, epoch: string | null) => {
    const cursor = t.state.watermark
    if (cursor === null || cursor >= horizon) return
    const local = `"${t.table.local.replaceAll('"', '""')}"`
    const rows = db.prepare(`SELECT count(*) FROM ${local}`).pluck().get() as number
    const backlog = await logBacklog(ctx, t.table, cursor, horizon, backlogCap(rows))
    if (catchUpPlan(backlog, rows) === 'copy') {
      await snapshot(
        t,
        `${backlog.keys.toLocaleString('en-US')} changed keys in ${backlog.entries.toLocaleString('en-US')}${backlog.entries >= backlogCap(rows) ? '+' : ''} change-log entries since the last pull, against ${rows.toLocaleString('en-US')} cached rows: copying again costs less than replaying`,
        epoch,
      )
    }
  }
  /** Pulls `t` to `horizon`; a prune or reinstall found mid-pull copies the table again. */
  const pull = async (t: TableRuntime, horizon: bigint, epoch: string | null) => {
    let current = epoch
    if (!planned.has(t.table.upstream)) {
      planned.add(t.table.upstream)
      await replayOrCopy(t, horizon, epoch)
    }
    for (;;) {
      const { lost } = await pullChangeLog(ctx, t.table, t.state, horizon)
      if (lost === null) {
        pruneStreak.pulled(t.table.upstream)
        return
      }
      if (lost.kind === 'pruned') {
        pruneStreak.copied(t.table.upstream, lost.through)
        await snapshot(
          t,
          `the change log was pruned through xid ${lost.through} while this cache read it`,
          current,
        )
      } else {
        current = lost.epoch
        await snapshot(
          t,
          'the change log was reinstalled upstream while this cache read it',
          current,
        )
      }
    }
  }

  let reconcileRequested = false
  /** The change-log tables following, with their cursors (what `followPlan` asks about). */
  const followCursors = () =>
    tables.flatMap((t) =>
      !t.error && t.state.phase === 'follow' && t.feed === 'changelog' && t.state.watermark !== null
        ? [{ table: t.table.upstream, cursor: t.state.watermark }]
        : [],
    )
  const cycle = async (): Promise<boolean> => {
    if (!validated || tables.some((t) => t.error && !t.localProblem)) await revalidate()
    // The follow plan is asked for beside the log's state (both connections of
    // the pool, one round trip less on the live path); it is used only if the
    // snapshot step below changes no table's state, else asked again.
    const earlyCursors = followCursors()
    const [info, early] = await Promise.all([
      changeLogInfo(pool, schema),
      earlyCursors.length > 0
        ? followPlan(pool, schema, earlyCursors).catch(() => null)
        : Promise.resolve(null),
    ])
    for (const t of tables) {
      if (t.error) continue
      const chosen = chooseFeed(options.feed, info, schema, t.table.upstream)
      if ('error' in chosen) t.error = chosen.error
      else t.feed = chosen.feed
    }
    // Snapshots first, each from a horizon recorded before its copy.
    pruneStreak.startCycle()
    for (const t of tables) {
      const asked = resyncs.get(t.table.upstream)
      if (t.error) {
        if (asked) failResyncs(t.error, t.table.upstream)
        continue
      }
      await guarded(t, async () => {
        const reason = asked ? 'an admin asked for a re-sync' : needsSnapshot(t, info)
        if (reason === PRUNED_PAST) pruneStreak.copied(t.table.upstream, info.prunedThrough)
        if (asked) {
          const params: unknown[] = []
          const where = rowCondition(t.table, filter, parameterBinder(params))
          const counted = await pool.query<{ n: string }>(
            `select count(*)::text as n from ${qualified(schema, t.table.upstream)} where ${where}`,
            params,
          )
          asked.total = Number(counted.rows[0]?.n ?? 0)
          asked.onRows(0, asked.total)
        }
        if (reason) await snapshot(t, reason, info.epoch)
        else if (t.state.phase === 'snapshot') await copy(t)
        if (asked && resyncs.get(t.table.upstream) === asked) {
          resyncs.delete(t.table.upstream)
          asked.resolve(asked.copied)
        }
      })
      if (asked && t.error) failResyncs(t.error, t.table.upstream)
    }
    // Then every table follows to one horizon, read with which tables have
    // anything to pull: a quiet table's cursor moves without a read of its own.
    const cursors = followCursors()
    const sameCursors =
      cursors.length === earlyCursors.length &&
      cursors.every(
        (c, i) => c.table === earlyCursors[i]?.table && c.cursor === earlyCursors[i]?.cursor,
      )
    const plan = sameCursors
      ? early
      : cursors.length > 0
        ? await followPlan(pool, schema, cursors)
        : null
    const horizon = plan?.horizon ?? (await currentHorizon(pool))
    const quiet = (t: TableRuntime): boolean =>
      plan !== null &&
      !plan.busy.has(t.table.upstream) &&
      t.state.watermark !== null &&
      t.state.watermark < horizon &&
      plan.epoch === t.state.epoch &&
      plan.prunedThrough < t.state.watermark
    const logged: string[] = []
    for (const t of tables) {
      if (t.error || t.state.phase !== 'follow') continue
      await guarded(t, async () => {
        if (t.feed === 'changelog') {
          logged.push(t.table.upstream)
          if (quiet(t)) {
            planned.add(t.table.upstream)
            advanceQuiet(ctx, t.table, t.state, horizon)
            pruneStreak.pulled(t.table.upstream)
          } else await pull(t, horizon, info.epoch)
        } else {
          await pollTable(ctx, t.table, t.state, options.pollOverlapMs ?? 5_000)
          if (reconcileRequested || Date.now() - (t.state.reconciledAt ?? 0) >= reconcileEveryMs) {
            const result = await reconcileTable(
              ctx,
              t.table,
              t.state,
              options.reconcileBucket ?? 10_000,
            )
            if (result.repairedRanges > 0) {
              log(
                `${name}: reconciliation repaired ${result.repairedRanges} key ranges of ${t.table.upstream} the poll had missed`,
              )
            }
          }
        }
      })
    }
    reconcileRequested = false
    const pending = logged.length > 0 ? await logPending(pool, schema, logged, horizon) : null
    // Entries past the horizon: a transaction still open somewhere on the server holds it (or
    // they have just committed). Once it has held for AHEAD_AFTER_MS, those committed are
    // applied now, the cursor left where it is; before that the next cycles' cursor takes them
    // (writers in flight hold it a few milliseconds), and no key is fetched twice.
    const held = pendingSince !== null && Date.now() - pendingSince >= AHEAD_AFTER_MS
    for (const t of tables) {
      if (t.error || t.feed !== 'changelog' || t.state.phase !== 'follow') continue
      if (!held || !pending?.has(t.table.upstream)) {
        t.ahead = null
        continue
      }
      await guarded(t, async () => {
        const { marker } = await pullAhead(ctx, t.table, t.state, horizon, t.ahead)
        t.ahead = marker
      })
    }
    stepPoint('cycle-done')
    return pending !== null && pending.size > 0
  }

  const status = (): PostgresSyncStatus => {
    const now = Date.now()
    while (recent.length && (recent[0]?.at ?? 0) < now - 5_000) recent.shift()
    return derivePostgresStatus({
      name,
      condition,
      tables: tables.map((t) => ({
        table: t.table.upstream,
        error: t.error,
        copying: t.syncing,
        following: t.state.phase === 'follow',
        lastSuccessAt: t.state.lastSuccessAt,
        feed: t.feed ?? t.state.feed,
        rowsApplied: t.state.rowsApplied,
        rowsRejected: t.state.rowsRejected,
      })),
      lastSuccessAt,
      caughtUpAt,
      pendingSince,
      rowsPerSecond: recent.reduce((sum, r) => sum + r.rows, 0) / 5,
      staleAfterMs,
      now,
    })
  }

  // --- the loop
  let cycleWaiters: { resolve: () => void; reject: (error: Error) => void }[] = []
  const run = async (): Promise<void> => {
    let attempt = 0
    /** When the current run of failed cycles began (null while cycles succeed). */
    let failingSince: number | null = null
    let quickRetry = 0
    while (!controller.signal.aborted) {
      waker.reset()
      wakesSeen = wakes
      const waiters = cycleWaiters
      cycleWaiters = []
      let delay = intervalMs
      try {
        await ensureListener()
        const pending = await cycle()
        attempt = 0
        failingSince = null
        const now = Date.now()
        lastSuccessAt = now
        if (pending) {
          pendingSince ??= now
          // Entries past the horizon belong to transactions still open (or
          // just committed): look again soon, backing off while one stays open.
          delay = pendingDelay(intervalMs, quickRetry++)
        } else {
          pendingSince = null
          caughtUpAt = now
          quickRetry = 0
        }
        condition = { state: 'live' }
        for (const w of waiters) w.resolve()
        if (
          options.once &&
          !pending &&
          tables.every((t) => t.error || t.state.phase === 'follow')
        ) {
          const broken = tables.filter((t) => t.error)
          if (broken.length) throw new TablesFailed(broken.map((t) => t.error).join('; '))
          return
        }
      } catch (error) {
        if (controller.signal.aborted) break
        const described =
          error instanceof TablesFailed
            ? { kind: 'error' as const, message: error.message }
            : describePostgresFailure(error, endpoint)
        for (const w of waiters) w.reject(new Error(described.message))
        // An admin's re-sync outlives a passing failure (the cache's write lock held by another
        // connection, a dropped connection): the next cycles ask for it again, and it fails with
        // the sentence once such failures have lasted RESYNC_PATIENCE_MS, or at the first other.
        failingSince ??= Date.now()
        const passing =
          described.kind === 'offline' || errorCode(error)?.startsWith('SQLITE_BUSY') === true
        if (options.once || !passing || Date.now() - failingSince >= RESYNC_PATIENCE_MS)
          failResyncs(described.message)
        if (options.once) throw new Error(described.message, { cause: error })
        delay = backoffDelay(attempt++, options.backoff)
        const nextRetryAt = new Date(Date.now() + delay)
        const changed =
          described.message !== condition.message || condition.state !== described.kind
        condition =
          described.kind === 'offline'
            ? { state: 'offline', nextRetryAt, message: described.message }
            : { state: 'error', nextRetryAt, message: described.message }
        if (changed) log(`${name}: ${described.message}`)
        for (const t of tables) t.syncing = false
      }
      await waker.sleep(delay)
    }
  }

  const done = run().finally(async () => {
    controller.abort()
    const l = listener
    listener = null
    await l?.stop()
    await pool.end().catch(() => undefined)
    for (const w of cycleWaiters) w.reject(new Error('sync stopped'))
    failResyncs('the sync stopped before the re-sync ended')
  })
  // `done` is awaited by stop() and by once-mode callers; a rejection
  // nobody awaits must not take the process down.
  done.catch(() => undefined)

  return {
    status,
    wake,
    requestReconcile() {
      reconcileRequested = true
      wake()
    },
    synced: () =>
      new Promise<void>((resolve, reject) => {
        cycleWaiters.push({ resolve, reject })
        wake()
      }),
    resync: (table, onRows = () => undefined) =>
      new Promise<number>((resolve, reject) => {
        const t = tables.find((x) => x.table.upstream === table)
        if (!t) {
          reject(new Error(`the manifest has no table "${table}"`))
          return
        }
        if (t.localProblem) {
          reject(new Error(t.localProblem))
          return
        }
        if (controller.signal.aborted) {
          reject(new Error('the sync has stopped'))
          return
        }
        if (resyncs.has(table)) {
          reject(new Error(`a re-sync of ${table} is already under way`))
          return
        }
        resyncs.set(table, { resolve, reject, onRows, copied: 0, total: null })
        wake()
      }),
    done,
    async stop() {
      controller.abort()
      waker.wake()
      await done.catch(() => undefined)
    },
  }
}

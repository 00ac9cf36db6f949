// Admin maintenance jobs on the cache (issue 11): re-sync one table from
// upstream, rebuild the KPI rollups, compact the file. `start` answers at
// once and the job runs on: the host admits only two calls into the core at
// a time, so a call that lasted as long as its job would hold a place every
// other page needs. Progress goes out as `maintenance.progress` events and
// is read back by `maintenance.status`. One job at a time.
//
// What each job costs the core's thread (the api's): the re-sync commits in
// the sync's own short batches; the VACUUM of a compaction runs on a second
// connection in a worker thread (seconds at a million leads); a rollup
// rebuild scans the leads in slices on this thread, giving it back between
// them, and writes the rollups in one last transaction
// (rebuildRollupsInSlices, issue 14).
import { statSync } from 'node:fs'
import {
  ApiError,
  type MaintenanceAction,
  type MaintenanceJob,
  type MaintenanceStart,
  type MaintenanceStatus,
} from '../../shared/api/index.ts'
import { rebuildRollupsInSlices } from '../metrics/index.ts'
import { startSqliteWorker, type SqliteWorkerFailed, type Store } from '../store/index.ts'
import type { PostgresSync } from '../sync/postgres/engine.ts'

/** Progress events at most this often while a count moves (phase changes always go out). */
const PROGRESS_EVERY_MS = 200

/** Said when re-sync is asked of a cache that has no upstream. */
export const NO_UPSTREAM =
  'There is no upstream to re-sync from: this cache holds generated demo data (or was opened without --pg).'

export interface MaintenanceDeps {
  readonly db: Store
  /** The cache file (':memory:' when there is none). */
  readonly dbPath: string
  readonly nativeBinding?: string
  readonly log: (line: string) => void
  readonly progress: (job: MaintenanceJob) => void
  /** Cache tables a job rewrote: pages refetch. */
  readonly changed: (tables: readonly string[]) => void
  /** The running Postgres sync, when there is one. */
  readonly postgres: () => PostgresSync | undefined
  /** Upstream tables a re-sync accepts (the manifest's). */
  readonly tables: () => readonly string[]
  readonly now?: () => number
}

export interface Maintenance {
  start(input: MaintenanceStart): MaintenanceJob
  status(): MaintenanceStatus
}

/** Bytes of the cache file and its write-ahead log. */
export function cacheBytes(path: string): number {
  let total = 0
  for (const file of [path, `${path}-wal`]) {
    try {
      total += statSync(file).size
    } catch {
      // No WAL (checkpointed and truncated) or an in-memory cache.
    }
  }
  return total
}

// Plain JavaScript on a connection of its own (main/store/sqlite-worker.ts; WAL lets the api's
// connection go on reading): it vacuums.
const VACUUM_WORKER = `
try {
  db.pragma('busy_timeout = 30000')
  db.exec('VACUUM')
  parentPort.postMessage({ type: 'done' })
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) })
} finally {
  db.close()
}
`

/** VACUUM on a connection of its own, off the api's thread. */
function vacuumOffThread(path: string, nativeBinding: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = startSqliteWorker(VACUUM_WORKER, { path, nativeBinding })
    let answered = false
    worker.once('message', (m: { type: 'done' } | SqliteWorkerFailed) => {
      answered = true
      if (m.type === 'done') resolve()
      else reject(new Error(m.message))
    })
    worker.once('error', (error) => {
      answered = true
      reject(error)
    })
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the compaction worker ended (code ${code})`))
    })
  })
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** How long compaction waits for the checkpoint thread to let go of the checkpoint lock. */
const CHECKPOINT_LOCK_PATIENCE_MS = 5_000

/**
 * Copies the whole log into the file and truncates it, as far as readers allow. Another
 * connection's checkpoint (the core's checkpoint thread, main/store/checkpointer.ts) holds the
 * checkpoint lock for a moment now and then, which SQLite answers at once with busy and no log
 * (-1): tried again for a while. A reader or writer in the way is answered busy only after the
 * connection's busy timeout, with what could be copied: that is kept, as before the thread.
 */
async function checkpointTruncate(db: Store): Promise<void> {
  const until = Date.now() + CHECKPOINT_LOCK_PATIENCE_MS
  for (;;) {
    await turn()
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[]
    if (result?.busy !== 1 || result.log !== -1 || Date.now() >= until) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export function createMaintenance(deps: MaintenanceDeps): Maintenance {
  const now = deps.now ?? Date.now
  let last: MaintenanceJob | null = null
  let nextId = 1
  let lastSent = 0

  const update = (patch: Partial<MaintenanceJob>, force = true) => {
    if (!last) return
    last = { ...last, ...patch }
    const t = now()
    if (force || t - lastSent >= PROGRESS_EVERY_MS) {
      lastSent = t
      deps.progress(last)
    }
  }
  const phase = (text: string, done: number | null = null, total: number | null = null) =>
    update({ phase: text, done, total })
  const count = (done: number, total: number | null) => update({ done, total }, false)

  const resyncUnavailable = (): string | null => (deps.postgres() ? null : NO_UPSTREAM)

  const validate = (input: MaintenanceStart): void => {
    if (last?.state === 'running') {
      const what = last.table ? `${last.action} of ${last.table}` : last.action
      throw new ApiError({
        code: 'conflict',
        message: `A maintenance job is already running (${what}, started ${last.startedAt}); wait for it to end.`,
      })
    }
    if (input.action === 'resync') {
      const unavailable = resyncUnavailable()
      if (unavailable) throw new ApiError({ code: 'bad_request', message: unavailable })
      const tables = deps.tables()
      if (input.table === undefined)
        throw new ApiError({
          code: 'bad_request',
          message: `Name the table to re-sync: one of ${tables.join(', ')}.`,
        })
      if (!tables.includes(input.table))
        throw new ApiError({
          code: 'bad_request',
          message: `There is no table "${input.table.slice(0, 60)}" to re-sync; the tables are ${tables.join(', ')}.`,
        })
    } else if (input.table !== undefined) {
      throw new ApiError({
        code: 'bad_request',
        message: `A table is named only for a re-sync, not for ${input.action}.`,
      })
    }
  }

  const run: Record<MaintenanceAction, (job: MaintenanceJob) => Promise<string>> = {
    async resync(job) {
      const table = job.table ?? ''
      const postgres = deps.postgres()
      if (!postgres) throw new Error(NO_UPSTREAM)
      phase(`Waiting for the sync to copy ${table} again`)
      let copying = false
      const rows = await postgres.resync(table, (done, total) => {
        if (!copying) {
          copying = true
          phase(`Copying ${table} from Postgres`, done, total)
        } else count(done, total)
      })
      deps.changed([table])
      return `Re-synced ${table}: ${rows.toLocaleString('en-US')} rows copied again from Postgres.`
    },
    async 'rebuild-rollups'() {
      phase('Counting leads')
      await turn()
      const total = deps.db
        .prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL')
        .pluck()
        .get() as number
      phase('Rebuilding rollups', 0, total)
      await turn()
      const started = now()
      await rebuildRollupsInSlices(deps.db, { onProgress: (done, all) => count(done, all) })
      const seconds = ((now() - started) / 1000).toFixed(1)
      deps.changed(['leads'])
      return `Rebuilt the KPI rollups from ${total.toLocaleString('en-US')} leads in ${seconds} s.`
    },
    async compact() {
      const path = deps.dbPath
      if (path === ':memory:' || path === '')
        throw new Error('An in-memory cache has no file to compact.')
      const before = cacheBytes(path)
      phase('Checkpointing the write-ahead log')
      await checkpointTruncate(deps.db)
      phase('Rewriting the cache file (VACUUM)')
      await vacuumOffThread(path, deps.nativeBinding)
      phase('Checkpointing the write-ahead log')
      // The VACUUM went through the WAL; fold it back and truncate it.
      await checkpointTruncate(deps.db)
      const after = cacheBytes(path)
      update({ freedBytes: Math.max(0, before - after) })
      return before > after
        ? 'Compacted the cache: its free pages and write-ahead log were given back.'
        : 'Compacted the cache: it held no free space to give back.'
    },
  }

  return {
    start(input) {
      validate(input)
      const job: MaintenanceJob = {
        id: nextId++,
        action: input.action,
        table: input.table ?? null,
        state: 'running',
        phase: 'Starting',
        done: null,
        total: null,
        startedAt: new Date(now()).toISOString(),
        endedAt: null,
        result: null,
        freedBytes: null,
      }
      last = job
      deps.log(`maintenance: ${job.action}${job.table ? ` of ${job.table}` : ''} started`)
      // After this call's answer: the job's first step waits for the next turn.
      void turn()
        .then(() => run[job.action](job))
        .then(
          (result) => {
            deps.log(`maintenance: ${result}`)
            update({ state: 'done', phase: 'Done', result, endedAt: new Date(now()).toISOString() })
          },
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error)
            deps.log(`maintenance: ${job.action} failed: ${message}`)
            update({
              state: 'failed',
              phase: 'Failed',
              result: message,
              endedAt: new Date(now()).toISOString(),
            })
          },
        )
      return job
    },
    status: () => ({
      job: last,
      tables: deps.postgres() ? deps.tables() : [],
      resyncUnavailable: resyncUnavailable(),
    }),
  }
}

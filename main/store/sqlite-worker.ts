// A worker thread with a connection of its own to the cache file: what the compaction's VACUUM
// (main/core/maintenance.ts), the checkpoint thread (checkpointer.ts) and the Redis stream's
// writer (main/sync/redis/stream-writer.ts) run on.
//
// The worker's code is plain JavaScript evaluated from a string, so it runs the same from the
// TypeScript sources, the CLI's esbuild bundle and Electron's utility process (where
// better-sqlite3 may be a build for Electron's ABI, loaded through `nativeBinding`). Each
// worker's body starts with `db` open, or never starts: a connection that cannot be opened
// posts `{ type: 'failed', message }` and the thread ends.
import { createRequire } from 'node:module'
import { Worker, type ResourceLimits } from 'node:worker_threads'

/** What a worker whose connection could not be opened posts before it ends. */
export interface SqliteWorkerFailed {
  readonly type: 'failed'
  readonly message: string
}

export interface SqliteWorkerOptions {
  /** The cache file. */
  readonly path: string
  /** Path to better-sqlite3's .node file built for another ABI (Electron). */
  readonly nativeBinding?: string | undefined
  /** Read by the body as `workerData.data` (structured-cloneable). */
  readonly data?: unknown
  readonly resourceLimits?: ResourceLimits
}

// Opens `db`; the body follows. `parentPort`, `workerData` and `db` are the body's to use.
const PRELUDE = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.module)
let db
try {
  db = new Database(workerData.path, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {})
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) })
  process.exit(0)
}
`

/** Starts `body` (plain JavaScript, run with `db` open on `options.path`) on a worker thread. */
export function startSqliteWorker(body: string, options: SqliteWorkerOptions): Worker {
  return new Worker(`${PRELUDE}\n${body}`, {
    eval: true,
    // Not the parent's flags: a profiler or inspector flag would apply to the thread twice.
    execArgv: [],
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    workerData: {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: options.path,
      nativeBinding: options.nativeBinding ?? null,
      data: options.data ?? null,
    },
  })
}

/** Whether `db` is a file another connection can open (not in memory, not read-only). */
export function hasOwnFile(db: {
  readonly memory: boolean
  readonly readonly: boolean
  readonly name: string
}): boolean {
  return !db.memory && !db.readonly && db.name !== '' && db.name !== ':memory:'
}

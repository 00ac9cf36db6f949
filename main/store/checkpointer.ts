// WAL checkpoints on a thread of their own (issue 14).
//
// In WAL mode SQLite copies the log back into the database file (a checkpoint) from inside the
// commit that takes the log past `wal_autocheckpoint` pages, on the thread that commits: every
// few megabytes written, one commit of the sync or the stream reader also copied a thousand pages
// and waited for their fsync. Measured on the Redis stream → SQLite bench (100,000 events, five
// rounds, quiet), that was about a third of the reader's own time in SQLite; the same ingest with
// the checkpoints on another thread ran at a median of 0.735 of bare XRANGE over eight runs
// instead of 0.67 over six, alternating (README, issue 14).
//
// The checkpointer is a worker thread with its own connection to the cache file. It looks at
// `data_version` (has another connection committed?) every CHECKPOINT_EVERY_MS while commits
// come, and less and less often, up to CHECKPOINT_IDLE_MS, while none do. After a commit it runs
// a PASSIVE checkpoint, which copies what it can without waiting for readers or writers and never
// blocks them: a commit meanwhile appends to the log as usual. A checkpoint is not a change, so
// the core's data_version watcher hears nothing of it. While it runs, the writer's own automatic
// checkpoint waits for WRITER_BACKSTOP_PAGES. SQLite starts the log over only when a write
// begins with all of it copied, which a steady writer seldom meets: the log then grows to the
// backstop although the thread has copied nearly all of it, and the writer's own checkpoint
// copies the rest and lets it start over. `journal_size_limit` gives the file back beyond
// WAL_KEEP_BYTES once it does. If the thread fails, the writer is put back to SQLite's default.
import type { Store } from './open-store.ts'
import { hasOwnFile, startSqliteWorker, type SqliteWorkerFailed } from './sqlite-worker.ts'

/** How often the thread looks for new commits while they come. */
export const CHECKPOINT_EVERY_MS = 50
/** The longest it waits between looks on an idle cache (a wall display between syncs). */
export const CHECKPOINT_IDLE_MS = 1_000
/** The writer's automatic checkpoint while the thread checkpoints (40 MB of log at 4 KiB pages). */
export const WRITER_BACKSTOP_PAGES = 10_000
/** The log file kept on disk after it starts over (SQLite's journal_size_limit). */
export const WAL_KEEP_BYTES = 8 * 1024 * 1024
/** SQLite's own default, restored when the thread stops or fails. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1_000

export interface CheckpointStats {
  /** Looks at data_version so far. */
  readonly ticks: number
  /** PASSIVE checkpoints run (one per look that found new commits). */
  readonly checkpoints: number
  /**
   * Log pages copied into the database file, summed over those checkpoints (about: a log that
   * started again between two looks is counted from its start).
   */
  readonly pages: number
}

export interface Checkpointer {
  /**
   * What the thread has done so far: asked of it, after it has checkpointed any commit made
   * before the call (what it last said, once it has stopped).
   */
  stats(): Promise<CheckpointStats>
  /** Stops the thread after one last checkpoint and gives the writer its own checkpoints back. */
  stop(): Promise<void>
}

export interface CheckpointerOptions {
  /** Path to better-sqlite3's .node file built for another ABI (Electron). */
  readonly nativeBinding?: string
  readonly everyMs?: number
  readonly idleMs?: number
  readonly log?: (line: string) => void
}

// Plain JavaScript, run with `db` open (main/store/sqlite-worker.ts).
const CHECKPOINT_WORKER = `
const { everyMs, idleMs } = workerData.data
let ticks = 0
let checkpoints = 0
let pages = 0
let version = null
let lastError = null
// Frames copied so far of the log as it last stood: SQLite's counts run from the log's start.
let copied = { log: 0, checkpointed: 0 }
/**
 * Checkpoints if another connection committed since the last look, or the last checkpoint was
 * cut short; true if it copied anything (the loop then looks again soon).
 */
const checkpoint = () => {
  ticks++
  const now = db.pragma('data_version', { simple: true })
  if (now === version) return false
  const [result] = db.pragma('wal_checkpoint(PASSIVE)')
  checkpoints++
  if (!result) return false
  // The log started again since (it is shorter, or fewer of it copied): all of it is new.
  const restarted = result.log < copied.log || result.checkpointed < copied.checkpointed
  const added = Math.max(0, result.checkpointed - (restarted ? 0 : copied.checkpointed))
  pages += added
  copied = { log: Math.max(0, result.log), checkpointed: Math.max(0, result.checkpointed) }
  // Copied whole: nothing more until the next commit. Cut short by a reader still on an older
  // snapshot (or busy), the rest is tried at the following looks, which back off meanwhile.
  if (result.busy === 0 && result.checkpointed === result.log) version = now
  return added > 0
}
const tick = () => {
  try {
    const did = checkpoint()
    lastError = null
    return did
  } catch (error) {
    const message = String((error && error.message) || error)
    if (message !== lastError) parentPort.postMessage({ type: 'error', message })
    lastError = message
    return false
  }
}
const stats = () => ({ ticks, checkpoints, pages })
// Every everyMs while commits come; each look that finds none waits twice as long, up to idleMs.
let delay = everyMs
let timer
const loop = () => {
  delay = tick() ? everyMs : Math.min(delay * 2, idleMs)
  timer = setTimeout(loop, delay)
}
timer = setTimeout(loop, delay)
parentPort.on('message', (m) => {
  if (m === 'stats') {
    tick()
    parentPort.postMessage({ type: 'stats', ...stats() })
  } else if (m === 'stop') {
    clearTimeout(timer)
    tick()
    db.close()
    parentPort.postMessage({ type: 'stopped', ...stats() })
    parentPort.close()
  }
})
`

type WorkerMessage =
  | ({ type: 'stats' | 'stopped' } & CheckpointStats)
  | { type: 'error'; message: string }
  | SqliteWorkerFailed

/**
 * Checkpoints `db`'s file on a worker thread until stop(); `db` is the connection that writes
 * (the core's, the CLI sync's). An in-memory or read-only store has no log: nothing starts.
 */
export function startCheckpointer(db: Store, options: CheckpointerOptions = {}): Checkpointer {
  const log = options.log ?? (() => {})
  if (!hasOwnFile(db)) {
    return {
      stats: () => Promise.resolve({ ticks: 0, checkpoints: 0, pages: 0 }),
      stop: () => Promise.resolve(),
    }
  }
  const worker = startSqliteWorker(CHECKPOINT_WORKER, {
    path: db.name,
    nativeBinding: options.nativeBinding,
    // Its only garbage is a pragma's result now and then.
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
    data: {
      everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      idleMs: Math.max(
        options.idleMs ?? CHECKPOINT_IDLE_MS,
        options.everyMs ?? CHECKPOINT_EVERY_MS,
      ),
    },
  })
  // The thread never keeps the process alive on its own: a closing core waits for stop() instead.
  worker.unref()
  let running = true
  const writerOwnsCheckpoints = () => {
    if (!running) return
    running = false
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`)
  }
  db.pragma(`wal_autocheckpoint = ${WRITER_BACKSTOP_PAGES}`)
  db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`)
  let last: CheckpointStats = { ticks: 0, checkpoints: 0, pages: 0 }
  let exited = false
  const waiting: (() => void)[] = []
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'stats' || m.type === 'stopped') {
      last = { ticks: m.ticks, checkpoints: m.checkpoints, pages: m.pages }
      waiting.shift()?.()
    }
    if (m.type === 'error') log(`The cache's checkpoint thread could not checkpoint: ${m.message}`)
    if (m.type === 'failed') {
      log(
        `The cache's checkpoint thread could not open the cache (${m.message}); ` +
          'the writer checkpoints on its own thread instead.',
      )
      writerOwnsCheckpoints()
    }
  })
  worker.on('error', (error) => {
    log(`The cache's checkpoint thread stopped: ${error.message}; the writer checkpoints instead.`)
    writerOwnsCheckpoints()
  })
  void ended.then(() => {
    exited = true
    writerOwnsCheckpoints()
    // Whoever waits on a thread that has gone gets what it last said.
    for (const w of waiting.splice(0)) w()
  })
  /** Sends `message` and resolves once the thread has answered it (in order), or has gone. */
  const ask = (message: 'stats' | 'stop'): Promise<CheckpointStats> =>
    exited
      ? Promise.resolve(last)
      : new Promise<CheckpointStats>((resolve) => {
          waiting.push(() => resolve(last))
          worker.postMessage(message)
        })
  let stopping: Promise<void> | undefined
  return {
    stats: () => ask('stats'),
    stop() {
      stopping ??= (async () => {
        // Unreferenced while it runs, it is waited for now: a process with nothing else to do
        // would otherwise exit before the thread's last checkpoint and the close after it.
        worker.ref()
        await ask('stop')
        await ended
        writerOwnsCheckpoints()
      })()
      return stopping
    },
  }
}

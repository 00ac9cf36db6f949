// Running an export (issue 12): one report, one writer, one file that is
// either whole under its final name or not there at all.
//
// - The report reads a connection of its own, read-only, inside one read
//   transaction: the KPI cards and every dataset come from the same snapshot
//   of the cache, and the core's sync goes on committing (WAL) while a
//   million rows go out. An in-memory cache has no file to open twice; there
//   the core's own connection is read as it is (tests and the demo only).
// - The file is written under a temporary name in the destination's folder
//   (a rename is atomic only within one file system) and renamed when whole
//   and synced: the final name never holds a partial file, and a file already
//   there is replaced only by a finished one. A cancelled or failed export
//   deletes its temporary file.
// - Failures a person can act on (a folder they may not write, a full disk,
//   a cache that will not open) become one sentence; anything else keeps its
//   own message.
import { randomBytes, randomUUID } from 'node:crypto'
import {
  createWriteStream,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { Writable } from 'node:stream'
import {
  ApiError,
  EXPORT_FORMAT_TEXT,
  type ExportFormat,
  type ExportJob,
  type ExportRequest,
  type SourceStatus,
  type ViewId,
} from '../../shared/api/index.ts'
import { journeyState } from '../intelligence/journeys.ts'
import { registryFor, registryOf } from '../metrics/index.ts'
import { openStore, type Store } from '../store/index.ts'
import { downloadPath } from './downloads.ts'
import { fileProblem } from './file-problems.ts'
import type { Report } from './report.ts'
import { buildReport, reportDatasets } from './summary.ts'
import { writerFor } from './writers.ts'

/** Progress events at most this often while rows move (phase changes always go out). */
export const EXPORT_PROGRESS_EVERY_MS = 200
/**
 * Exports running at once in one core. Each holds a read snapshot and keeps the core's thread
 * busy between its chunks; a third would slow the two and every page's answers.
 */
export const MAX_RUNNING_EXPORTS = 2
/** A finished download not fetched (or saved) within this long is deleted. */
export const EXPORT_KEEP_MS = 30 * 60_000
/** Jobs remembered for `export.status` (the oldest ended ones are forgotten first). */
export const MAX_KEPT_EXPORT_JOBS = 50

/** An export that stopped because it was cancelled (the signal was aborted). */
export class ExportCancelled extends Error {
  override readonly name = 'ExportCancelled'
  constructor() {
    super('The export was cancelled; no file was written.')
  }
}

/** An export that failed for a reason told in a sentence a person can act on. */
export class ExportFailed extends Error {
  override readonly name = 'ExportFailed'
}

/**
 * Why a report holding the journeys is not written while they are being inferred (after a first
 * sync or an upgrade): its steps would be counted over part of the leads, and say nothing of it.
 */
export const JOURNEYS_NOT_READY =
  'The leads’ journeys are still being inferred from the cache, so their steps would be counted over part of the leads. Export again once the Journeys tab no longer says it is inferring them.'

export interface ExportProgress {
  /** What it is doing now ("Writing Leads"). */
  readonly phase: string
  readonly rowsDone: number
  readonly rowsTotal: number
}

export interface RunExportOptions {
  readonly request: ExportRequest
  /** The cache file; ':memory:' (or '') reads `db` instead. */
  readonly dbPath: string
  /** The core's own connection: read only when the cache is in memory. */
  readonly db?: Store
  readonly nativeBinding?: string
  /** The final file. Its folder must exist; the temporary file is made beside it. */
  readonly target: string
  readonly signal: AbortSignal
  readonly onProgress?: (progress: ExportProgress) => void
  /** The sources' freshness the report states (the core's live view, or what the cache recorded). */
  readonly sources: (db: Store) => readonly SourceStatus[]
  readonly now?: () => Date
}

export interface ExportResult {
  readonly path: string
  readonly bytes: number
  readonly rows: number
}

const isMemory = (path: string) => path === ':memory:' || path === ''

/** The name a finished export is offered under: `watchfloor-revenue-2026-11-30.xlsx`, the day in the filters' zone. */
export function exportFileName(
  view: ViewId,
  format: ExportFormat,
  at: Date,
  timeZone: string,
): string {
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at)
  return `watchfloor-${view}-${day}.${EXPORT_FORMAT_TEXT[format].extension}`
}

const isAbort = (error: unknown): boolean =>
  error instanceof ExportCancelled || (error as { name?: unknown } | null)?.name === 'AbortError'

/** Whether the target can be written as a file at all, before any work is done. */
function checkTarget(target: string): void {
  let isDirectory = false
  try {
    isDirectory = statSync(target).isDirectory()
  } catch {
    // Not there yet (the usual case), or its folder is missing: opening the temporary file says which.
  }
  if (isDirectory) throw new ExportFailed(fileProblem({ code: 'EISDIR' }, target) as string)
}

/**
 * A temporary file beside `target`, created new (never an existing file, never followed through
 * a link) and open for writing. `flush` syncs it to the disk before its descriptor is closed:
 * a crash after the rename must not leave a short file under the final name.
 */
async function openTemporary(target: string): Promise<{ out: WriteStream; path: string }> {
  const path = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`)
  const out = createWriteStream(path, {
    flags: 'wx',
    mode: 0o644,
    flush: true,
    highWaterMark: 1 << 16,
  })
  try {
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve())
      out.once('error', reject)
    })
    return { out, path }
  } catch (error) {
    throw new ExportFailed(
      fileProblem(error, target) ?? `Cannot write ${target}: ${(error as Error).message}`,
    )
  }
}

interface Snapshot {
  readonly db: Store
  close(): void
}

/**
 * A read-only connection inside one read transaction. BEGIN is deferred: SQLite takes the
 * snapshot at the first read, which is the report's first query, and keeps it until COMMIT.
 */
function openSnapshot(options: RunExportOptions): Snapshot {
  if (isMemory(options.dbPath)) {
    if (!options.db)
      throw new ExportFailed('An in-memory cache can only be exported by the core that holds it.')
    // No BEGIN here: the core's own writes go through this one connection.
    return { db: options.db, close: () => {} }
  }
  let db: Store
  try {
    db = openStore(options.dbPath, {
      readonly: true,
      // The core checked the file when it opened it; a second full read would only cost time.
      integrityCheck: 'header',
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    })
  } catch (error) {
    throw new ExportFailed(
      `Cannot open the cache ${options.dbPath} to export from it: ${(error as Error).message.replace(/^Cannot (open|read) the cache at [^:]*: /, '')}`,
    )
  }
  // The core may run with an organisation's own targets (registryFor binds them to its
  // connection): the report's cards must judge by the same ones the screen does.
  if (options.db) registryFor(db, registryOf(options.db).targets)
  db.exec('BEGIN')
  return {
    db,
    close() {
      try {
        if (db.inTransaction) db.exec('COMMIT')
      } finally {
        db.close()
      }
    },
  }
}

/** Resolves once `out` has closed (its data synced and its descriptor closed). */
const closedStream = (out: WriteStream): Promise<void> =>
  out.closed ? Promise.resolve() : new Promise((resolve) => out.once('close', () => resolve()))

/**
 * Runs `write` into `out` and settles when it has and the file is closed, when the stream
 * fails (a full disk: the writer may be waiting for a 'drain' that never comes), or when the
 * export is cancelled. `write` gets a signal that also fires on a stream failure, so it stops
 * either way.
 */
async function writeInto(
  out: WriteStream,
  signal: AbortSignal,
  write: (out: Writable, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const streamFailed = new AbortController()
  let failure: Error | null = null
  const stop = new Promise<never>((_resolve, reject) => {
    out.on('error', (error: Error) => {
      failure ??= error
      streamFailed.abort(error)
      reject(error)
    })
    const cancelled = () => reject(new ExportCancelled())
    if (signal.aborted) cancelled()
    else signal.addEventListener('abort', cancelled, { once: true })
  })
  stop.catch(() => {})
  const writing = write(out, AbortSignal.any([signal, streamFailed.signal]))
  // Whichever settles first decides; the other's late rejection is expected.
  writing.catch(() => {})
  try {
    await Promise.race([writing, stop])
    if (!out.writableFinished)
      await Promise.race([new Promise<void>((r) => out.once('finish', () => r())), stop])
    // The sync and close after 'finish' can fail too (a disk that filled at the last block).
    // ('error' comes before 'close', so `stop` has rejected first.)
    await Promise.race([closedStream(out), stop])
  } catch (error) {
    // A stream error is the cause; the writer's AbortError is only its echo.
    throw failure ?? error
  }
}

export interface ExportFileOptions {
  /** The final file. Its folder must exist; the temporary file is made beside it. */
  readonly target: string
  readonly signal: AbortSignal
  readonly onPhase?: (phase: string) => void
  /** Work to do once the temporary file is open, before writing (reading the cache). */
  readonly prepare?: () => void
}

/**
 * Writes a file through `write` so that it is whole or absent: under a temporary name beside
 * `target` (a rename is atomic only within one file system), synced, then renamed. Rejects
 * with ExportCancelled, ExportFailed (a sentence) or the error itself; whatever happens no
 * temporary file stays behind, and `target` is untouched unless this succeeded.
 */
export async function writeExportFile(
  options: ExportFileOptions,
  write: (out: Writable, signal: AbortSignal) => Promise<void>,
): Promise<{ readonly path: string; readonly bytes: number }> {
  const target = resolve(options.target)
  if (options.signal.aborted) throw new ExportCancelled()
  checkTarget(target)
  options.onPhase?.('Opening the file')
  // Opened before any work: an unwritable folder is told at once, not after reading the cache.
  const temporary = await openTemporary(target)
  let whole = false
  try {
    options.prepare?.()
    if (options.signal.aborted) throw new ExportCancelled()
    await writeInto(temporary.out, options.signal, write)
    if (options.signal.aborted) throw new ExportCancelled()
    options.onPhase?.('Finishing the file')
    await rename(temporary.path, target)
    whole = true
    const { size } = await stat(target)
    return { path: target, bytes: size }
  } catch (error) {
    if (isAbort(error) || options.signal.aborted) throw new ExportCancelled()
    if (error instanceof ExportFailed) throw error
    const sentence = fileProblem(error, target)
    if (sentence) throw new ExportFailed(sentence)
    throw error
  } finally {
    if (!whole) {
      temporary.out.destroy()
      await closedStream(temporary.out)
      await rm(temporary.path, { force: true }).catch(() => {})
    }
  }
}

/**
 * Writes `request`'s report to `options.target`: the report read from one snapshot of the
 * cache, written by its format's writer through writeExportFile.
 */
export async function runExport(options: RunExportOptions): Promise<ExportResult> {
  const now = options.now ?? (() => new Date())
  const { request } = options
  let phase = 'Starting'
  let rowsDone = 0
  let rowsTotal = 0
  const tell = () => options.onProgress?.({ phase, rowsDone, rowsTotal })
  const setPhase = (text: string) => {
    phase = text
    tell()
  }
  const writer = writerFor(request.format)
  let snapshot: Snapshot | undefined
  let report: Report | undefined
  try {
    const file = await writeExportFile(
      {
        target: options.target,
        signal: options.signal,
        onPhase: setPhase,
        prepare: () => {
          setPhase('Opening the cache')
          snapshot = openSnapshot(options)
          setPhase('Reading the cache')
          const db = snapshot.db
          // Asked before the report is computed: a refusal costs no read of the leads.
          if (reportDatasets(request).includes('journeySteps') && journeyState(db).rebuilding)
            throw new ExportFailed(JOURNEYS_NOT_READY)
          report = buildReport(db, request, now, () => options.sources(db))
          rowsTotal = report.datasets.reduce((sum, d) => sum + d.rowCount, 0)
          setPhase(
            report.datasets[0] ? `Writing ${report.datasets[0].title}` : 'Writing the report',
          )
        },
      },
      (out, signal) =>
        writer(report as Report, out, {
          signal,
          onRows: (done) => {
            rowsDone = Math.min(done, rowsTotal)
            tell()
          },
          onPhase: setPhase,
          csv: request.csv,
          paper: request.paper,
          orientation: request.orientation,
        }),
    )
    return { ...file, rows: rowsTotal }
  } finally {
    try {
      snapshot?.close()
    } catch {
      // A failed COMMIT of a read transaction loses nothing.
    }
  }
}

/** Tells an ExportJob's progress: throttled while rows move, at once when the phase changes. */
export function createJobProgress(
  first: ExportJob,
  emit: (job: ExportJob) => void,
  now: () => number = Date.now,
) {
  let job = first
  let lastSent = 0
  let writingSince: number | null = null
  let rowsAtStart = 0
  const send = (force: boolean) => {
    const t = now()
    if (force || t - lastSent >= EXPORT_PROGRESS_EVERY_MS) {
      lastSent = t
      emit(job)
    }
  }
  return {
    get job(): ExportJob {
      return job
    },
    progress(p: ExportProgress): void {
      const t = now()
      if (writingSince === null && p.rowsTotal > 0) {
        writingSince = t
        rowsAtStart = p.rowsDone
      }
      // The rate so far, once there is enough of it to mean something.
      let secondsLeft: number | null = null
      const elapsed = writingSince === null ? 0 : (t - writingSince) / 1000
      const moved = p.rowsDone - rowsAtStart
      if (elapsed >= 0.5 && moved > 0)
        secondsLeft = Math.max(0, Math.round((p.rowsTotal - p.rowsDone) / (moved / elapsed)))
      const phaseChanged = p.phase !== job.phase
      job = { ...job, phase: p.phase, rowsDone: p.rowsDone, rowsTotal: p.rowsTotal, secondsLeft }
      send(phaseChanged)
    },
    end(patch: Partial<ExportJob>): ExportJob {
      job = { ...job, secondsLeft: null, endedAt: new Date(now()).toISOString(), ...patch }
      send(true)
      return job
    },
    /** A change that is not progress (a cancel asked for): sent at once. */
    note(patch: Partial<ExportJob>): ExportJob {
      job = { ...job, ...patch }
      send(true)
      return job
    },
  }
}

/** The sentence an export failed with, for a job and a CLI alike. */
export function failureSentence(error: unknown): string {
  if (error instanceof ExportFailed || error instanceof ExportCancelled) return error.message
  return `The export failed: ${(error as Error)?.message ?? String(error)}`
}

// ---- The core's exports: jobs, their files, their limits -----------------------------------

export interface ExportServiceDeps {
  readonly db: Store
  /** The cache file (':memory:' when there is none). */
  readonly dbPath: string
  readonly nativeBinding?: string
  /** The folder finished downloads wait in (created, private to this user). */
  readonly dir: string
  readonly log: (line: string) => void
  readonly progress: (job: ExportJob) => void
  readonly sources: () => readonly SourceStatus[]
  readonly now?: () => number
  readonly keepMs?: number
  readonly maxRunning?: number
}

export interface ExportService {
  /** Starts an export into the downloads folder and answers at once. */
  start(request: ExportRequest): ExportJob
  status(id: string): ExportJob
  /** Asks a running export to stop; it ends as 'cancelled' once its temporary file is gone. */
  cancel(id: string): ExportJob
  /** Cancels what runs, waits for it, and deletes every download. */
  close(): Promise<void>
}

interface Entry {
  readonly progress: ReturnType<typeof createJobProgress>
  readonly controller: AbortController
  readonly finished: Promise<void>
}

const names = (list: readonly string[]) =>
  list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`

export function createExportService(deps: ExportServiceDeps): ExportService {
  const now = deps.now ?? Date.now
  const keepMs = deps.keepMs ?? EXPORT_KEEP_MS
  const maxRunning = deps.maxRunning ?? MAX_RUNNING_EXPORTS
  const jobs = new Map<string, Entry>()

  const running = () => [...jobs.values()].filter((e) => e.progress.job.state === 'running')

  /** Deletes downloads past their time and files no job of this run knows (a crashed run's). */
  const sweep = () => {
    const t = now()
    for (const [id, entry] of jobs) {
      const job = entry.progress.job
      if (job.state === 'running' || job.endedAt === null) continue
      if (t - Date.parse(job.endedAt) >= keepMs) {
        if (job.state === 'done') rmSync(downloadPath(deps.dir, job), { force: true })
        jobs.delete(id)
      }
    }
    let files: string[]
    try {
      files = readdirSync(deps.dir)
    } catch {
      return
    }
    for (const file of files) {
      const id = file.replace(/^\./, '').split('.')[0] ?? ''
      if (jobs.has(id)) continue
      const path = join(deps.dir, file)
      try {
        if (t - statSync(path).mtimeMs >= keepMs) rmSync(path, { force: true })
      } catch {
        // Gone meanwhile (downloaded and removed by the host).
      }
    }
    // Bounded: the oldest ended jobs go first.
    for (const [id, entry] of jobs) {
      if (jobs.size <= MAX_KEPT_EXPORT_JOBS) break
      const job = entry.progress.job
      if (job.state === 'running') continue
      if (job.state === 'done') rmSync(downloadPath(deps.dir, job), { force: true })
      jobs.delete(id)
    }
  }
  sweep()
  const sweeper = setInterval(sweep, Math.min(60_000, keepMs))
  sweeper.unref()

  const find = (id: string): Entry => {
    const entry = jobs.get(id)
    if (!entry)
      throw new ApiError({
        code: 'bad_request',
        message: `There is no export ${id.slice(0, 64)}: it was never started here, or it ended more than ${Math.round(keepMs / 60_000)} minutes ago.`,
      })
    return entry
  }

  return {
    start(request) {
      const busy = running()
      if (busy.length >= maxRunning) {
        const what = busy.map(
          (e) => `${EXPORT_FORMAT_TEXT[e.progress.job.format].label} of ${e.progress.job.view}`,
        )
        throw new ApiError({
          code: 'conflict',
          message: `${busy.length === 1 ? 'An export is' : `${busy.length} exports are`} already running (${names(what)}); wait for one to finish or cancel it, then export again.`,
        })
      }
      // Made on the first export, not at start: most cores never export.
      mkdirSync(deps.dir, { recursive: true, mode: 0o700 })
      const id = randomUUID()
      const startedAt = new Date(now())
      const first: ExportJob = {
        id,
        view: request.view,
        format: request.format,
        state: 'running',
        phase: 'Starting',
        rowsDone: 0,
        rowsTotal: 0,
        secondsLeft: null,
        startedAt: startedAt.toISOString(),
        endedAt: null,
        fileName: exportFileName(
          request.view,
          request.format,
          startedAt,
          request.filters.range.timeZone,
        ),
        bytes: null,
        error: null,
      }
      const tracker = createJobProgress(first, deps.progress, now)
      const controller = new AbortController()
      const target = downloadPath(deps.dir, first)
      deps.log(`export ${id}: ${request.format} of ${request.view} started`)
      // After this call's answer: the first step waits for the next turn of the loop.
      const finished = new Promise<void>((r) => setImmediate(r))
        .then(() =>
          runExport({
            request,
            dbPath: deps.dbPath,
            db: deps.db,
            ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
            target,
            signal: controller.signal,
            onProgress: (p) => tracker.progress(p),
            sources: deps.sources,
            now: () => new Date(now()),
          }),
        )
        .then(
          (result) => {
            deps.log(`export ${id}: done, ${result.rows} rows, ${result.bytes} bytes`)
            tracker.end({
              state: 'done',
              phase: 'Done',
              rowsDone: result.rows,
              bytes: result.bytes,
            })
          },
          (error: unknown) => {
            if (error instanceof ExportCancelled) {
              deps.log(`export ${id}: cancelled`)
              tracker.end({ state: 'cancelled', phase: 'Cancelled', error: null })
            } else {
              const sentence = failureSentence(error)
              deps.log(`export ${id}: failed: ${(error as Error)?.stack ?? sentence}`)
              tracker.end({ state: 'failed', phase: 'Failed', error: sentence })
            }
          },
        )
      jobs.set(id, { progress: tracker, controller, finished })
      return first
    },
    status: (id) => find(id).progress.job,
    cancel(id) {
      const entry = find(id)
      if (entry.progress.job.state !== 'running') return entry.progress.job
      entry.controller.abort()
      return entry.progress.note({ phase: 'Cancelling' })
    },
    async close() {
      clearInterval(sweeper)
      for (const entry of jobs.values()) entry.controller.abort()
      await Promise.all([...jobs.values()].map((e) => e.finished))
      for (const entry of jobs.values()) {
        const job = entry.progress.job
        if (job.state === 'done') rmSync(downloadPath(deps.dir, job), { force: true })
      }
      jobs.clear()
    },
  }
}

// The Postgres feeds, table by table (DESIGN.md, "Sync"): the resumable
// initial snapshot, the exact change-log pull, and the approximate fallback
// (poll `(updated_at, key)` with an overlap, plus key-range checksums).
// Every SQLite transaction here writes rows and the sync state that
// describes them together.
import { createHash } from 'node:crypto'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type Database from 'better-sqlite3'
import { escapeIdentifier, escapeLiteral } from 'pg'
import type { Pool } from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { CHANGE_LOG_META_TABLE, CHANGE_LOG_TABLE } from './change-log.ts'
import { copyTextRows } from './copy-text.ts'
import { decodedCopyBatches, PackedReader, unpackRows, type PackedRows } from './copy-decode.ts'
import {
  columnSpec,
  dropSecondaryIndexes,
  isRejected,
  restoreIndexes,
  rowDecoder,
  type MirrorWriter,
  type SyncStateStore,
  type TableSyncState,
} from '../local-cache.ts'
import {
  columnExpression,
  keyIndex,
  keyOrder,
  keySqlType,
  parameterBinder,
  qualified,
  rowCondition,
  selectList,
  type Bind,
  type ManifestTable,
  type RowFilter,
} from '../manifest.ts'
import { stepPoint } from '../step-points.ts'
import type { Backlog } from './table-plan.ts'
import { parseXid } from './xid.ts'

export interface FeedContext {
  readonly db: Database.Database
  readonly pool: Pool
  readonly schema: string
  readonly filter: RowFilter
  readonly state: SyncStateStore
  /** Rows per SQLite transaction: short, so api queries interleave. */
  readonly batchRows: number
  readonly maxText: number
  /**
   * Whether a wake-up (LISTEN, the stream) came since the last ask: a live
   * change may be waiting behind the pull running now (see `pullLive`).
   */
  readonly liveWaiting?: () => boolean
  /** Decode a snapshot's COPY on a worker thread beside the writer (default true; see copy-decode.ts). */
  readonly decodeOffThread?: boolean
  readonly signal: AbortSignal
  writer(table: ManifestTable): MirrorWriter
  /** After each commit: the local table and the rows it changed. */
  committed(table: string, rows: number): void
  /** Inside each transaction, last: lets row-hook users write what they batched. */
  beforeCommit(): void
  /** After a transaction rolled back: row-hook users drop what they batched. */
  rolledBack(): void
  progress(table: string, phase: 'snapshot' | 'follow', rows: number): void
}

type Fields = (string | null)[]

/** Binds values as escaped literals, for COPY, which takes no parameters. */
const literalBinder: Bind = (value) =>
  typeof value === 'string'
    ? escapeLiteral(value)
    : `array[${value.map((v) => escapeLiteral(v)).join(', ')}]::text[]`

/**
 * Runs `change` on the writer and the state in one SQLite transaction; the
 * state object is updated only once the transaction has committed.
 */
function commit(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  change: (writer: MirrorWriter, next: TableSyncState) => void,
): number {
  const writer = ctx.writer(table)
  const applied = writer.applied
  const rejected = writer.rejected
  const next = { ...state }
  try {
    ctx.db.transaction(() => {
      change(writer, next)
      next.rowsApplied += writer.applied - applied
      next.rowsRejected += writer.rejected - rejected
      next.lastSuccessAt = Date.now()
      next.lastError = null
      ctx.state.put(table.upstream, next)
      ctx.beforeCommit()
    })()
  } catch (error) {
    writer.rolledBack()
    ctx.rolledBack()
    throw error
  }
  writer.committed()
  Object.assign(state, next)
  const rows = writer.applied - applied
  ctx.committed(table.local, rows)
  return rows
}

// ---------------------------------------------------------------------------
// Snapshot

/**
 * Starts (or restarts) a table's snapshot: records the horizon the log will
 * be replayed from and whether the table is empty. An empty table loses its
 * secondary indexes for the load; they are rebuilt when the copy ends.
 */
export function beginSnapshot(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  feed: 'changelog' | 'poll',
  horizon: bigint,
  epoch: string | null,
  filterKey: string,
): void {
  const local = `"${table.local.replaceAll('"', '""')}"`
  const fresh = ctx.db.prepare(`SELECT 1 FROM ${local} LIMIT 1`).get() === undefined
  commit(ctx, table, state, (_writer, next) => {
    next.feed = feed
    next.phase = 'snapshot'
    next.snapshotHorizon = horizon
    next.snapshotAfter = null
    next.snapshotFresh = fresh
    next.epoch = epoch
    next.filter = filterKey
    next.watermark = null
    next.pollKey = null
    if (fresh) dropSecondaryIndexes(ctx.db, table.local)
  })
  stepPoint('snapshot-begun')
}

/**
 * Copies the table in key order from just after the stored resume key,
 * streamed through COPY and committed every `batchRows` rows together with
 * the last key copied. A snapshot over a table that already had rows also
 * deletes the local rows upstream no longer has, range by range.
 */
export async function copySnapshot(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
): Promise<void> {
  const decode = rowDecoder(table, ctx.maxText)
  const ki = keyIndex(table)
  const after = state.snapshotAfter
  const conditions = [rowCondition(table, ctx.filter, literalBinder)]
  if (after !== null) {
    conditions.push(
      `${escapeIdentifier(table.key)} > ${escapeLiteral(after)}::${keySqlType(table)}`,
    )
  }
  const sql = `copy (select ${selectList(table)} from ${qualified(ctx.schema, table.upstream)} as src
    where ${conditions.join(' and ')} order by ${keyOrder(table)}) to stdout`

  let batch: Fields[] = []
  let copied = 0
  /** Commits one batch (text rows, or packed by the decode worker) with the key it reached. */
  const write = (
    count: number,
    lastRead: string | null,
    keys: () => string[],
    fresh: (writer: MirrorWriter) => void,
    over: (writer: MirrorWriter) => void,
    done: boolean,
  ) => {
    const lastKey = count > 0 ? lastRead : state.snapshotAfter
    commit(ctx, table, state, (writer, next) => {
      if (!next.snapshotFresh && (count > 0 || done)) {
        writer.deleteMissing(next.snapshotAfter, done ? null : lastKey, keys())
      }
      // Over cached rows, a copy writes only the rows that differ.
      if (next.snapshotFresh) fresh(writer)
      else over(writer)
      next.snapshotAfter = lastKey
      if (done) {
        next.phase = 'follow'
        next.watermark = next.snapshotHorizon
        next.snapshotAfter = null
      }
    })
    copied += count
    stepPoint(done ? 'snapshot-copied' : 'snapshot-chunk')
    ctx.progress(table.upstream, 'snapshot', copied)
  }
  const flush = (done: boolean) => {
    const rows = batch
    batch = []
    write(
      rows.length,
      rows[rows.length - 1]?.[ki] ?? null,
      () => rows.map((r) => r[ki] ?? ''),
      (writer) => {
        for (const fields of rows) writer.apply(decode(fields))
      },
      (writer) => writer.applyBatch(rows.map(decode)),
      done,
    )
  }
  const spec = columnSpec(table, ctx.maxText)
  const flushPacked = (packed: PackedRows) => {
    let unpacked: ReturnType<typeof unpackRows> | null = null
    const rows = () => (unpacked ??= unpackRows(packed, spec))
    write(
      packed.rows,
      packed.lastKey,
      () => rows().keys,
      (writer) => writer.insertPacked(new PackedReader(packed, spec.kinds)),
      (writer) => writer.applyBatch(rows().rows),
      false,
    )
  }

  const client = await ctx.pool.connect()
  let broken: Error | undefined
  // A checked-out client has no pool listener: a server-side termination
  // would be an uncaught 'error' event. The COPY stream reports it instead.
  const ignore = () => undefined
  client.on('error', ignore)
  try {
    const stream = client.query(copyTo(sql))
    const abort = () => stream.destroy(new Error('sync stopped'))
    ctx.signal.addEventListener('abort', abort, { once: true })
    try {
      if (ctx.decodeOffThread ?? true) {
        for await (const packed of decodedCopyBatches(stream, spec, ctx.batchRows)) {
          flushPacked(packed)
        }
      } else {
        for await (const rows of copyTextRows(stream as AsyncIterable<Buffer>)) {
          for (const row of rows) {
            batch.push(row)
            if (batch.length >= ctx.batchRows) flush(false)
          }
        }
      }
    } finally {
      ctx.signal.removeEventListener('abort', abort)
    }
    flush(true)
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    // A connection left mid-COPY cannot be reused: drop it.
    client.off('error', ignore)
    client.release(broken)
  }
  if (state.snapshotFresh && restoreIndexes(ctx.db, table.local) > 0) stepPoint('indexes-rebuilt')
}

// ---------------------------------------------------------------------------
// Change-log pull

/** `keys` as one Postgres array literal (double-quoted elements, `"` and `\\` escaped). */
const arrayLiteral = (keys: readonly string[]): string =>
  escapeLiteral(`{${keys.map((k) => `"${k.replace(/["\\]/g, '\\$&')}"`).join(',')}}`)

/**
 * Current upstream rows for `keys` as text, under the row filter. Read
 * through COPY, like the snapshot: its text rows parse in a fraction of the
 * time (and garbage) of the protocol's row messages. COPY takes no
 * parameters, so the keys go in as one escaped array literal.
 */
async function fetchByKey(
  ctx: FeedContext,
  table: ManifestTable,
  keys: readonly string[],
): Promise<Fields[]> {
  const where = `${escapeIdentifier(table.key)} = any(${arrayLiteral(keys)}::${keySqlType(table)}[])`
  const sql = `copy (select ${selectList(table)} from ${qualified(ctx.schema, table.upstream)} as src
    where ${where} and ${rowCondition(table, ctx.filter, literalBinder)}) to stdout`
  const client = await ctx.pool.connect()
  let broken: Error | undefined
  // As in copySnapshot: a checked-out client has no pool listener.
  const ignore = () => undefined
  client.on('error', ignore)
  try {
    const rows: Fields[] = []
    const stream = client.query(copyTo(sql))
    for await (const chunk of copyTextRows(stream as AsyncIterable<Buffer>)) {
      for (const row of chunk) rows.push(row)
    }
    return rows
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    // A connection left mid-COPY cannot be reused: drop it.
    client.off('error', ignore)
    client.release(broken)
  }
}

/**
 * Applies the current rows fetched for `keys` (see `fetchKeys`), a
 * transaction per `batchRows` keys: a key upstream no longer returns
 * (deleted, soft-deleted, outside the filter) is deleted locally, the rest
 * go through `MirrorWriter.applyBatch`, which writes only what changed. The
 * last chunk's transaction also stores `cursor`.
 */
function applyKeys(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  fetched: FetchedKeys,
  store: (next: TableSyncState) => void,
): number {
  const { keys, chunks } = fetched
  if (keys.length === 0) return commit(ctx, table, state, (_w, next) => store(next))
  const decode = rowDecoder(table, ctx.maxText)
  let applied = 0
  chunks.forEach((rows, i) => {
    const chunk = keys.slice(i * ctx.batchRows, (i + 1) * ctx.batchRows)
    const last = i === chunks.length - 1
    applied += commit(ctx, table, state, (writer, next) => {
      writer.applyBatch(rows.map(decode), chunk)
      if (last) store(next)
    })
  })
  return applied
}

/** Keys to apply and their current upstream rows, `batchRows` keys per chunk. */
export interface FetchedKeys {
  readonly keys: readonly string[]
  readonly chunks: readonly Fields[][]
  /** When the fetch began, in the order of `fetchSeq`: a later fetch saw rows at least as new. */
  readonly seq: number
}

/** Numbers the fetches in the order they begin (see `pullLive`). */
let fetchSeq = 0

async function fetchKeys(
  ctx: FeedContext,
  table: ManifestTable,
  keys: readonly string[],
): Promise<FetchedKeys> {
  const seq = ++fetchSeq
  const chunks: Fields[][] = []
  for (let start = 0; start < keys.length; start += ctx.batchRows) {
    chunks.push(await fetchByKey(ctx, table, keys.slice(start, start + ctx.batchRows)))
  }
  return { keys, chunks, seq }
}

/**
 * A page's fetched rows without the keys a live pull wrote from a later
 * fetch: the cache already holds something at least as new for those, and
 * writing this page's older rows over them would move them back in time.
 */
export function withoutFresher(
  fetched: FetchedKeys,
  fresher: ReadonlyMap<string, number>,
  ki: number,
  batchRows: number,
): FetchedKeys {
  if (fresher.size === 0) return fetched
  const stale = (key: string) => (fresher.get(key) ?? 0) > fetched.seq
  if (!fetched.keys.some(stale)) return fetched
  const keys = fetched.keys.filter((k) => !stale(k))
  const rows = fetched.chunks.flat().filter((r) => !stale(r[ki] ?? ''))
  // Re-chunked by key, as applyKeys pairs the n-th chunk of rows with the n-th slice of keys.
  const chunkOf = new Map<string, number>()
  keys.forEach((k, i) => chunkOf.set(k, Math.floor(i / batchRows)))
  const chunks: Fields[][] = Array.from({ length: Math.ceil(keys.length / batchRows) }, () => [])
  for (const row of rows) chunks[chunkOf.get(row[ki] ?? '') ?? 0]?.push(row)
  return { keys, chunks, seq: fetched.seq }
}

/** Most log entries a live pull takes past the horizon of the pull it interrupts. */
const LIVE_ENTRIES = 1_000
/**
 * Most entries of one transaction `pullAhead` applies (a bulk write committed while the horizon
 * is held; its keys are fetched `batchRows` at a time); a larger one waits for the cursor.
 */
const AHEAD_TRANSACTION_ENTRIES = 100_000

/**
 * A live lane beside a long pull (a catch-up after a day offline): the
 * entries committed since the pull's horizon are read, their rows fetched
 * and written now, between two pages, rather than after the whole backlog.
 * The cursor does not move: the pull (or the next cycle) replays those
 * entries again in order, so nothing is skipped, and pages fetched before
 * this fetch leave its keys alone (`withoutFresher`), so no row moves back.
 */
async function pullLive(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  from: bigint,
  fresher: Map<string, number>,
): Promise<number> {
  // Every entry committed since the pull's horizon, also those past the server's horizon now
  // (a transaction held open elsewhere must not hold this lane either; see `pullAhead`).
  const page = await readLog(
    ctx,
    'e.table_name = $1 and e.xid >= $2::xid8',
    [table.upstream, from],
    LIVE_ENTRIES,
  )
  // A pruned or reinstalled log is the pull's to find and handle.
  if (state.watermark === null || lossIn(page, state.watermark, state.epoch)) return 0
  const keys = [...new Set(page.entries.map((e) => e.key))]
  if (keys.length === 0) return 0
  const fetched = await fetchKeys(ctx, table, keys)
  for (const key of keys) fresher.set(key, fetched.seq)
  return applyKeys(ctx, table, state, fetched, () => undefined)
}

/**
 * What a table's last pass past the horizon (`pullAhead`) applied: every committed entry with an
 * xid below `xmax` that was not in `xip` (still open then). Kept in memory only: the cursor
 * replays those entries anyway, so a lost marker costs a second fetch, never a row.
 */
export interface AheadMarker {
  readonly xmax: bigint
  readonly xip: readonly bigint[]
}

/** `pg_snapshot` text ("xmin:xmax:xip,xip…") as numbers. */
function parseSnapshot(text: string): { xmax: bigint; xip: bigint[] } {
  const [, xmax, xip] = text.split(':')
  if (xmax === undefined || xip === undefined) throw new Error(`unreadable snapshot "${text}"`)
  return { xmax: parseXid(xmax), xip: xip === '' ? [] : xip.split(',').map(parseXid) }
}

/**
 * Applies what committed past the horizon. The horizon is the xmin of a snapshot, and xids are
 * the whole server's: one long transaction anywhere on it (another application, an admin's open
 * psql, a bulk load in another database) holds the horizon, and the cursor with it, until it
 * ends. Meanwhile the entries committed after it are visible, final for their rows, and read
 * here: their keys' current rows are fetched and written, without moving the cursor, as
 * `pullLive` does beside a long pull. When the horizon moves on, the cursor replays them in
 * order with whatever the long transaction wrote, so nothing is skipped and nothing is read
 * that had not committed. `marker` keeps each entry from being fetched again on every cycle.
 */
export async function pullAhead(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  horizon: bigint,
  marker: AheadMarker | null,
): Promise<{ applied: number; marker: AheadMarker | null }> {
  const cursor = state.watermark
  // Behind its horizon the table's own pull has work to do first.
  if (cursor === null || cursor < horizon) return { applied: 0, marker }
  const since = marker === null ? '' : ' and (e.xid >= $3::xid8 or e.xid = any($4::xid8[]))'
  const page = await readLog(
    ctx,
    `e.table_name = $1 and e.xid >= $2::xid8${since}`,
    marker === null
      ? [table.upstream, horizon]
      : [table.upstream, horizon, marker.xmax, marker.xip.map(String)],
    LIVE_ENTRIES,
  )
  if (lossIn(page, cursor, state.epoch)) return { applied: 0, marker: null }
  const snapshot = parseSnapshot(page.snapshot)
  let entries = page.entries
  let xmax = snapshot.xmax
  const last = entries.at(-1)
  if (entries.length >= LIVE_ENTRIES && last) {
    // A full page may end inside a transaction: its whole transactions are applied, the rest
    // waits for the next pass. A page of one transaction (a bulk write) is read whole, up to
    // AHEAD_TRANSACTION_ENTRIES; one larger still is left to the cursor.
    const whole = entries.filter((e) => e.xid < last.xid)
    if (whole.length > 0) {
      entries = whole
      xmax = last.xid
    } else {
      const bulk = await readLog(
        ctx,
        'e.table_name = $1 and e.xid = $2::xid8',
        [table.upstream, last.xid],
        AHEAD_TRANSACTION_ENTRIES + 1,
      )
      if (lossIn(bulk, cursor, state.epoch)) return { applied: 0, marker: null }
      entries = bulk.entries.length <= AHEAD_TRANSACTION_ENTRIES ? bulk.entries : []
      xmax = last.xid + 1n
    }
  }
  const next: AheadMarker = { xmax, xip: snapshot.xip.filter((x) => x < xmax && x >= horizon) }
  const keys = [...new Set(entries.map((e) => e.key))]
  if (keys.length === 0) return { applied: 0, marker: next }
  const fetched = await fetchKeys(ctx, table, keys)
  const applied = applyKeys(ctx, table, state, fetched, () => undefined)
  return { applied, marker: next }
}

/** One read of the log: entries (numeric xid order), `pruned_through` and the install's epoch, from one snapshot. */
interface LogPage {
  readonly entries: readonly { readonly xid: bigint; readonly key: string }[]
  readonly prunedThrough: bigint
  readonly epoch: string
  /** The statement's snapshot (`pg_snapshot` text): which xids its entries could see. */
  readonly snapshot: string
}

/**
 * Reads the log and `pruned_through` in one statement, so both come from
 * the same snapshot: a prune (one statement that deletes and raises
 * `pruned_through` together) is either wholly visible or not at all. The
 * page is ordered by the xid8 column itself. Selecting `xid::text AS xid`
 * and ordering `BY xid` would sort by the text alias ('100000' < '99999').
 */
async function readLog(
  ctx: FeedContext,
  where: string,
  values: readonly unknown[],
  limit: number | null,
): Promise<LogPage> {
  const log = qualified(ctx.schema, CHANGE_LOG_TABLE)
  const meta = qualified(ctx.schema, CHANGE_LOG_META_TABLE)
  const { rows } = await ctx.pool.query<{
    pruned_through: string
    epoch: string
    snapshot: string
    xid_text: string | null
    key: string | null
  }>(
    `select m.pruned_through::text as pruned_through, m.epoch,
       pg_current_snapshot()::text as snapshot, page.xid_text, page.key
     from ${meta} as m
     left join lateral (
       select e.xid as xid8, e.xid::text as xid_text, e.key from ${log} as e
       where ${where} order by e.xid ${limit === null ? '' : `limit ${limit}`}
     ) as page on true
     order by page.xid8`,
    [...values],
  )
  const first = rows[0]
  if (!first) throw new Error(`the change log's meta row is missing in schema "${ctx.schema}"`)
  const entries = []
  for (const r of rows) {
    if (r.xid_text !== null && r.key !== null)
      entries.push({ xid: parseXid(r.xid_text), key: r.key })
  }
  return {
    entries,
    prunedThrough: parseXid(first.pruned_through),
    epoch: first.epoch,
    snapshot: first.snapshot,
  }
}

/** Why a pull stopped before its horizon: the log no longer holds all it needs. */
export type LogLoss =
  | { readonly kind: 'pruned'; readonly through: bigint }
  /** Uninstalled and installed again: what happened in between was never logged. */
  | { readonly kind: 'reinstalled'; readonly epoch: string }

export interface PullResult {
  readonly applied: number
  /** Non-null when the table must be copied again. */
  readonly lost: LogLoss | null
}

/** Whether a page, read in one snapshot, still holds everything from `cursor` on. */
function lossIn(
  page: Pick<LogPage, 'prunedThrough' | 'epoch'>,
  cursor: bigint,
  epoch: string | null,
): LogLoss | null {
  if (page.epoch !== epoch) return { kind: 'reinstalled', epoch: page.epoch }
  if (page.prunedThrough >= cursor) return { kind: 'pruned', through: page.prunedThrough }
  return null
}

/**
 * Replays the change log from the table's cursor up to `horizon`, in
 * batches of whole transactions; each batch's rows commit with the cursor
 * just past that batch. Re-applying is harmless: rows are fetched by key,
 * never replayed from payloads. Every page is checked against
 * `pruned_through` and the install's epoch as of that page: a prune (or a
 * reinstall) landing mid-pull stops the pull before anything past the hole
 * is applied.
 */
export async function pullChangeLog(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  horizon: bigint,
): Promise<PullResult> {
  let applied = 0
  const pages = readAhead(ctx, table, state, horizon)
  const fresher = new Map<string, number>()
  const ki = keyIndex(table)
  try {
    while (state.watermark !== null && state.watermark < horizon) {
      ctx.signal.throwIfAborted()
      const page = await pages.next()
      if ('lost' in page) return { applied, lost: page.lost }
      const got = await page.fetched
      if ('lost' in got) return { applied, lost: got.lost }
      const fetched = withoutFresher(got, fresher, ki, ctx.batchRows)
      stepPoint('pull-read')
      applied += applyKeys(ctx, table, state, fetched, (s) => {
        s.watermark = page.next
      })
      stepPoint('pull-applied')
      ctx.progress(table.upstream, 'follow', applied)
      // More backlog to go and a change announced meanwhile: it goes in now.
      if (state.watermark !== null && state.watermark < horizon && ctx.liveWaiting?.()) {
        applied += await pullLive(ctx, table, state, horizon, fresher)
      }
    }
  } finally {
    pages.stop()
  }
  return { applied, lost: null }
}

/**
 * Moves a table's cursor to `horizon` when the log holds nothing for it in
 * between (`followPlan` said so, from a meta row that shows no prune past
 * the cursor and the same install): what a pull of no entries would commit,
 * without reading the log again.
 */
export function advanceQuiet(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  horizon: bigint,
): void {
  commit(ctx, table, state, (_w, next) => {
    next.watermark = horizon
  })
}

/** Pages read (and rows fetched) ahead of the one being written. */
const PAGES_AHEAD = 3

/** One page of a pull: the keys of whole transactions from a cursor, their rows (still coming), and the cursor after them. */
type PullPage =
  { readonly lost: LogLoss } | { readonly fetched: Promise<FetchedPage>; readonly next: bigint }

/**
 * Reads the log's pages from the table's cursor up to `horizon` and starts
 * fetching each page's rows as soon as its entries are known, up to
 * `PAGES_AHEAD` pages before the writer: Postgres works on them while
 * SQLite holds this thread, so a page's rows are usually there when the
 * writer asks. Rows are fetched after their page's entries were read, so
 * applying them in page order only ever moves each key forward. A page that
 * finds the log pruned or reinstalled ends the reading.
 */
function readAhead(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  horizon: bigint,
): { next(): Promise<PullPage>; stop(): void } {
  const queue: Promise<PullPage>[] = []
  let cursor = state.watermark
  let ended = cursor === null || cursor >= horizon
  let wake: (() => void) | null = null
  const epoch = state.epoch
  const produce = async (): Promise<void> => {
    while (!ended && cursor !== null) {
      if (queue.length >= PAGES_AHEAD) {
        await new Promise<void>((resolve) => (wake = resolve))
        continue
      }
      const from: bigint = cursor
      const page = readPullPage(ctx, table, epoch, from, horizon)
      queue.push(page)
      let read: PullPage
      try {
        read = await page
      } catch {
        ended = true // the writer meets the error when it reaches this page
        return
      }
      if ('lost' in read || read.next >= horizon) ended = true
      else cursor = read.next
    }
  }
  let producing: Promise<void> | null = null
  return {
    next() {
      producing ??= produce()
      const head = queue.shift()
      const w = wake
      wake = null
      w?.()
      if (head) return head
      // The producer pushes synchronously after each page it awaited; wait for it.
      return new Promise<PullPage>((resolve, reject) => {
        const poll = () => {
          const page = queue.shift()
          if (page) page.then(resolve, reject)
          else if (ended) reject(new Error('the change-log pull read past its last page'))
          else setImmediate(poll)
        }
        poll()
      })
    },
    stop() {
      ended = true
      const w = wake
      wake = null
      w?.()
    },
  }
}

async function readPullPage(
  ctx: FeedContext,
  table: ManifestTable,
  epoch: string | null,
  cursor: bigint,
  horizon: bigint,
): Promise<PullPage> {
  const limit = ctx.batchRows
  const log = qualified(ctx.schema, CHANGE_LOG_TABLE)
  const range = 'e.table_name = $1 and e.xid >= $2::xid8 and e.xid < $3::xid8'
  // Where the page ends, with the meta row from the same snapshot: the first
  // entry's xid and the `limit`-th's (by the (table_name, xid) index; no
  // entry is sent to this process).
  const { rows } = await ctx.pool.query<{
    pruned_through: string
    epoch: string
    first: string | null
    last: string | null
  }>(
    `select m.pruned_through::text as pruned_through, m.epoch,
       (select e.xid::text from ${log} as e where ${range} order by e.xid limit 1) as first,
       (select e.xid::text from ${log} as e where ${range} order by e.xid offset $4 limit 1) as last
     from ${qualified(ctx.schema, CHANGE_LOG_META_TABLE)} as m`,
    [table.upstream, cursor, horizon, limit - 1],
  )
  const meta = rows[0]
  if (!meta) throw new Error(`the change log's meta row is missing in schema "${ctx.schema}"`)
  const lost = lossIn(
    { prunedThrough: parseXid(meta.pruned_through), epoch: meta.epoch },
    cursor,
    epoch,
  )
  if (lost) return { lost }
  let next: bigint
  if (meta.last === null) next = horizon
  else {
    // The page may end inside a transaction: stop before its xid, unless
    // that one transaction fills the page, then take it whole.
    const last = parseXid(meta.last)
    next = meta.first !== null && parseXid(meta.first) < last ? last : last + 1n
  }
  const fetched =
    meta.first === null
      ? Promise.resolve<FetchedPage>({ keys: [], chunks: [], seq: ++fetchSeq })
      : fetchLogged(ctx, table, epoch, cursor, next)
  // Awaited when the writer reaches this page; until then a failure must not go unhandled.
  fetched.catch(() => undefined)
  return { fetched, next }
}

/** A page's rows, or the loss its fetch found (a prune or reinstall since its bounds were read). */
type FetchedPage = FetchedKeys | { readonly lost: LogLoss }

/**
 * The current upstream rows of the keys logged for `table` in [cursor,
 * next), in one COPY: the distinct keys are taken from the log and joined
 * to the table in Postgres, so neither the entries nor the keys travel to
 * this process and back (a key changed many times comes once, as its last
 * state). Each output row ends with its logged key; a key with no current
 * row (deleted, soft-deleted, outside the filter) comes with every column
 * NULL and is deleted locally. One more row, with a NULL key, carries the
 * meta row as of the same snapshot: a prune between the page's bounds and
 * this read is seen here, before anything is applied.
 */
async function fetchLogged(
  ctx: FeedContext,
  table: ManifestTable,
  epoch: string | null,
  cursor: bigint,
  next: bigint,
): Promise<FetchedPage> {
  const seq = ++fetchSeq
  const n = table.columns.length
  const ki = keyIndex(table)
  const log = qualified(ctx.schema, CHANGE_LOG_TABLE)
  const meta = qualified(ctx.schema, CHANGE_LOG_META_TABLE)
  const nulls = Array.from({ length: n - 1 }, () => ', null').join('')
  const sql = `copy (
    select s.*, k.key from (
      select distinct e.key from ${log} as e
      where e.table_name = ${escapeLiteral(table.upstream)}
        and e.xid >= ${escapeLiteral(cursor.toString())}::xid8 and e.xid < ${escapeLiteral(next.toString())}::xid8
    ) as k
    left join lateral (
      select ${selectList(table)} from ${qualified(ctx.schema, table.upstream)} as src
      where src.${escapeIdentifier(table.key)} = k.key::${keySqlType(table)}
        and ${rowCondition(table, ctx.filter, literalBinder)}
    ) as s on true
    union all
    select m.pruned_through::text || ' ' || m.epoch${nulls}, null from ${meta} as m
  ) to stdout`
  const keys: string[] = []
  const chunks: Fields[][] = []
  let found: { prunedThrough: bigint; epoch: string } | null = null
  const client = await ctx.pool.connect()
  let broken: Error | undefined
  // As in copySnapshot: a checked-out client has no pool listener.
  const ignore = () => undefined
  client.on('error', ignore)
  try {
    const stream = client.query(copyTo(sql))
    for await (const chunk of copyTextRows(stream as AsyncIterable<Buffer>)) {
      for (const fields of chunk) {
        const key = fields.pop() ?? null
        if (key === null) {
          const [through = '0', id = ''] = (fields[0] ?? '').split(' ')
          found = { prunedThrough: parseXid(through), epoch: id }
          continue
        }
        // applyKeys pairs the i-th chunk of rows with the i-th slice of `batchRows` keys.
        const at = Math.floor(keys.length / ctx.batchRows)
        keys.push(key)
        if (fields[ki] === null) continue
        ;(chunks[at] ??= []).push(fields)
      }
    }
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    // A connection left mid-COPY cannot be reused: drop it.
    client.off('error', ignore)
    client.release(broken)
  }
  if (found === null)
    throw new Error(`the change log's meta row is missing in schema "${ctx.schema}"`)
  const lost = lossIn(found, cursor, epoch)
  if (lost) return { lost }
  const slices = Math.ceil(keys.length / ctx.batchRows)
  for (let i = 0; i < slices; i++) chunks[i] ??= []
  return { keys, chunks, seq }
}

/**
 * How many entries (up to `cap`) and distinct keys the log holds for
 * `table` in [cursor, horizon): the replay side of `catchUpPlan`.
 */
export async function logBacklog(
  ctx: FeedContext,
  table: ManifestTable,
  cursor: bigint,
  horizon: bigint,
  cap: number,
): Promise<Backlog> {
  const { rows } = await ctx.pool.query<{ entries: number; keys: number }>(
    `select count(*)::int as entries, count(distinct s.key)::int as keys from (
       select e.key from ${qualified(ctx.schema, CHANGE_LOG_TABLE)} as e
       where e.table_name = $1 and e.xid >= $2::xid8 and e.xid < $3::xid8 limit $4
     ) as s`,
    [table.upstream, cursor, horizon, cap],
  )
  return { entries: rows[0]?.entries ?? 0, keys: rows[0]?.keys ?? 0 }
}

/** Which of these tables the log holds entries for at or past `horizon` (still open, or newer). */
export async function logPending(
  pool: Pool,
  schema: string,
  tables: readonly string[],
  horizon: bigint,
): Promise<ReadonlySet<string>> {
  const { rows } = await pool.query<{ pending: string[] }>(
    `select array(select t from unnest($2::text[]) as t
       where exists(select 1 from ${qualified(schema, CHANGE_LOG_TABLE)} as e
                    where e.table_name = t and e.xid >= $1::xid8)) as pending`,
    [horizon, tables],
  )
  return new Set(rows[0]?.pending ?? [])
}

// ---------------------------------------------------------------------------
// Fallback: poll (watermark, key) with an overlap window

/** Upstream `now()` in epoch ms: the poll feed's horizon. */
export async function upstreamNowMs(pool: Pool): Promise<bigint> {
  const { rows } = await pool.query<{ now: string }>(
    'select floor(extract(epoch from now()) * 1000)::int8::text as now',
  )
  return BigInt(rows[0]?.now ?? Date.now())
}

/**
 * Reads rows whose watermark is at or after the stored one minus
 * `overlapMs`, in `(watermark, key)` order. The overlap re-reads rows that
 * committed late with an older timestamp, but only if they committed within
 * it: a transaction open longer is missed here and repaired by
 * `reconcileTable`, which is why this feed reports itself as approximate.
 */
export async function pollTable(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  overlapMs: number,
): Promise<number> {
  const decode = rowDecoder(table, ctx.maxText)
  const ki = keyIndex(table)
  const wm = escapeIdentifier(table.watermark)
  const n = table.columns.length
  const softDeleted = table.softDelete
    ? `(${escapeIdentifier(table.softDelete)} is not null)::text`
    : `'false'`
  const noSoftDelete = { ...table, softDelete: undefined }
  const fromMs = Number(state.watermark ?? 0n) - overlapMs
  let page: { ts: string; key: string } | null = null
  let applied = 0
  for (;;) {
    ctx.signal.throwIfAborted()
    const params: unknown[] = []
    const bind = parameterBinder(params)
    const conditions = [
      `${wm} >= to_timestamp(${bind(String(fromMs))}::double precision / 1000)`,
      rowCondition(noSoftDelete, ctx.filter, bind),
    ]
    if (page) {
      conditions.push(
        `(${wm}, ${keyOrder(table)}) > (${bind(page.ts)}::timestamptz, ${bind(page.key)}::${keySqlType(table)})`,
      )
    }
    const { rows } = await ctx.pool.query<Fields>({
      text: `select ${selectList(table)}, floor(extract(epoch from ${wm}) * 1000)::int8::text,
               ${wm}::text, ${softDeleted}
             from ${qualified(ctx.schema, table.upstream)} as src
             where ${conditions.join(' and ')}
             order by src.${wm}, ${keyOrder(table)} limit ${ctx.batchRows}`,
      values: params,
      rowMode: 'array',
    })
    if (rows.length === 0) break
    const last = rows[rows.length - 1] as Fields
    const lastMs = Number(last[n])
    applied += commit(ctx, table, state, (writer, next) => {
      for (const fields of rows) {
        if (fields[n + 2] === 'true') writer.delete(fields[ki] ?? '')
        else writer.apply(decode(fields.slice(0, n)))
      }
      // A row without a watermark value (NULL) moves nothing.
      const read = Number.isSafeInteger(lastMs) ? BigInt(Math.max(0, lastMs)) : null
      if (read !== null && (next.watermark === null || read > next.watermark)) {
        next.watermark = read
      }
    })
    if (rows.length < ctx.batchRows) break
    // Later pages continue after the last row read, not from the overlap again.
    page = { ts: last[n + 1] ?? '', key: last[ki] ?? '' }
  }
  return applied
}

// ---------------------------------------------------------------------------
// Fallback: key-range checksums

/** The text both sides hash for a row: values joined by U+001F, `\N` for NULL. */
const ROW_SEPARATOR = '\x1f'
const NULL_MARK = '\\N'

function localValueText(value: unknown): string {
  if (value === null || value === undefined) return NULL_MARK
  if (typeof value === 'string') return value
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : ''
}

export interface ReconcileResult {
  readonly ranges: number
  readonly repairedRanges: number
  readonly rows: number
}

/**
 * Compares md5 checksums of key ranges (`key / bucketSize`) computed
 * upstream over the converted values with the same computation on the
 * local rows, and re-copies every range that differs: upserting what
 * upstream has and deleting what it does not. Integer keys only.
 */
export async function reconcileTable(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  bucketSize: number,
): Promise<ReconcileResult> {
  if (table.keyType !== 'bigint') return { ranges: 0, repairedRanges: 0, rows: 0 }
  const k = escapeIdentifier(table.key)
  const params: unknown[] = []
  const bind = parameterBinder(params)
  const rowText = `concat_ws(${escapeLiteral(ROW_SEPARATOR)}, ${table.columns
    .map((c) => `coalesce(${columnExpression(c)}, ${escapeLiteral(NULL_MARK)})`)
    .join(', ')})`
  const { rows: upstream } = await ctx.pool.query<{ bucket: string; n: string; md5: string }>(
    `select (src.${k} / ${bind(String(bucketSize))}::bigint)::text as bucket, count(*)::text as n,
            md5(string_agg(${rowText}, E'\\n' order by src.${k})) as md5
     from ${qualified(ctx.schema, table.upstream)} as src
     where ${rowCondition(table, ctx.filter, bind)}
     group by 1`,
    params,
  )
  const remote = new Map(upstream.map((r) => [Number(r.bucket), r.md5]))

  // The same checksums over the local rows, a slice at a time so the api
  // keeps being served.
  const local = new Map<number, string>()
  const localNames = table.columns.map((c) => `"${c.local.replaceAll('"', '""')}"`)
  const localKey = localNames[keyIndex(table)] as string
  const slice = ctx.db.prepare(
    `SELECT ${localNames.join(', ')} FROM "${table.local.replaceAll('"', '""')}"
     WHERE ${localKey} > ? ORDER BY ${localKey} LIMIT ?`,
  )
  slice.raw(true)
  let after = -Infinity
  let bucket: number | null = null
  let hash = createHash('md5')
  let first = true
  const finish = () => {
    if (bucket !== null) local.set(bucket, hash.digest('hex'))
  }
  for (;;) {
    const rows = slice.all(
      after === -Infinity ? Number.MIN_SAFE_INTEGER : after,
      10_000,
    ) as unknown[][]
    if (rows.length === 0) break
    for (const row of rows) {
      const key = row[keyIndex(table)] as number
      const b = Math.trunc(key / bucketSize)
      if (b !== bucket) {
        finish()
        bucket = b
        hash = createHash('md5')
        first = true
      }
      hash.update(`${first ? '' : '\n'}${row.map(localValueText).join(ROW_SEPARATOR)}`)
      first = false
      after = key
    }
    await yieldToLoop()
  }
  finish()

  const differing = new Set<number>()
  for (const [b, md5] of remote) if (local.get(b) !== md5) differing.add(b)
  for (const b of local.keys()) if (!remote.has(b)) differing.add(b)
  let rows = 0
  for (const b of [...differing].sort((x, y) => x - y)) {
    rows += await repairRange(ctx, table, state, b * bucketSize, (b + 1) * bucketSize)
  }
  commit(ctx, table, state, (_w, next) => {
    next.reconciledAt = Date.now()
  })
  return { ranges: remote.size, repairedRanges: differing.size, rows }
}

/** Re-copies upstream keys in [from, to) and deletes local keys there that upstream lacks. */
async function repairRange(
  ctx: FeedContext,
  table: ManifestTable,
  state: TableSyncState,
  from: number,
  to: number,
): Promise<number> {
  const decode = rowDecoder(table, ctx.maxText)
  const ki = keyIndex(table)
  const params: unknown[] = []
  const bind = parameterBinder(params)
  const k = escapeIdentifier(table.key)
  const { rows } = await ctx.pool.query<Fields>({
    text: `select ${selectList(table)} from ${qualified(ctx.schema, table.upstream)}
           where ${k} >= ${bind(String(from))}::bigint and ${k} < ${bind(String(to))}::bigint
             and ${rowCondition(table, ctx.filter, bind)}`,
    values: params,
    rowMode: 'array',
  })
  return commit(ctx, table, state, (writer) => {
    writer.deleteMissing(
      String(from - 1),
      String(to - 1),
      rows.map((r) => r[ki] ?? ''),
    )
    for (const fields of rows) {
      const row = decode(fields)
      if (!isRejected(row)) writer.upsert(row)
      else writer.reject(row.key, row.reason)
    }
  })
}

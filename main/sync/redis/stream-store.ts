// Everything the Redis sync writes to the SQLite cache. Each function that
// writes is one transaction, so a crash at any instant leaves a cache that
// resumes where it stopped (DESIGN.md, "The store").
import type Database from 'better-sqlite3'
import type { StreamEvent, UpstreamAlert } from './stream-events.ts'

export const REDIS_SOURCE = 'redis'

export type AlertOrigin = 'stream' | 'pubsub' | 'socketio'

export interface StreamGap {
  readonly id: number
  readonly stream: string
  readonly kind: 'trimmed' | 'reset'
  /** Our position when the gap was found (null: never read). */
  readonly lastId: string | null
  /** The oldest entry the stream still holds (null: the stream is empty or gone). */
  readonly firstAvailable: string | null
  /** The newest id known to be gone when the gap was found (so it is reported once). */
  readonly maxDeletedId: string | null
  /** Tables whose changes may have been in the lost entries: re-pull them. */
  readonly tables: readonly string[]
  readonly detectedAt: Date
}

export function readStreamPosition(db: Database.Database, stream: string): string | null {
  const row = db
    .prepare('SELECT last_stream_id AS id FROM sync_state WHERE source = ? AND table_name = ?')
    .get(REDIS_SOURCE, stream) as { id: string | null } | undefined
  return row?.id ?? null
}

const SAVE_POSITION = `INSERT INTO sync_state (source, table_name, last_stream_id, last_success_at, last_error)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source, table_name) DO UPDATE SET
       last_stream_id = excluded.last_stream_id,
       last_success_at = excluded.last_success_at,
       last_error = excluded.last_error`

/** An upstream alert's row, once per id (storeUpstreamAlert; the stream's writer thread too). */
export const INSERT_UPSTREAM_ALERT = `INSERT INTO upstream_alerts
         (id, tenant_id, kind, severity, message, value, at, origin, stream_id, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`

/** A later stream copy of a known alert records its stream id. */
export const NOTE_ALERT_STREAM_ID =
  'UPDATE upstream_alerts SET stream_id = ? WHERE id = ? AND stream_id IS NULL'

const EVENT_COLUMNS = 'INSERT INTO events (stream_id, tenant_id, type, at, payload) VALUES '
const EVENT_CONFLICT = ' ON CONFLICT (stream_id) DO NOTHING'
const insertEventsSql = (rows: number) =>
  `${EVENT_COLUMNS}${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ')}${EVENT_CONFLICT}`

/**
 * Change events are inserted this many to a statement. One statement per
 * event cost as much again as the rows themselves (measured for issue 14:
 * 100,000 events, 5.2 µs of CPU each one at a time, 2.7–3.6 µs in
 * statements of 64), and its 320 parameters stay far below SQLite's limit.
 */
export const EVENTS_PER_INSERT = 64

/** The statements that store events, by row count (index 1 to EVENTS_PER_INSERT), and the position's. */
export const STREAM_STORE_SQL = {
  insertByRows: Array.from({ length: EVENTS_PER_INSERT + 1 }, (_, rows) =>
    rows === 0 ? '' : insertEventsSql(rows),
  ),
  savePosition: SAVE_POSITION,
  insertUpstreamAlert: INSERT_UPSTREAM_ALERT,
  noteAlertStreamId: NOTE_ALERT_STREAM_ID,
  source: REDIS_SOURCE,
  perInsert: EVENTS_PER_INSERT,
} as const

/** What storing some change rows did. */
export interface StoredRows {
  readonly stored: number
  readonly duplicates: number
}

/**
 * Inserts change rows (five parameters each: stream id, tenant, type, time, payload; in stream
 * order) `perInsert` to a statement, and adds to `announce` the table of each row in a statement
 * that stored any (a replay after a reset is the only way to meet a stored id). Self-contained:
 * the stream's writer thread runs it as its source text (stream-writer.ts), so both paths store
 * alike.
 */
export function insertChangeRows(
  insertRows: (rows: number) => { run(params: readonly (string | number)[]): { changes: number } },
  perInsert: number,
  params: readonly (string | number)[],
  tables: readonly string[],
  announce: Set<string>,
): StoredRows {
  let stored = 0
  let duplicates = 0
  const rowCount = tables.length
  for (let first = 0; first < rowCount; first += perInsert) {
    const rows = Math.min(perInsert, rowCount - first)
    const chunk = rows === rowCount ? params : params.slice(first * 5, (first + rows) * 5)
    const inserted = insertRows(rows).run(chunk).changes
    stored += inserted
    duplicates += rows - inserted
    if (inserted > 0) for (let r = first; r < first + rows; r++) announce.add(tables[r] as string)
  }
  return { stored, duplicates }
}

interface BatchStatements {
  readonly savePosition: Database.Statement
  readonly storeBatch: (
    stream: string,
    tenant: string,
    events: readonly StreamEvent[],
    lastId: string,
    now: number,
  ) => BatchResult
}

// Prepared once per connection: a batch is stored every few milliseconds
// while catching up, and preparing (and wrapping the transaction) each time
// is work repeated for nothing. A WeakMap lets a closed database go.
const statementsByDb = new WeakMap<Database.Database, BatchStatements>()

function batchStatements(db: Database.Database): BatchStatements {
  const cached = statementsByDb.get(db)
  if (cached) return cached
  // The multi-row inserts by row count, prepared when first needed (a
  // batch's tail, or the rows before an alert, is shorter than a chunk).
  const inserts: (Database.Statement | undefined)[] = []
  const insertRows = (rows: number): Database.Statement =>
    (inserts[rows] ??= db.prepare(STREAM_STORE_SQL.insertByRows[rows] as string))
  const savePositionStatement = db.prepare(SAVE_POSITION)
  const storeBatch = db.transaction(
    (
      stream: string,
      tenant: string,
      events: readonly StreamEvent[],
      lastId: string,
      now: number,
    ): BatchResult => {
      let stored = 0
      let duplicates = 0
      const tables = new Set<string>()
      const newAlerts: UpstreamAlert[] = []
      // Pending change rows (5 parameters each) and each one's table.
      let params: (string | number)[] = []
      let rowTables: string[] = []
      const flush = () => {
        if (rowTables.length === 0) return
        const done = insertChangeRows(insertRows, EVENTS_PER_INSERT, params, rowTables, tables)
        stored += done.stored
        duplicates += done.duplicates
        params = []
        rowTables = []
      }
      for (const e of events) {
        if (e.kind === 'change') {
          params.push(e.streamId, tenant, e.type, e.at, changePayload(e.table, e.id, e.dataText))
          rowTables.push(e.table)
          continue
        }
        // Rows keep stream order (rowid), so the changes before an alert go first.
        flush()
        const changes = insertRows(1).run(
          e.streamId,
          tenant,
          'alert',
          e.at,
          JSON.stringify(e.alert),
        ).changes
        if (changes === 0) {
          duplicates++
          continue
        }
        stored++
        if (storeUpstreamAlert(db, e.alert, 'stream', e.streamId, now)) newAlerts.push(e.alert)
      }
      flush()
      savePositionStatement.run(REDIS_SOURCE, stream, lastId, now, null)
      return { stored, duplicates, tables: [...tables], newAlerts }
    },
  )
  const statements = { savePosition: savePositionStatement, storeBatch }
  statementsByDb.set(db, statements)
  return statements
}

/**
 * The stored payload of a change: the JSON of `{ table, id, data }`, with `dataText` (the data's
 * JSON, checked to be an object) as the stream carried it — not parsed and written again, which
 * cost a third of storing an event (issue 14). The same value as `JSON.stringify` of the parsed
 * parts, which the feed shows (a key written twice: the last, either way). Self-contained: the
 * writer thread runs it as its source text.
 */
export function changePayload(table: string, id: string, dataText: string): string {
  return `{"table":${JSON.stringify(table)},"id":${JSON.stringify(id)},"data":${dataText}}`
}

function savePosition(
  db: Database.Database,
  stream: string,
  lastId: string,
  now: number,
  error: string | null = null,
): void {
  batchStatements(db).savePosition.run(REDIS_SOURCE, stream, lastId, now, error)
}

/** Records a source error without moving the position. */
export function recordStreamError(db: Database.Database, stream: string, message: string): void {
  db.prepare(
    `INSERT INTO sync_state (source, table_name, last_error) VALUES (?, ?, ?)
     ON CONFLICT (source, table_name) DO UPDATE SET last_error = excluded.last_error`,
  ).run(REDIS_SOURCE, stream, message)
}

/**
 * Stores one alert unless its id is already known. Returns true when it is
 * new, so the caller notifies once whichever copy (stream, pub/sub,
 * Socket.IO) arrives first; a later stream copy only records its stream id.
 */
export function storeUpstreamAlert(
  db: Database.Database,
  alert: UpstreamAlert,
  origin: AlertOrigin,
  streamId: string | null = null,
  now = Date.now(),
): boolean {
  const inserted = db
    .prepare(INSERT_UPSTREAM_ALERT)
    .run(upstreamAlertParams(alert, origin, streamId, now)).changes
  if (inserted === 0 && streamId !== null) {
    db.prepare(NOTE_ALERT_STREAM_ID).run(streamId, alert.id)
  }
  return inserted > 0
}

/** INSERT_UPSTREAM_ALERT's parameters. */
export const upstreamAlertParams = (
  alert: UpstreamAlert,
  origin: AlertOrigin,
  streamId: string | null,
  now: number,
): (string | number | null)[] => [
  alert.id,
  alert.tenant,
  alert.kind,
  alert.severity,
  alert.message,
  alert.value ?? null,
  Date.parse(alert.at),
  origin,
  streamId,
  now,
]

export interface BatchResult {
  readonly stored: number
  /** Entries whose stream id was already in `events` (a replay after a reset). */
  readonly duplicates: number
  readonly tables: readonly string[]
  readonly newAlerts: readonly UpstreamAlert[]
}

/**
 * Stores a batch of valid events and moves the position to `lastId` (the
 * batch's last entry, valid or not) in one transaction: the cache never
 * holds an event its position does not cover, nor a position past an event
 * it lacks.
 */
export function storeStreamBatch(
  db: Database.Database,
  stream: string,
  tenant: string,
  events: readonly StreamEvent[],
  lastId: string,
  now = Date.now(),
): BatchResult {
  return batchStatements(db).storeBatch(stream, tenant, events, lastId, now)
}

interface GapRow {
  id: number
  stream: string
  kind: 'trimmed' | 'reset'
  last_id: string | null
  first_available: string | null
  max_deleted_id: string | null
  tables: string
  detected_at: number
}

const toGap = (r: GapRow): StreamGap => ({
  id: r.id,
  stream: r.stream,
  kind: r.kind,
  lastId: r.last_id,
  firstAvailable: r.first_available,
  maxDeletedId: r.max_deleted_id,
  tables: JSON.parse(r.tables) as string[],
  detectedAt: new Date(r.detected_at),
})

/**
 * Records a gap and, for a reset stream, the position to read the new
 * stream from, in one transaction: a restart after this re-reports the gap
 * (see openStreamGaps) instead of forgetting it.
 */
export function recordStreamGap(
  db: Database.Database,
  gap: Omit<StreamGap, 'id' | 'detectedAt'>,
  newPosition: string | null,
  now = Date.now(),
): StreamGap {
  return db.transaction((): StreamGap => {
    const row = db
      .prepare(
        `INSERT INTO stream_gaps
           (stream, kind, last_id, first_available, max_deleted_id, tables, detected_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        gap.stream,
        gap.kind,
        gap.lastId,
        gap.firstAvailable,
        gap.maxDeletedId,
        JSON.stringify(gap.tables),
        now,
      ) as GapRow
    if (newPosition !== null) savePosition(db, gap.stream, newPosition, now)
    return toGap(row)
  })()
}

/** Gaps whose re-pull has not been confirmed, oldest first. */
export function openStreamGaps(db: Database.Database, stream?: string): StreamGap[] {
  const rows = (
    stream === undefined
      ? db.prepare('SELECT * FROM stream_gaps WHERE resolved_at IS NULL ORDER BY id').all()
      : db
          .prepare('SELECT * FROM stream_gaps WHERE resolved_at IS NULL AND stream = ? ORDER BY id')
          .all(stream)
  ) as GapRow[]
  return rows.map(toGap)
}

/** Called once the tables of a gap have been re-pulled from Postgres. */
export function resolveStreamGap(db: Database.Database, id: number, now = Date.now()): void {
  db.prepare('UPDATE stream_gaps SET resolved_at = ? WHERE id = ?').run(now, id)
}

/** The newest max-deleted id already reported for this stream (not to report it twice). */
export function lastReportedDeletion(db: Database.Database, stream: string): string | null {
  const row = db
    .prepare(
      `SELECT max_deleted_id AS id FROM stream_gaps
       WHERE stream = ? AND max_deleted_id IS NOT NULL ORDER BY id DESC LIMIT 1`,
    )
    .get(stream) as { id: string } | undefined
  return row?.id ?? null
}

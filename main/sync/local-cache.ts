// The SQLite side of the Postgres sync: decoding upstream text into mirror
// values, writing rows (with rejects and row hooks), and the per-table sync
// state that commits in the same transaction as the rows it describes
// (DESIGN.md, "The store").
import type Database from 'better-sqlite3'
import { keyIndex, type ManifestTable, type SyncManifest } from './manifest.ts'
import { readStoredXid, storedXid } from './postgres/xid.ts'
import type { RowHooks } from '../store/row-hooks.ts'
import { errorCode } from '../store/error-code.ts'

export type LocalValue = number | string | null

export interface DecodedRow {
  readonly key: string
  readonly values: LocalValue[]
}

export interface RejectedRow {
  readonly key: string
  readonly reason: string
}

/** Longest text value cached, in UTF-16 units: past it the row is rejected. */
export const DEFAULT_MAX_TEXT = 1_000_000

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * Rows per INSERT statement when a snapshot fills an empty table: binding
 * many rows to one statement saves SQLite a statement step and reset per
 * row (about a third of the insert time at 1M leads); 14 columns × 32 rows
 * stays far below SQLite's 32,766 bound variables.
 */
export const PACKED_ROWS_PER_INSERT = 32

/** What `MirrorWriter.insertPacked` reads a decoded batch through (postgres/copy-decode.ts). */
export interface PackedRowReader {
  readonly batch: { readonly rejects: readonly RejectedRow[] }
  readonly left: number
  next(out: LocalValue[], at?: number): void
  mark(): { readonly row: number; readonly pos: number }
  seek(mark: { readonly row: number; readonly pos: number }): void
}

/**
 * What decoding needs to know of a table's columns, as plain data (it is
 * sent to the COPY decode worker): each column's kind (0 text, 1 double,
 * 2 integer), upstream name and type, the key's position and the longest
 * text cached.
 */
export interface ColumnSpec {
  readonly kinds: readonly number[]
  readonly names: readonly string[]
  readonly types: readonly string[]
  readonly keyIndex: number
  readonly maxText: number
}

export function columnSpec(table: ManifestTable, maxText = DEFAULT_MAX_TEXT): ColumnSpec {
  return {
    kinds: table.columns.map((c) =>
      c.type === 'text' || c.type === 'text_array_json' ? 0 : c.type === 'double' ? 1 : 2,
    ),
    names: table.columns.map((c) => c.upstream),
    types: table.columns.map((c) => c.type),
    keyIndex: keyIndex(table),
    maxText,
  }
}

/**
 * Turns one upstream row (every value as Postgres text, see
 * `columnExpression`) into mirror values written into `values`, or returns
 * why it cannot be cached. Self-contained — no name from outside its body —
 * because the COPY decode worker (postgres/copy-decode.ts) runs its source
 * too: one set of rules on either thread.
 */
export function decodeFields(
  spec: ColumnSpec,
  fields: readonly (string | null)[],
  values: LocalValue[],
): string | null {
  const kinds = spec.kinds
  const n = kinds.length
  if (fields.length !== n) return `expected ${n} values, got ${fields.length}`
  for (let i = 0; i < n; i++) {
    const text = fields[i] ?? null
    if (text === null) {
      values[i] = null
      continue
    }
    const kind = kinds[i]
    if (kind === 0) {
      if (text.length > spec.maxText) {
        return `${spec.names[i]} is ${text.length} characters, over the ${spec.maxText} limit`
      }
      if (text.includes('\0')) return `${spec.names[i]} contains a NUL character`
      values[i] = text
    } else {
      const number = Number(text)
      const ok = kind === 1 ? Number.isFinite(number) : Number.isSafeInteger(number)
      if (!ok || text.length === 0) {
        const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text
        return `${spec.names[i]} = ${shown} does not fit ${spec.types[i] ?? 'its type'}`
      }
      values[i] = number
    }
  }
  return null
}

/**
 * Turns one upstream row (every value as Postgres text, see
 * `columnExpression`) into mirror values, or says why it cannot be cached.
 */
export function rowDecoder(
  table: ManifestTable,
  maxText = DEFAULT_MAX_TEXT,
): (fields: readonly (string | null)[]) => DecodedRow | RejectedRow {
  const spec = columnSpec(table, maxText)
  const n = spec.kinds.length
  return (fields) => {
    const key = fields[spec.keyIndex] ?? ''
    const values: LocalValue[] = new Array<LocalValue>(n)
    const reason = decodeFields(spec, fields, values)
    return reason === null ? { key, values } : { key, reason }
  }
}

export const isRejected = (row: DecodedRow | RejectedRow): row is RejectedRow => 'reason' in row

const isConstraintError = (error: unknown): boolean =>
  errorCode(error)?.startsWith('SQLITE_CONSTRAINT') === true

/**
 * Writes one mirror table. Every method must run inside a transaction the
 * caller opened, so rows, rejects, hooks and sync state commit together.
 */
export class MirrorWriter {
  readonly table: ManifestTable
  readonly localKey: string
  private readonly upsertStmt: Database.Statement
  private readonly deleteStmt: Database.Statement
  private readonly selectStmt: Database.Statement | null
  private readonly selectBatchStmt: Database.Statement
  /** UPDATE statements by the indexes of the columns they set ("3,4"). */
  private readonly updateStmts = new Map<string, Database.Statement>()
  private readonly rejectStmt: Database.Statement
  private readonly unrejectStmt: Database.Statement
  private readonly rejectedKeys: Set<string>
  /** Undoes the current transaction's changes of `rejectedKeys`, should it roll back. */
  private readonly undo: (() => void)[] = []
  private readonly localNames: string[]
  private readonly keyPosition: number
  private multiInsertStmt: Database.Statement | null = null
  applied = 0
  rejected = 0

  constructor(
    private readonly db: Database.Database,
    private readonly source: string,
    table: ManifestTable,
    private readonly hooks: RowHooks | undefined,
    private readonly onReject: (table: string, key: string, reason: string) => void,
  ) {
    this.table = table
    this.localNames = table.columns.map((c) => c.local)
    this.keyPosition = keyIndex(table)
    this.localKey = table.columns[this.keyPosition]?.local ?? table.key
    const t = quote(table.local)
    const k = quote(this.localKey)
    // OR REPLACE also clears a row holding the same UNIQUE value under
    // another key (a renamed channel swapped with another in one upstream
    // transaction); that row's own change-log entry brings it back.
    this.upsertStmt = db.prepare(
      `INSERT OR REPLACE INTO ${t} (${this.localNames.map(quote).join(', ')}) VALUES (${this.localNames.map(() => '?').join(', ')})`,
    )
    this.deleteStmt = db.prepare(`DELETE FROM ${t} WHERE ${k} = ?`)
    // Raw arrays in column order: compared value by value with the new rows.
    this.selectBatchStmt = db
      .prepare(
        `SELECT ${this.localNames.map(quote).join(', ')} FROM ${t} WHERE ${k} IN (SELECT value FROM json_each(?))`,
      )
      .raw(true)
    // Reading the row before a change costs a lookup per row: only with hooks.
    this.selectStmt = hooks ? db.prepare(`SELECT * FROM ${t} WHERE ${k} = ?`) : null
    this.rejectStmt = db.prepare(
      `INSERT OR REPLACE INTO sync_rejects (source, table_name, key, reason, at) VALUES (?, ?, ?, ?, ?)`,
    )
    this.unrejectStmt = db.prepare(
      'DELETE FROM sync_rejects WHERE source = ? AND table_name = ? AND key = ?',
    )
    this.rejectedKeys = new Set(
      (
        db
          .prepare('SELECT key FROM sync_rejects WHERE source = ? AND table_name = ?')
          .all(source, table.upstream) as { key: string }[]
      ).map((r) => r.key),
    )
  }

  private localKeyValue(key: string): number | string {
    return this.table.keyType === 'bigint' ? Number(key) : key
  }

  /**
   * Records a row that could not be cached; whatever is cached for its key stays. A key still
   * rejected is counted and told once (a replay fetches it again, as may a pass past a held
   * horizon before the cursor's); its stored reason and time are the latest.
   */
  reject(key: string, reason: string): void {
    if (!this.rejectedKeys.has(key)) {
      this.rejected++
      this.rejectedKeys.add(key)
      this.undo.push(() => this.rejectedKeys.delete(key))
      this.onReject(this.table.upstream, key, reason)
    }
    this.rejectStmt.run(this.source, this.table.upstream, key, reason, Date.now())
  }

  /** A key written or deleted: it is no longer rejected. */
  private unreject(key: string): void {
    if (this.rejectedKeys.size === 0 || !this.rejectedKeys.delete(key)) return
    this.undo.push(() => this.rejectedKeys.add(key))
    this.unrejectStmt.run(this.source, this.table.upstream, key)
  }

  /** The transaction committed: what it rejected and cleared stands. */
  committed(): void {
    this.undo.length = 0
  }

  /**
   * The transaction rolled back: its rejects and clearings are undone here as in sync_rejects,
   * so the retry counts and tells a rejected key again, once.
   */
  rolledBack(): void {
    for (const step of this.undo.reverse()) step()
    this.undo.length = 0
  }

  /** The hooks, if they want this table's changes now. */
  private hooked(): RowHooks | undefined {
    return this.hooks?.wants(this.table.local) ? this.hooks : undefined
  }

  /** The stored row under `key`, for the hooks. */
  private stored(key: number | string): Record<string, unknown> | null {
    return (this.selectStmt?.get(key) as Record<string, unknown> | undefined) ?? null
  }

  /** Inserts or replaces a row; false when SQLite refused it (recorded as a reject). */
  upsert(row: DecodedRow): boolean {
    const hooks = this.hooked()
    const before = hooks ? this.stored(this.localKeyValue(row.key)) : null
    try {
      this.upsertStmt.run(row.values)
    } catch (error) {
      if (!isConstraintError(error)) throw error
      this.reject(row.key, (error as Error).message)
      return false
    }
    this.applied++
    this.unreject(row.key)
    if (hooks) {
      const after: Record<string, unknown> = {}
      for (let i = 0; i < this.localNames.length; i++) {
        after[this.localNames[i] as string] = row.values[i]
      }
      hooks.row(this.table.local, before, after)
    }
    return true
  }

  /**
   * Writes a snapshot's batch decoded by the COPY worker into a table that
   * had no rows when the copy began (see `copySnapshot`): rows go in
   * `PACKED_ROWS_PER_INSERT` to a statement, bound straight from the packed
   * arrays. A statement SQLite refuses (a constraint) is taken back whole by
   * SQLite and its rows go again one by one, so only the offending row is
   * recorded as rejected. With row hooks wanting the table, every row goes
   * through `upsert`, as before.
   */
  insertPacked(reader: PackedRowReader): void {
    const n = this.localNames.length
    for (const reject of reader.batch.rejects) this.reject(reject.key, reject.reason)
    const one = (): void => {
      const values = new Array<LocalValue>(n)
      reader.next(values)
      this.upsert({ key: String(values[this.keyPosition]), values })
    }
    if (this.hooked() || this.rejectedKeys.size > 0) {
      while (reader.left > 0) one()
      return
    }
    const k = Math.max(1, Math.min(PACKED_ROWS_PER_INSERT, Math.floor(32_766 / n)))
    this.multiInsertStmt ??= this.db.prepare(
      `INSERT OR REPLACE INTO ${quote(this.table.local)} (${this.localNames.map(quote).join(', ')}) VALUES ${Array.from(
        { length: k },
        () => `(${this.localNames.map(() => '?').join(', ')})`,
      ).join(', ')}`,
    )
    const params = new Array<LocalValue>(k * n)
    while (reader.left >= k) {
      const mark = reader.mark()
      for (let r = 0; r < k; r++) reader.next(params, r * n)
      try {
        this.multiInsertStmt.run(params)
        this.applied += k
      } catch (error) {
        if (!isConstraintError(error)) throw error
        reader.seek(mark)
        for (let r = 0; r < k; r++) one()
      }
    }
    while (reader.left > 0) one()
  }

  /** Applies a decoded row or records its rejection. */
  apply(row: DecodedRow | RejectedRow): void {
    if (isRejected(row)) this.reject(row.key, row.reason)
    else this.upsert(row)
  }

  delete(key: string): void {
    const value = this.localKeyValue(key)
    const hooks = this.hooked()
    const before = hooks ? this.stored(value) : null
    const { changes } = this.deleteStmt.run(value)
    if (changes > 0) {
      this.applied++
      hooks?.row(this.table.local, before, null)
    }
    this.unreject(key)
  }

  /**
   * Applies a batch of current upstream rows as changes against what is
   * cached: the stored rows are read once for the whole batch (one statement,
   * not a lookup per row), a row equal to its stored one is not written at
   * all, a changed one is updated in only the columns that differ (so only
   * the indexes over those columns are touched, where INSERT OR REPLACE
   * rewrites the row and every index), and a new one is inserted. The hooks
   * are told the stored row as `before`, from that same read. With `keys`,
   * every key in it that has no row in `rows` (deleted or filtered out
   * upstream) is deleted first, as `delete` would: a row re-created under a
   * new key may carry the UNIQUE value of the one it replaces.
   */
  applyBatch(rows: readonly (DecodedRow | RejectedRow)[], keys?: readonly string[]): void {
    const hooks = this.hooked()
    const stored = this.storedBatch(keys ?? rows.map((r) => r.key))
    if (keys) {
      const found = new Set<string>()
      for (const row of rows) found.add(row.key)
      for (const key of keys) {
        if (found.has(key)) continue
        const before = stored.get(key)
        if (before) {
          this.deleteStmt.run(this.localKeyValue(key))
          this.applied++
          hooks?.row(this.table.local, this.record(before), null)
        }
        this.unreject(key)
      }
    }
    for (const row of rows) {
      if (isRejected(row)) {
        this.reject(row.key, row.reason)
        continue
      }
      const before = stored.get(row.key)
      let written: 'same' | 'updated' | 'inserted'
      try {
        written = before ? this.updateChanged(row, before) : 'inserted'
        if (written === 'inserted') this.upsertStmt.run(row.values)
      } catch (error) {
        if (!isConstraintError(error)) throw error
        this.reject(row.key, (error as Error).message)
        continue
      }
      this.applied++
      this.unreject(row.key)
      // An unchanged row changes nothing derived from it.
      if (hooks && written !== 'same') {
        hooks.row(
          this.table.local,
          written === 'updated' && before ? this.record(before) : null,
          this.record(row.values),
        )
      }
    }
  }

  /** The stored rows (values in column order) under `keys`, by key text, in one read. */
  private storedBatch(keys: readonly string[]): Map<string, LocalValue[]> {
    const stored = new Map<string, LocalValue[]>()
    if (keys.length === 0) return stored
    const values = this.table.keyType === 'bigint' ? keys.map(Number) : keys
    const ki = keyIndex(this.table)
    for (const row of this.selectBatchStmt.all(JSON.stringify(values)) as LocalValue[][]) {
      stored.set(String(row[ki]), row)
    }
    return stored
  }

  /**
   * Writes the columns of `row` that differ from `before`; 'same' when none
   * does. An UPDATE that finds no row (an earlier REPLACE in the batch took
   * it for its UNIQUE value) says 'inserted', so the caller inserts it whole.
   */
  private updateChanged(row: DecodedRow, before: LocalValue[]): 'same' | 'updated' | 'inserted' {
    const changed: number[] = []
    for (let i = 0; i < row.values.length; i++) {
      if (row.values[i] !== before[i]) changed.push(i)
    }
    if (changed.length === 0) return 'same'
    const mask = changed.join(',')
    let update = this.updateStmts.get(mask)
    if (!update) {
      const set = changed.map((i) => `${quote(this.localNames[i] as string)} = ?`).join(', ')
      // OR REPLACE for the same reason as the insert's (see the constructor).
      update = this.db.prepare(
        `UPDATE OR REPLACE ${quote(this.table.local)} SET ${set} WHERE ${quote(this.localKey)} = ?`,
      )
      this.updateStmts.set(mask, update)
    }
    const params: LocalValue[] = changed.map((i) => row.values[i] ?? null)
    params.push(this.localKeyValue(row.key))
    return update.run(params).changes > 0 ? 'updated' : 'inserted'
  }

  /** A row as the hooks take it: column name → value. */
  private record(values: readonly LocalValue[]): Record<string, unknown> {
    const record: Record<string, unknown> = {}
    for (let i = 0; i < this.localNames.length; i++) {
      record[this.localNames[i] as string] = values[i]
    }
    return record
  }

  /**
   * Deletes local rows with keys in (after, through] that are not in `keep`
   * (upstream no longer has them); `after` null is open below, `through`
   * null open above. Used by a snapshot over a table that already had rows.
   */
  deleteMissing(after: string | null, through: string | null, keep: readonly string[]): void {
    const k = quote(this.localKey)
    const conditions = [`${k} NOT IN (SELECT value FROM json_each(?))`]
    const params: unknown[] = [
      JSON.stringify(this.table.keyType === 'bigint' ? keep.map(Number) : keep),
    ]
    if (after !== null) {
      conditions.push(`${k} > ?`)
      params.push(this.localKeyValue(after))
    }
    if (through !== null) {
      conditions.push(`${k} <= ?`)
      params.push(this.localKeyValue(through))
    }
    const where = conditions.join(' AND ')
    const t = quote(this.table.local)
    const hooks = this.hooked()
    if (hooks) {
      const gone = this.db.prepare(`SELECT * FROM ${t} WHERE ${where}`).all(...params) as Record<
        string,
        unknown
      >[]
      for (const row of gone) hooks.row(this.table.local, row, null)
    }
    const { changes } = this.db.prepare(`DELETE FROM ${t} WHERE ${where}`).run(...params)
    this.applied += changes
  }
}

// ---------------------------------------------------------------------------
// The manifest against the local schema

/**
 * Checks that every manifest table has its mirror table and columns in the
 * cache, before any statement is prepared on them: a manifest written for
 * another schema gets a sentence naming what is missing, per table, instead
 * of "no such table" from deep inside a sync.
 */
export function localSchemaProblems(
  db: Database.Database,
  manifest: SyncManifest,
): Map<string, string> {
  const problems = new Map<string, string>()
  const columnsOf = db.prepare('SELECT name FROM pragma_table_info(?)').pluck()
  for (const table of manifest.tables) {
    const present = new Set(columnsOf.all(table.local) as string[])
    const fix = 'add it with a migration or change the manifest'
    if (present.size === 0) {
      problems.set(
        table.upstream,
        `the cache has no table "${table.local}" to mirror ${table.upstream} into; ${fix}`,
      )
      continue
    }
    const missing = table.columns.filter((c) => !present.has(c.local)).map((c) => `"${c.local}"`)
    if (missing.length > 0) {
      problems.set(
        table.upstream,
        `the cache's table "${table.local}" has no column ${missing.join(', ')} for ${table.upstream}; ${fix.replace('it', 'them')}`,
      )
    }
  }
  return problems
}

// ---------------------------------------------------------------------------
// Per-table sync state (sync_state, extended by migration 004)

export interface TableSyncState {
  feed: 'changelog' | 'poll' | null
  phase: 'snapshot' | 'follow' | null
  /**
   * Change-log cursor (an xid8: entries with xid >= it are still to apply)
   * or poll watermark (epoch ms). A bigint, never text: see xid.ts.
   */
  watermark: bigint | null
  /** Where the log is replayed from once the snapshot's copy is done (xid8, or epoch ms for the poll). */
  snapshotHorizon: bigint | null
  snapshotAfter: string | null
  snapshotFresh: boolean
  epoch: string | null
  filter: string | null
  pollKey: string | null
  reconciledAt: number | null
  rowsApplied: number
  rowsRejected: number
  lastSuccessAt: number | null
  lastError: string | null
}

interface SyncStateRow {
  feed: string | null
  phase: string | null
  watermark: string | null
  snapshot_horizon: string | null
  snapshot_after: string | null
  snapshot_fresh: number
  epoch: string | null
  filter: string | null
  poll_key: string | null
  reconciled_at: number | null
  rows_applied: number
  rows_rejected: number
  last_success_at: number | null
  last_error: string | null
}

export const emptyTableState = (): TableSyncState => ({
  feed: null,
  phase: null,
  watermark: null,
  snapshotHorizon: null,
  snapshotAfter: null,
  snapshotFresh: false,
  epoch: null,
  filter: null,
  pollKey: null,
  reconciledAt: null,
  rowsApplied: 0,
  rowsRejected: 0,
  lastSuccessAt: null,
  lastError: null,
})

/** Reads and writes `sync_state` rows of one source. */
export class SyncStateStore {
  private readonly getStmt: Database.Statement
  private readonly putStmt: Database.Statement

  constructor(
    db: Database.Database,
    readonly source: string,
  ) {
    this.getStmt = db.prepare(
      `SELECT feed, phase, watermark, snapshot_horizon, snapshot_after, snapshot_fresh, epoch, filter,
              poll_key, reconciled_at, rows_applied, rows_rejected, last_success_at, last_error
       FROM sync_state WHERE source = ? AND table_name = ?`,
    )
    this.putStmt = db.prepare(
      `INSERT INTO sync_state (source, table_name, feed, phase, watermark, snapshot_horizon,
         snapshot_after, snapshot_fresh, epoch, filter, poll_key, reconciled_at, rows_applied,
         rows_rejected, last_success_at, last_error)
       VALUES (@source, @table, @feed, @phase, @watermark, @snapshotHorizon, @snapshotAfter,
         @snapshotFresh, @epoch, @filter, @pollKey, @reconciledAt, @rowsApplied, @rowsRejected,
         @lastSuccessAt, @lastError)
       ON CONFLICT (source, table_name) DO UPDATE SET feed = excluded.feed, phase = excluded.phase,
         watermark = excluded.watermark, snapshot_horizon = excluded.snapshot_horizon,
         snapshot_after = excluded.snapshot_after, snapshot_fresh = excluded.snapshot_fresh,
         epoch = excluded.epoch, filter = excluded.filter, poll_key = excluded.poll_key,
         reconciled_at = excluded.reconciled_at, rows_applied = excluded.rows_applied,
         rows_rejected = excluded.rows_rejected, last_success_at = excluded.last_success_at,
         last_error = excluded.last_error`,
    )
  }

  get(table: string): TableSyncState {
    const row = this.getStmt.get(this.source, table) as SyncStateRow | undefined
    if (!row) return emptyTableState()
    return {
      feed: row.feed === 'changelog' || row.feed === 'poll' ? row.feed : null,
      phase: row.phase === 'snapshot' || row.phase === 'follow' ? row.phase : null,
      watermark: readStoredXid(row.watermark),
      snapshotHorizon: readStoredXid(row.snapshot_horizon),
      snapshotAfter: row.snapshot_after,
      snapshotFresh: row.snapshot_fresh === 1,
      epoch: row.epoch,
      filter: row.filter,
      pollKey: row.poll_key,
      reconciledAt: row.reconciled_at,
      rowsApplied: row.rows_applied,
      rowsRejected: row.rows_rejected,
      lastSuccessAt: row.last_success_at,
      lastError: row.last_error,
    }
  }

  /** Must run inside the transaction that wrote the rows this state describes. */
  put(table: string, state: TableSyncState): void {
    this.putStmt.run({
      source: this.source,
      table,
      ...state,
      watermark: storedXid(state.watermark),
      snapshotHorizon: storedXid(state.snapshotHorizon),
      snapshotFresh: state.snapshotFresh ? 1 : 0,
    })
  }
}

// ---------------------------------------------------------------------------
// Secondary indexes around an initial bulk load

/**
 * Drops a mirror's secondary indexes (not the ones behind UNIQUE
 * constraints, whose `sql` is null), recording each one's SQL in the same
 * transaction so `restoreIndexes` can rebuild them even after a kill.
 */
export function dropSecondaryIndexes(db: Database.Database, table: string): void {
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
    )
    .all(table) as { name: string; sql: string }[]
  const record = db.prepare(
    'INSERT OR REPLACE INTO sync_dropped_indexes (name, table_name, sql) VALUES (?, ?, ?)',
  )
  for (const index of indexes) {
    record.run(index.name, table, index.sql)
    db.exec(`DROP INDEX ${quote(index.name)}`)
  }
}

/** Rebuilds indexes dropped for a load (all tables, or one); returns how many. */
export function restoreIndexes(db: Database.Database, table?: string): number {
  const dropped = db
    .prepare(
      `SELECT name, sql FROM sync_dropped_indexes WHERE ? IS NULL OR table_name = ? ORDER BY name`,
    )
    .all(table ?? null, table ?? null) as { name: string; sql: string }[]
  if (dropped.length === 0) return 0
  db.transaction(() => {
    for (const index of dropped) {
      db.exec(index.sql.replace(/^CREATE (UNIQUE )?INDEX /i, 'CREATE $1INDEX IF NOT EXISTS '))
      db.prepare('DELETE FROM sync_dropped_indexes WHERE name = ?').run(index.name)
    }
  })()
  return dropped.length
}

// Loads a demo dataset into the SQLite mirror tables
// (main/store/migrations/001-ops-mirror.ts) as fast as SQLite allows, so a
// million-lead demo is ready in seconds. Measured on 1M leads, each step
// below saved between 10 and 40 % of the load:
//
// - multi-row INSERT statements (ROWS_PER_STATEMENT rows per call): with
//   better-sqlite3 the per-call cost of a statement is a large part of a
//   short row's insert;
// - CHECK constraints off while loading (`ignore_check_constraints`): the
//   mirror's `x IN ('a', 'b', …)` checks cost more than the insert itself,
//   about 5 µs a row. The same value sets are checked here in JS instead,
//   before a row is written, so a bad row still fails the load; the unit test
//   runs `PRAGMA quick_check` (which verifies CHECK constraints) on a filled
//   file to catch these sets drifting from the schema;
// - the secondary indexes of `leads` dropped while it is filled from empty and
//   rebuilt afterwards from their own stored SQL (one sort beats a million
//   index updates);
// - `synchronous = OFF` while loading: a crash mid-load loses nothing that
//   cannot be generated again from the seed.
//
// Every pragma is restored afterwards, also when the load fails.

import type Database from 'better-sqlite3'
import { LEAD_STATUSES, TEMPERATURES } from '../../shared/api/index.ts'
import { rebuildRollups } from '../metrics/rollups.ts'
import { setSetting } from '../store/settings.ts'
import { demoEventsFrom, demoLeadEvents, type EventRow } from './activity-events.ts'
import type { DemoDataset } from './types.ts'
import type { AppointmentRow, CustomerRow, LeadRow, ProjectRow } from '../store/mirror-rows.ts'

export interface FillCacheOptions {
  /** Leads per transaction (default 10,000). */
  readonly batchSize?: number
  /** Called after each committed transaction. */
  readonly onProgress?: (done: number, total: number) => void
}

export interface FillCacheResult {
  leads: number
  customers: number
  projects: number
  appointments: number
  /** Activity events of the demo's last days (activity-events.ts). */
  events: number
}

const DEFAULT_BATCH_SIZE = 10_000
/** Rows bound per INSERT call; beyond ~50 the gain flattens out. */
const ROWS_PER_STATEMENT = 64

const LEAD_COLUMNS = [
  'id',
  'tenant_id',
  'created_at',
  'updated_at',
  'deleted_at',
  'source',
  'city',
  'segment',
  'temperature',
  'status',
  'owner',
  'first_response_at',
  'converted_at',
  'deal_value_cents',
] as const satisfies readonly (keyof LeadRow)[]

const CUSTOMER_COLUMNS = [
  'id',
  'tenant_id',
  'lead_id',
  'name',
  'city',
  'segment',
  'created_at',
  'updated_at',
  'deleted_at',
] as const satisfies readonly (keyof CustomerRow)[]

const PROJECT_COLUMNS = [
  'id',
  'tenant_id',
  'customer_id',
  'value_cents',
  'status',
  'started_at',
  'completed_at',
  'created_at',
  'updated_at',
  'deleted_at',
] as const satisfies readonly (keyof ProjectRow)[]

const APPOINTMENT_COLUMNS = [
  'id',
  'tenant_id',
  'lead_id',
  'scheduled_at',
  'status',
  'created_at',
  'updated_at',
  'deleted_at',
] as const satisfies readonly (keyof AppointmentRow)[]

const EVENT_COLUMNS = [
  'stream_id',
  'tenant_id',
  'type',
  'at',
  'payload',
] as const satisfies readonly (keyof EventRow)[]

function insertSql(table: string, columns: readonly string[], rows: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`
}

/**
 * Buffers rows of one table and writes them ROWS_PER_STATEMENT at a time. The
 * row's values are copied into one reused array by `write`, a function per
 * table with the columns spelled out, so nothing is allocated per row.
 */
class TableWriter<Row> {
  private readonly many: Database.Statement
  private readonly one: Database.Statement
  private readonly values: unknown[]
  private readonly width: number
  private rows = 0
  private cursor = 0
  inserted = 0

  constructor(
    db: Database.Database,
    table: string,
    columns: readonly string[],
    private readonly write: (row: Row, values: unknown[], at: number) => void,
  ) {
    this.width = columns.length
    this.many = db.prepare(insertSql(table, columns, ROWS_PER_STATEMENT))
    this.one = db.prepare(insertSql(table, columns, 1))
    this.values = new Array<unknown>(this.width * ROWS_PER_STATEMENT).fill(null)
  }

  add(row: Row): void {
    this.write(row, this.values, this.cursor)
    this.cursor += this.width
    if (++this.rows === ROWS_PER_STATEMENT) {
      this.many.run(this.values)
      this.rows = 0
      this.cursor = 0
    }
    this.inserted++
  }

  /** Writes the rows still buffered (call inside the batch's transaction). */
  flush(): void {
    for (let r = 0; r < this.rows; r++) {
      this.one.run(this.values.slice(r * this.width, (r + 1) * this.width))
    }
    this.rows = 0
    this.cursor = 0
  }
}

function writeLead(l: LeadRow, v: unknown[], i: number): void {
  if (!TEMPERATURE_SET.has(l.temperature)) invalid('leads', 'temperature', l.temperature)
  if (!LEAD_STATUS_SET.has(l.status)) invalid('leads', 'status', l.status)
  v[i] = l.id
  v[i + 1] = l.tenant_id
  v[i + 2] = l.created_at
  v[i + 3] = l.updated_at
  v[i + 4] = l.deleted_at
  v[i + 5] = l.source
  v[i + 6] = l.city
  v[i + 7] = l.segment
  v[i + 8] = l.temperature
  v[i + 9] = l.status
  v[i + 10] = l.owner
  v[i + 11] = l.first_response_at
  v[i + 12] = l.converted_at
  v[i + 13] = l.deal_value_cents
}

function writeCustomer(c: CustomerRow, v: unknown[], i: number): void {
  v[i] = c.id
  v[i + 1] = c.tenant_id
  v[i + 2] = c.lead_id
  v[i + 3] = c.name
  v[i + 4] = c.city
  v[i + 5] = c.segment
  v[i + 6] = c.created_at
  v[i + 7] = c.updated_at
  v[i + 8] = c.deleted_at
}

function writeProject(p: ProjectRow, v: unknown[], i: number): void {
  if (!PROJECT_STATUSES.has(p.status)) invalid('projects', 'status', p.status)
  v[i] = p.id
  v[i + 1] = p.tenant_id
  v[i + 2] = p.customer_id
  v[i + 3] = p.value_cents
  v[i + 4] = p.status
  v[i + 5] = p.started_at
  v[i + 6] = p.completed_at
  v[i + 7] = p.created_at
  v[i + 8] = p.updated_at
  v[i + 9] = p.deleted_at
}

function writeAppointment(a: AppointmentRow, v: unknown[], i: number): void {
  if (!APPOINTMENT_STATUSES.has(a.status)) invalid('appointments', 'status', a.status)
  v[i] = a.id
  v[i + 1] = a.tenant_id
  v[i + 2] = a.lead_id
  v[i + 3] = a.scheduled_at
  v[i + 4] = a.status
  v[i + 5] = a.created_at
  v[i + 6] = a.updated_at
  v[i + 7] = a.deleted_at
}

function writeEvent(e: EventRow, v: unknown[], i: number): void {
  v[i] = e.stream_id
  v[i + 1] = e.tenant_id
  v[i + 2] = e.type
  v[i + 3] = e.at
  v[i + 4] = e.payload
}

// The value sets of the mirror's CHECK constraints (001-ops-mirror.ts).
const TEMPERATURE_SET: ReadonlySet<unknown> = new Set(TEMPERATURES)
const LEAD_STATUS_SET: ReadonlySet<unknown> = new Set(LEAD_STATUSES)
const PROJECT_STATUSES: ReadonlySet<unknown> = new Set([
  'planned',
  'active',
  'completed',
  'cancelled',
])
const APPOINTMENT_STATUSES: ReadonlySet<unknown> = new Set([
  'booked',
  'completed',
  'no_show',
  'cancelled',
])
const MONTH = /^[0-9]{4}-[0-1][0-9]$/

function invalid(table: string, column: string, value: unknown): never {
  throw new RangeError(`demo ${table} row with invalid ${column} ${JSON.stringify(value)}`)
}

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`

/**
 * Inserts the whole dataset. Expects mirror tables without rows of the same
 * ids (a fresh cache); each batch of `batchSize` leads, with the rows derived
 * from them, commits on its own.
 */
export function fillCache(
  db: Database.Database,
  dataset: DemoDataset,
  options: FillCacheOptions = {},
): FillCacheResult {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError('batchSize must be a positive integer')
  }
  const total = dataset.options.leads

  // Only an empty table is worth the rebuild; on top of existing rows the
  // indexes stay and are maintained row by row. Reading each index's stored
  // SQL re-creates exactly what the migrations made (003-lead-indexes.ts).
  const leadsEmpty = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM leads)').pluck().get() === 1
  const leadIndexes = leadsEmpty
    ? (db
        .prepare(
          `SELECT name, sql FROM sqlite_master
           WHERE type = 'index' AND tbl_name = 'leads' AND sql IS NOT NULL ORDER BY name`,
        )
        .all() as { name: string; sql: string }[])
    : []
  const synchronous = db.pragma('synchronous', { simple: true }) as number
  const ignoreChecks = db.pragma('ignore_check_constraints', { simple: true }) as number

  const leads = new TableWriter(db, 'leads', LEAD_COLUMNS, writeLead)
  const customers = new TableWriter(db, 'customers', CUSTOMER_COLUMNS, writeCustomer)
  const projects = new TableWriter(db, 'projects', PROJECT_COLUMNS, writeProject)
  const appointments = new TableWriter(db, 'appointments', APPOINTMENT_COLUMNS, writeAppointment)
  const events = new TableWriter(db, 'events', EVENT_COLUMNS, writeEvent)
  const addEvent = (e: EventRow): void => events.add(e)
  const eventsFrom = demoEventsFrom(dataset.options.endAt)

  const insertStatic = db.transaction(() => {
    const tables = [
      ['marketing_channels', dataset.marketingChannels],
      ['market_segments', dataset.marketSegments],
      ['revenue_targets', dataset.revenueTargets],
    ] as const
    for (const target of dataset.revenueTargets) {
      if (!MONTH.test(target.month)) invalid('revenue_targets', 'month', target.month)
    }
    for (const [table, rows] of tables) {
      const first = rows[0]
      if (!first) continue
      const columns = Object.keys(first)
      const insert = db.prepare(insertSql(table, columns, 1))
      for (const row of rows) {
        insert.run(columns.map((c) => (row as unknown as Record<string, unknown>)[c]))
      }
    }
  })

  const source = dataset.leads()
  let done = 0
  let exhausted = false
  const insertBatch = db.transaction(() => {
    for (let n = 0; n < batchSize; n++) {
      const next = source.next()
      if (next.done) {
        exhausted = true
        break
      }
      const item = next.value
      leads.add(item.lead)
      if (item.customer) customers.add(item.customer)
      if (item.project) projects.add(item.project)
      for (const appointment of item.appointments) appointments.add(appointment)
      demoLeadEvents(item, eventsFrom, addEvent)
      done++
    }
    leads.flush()
    customers.flush()
    projects.flush()
    appointments.flush()
    events.flush()
  })

  db.pragma('synchronous = OFF')
  db.pragma('ignore_check_constraints = ON')
  try {
    if (leadIndexes.length > 0) {
      db.transaction(() => {
        for (const index of leadIndexes) db.exec(`DROP INDEX ${quoteIdentifier(index.name)}`)
      })()
    }
    try {
      insertStatic()
      while (!exhausted) {
        insertBatch()
        options.onProgress?.(done, total)
      }
    } finally {
      if (leadIndexes.length > 0) {
        db.transaction(() => {
          for (const index of leadIndexes) db.exec(index.sql)
        })()
      }
    }
    // The metric rollups are recomputed once from the loaded rows rather than
    // maintained row by row during the load (main/metrics/rollups.ts).
    rebuildRollups(db)
    setSetting(db, 'demo', {
      seed: dataset.options.seed,
      leads: done,
      endAt: dataset.options.endAt,
    })
  } finally {
    db.pragma(`synchronous = ${synchronous}`)
    db.pragma(`ignore_check_constraints = ${ignoreChecks}`)
  }
  return {
    leads: leads.inserted,
    customers: customers.inserted,
    projects: projects.inserted,
    appointments: appointments.inserted,
    events: events.inserted,
  }
}

/**
 * The benchmark's baseline: the same lead rows through one single-row prepared
 * INSERT, in transactions of `batchSize`, and nothing else.
 */
export function insertLeadsBare(
  db: Database.Database,
  rows: Iterable<LeadRow>,
  batchSize = 10_000,
): number {
  const insert = db.prepare(insertSql('leads', LEAD_COLUMNS, 1))
  const begin = db.prepare('BEGIN')
  const commit = db.prepare('COMMIT')
  let count = 0
  begin.run()
  try {
    for (const l of rows) {
      insert.run(
        l.id,
        l.tenant_id,
        l.created_at,
        l.updated_at,
        l.deleted_at,
        l.source,
        l.city,
        l.segment,
        l.temperature,
        l.status,
        l.owner,
        l.first_response_at,
        l.converted_at,
        l.deal_value_cents,
      )
      if (++count % batchSize === 0) {
        commit.run()
        begin.run()
      }
    }
    commit.run()
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  }
  return count
}

// Journeys (issue 16): the stages every lead went through, with the time spent in each, as a
// Sankey of flows with counts and median durations per edge under the global filters.
//
// The mirror keeps only a lead's current status, so its history lives in `lead_journeys`
// (migration 015): inferred for leads the cache already held from the times they carry
// (created_at, first_response_at, converted_at, updated_at), then observed by the sync's row
// hooks as statuses change. A filter change with no dimension filter or one (migration 018) sums
// day rollups (journey_days, journey_dim_days) and walks one bucket of lead_journeys_median per
// median, exact; with two dimensions or more it reads one range of `lead_journeys_created` (one
// integer per row: edge and duration packed), never the leads' history as a whole. A row holds
// no filter value (migration 021): a filter reads its lead's row in `leads` by key.
import { randomUUID } from 'node:crypto'
import { LEAD_STATUSES, type FilterField, type Filters } from '../../shared/api/index.ts'
import type {
  JourneyEdge,
  JourneyNode,
  JourneysResult,
  JourneyStage,
} from '../../shared/api/intelligence.ts'
import { activeDims, type DimFilters } from '../metrics/filter-sql.ts'
import { dataAsOf, rangeBounds, resolveRange } from '../metrics/index.ts'
import type { LeadRow } from '../store/mirror-rows.ts'
import type { Store } from '../store/index.ts'
import type { RowHooks } from '../store/row-hooks.ts'
import type Database from 'better-sqlite3'

const STAGE_INDEX: Readonly<Record<string, number>> = Object.fromEntries(
  LEAD_STATUSES.map((s, i) => [s, i]),
)
const WON = STAGE_INDEX['won'] as number
const CONTACTED = STAGE_INDEX['contacted'] as number
const NEW = STAGE_INDEX['new'] as number

/**
 * Longest time in a stage that is stored (2^46 ms, about 2,230 years): a hostile date (year
 * 9999) cannot push the Sankey's packed integers past 2^53, where they would stop being exact.
 */
export const MAX_DURATION_MS = 2 ** 46
const span = (from: number, to: number): number => Math.min(MAX_DURATION_MS, Math.max(0, to - from))

/** One stage a lead entered: a row of lead_journeys without its lead's id and creation time. */
export interface StageEntry {
  readonly seq: number
  readonly from: number | null
  readonly to: number
  readonly enteredAt: number
  readonly durationMs: number | null
  readonly inferred: boolean
}

type JourneyLead = Pick<
  LeadRow,
  | 'id'
  | 'created_at'
  | 'updated_at'
  | 'deleted_at'
  | 'status'
  | 'first_response_at'
  | 'converted_at'
  | 'source'
  | 'segment'
  | 'city'
  | 'temperature'
  | 'owner'
>

/** When a lead entered its current stage, as far as its row tells: the time the stage has a column for, else its last change. */
function enteredCurrentStage(lead: JourneyLead): number {
  const stage = STAGE_INDEX[lead.status] as number
  if (stage === WON && lead.converted_at !== null) return lead.converted_at
  if (stage === CONTACTED && lead.first_response_at !== null) return lead.first_response_at
  if (stage === NEW) return lead.created_at
  return lead.updated_at
}

/**
 * The history a lead's row implies, for a lead first seen with it: entered 'new' when created;
 * 'contacted' at its first response (when it has one and has moved on from 'new'); its current
 * stage when that stage's time says (converted_at for won, else its last change). Stages between
 * whose times the row does not keep (qualified on the way to proposal) are not invented: the
 * edge goes straight to the stage whose time is known. Times never run backwards (a time before
 * the previous stage's is taken as that time). A lead seen first in 'new' has observed its entry.
 */
export function inferHistory(lead: JourneyLead): StageEntry[] {
  const stage = STAGE_INDEX[lead.status]
  if (stage === undefined) return []
  const entries: StageEntry[] = [
    {
      seq: 0,
      from: null,
      to: NEW,
      enteredAt: lead.created_at,
      durationMs: null,
      inferred: stage !== NEW,
    },
  ]
  if (stage === NEW) return entries
  let last = lead.created_at
  let from = NEW
  if (lead.first_response_at !== null) {
    const at = Math.max(lead.first_response_at, last)
    entries.push({
      seq: 1,
      from,
      to: CONTACTED,
      enteredAt: at,
      durationMs: span(last, at),
      inferred: true,
    })
    last = at
    from = CONTACTED
  }
  if (stage !== CONTACTED) {
    const at = Math.max(enteredCurrentStage(lead), last)
    entries.push({
      seq: entries.length,
      from,
      to: stage,
      enteredAt: at,
      durationMs: span(last, at),
      inferred: true,
    })
  }
  return entries
}

type Statement = Database.Statement<unknown[]>
interface Statements {
  insert: Statement
  deleteLead: Statement
  rows: Statement
  updateCreated: Statement
  addCell: Statement
}
const statements = new WeakMap<Store, Statements>()
function statementsOf(db: Store): Statements {
  let s = statements.get(db)
  if (!s) {
    s = {
      // A plain INSERT: a REPLACE would delete without the delete trigger, and journey_days would
      // drift. It returns the generated cells of the row written, for its journey_dim_days counts.
      insert: db.prepare(
        `INSERT INTO lead_journeys (lead_id, seq, from_stage, to_stage, entered_at, duration_ms,
           inferred, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         RETURNING day, edge, coalesce(bucket, 0)`,
      ),
      deleteLead: db.prepare('DELETE FROM lead_journeys WHERE lead_id = ?'),
      // A lead's rows in order, with the cells journey_dim_days counts them in (but the values).
      rows: db.prepare(
        `SELECT seq, to_stage, entered_at, day, edge, coalesce(bucket, 0)
         FROM lead_journeys WHERE lead_id = ? ORDER BY seq`,
      ),
      // The one lead value a row copies: its creation time, the range every read seeks by.
      updateCreated: db.prepare('UPDATE lead_journeys SET created_at = ? WHERE lead_id = ?'),
      addCell: db.prepare(
        `INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (dim, value, day, edge, bucket) DO UPDATE SET count = count + excluded.count`,
      ),
    }
    statements.set(db, s)
  }
  return s
}

/** A lead's row as read by `rows`: seq, stage, entered, day, edge, bucket. */
type JourneyRow = [number, number, number, number, number, number]
/** Where a row is counted in journey_dim_days: day, edge, bucket, then one value per dimension. */
type Cells = readonly [number, number, number, ...string[]]

/** lead_journeys.day (migration 015): whole UTC days since the epoch. */
const DAY_MS = 86_400_000

/** A lead's filter values in DIM_FIELDS order. */
const leadValues = (lead: JourneyLead): string[] => DIM_FIELDS.map((f) => lead[f])

/**
 * journey_dim_days changes summed over one transaction and written at its end, one upsert per
 * cell that moved: a change to a lead's owner moves each of its rows from one owner's cells to
 * another's, and a thousand such changes in a day touch a few dozen cells, not 12,000 (as the
 * per-row triggers of migration 018 did, which 020 drops).
 */
export class JourneyDimDeltas {
  readonly #cells = new Map<string, { cell: (number | string)[]; count: number }>()

  /** Counts a row with these cells in (+1) or out (-1) of every dimension. */
  add(cells: Cells, sign: 1 | -1): void {
    this.move(null, cells, sign)
  }

  /** A row's move from `was` to `is` (null: absent), dimension by dimension where they differ. */
  move(was: Cells | null, is: Cells | null, sign: 1 | -1 = 1): void {
    const [day, edge, bucket] = (is ?? was) as Cells
    const same =
      was !== null && is !== null && was[0] === is[0] && was[1] === is[1] && was[2] === is[2]
    for (let d = 0; d < DIM_FIELDS.length; d++) {
      if (same && was[3 + d] === is[3 + d]) continue
      const dim = JOURNEY_DIM_CODES[DIM_FIELDS[d] as FilterField]
      if (was !== null) this.#bump(dim, was[3 + d] as string, was[0], was[1], was[2], -sign)
      if (is !== null) this.#bump(dim, is[3 + d] as string, day, edge, bucket, sign)
    }
  }

  #bump(dim: number, value: string, day: number, edge: number, bucket: number, by: number): void {
    const key = `${dim}\u0000${day}\u0000${edge}\u0000${bucket}\u0000${value}`
    const held = this.#cells.get(key)
    if (held) held.count += by
    else this.#cells.set(key, { cell: [dim, value, day, edge, bucket], count: by })
  }

  /** Writes the summed changes (inside the transaction that made them) and starts over. */
  flush(db: Store): void {
    if (this.#cells.size === 0) return
    const { addCell } = statementsOf(db)
    for (const { cell, count } of this.#cells.values()) if (count !== 0) addCell.run(...cell, count)
    this.#cells.clear()
  }

  /** Forgets the changes (their transaction rolled back). */
  clear(): void {
    this.#cells.clear()
  }
}

function insertEntries(
  s: Statements,
  lead: JourneyLead,
  entries: readonly StageEntry[],
  deltas: JourneyDimDeltas,
): void {
  const values = leadValues(lead)
  for (const e of entries) {
    const [day, edge, bucket] = s.insert
      .raw()
      .get(
        lead.id,
        e.seq,
        e.from,
        e.to,
        e.enteredAt,
        e.durationMs,
        e.inferred ? 1 : 0,
        lead.created_at,
      ) as [number, number, number]
    deltas.add([day, edge, bucket, ...values], 1)
  }
}

/**
 * inferHistory for every live lead at once, in SQL (a JavaScript pass over a million leads takes
 * tens of seconds; this, a few): the entry row, the first response's row for a lead that moved
 * on from 'new', and the row of a current stage past 'contacted'. tests/unit/intel-journeys.test.ts
 * holds it to inferHistory on random leads.
 */
const REBUILD_SQL = /* sql */ `
INSERT INTO lead_journeys (lead_id, seq, from_stage, to_stage, entered_at, duration_ms, inferred,
  created_at)
SELECT lead_id, seq, from_stage, to_stage, entered_at, duration_ms, inferred, created_at
FROM (
  SELECT id AS lead_id, 0 AS seq, NULL AS from_stage, 0 AS to_stage, created_at AS entered_at,
    NULL AS duration_ms, status <> 'new' AS inferred, created_at
  FROM leads WHERE deleted_at IS NULL AND id >= @lo AND id < @hi
  UNION ALL
  SELECT id, 1, 0, 1, max(first_response_at, created_at),
    min(${MAX_DURATION_MS}, max(first_response_at, created_at) - created_at), 1, created_at
  FROM leads WHERE deleted_at IS NULL AND id >= @lo AND id < @hi AND status <> 'new'
    AND first_response_at IS NOT NULL
  UNION ALL
  SELECT id, seq, from_stage, to_stage, at, min(${MAX_DURATION_MS}, at - last), 1, created_at
  FROM (
    SELECT *, max(CASE WHEN status = 'won' THEN coalesce(converted_at, updated_at) ELSE updated_at END, last) AS at
    FROM (
      SELECT *,
        CASE WHEN first_response_at IS NULL THEN created_at ELSE max(first_response_at, created_at) END AS last,
        CASE WHEN first_response_at IS NULL THEN 1 ELSE 2 END AS seq,
        CASE WHEN first_response_at IS NULL THEN 0 ELSE 1 END AS from_stage,
        CASE status WHEN 'qualified' THEN 2 WHEN 'proposal' THEN 3 WHEN 'won' THEN 4 WHEN 'lost' THEN 5 END AS to_stage
      FROM leads WHERE deleted_at IS NULL AND id >= @lo AND id < @hi
        AND status NOT IN ('new', 'contacted')
    )
  )
)
ORDER BY lead_id, seq`

/**
 * Rebuilds every lead's history from its row (inferred), in one transaction, and marks the
 * journeys current. Used at start when journey_state is not valid (a fresh cache, a bulk load).
 */
/** Leads re-inferred per transaction: short enough that the sync's writes wait a moment only. */
export const REBUILD_CHUNK = 20_000

/** journey_days += (sign) the counts of the rows of leads [lo, hi). */
const countRange = (sign: 1 | -1) => /* sql */ `
  INSERT INTO journey_days (day, edge, bucket, count)
  SELECT * FROM (
    SELECT day, edge, coalesce(bucket, 0), ${sign} * count(*) FROM lead_journeys
    WHERE lead_id >= @lo AND lead_id < @hi GROUP BY 1, 2, 3
  ) WHERE true
  ON CONFLICT (day, edge, bucket) DO UPDATE SET count = count + excluded.count`

/**
 * The filter dimensions' codes in journey_dim_days (migration 018 filled it with the same numbers;
 * tests/unit/intel-journeys.test.ts holds the table to a count of the rows by them).
 */
export const JOURNEY_DIM_CODES: Readonly<Record<FilterField, number>> = {
  source: 1,
  segment: 2,
  city: 3,
  temperature: 4,
  owner: 5,
  status: 6,
}
const DIM_FIELDS = Object.keys(JOURNEY_DIM_CODES) as FilterField[]

/**
 * journey_dim_days += (sign) the counts of the rows of leads [lo, hi), by each dimension's value
 * (their leads' values now: the row hook moves a lead's counts whenever they change).
 */
const countDimsRange = (sign: 1 | -1) => /* sql */ `
  INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
  SELECT * FROM (
    SELECT d.dim, CASE d.dim ${DIM_FIELDS.map((f) => `WHEN ${JOURNEY_DIM_CODES[f]} THEN l.${f}`).join(' ')} END,
      j.day, j.edge, coalesce(j.bucket, 0), ${sign} * count(*)
    FROM lead_journeys j CROSS JOIN leads l ON l.id = j.lead_id,
      (${DIM_FIELDS.map((f) => `SELECT ${JOURNEY_DIM_CODES[f]} AS dim`).join(' UNION ALL ')}) d
    WHERE j.lead_id >= @lo AND j.lead_id < @hi GROUP BY 1, 2, 3, 4, 5
  ) WHERE true
  ON CONFLICT (dim, value, day, edge, bucket) DO UPDATE SET count = count + excluded.count`

/**
 * Infers every live lead's history again, REBUILD_CHUNK leads per transaction, so that the
 * sync's writes (and their row hooks, which stay on) go on between chunks. Each chunk turns the
 * journey_days triggers off inside its own transaction (no other connection sees it) and
 * counts its rows in one pass instead. A change the hooks record for a lead before its chunk is
 * inferred again with it; one after, is observed. Stopped part-way (the app closed), the next
 * start finds the entries short of the leads (journeysStale) and starts again.
 */
export function rebuildJourneys(db: Store, chunk = REBUILD_CHUNK): number {
  const steps = rebuildJourneySteps(db, chunk)
  let step = steps.next()
  while (!step.done) step = steps.next()
  return step.value
}

/**
 * rebuildJourneys, one transaction per step. The first writes this inference's own `run`
 * (migration 022) with rebuilt_at NULL; the last sets rebuilt_at only if no inference started
 * since (another process's, which emptied the history again and will finish it): the journeys
 * read as whole only once the latest inference has inferred every lead.
 */
export function* rebuildJourneySteps(
  db: Store,
  chunk = REBUILD_CHUNK,
): Generator<void, number, void> {
  const run = randomUUID()
  const off = db.prepare('UPDATE journey_state SET valid = 0 WHERE id = 1')
  const on = db.prepare('UPDATE journey_state SET valid = 1 WHERE id = 1')
  db.transaction(() => {
    off.run()
    db.exec('DELETE FROM lead_journeys')
    db.exec('DELETE FROM journey_days')
    db.exec('DELETE FROM journey_dim_days')
    db.prepare('UPDATE journey_state SET valid = 1, rebuilt_at = NULL, run = ? WHERE id = 1').run(
      run,
    )
  })()
  yield
  const [lo, hi] = db.prepare('SELECT min(id), max(id) FROM leads').raw().get() as [
    number | null,
    number | null,
  ]
  if (lo !== null && hi !== null) {
    const subtract = db.prepare(countRange(-1))
    const add = db.prepare(countRange(1))
    const subtractDims = db.prepare(countDimsRange(-1))
    const addDims = db.prepare(countDimsRange(1))
    const clear = db.prepare('DELETE FROM lead_journeys WHERE lead_id >= @lo AND lead_id < @hi')
    const infer = db.prepare(REBUILD_SQL)
    for (let from = lo; from <= hi; from += chunk) {
      const range = { lo: from, hi: from + chunk }
      db.transaction(() => {
        off.run()
        // Rows the hooks wrote for these leads since the start are counted out, then inferred.
        subtract.run(range)
        subtractDims.run(range)
        clear.run(range)
        infer.run(range)
        add.run(range)
        addDims.run(range)
        on.run()
      })()
      yield
    }
  }
  db.transaction(() => {
    db.prepare('UPDATE journey_state SET rebuilt_at = ? WHERE id = 1 AND run = ?').run(
      Date.now(),
      run,
    )
    db.exec('DELETE FROM journey_days WHERE count = 0')
    db.exec('DELETE FROM journey_dim_days WHERE count = 0')
  })()
  return db
    .prepare('SELECT total(count) FROM journey_days WHERE edge >= 56')
    .pluck()
    .get() as number
}

export const journeysValid = (db: Store): boolean => journeyState(db).valid

/**
 * journey_state as the reads need it: `valid` (the counts follow the rows, so the rollup path
 * may read them) and `rebuilding` (the history is not whole: not inferred yet, or a rebuild is
 * under way). rebuildJourneys marks the state valid again after its first transaction, so that
 * the hooks count the changes written between its chunks, and sets rebuilt_at only at its end.
 */
export function journeyState(db: Store): { valid: boolean; rebuilding: boolean } {
  const row = db.prepare('SELECT valid, rebuilt_at FROM journey_state WHERE id = 1').raw().get() as
    [number, number | null] | undefined
  const valid = row?.[0] === 1
  return { valid, rebuilding: !valid || row?.[1] === null }
}

/**
 * Whether the journeys must be inferred again: marked invalid (a fresh cache, a bulk load), a
 * rebuild that never finished (the app closed during it), or valid but holding another number
 * of entries than there are live leads (a fill written without the sync's hooks, as the demo
 * command into a cache a core had opened). The raw count costs about 60 ms at a million leads;
 * it is asked at start only (rollups may be as stale).
 */
export function journeysStale(db: Store): boolean {
  if (journeyState(db).rebuilding) return true
  const entries = db
    .prepare('SELECT total(count) FROM journey_days WHERE edge >= 56')
    .pluck()
    .get() as number
  const live = db.prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL').pluck().get()
  return entries !== live
}

/** Rebuilds the journeys, on this thread, when they are stale; true if it did. */
export function ensureJourneys(db: Store, log: (line: string) => void = () => {}): boolean {
  if (!journeysStale(db)) return false
  const started = Date.now()
  const n = rebuildJourneys(db)
  log(
    `Lead journeys inferred for ${n.toLocaleString('en-US')} leads in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  return true
}

/**
 * When an observed status change happened: the won lead's converted_at, the first response's
 * time when this change brought it, else the row's change time (a lead sent back to
 * 'contacted' re-enters it now, not at its first response).
 */
function observedAt(was: JourneyLead, is: JourneyLead): number {
  if (is.status === 'won' && is.converted_at !== null) return is.converted_at
  if (is.status === 'contacted' && is.first_response_at !== null && was.first_response_at === null)
    return is.first_response_at
  return is.updated_at
}

/**
 * Applies one lead change to its history (inside the writer's transaction). Its journey_dim_days
 * counts go to `deltas`, written by its `flush` before the transaction commits; without it, here.
 */
export function recordLeadChange(
  db: Store,
  before: JourneyLead | null,
  after: JourneyLead | null,
  deltas?: JourneyDimDeltas,
): void {
  if (deltas === undefined) {
    const own = new JourneyDimDeltas()
    recordLeadChange(db, before, after, own)
    own.flush(db)
    return
  }
  const s = statementsOf(db)
  const was = before !== null && before.deleted_at === null ? before : null
  const is = after !== null && after.deleted_at === null ? after : null
  const id = (is ?? was)?.id
  if (id === undefined) return
  const moved =
    was !== null &&
    is !== null &&
    (was.created_at !== is.created_at || DIM_FIELDS.some((d) => was[d] !== is[d]))
  // Most changes (a response time, a note) touch no journey.
  if (was !== null && is !== null && !moved) return
  const rows = s.rows.raw().all(id) as JourneyRow[]
  // A row is counted under its lead's values (journey_dim_days): the ones it had before.
  const wasValues = leadValues((before ?? after) as JourneyLead)
  const cellsOf = (row: JourneyRow, values: readonly string[]): Cells => [
    row[3],
    row[4],
    row[5],
    ...values,
  ]
  if (!is || !was) {
    // Gone, or seen first: its rows (normally none for a new lead) are counted out.
    if (rows.length > 0) {
      for (const row of rows) deltas.add(cellsOf(row, wasValues), -1)
      s.deleteLead.run(id)
    }
    if (is) insertEntries(s, is, inferHistory(is), deltas)
    return
  }
  // The lead's rows move to its new values' cells (and to its new day, should created_at move):
  // no row is rewritten but for a new creation time.
  const values = leadValues(is)
  const day = was.created_at === is.created_at ? null : Math.floor(is.created_at / DAY_MS)
  if (day !== null) s.updateCreated.run(is.created_at, is.id)
  for (const row of rows) {
    const cells = cellsOf(row, wasValues)
    deltas.move(cells, [day ?? cells[0], cells[1], cells[2], ...values])
  }
  if (was.status === is.status) return
  const to = STAGE_INDEX[is.status]
  if (to === undefined) return
  const last = rows.at(-1)
  if (!last) {
    insertEntries(s, is, inferHistory(is), deltas)
    return
  }
  const [seq, stage, lastAt] = last
  const at = Math.max(observedAt(was, is), lastAt)
  insertEntries(
    s,
    is,
    [
      {
        seq: seq + 1,
        from: stage,
        to,
        enteredAt: at,
        durationMs: span(lastAt, at),
        inferred: false,
      },
    ],
    deltas,
  )
}

/** The sync's row hooks for the journeys; `changed` hears how many lead rows each commit moved. */
export interface JourneyHooks extends Required<RowHooks> {
  /** Once the sync has caught up: rebuilds journeys skipped during a bulk load. True if it did. */
  caughtUp(): boolean
}

export function journeySyncHooks(
  db: Store,
  changed: (leadRows: number) => void = () => {},
  /** Rebuilds off this thread (the core's intelligence worker); without it, here. */
  rebuildElsewhere?: () => void,
): JourneyHooks {
  // Into an empty cache (an initial load) per-row upkeep is skipped and the journeys rebuilt
  // once the sync has caught up, as the rollups are (main/metrics/sync-hooks.ts).
  const empty = db.prepare('SELECT 1 FROM leads LIMIT 1').get() === undefined
  if (empty) db.prepare('UPDATE journey_state SET valid = 0 WHERE id = 1').run()
  let valid: boolean | undefined
  let rows = 0
  const deltas = new JourneyDimDeltas()
  return {
    wants: (table) => table === 'leads' && (valid ??= journeysValid(db)),
    row(table, before, after) {
      if (table !== 'leads') return
      rows++
      recordLeadChange(db, before as JourneyLead | null, after as JourneyLead | null, deltas)
    },
    beforeCommit() {
      valid = undefined
      deltas.flush(db)
      if (rows > 0) changed(rows)
      rows = 0
    },
    rolledBack() {
      valid = undefined
      deltas.clear()
      rows = 0
    },
    caughtUp() {
      // Not inferred, or an inference that stopped part-way (it fails after its first chunk,
      // which marks the state valid again; the next start would also find it stale).
      if (!journeyState(db).rebuilding) return false
      if (rebuildElsewhere) {
        rebuildElsewhere()
        return false
      }
      rebuildJourneys(db)
      return true
    },
  }
}

/** Several row hooks as one (the sync engine takes one): each hears the tables it wants. */
export function combineRowHooks(...hooks: RowHooks[]): Required<RowHooks> {
  let wanting: RowHooks[] = []
  return {
    wants(table) {
      wanting = hooks.filter((h) => h.wants(table))
      return wanting.length > 0
    },
    row(table, before, after) {
      for (const h of wanting) h.row(table, before, after)
    },
    beforeCommit() {
      for (const h of hooks) h.beforeCommit?.()
    },
    rolledBack() {
      for (const h of hooks) h.rolledBack?.()
    },
  }
}

// ---- The Sankey ------------------------------------------------------------------------------

/** Edge codes pack (from, to) in the low 6 bits of one integer with the duration above them. */
const EDGE_BITS = 64
// Exactly the entry codes: an edge row that took 1 ms packs to 64-109, which `>= 56` took for an
// entry (a lead counted twice and its edge lost).
const isEntry = (code: number): boolean => (code >= 56 && code < 64) || (code >= 120 && code < 128)

/** Counts and durations of one query's rows, by edge code (0..127). */
interface Tally {
  /** Rows per edge code (entries: 56 + stage, + 64 inferred). */
  readonly counts: number[]
  /** Per edge code, rows per duration bucket (the rollup path). */
  readonly buckets: Map<number, Map<number, number>>
  /** Per edge code, every duration (the raw path: exact medians from them). */
  readonly durations: Map<number, number[]>
}

const newTally = (): Tally => ({
  counts: new Array<number>(128).fill(0),
  buckets: new Map(),
  durations: new Map(),
})

/**
 * The dimension filters on lead_journeys `j`: the lead's values now, read from its row in leads
 * `l` by key (`join`, empty without filters). The join is a CROSS JOIN, so SQLite walks the
 * journeys' index first and checks the range (and the rank's bounds) before each lookup.
 */
function dimsWhere(dims: DimFilters): { join: string; sql: string; params: unknown[] } {
  let sql = ''
  const params: unknown[] = []
  for (const field of DIM_FIELDS) {
    const list = dims[field]
    if (!list || list.length === 0) continue
    sql += ` AND l.${field} IN (${list.map(() => '?').join(', ')})`
    params.push(...list)
  }
  return { join: sql === '' ? '' : ' CROSS JOIN leads l ON l.id = j.lead_id', sql, params }
}

/**
 * The rows created in [start, end) read one by one, as one integer each (reading 100,000s of
 * rows costs one value apiece): an edge row is duration ms × 64 + its edge code (up to 45); an
 * entry row its code (56 + stage, + 64 when inferred). Durations are capped at MAX_DURATION_MS,
 * so the product stays exact. With `withBuckets` the buckets are tallied as well.
 */
function tallyRows(
  db: Store,
  into: Tally,
  start: number,
  end: number,
  dims: DimFilters,
  withBuckets: boolean,
): void {
  if (end <= start) return
  const where = dimsWhere(dims)
  const rows = db
    .prepare(
      // The edge written out rather than the generated column: the covering index then answers
      // without reading the rows (SQLite does not derive a generated column from an index).
      `SELECT CASE WHEN j.from_stage IS NULL THEN 56 + j.to_stage + 64 * j.inferred
         ELSE j.duration_ms * ${EDGE_BITS} + j.from_stage * 8 + j.to_stage END
         ${withBuckets ? ', coalesce(j.bucket, 0)' : ''}
       FROM lead_journeys j INDEXED BY lead_journeys_created${where.join}
       WHERE j.created_at >= ? AND j.created_at < ?${where.sql}`,
    )
    .raw()
    .all(start, end, ...where.params) as [number, number?][]
  for (const [v, bucket] of rows) {
    if (v < 128 && isEntry(v)) {
      into.counts[v] = (into.counts[v] as number) + 1
      continue
    }
    const code = v % EDGE_BITS
    into.counts[code] = (into.counts[code] as number) + 1
    if (withBuckets) addBucket(into, code, bucket ?? 0, 1)
    else {
      let list = into.durations.get(code)
      if (!list) into.durations.set(code, (list = []))
      list.push((v - code) / EDGE_BITS)
    }
  }
}

function addBucket(into: Tally, code: number, bucket: number, n: number): void {
  let b = into.buckets.get(code)
  if (!b) into.buckets.set(code, (b = new Map<number, number>()))
  b.set(bucket, (b.get(bucket) ?? 0) + n)
}

/** The exact median of sorted durations: the middle one, or the mean of the two middle ones. */
function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length
  const mid = n >> 1
  return n % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** lead_journeys.bucket's expression (migration 015) over a duration column, for SQL. */
const bucketOf = (column: string): string =>
  `CAST(log2(max(${column}, 1000) / 1000.0) * 8 AS INTEGER)`

/**
 * Durations that may fall in `bucket`, a little wider than its bounds (JavaScript's log2 need not
 * round as SQLite's does at a boundary): the walk seeks to the first and stops after the last,
 * and the bucket's own expression, on the index's duration, keeps exactly its rows.
 */
function bucketSpan(bucket: number): [number, number] {
  const lo = bucket <= 0 ? 0 : Math.floor(1000 * 2 ** (bucket / 8) * (1 - 1e-9)) - 1
  const hi = Math.ceil(1000 * 2 ** ((bucket + 1) / 8) * (1 + 1e-9)) + 1
  return [lo, hi]
}

type DurationWalk = (order: 'ASC' | 'DESC') => Database.Statement

/** kthDurations' ordered walks of lead_journeys_median under `where`, each prepared once a read. */
function durationWalk(db: Store, where: ReturnType<typeof dimsWhere>): DurationWalk {
  const made = new Map<'ASC' | 'DESC', Database.Statement>()
  return (order) => {
    let walk = made.get(order)
    if (!walk) {
      walk = db
        .prepare(
          `SELECT j.duration_ms FROM lead_journeys j INDEXED BY lead_journeys_median${where.join}
           WHERE j.from_stage = ? AND j.to_stage = ? AND j.duration_ms >= ? AND j.duration_ms <= ?
             AND ${bucketOf('j.duration_ms')} = ? AND j.created_at >= ? AND j.created_at < ?${where.sql}
           ORDER BY j.duration_ms ${order} LIMIT ? OFFSET ?`,
        )
        .pluck()
      made.set(order, walk)
    }
    return walk
  }
}

/**
 * The k-th (0-based) smallest durations of an edge created in [start, end) under `dims` (the
 * k-th and, with `two`, the next): the bucket holding rank k is found from the counts, and its
 * stretch of lead_journeys_median is walked in duration order inside SQLite, skipping rows
 * outside the range or the filter, up to the rank. The index covers every column the walk reads
 * but the filter values, which are looked up in leads for the rows in range only; no row of
 * lead_journeys is read and none crosses into JavaScript but the answer.
 */
function kthDurations(
  walk: DurationWalk,
  code: number,
  buckets: readonly (readonly [number, number])[],
  k: number,
  two: boolean,
  start: number,
  end: number,
  params: readonly unknown[],
): number[] {
  const out: number[] = []
  let below = 0
  let rank = k
  const wanted = two ? 2 : 1
  for (const [bucket, n] of buckets) {
    if (rank < below + n) {
      const take = Math.min(wanted - out.length, below + n - rank)
      // Walked from the nearer end of the bucket: half the rows passed on average (each one a
      // lookup in leads under a filter). Equal durations are the same values either way.
      const fromBottom = rank - below
      const fromTop = n - fromBottom - take
      const args = [code >> 3, code & 7, ...bucketSpan(bucket), bucket, start, end, ...params]
      const values =
        fromTop < fromBottom
          ? (walk('DESC').all(...args, take, fromTop) as number[]).reverse()
          : (walk('ASC').all(...args, take, fromBottom) as number[])
      if (values.length !== take)
        throw new Error(
          `journeys: bucket ${bucket} of edge ${code} holds fewer rows than its count ${n}`,
        )
      out.push(...values)
      rank += take
      if (out.length === wanted) return out
    }
    below += n
  }
  throw new Error(`journeys: rank ${k} of edge ${code} is beyond its ${below} rows`)
}

/** Ranges shorter than this many whole days read raw rows (the rollup's edges would be most of it). */
const ROLLUP_MIN_DAYS = 3

/**
 * The journey Sankey under the global filters (leads created in the range). With no dimension
 * filter, or filters on one dimension (any of its values), the whole UTC days of the range come
 * from journey_days or journey_dim_days and only its two part-days from lead_journeys; medians
 * are then exact through one ordered walk of one bucket per median. Filters on two dimensions or
 * more, ranges under ROLLUP_MIN_DAYS whole days and `raw` (the reference the tests hold the fast
 * path to) read every row in the range (exact medians from the durations).
 */
export function journeys(
  db: Store,
  filters: Filters,
  now: Date,
  slowestCount = 3,
  options: { readonly raw?: boolean } = {},
): JourneysResult {
  const { start, end } = rangeBounds(resolveRange(filters.range, now))
  const dims = activeDims(filters)
  const firstDay = Math.ceil(start / DAY_MS)
  const endDay = Math.floor(end / DAY_MS)
  const dimFields = Object.keys(dims) as FilterField[]
  const { valid, rebuilding } = journeyState(db)
  const rollup =
    !options.raw && dimFields.length <= 1 && endDay - firstDay >= ROLLUP_MIN_DAYS && valid
  const tally = newTally()
  const medians = new Map<number, number>()
  if (rollup) {
    const field = dimFields[0]
    const values = field === undefined ? [] : (dims[field] ?? [])
    const days = (
      field === undefined
        ? db
            .prepare(
              `SELECT edge, bucket, sum(count) FROM journey_days WHERE day >= ? AND day < ?
               GROUP BY edge, bucket HAVING sum(count) > 0`,
            )
            .raw()
            .all(firstDay, endDay)
        : db
            .prepare(
              `SELECT edge, bucket, sum(count) FROM journey_dim_days
               WHERE dim = ? AND value IN (${values.map(() => '?').join(', ')}) AND day >= ? AND day < ?
               GROUP BY edge, bucket HAVING sum(count) > 0`,
            )
            .raw()
            .all(JOURNEY_DIM_CODES[field], ...values, firstDay, endDay)
    ) as [number, number, number][]
    for (const [code, bucket, n] of days) {
      tally.counts[code] = (tally.counts[code] as number) + n
      if (!isEntry(code)) addBucket(tally, code, bucket, n)
    }
    tallyRows(db, tally, start, firstDay * DAY_MS, dims, true)
    tallyRows(db, tally, endDay * DAY_MS, end, dims, true)
    const where = dimsWhere(dims)
    const walk = durationWalk(db, where)
    for (const [code, buckets] of tally.buckets) {
      const n = tally.counts[code] as number
      const mid = n >> 1
      const sorted = [...buckets].sort((a, b) => a[0] - b[0])
      const [a, b] = kthDurations(
        walk,
        code,
        sorted,
        n % 2 === 1 ? mid : mid - 1,
        n % 2 === 0,
        start,
        end,
        where.params,
      )
      medians.set(code, b === undefined ? (a as number) : ((a as number) + b) / 2)
    }
  } else {
    tallyRows(db, tally, start, end, dims, false)
    for (const [code, list] of tally.durations) {
      medians.set(code, medianOfSorted(Float64Array.from(list).sort()))
    }
  }

  const stages = LEAD_STATUSES.length
  const entered = new Array<number>(stages).fill(0)
  let leads = 0
  let inferredLeads = 0
  const edges: JourneyEdge[] = []
  for (let code = 0; code < 128; code++) {
    const n = tally.counts[code] as number
    if (n === 0) continue
    if (isEntry(code)) {
      const stage = (code - 56) % 64
      leads += n
      if (code >= 120) inferredLeads += n
      entered[stage] = (entered[stage] as number) + n
      continue
    }
    entered[code & 7] = (entered[code & 7] as number) + n
    edges.push({
      from: LEAD_STATUSES[code >> 3] as JourneyStage,
      to: LEAD_STATUSES[code & 7] as JourneyStage,
      count: n,
      medianMs: medians.get(code) as number,
    })
  }
  const nodes: JourneyNode[] = LEAD_STATUSES.map((stage, i) => ({
    stage,
    leads: entered[i] as number,
  }))
  const slowest = [...edges]
    .sort((a, b) => b.medianMs - a.medianMs || b.count - a.count)
    .slice(0, slowestCount)
  return {
    filters,
    leads,
    nodes,
    edges,
    slowest,
    inferredLeads,
    asOf: dataAsOf(db),
    noData: leads === 0,
    rebuilding,
  }
}

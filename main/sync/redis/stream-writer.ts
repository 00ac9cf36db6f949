// The Redis stream's backlog checked and stored beside the reader (issue 14).
//
// On a backlog the reader's thread did everything in turn: decode XREAD's reply (ioredis), check
// each entry, and store the batch in SQLite. Measured on the stream bench (100,000 events,
// 2026-12-01), checking cost about 1.2 µs an event and storing 2.1 µs, beside 3.4 µs for the
// reply's decoding (as bytes; 4.4 µs as text, which bare XRANGE pays): the reader ran at about
// 0.65 of bare XRANGE. A backlog's batch is now handed to a worker thread with its own
// connection, which checks its entries and stores the valid ones, while this thread decodes the
// next reply (the read-ahead in redis-sync.ts has it on its way). This thread only finds each
// entry's values (scanEntryBytes: the size checks) and copies their bytes into one buffer,
// which is transferred, not cloned. The thread decodes them and runs the same checks
// (checkCommonFields, changeFieldsReason), builds the same rows (changePayload,
// insertChangeRows) with the same statements, in one transaction with the position, as
// storeStreamBatch does: those functions come to it as their own source text, so the rules
// have one home. It answers with the entries it refused, and why, which the reader counts and
// logs in stream order with the ones refused here, exactly as if it had checked them itself.
//
// Alerts (rare: the demo upstream writes one in 200 entries) are checked on the reader's
// thread, where zod is, and go to the thread as rows ready to bind, stored in stream order in the
// same transaction, as storeStreamBatch stores them; the alerts stored for the first time come
// back for their notifications. Small batches (a live stream's few events) and an absurdly large
// one are checked and stored on the reader's thread, as before: for a few events the thread hop
// would only add latency. If the thread cannot open the cache, the batch it was given is stored
// here instead, and so is every later one.
import type { Worker } from 'node:worker_threads'
import {
  hasOwnFile,
  startSqliteWorker,
  type SqliteWorkerFailed,
  type Store,
} from '../../store/index.ts'
import {
  changeFieldsReason,
  checkCommonFields,
  EVENT_TABLES,
  parseStreamEntryBytes,
  scanEntryBytes,
  type EntryBytes,
  type UpstreamAlert,
} from './stream-events.ts'
import {
  changePayload,
  insertChangeRows,
  STREAM_STORE_SQL,
  upstreamAlertParams,
  type BatchResult,
} from './stream-store.ts'

/** Batches of fewer entries than this are checked and stored on the reader's thread. */
export const OFF_THREAD_MIN_EVENTS = 256

/** An entry as XREAD's undecoded reply holds it. */
export type RawEntry = readonly [id: Buffer, fields: Buffer[] | null]

/** An entry skipped, and why. */
export interface RefusedEntry {
  readonly streamId: string
  readonly reason: string
}

/** A batch stored: what storeStreamBatch says, and the entries refused, in stream order. */
export interface StoredEntries {
  readonly result: BatchResult
  readonly refused: readonly RefusedEntry[]
}

// Per entry in the packed batch: the start and end in `bytes` of its stream id and of each value
// the checks read (start -1: the field is missing), in this order.
const SLOTS = ['id', 'type', 'tenant', 'at', 'data', 'key', 'table'] as const
const SLOT_INTS = SLOTS.length * 2

/** The most bytes a packed batch holds (its offsets are 32-bit); a larger one is stored here. */
const MAX_PACKED_BYTES = 1024 * 1024 * 1024

/** `alert` in UTF-8: an entry whose type is this is checked on the reader's thread (zod). */
const ALERT_TYPE = Buffer.from('alert')

// Plain JavaScript, run with `db` open (main/store/sqlite-worker.ts); the checks and the row
// code come in as their own source text.
const workerSource = (): string => `
// tsx (esbuild's keepNames) wraps functions in __name(fn, 'name') inside their source.
const __name = (fn) => fn
const checkCommonFields = (${checkCommonFields.toString()})
const changeFieldsReason = (${changeFieldsReason.toString()})
const changePayload = (${changePayload.toString()})
const insertChangeRows = (${insertChangeRows.toString()})
const { sql, pragmas, slotInts, tables: tableOf } = workerData.data
db.pragma('synchronous = NORMAL')
for (const [name, value] of Object.entries(pragmas)) db.pragma(name + ' = ' + Number(value))
// The shipped code run once on a known entry: a thread whose copy of it cannot run says so at
// once (and the reader stores every batch itself) rather than failing each batch.
try {
  const probe = { type: 'lead_updated', tenant: 't', at: '2026-01-01T00:00:00Z', data: '{}', id: '1', table: tableOf.lead_updated }
  if (typeof checkCommonFields(probe, 't') === 'string' || changeFieldsReason(probe, tableOf) !== null) {
    throw new Error('the checks refuse a valid entry')
  }
  changePayload(probe.table, probe.id, probe.data)
  insertChangeRows(() => ({ run: () => ({ changes: 0 }) }), sql.perInsert, [], [], new Set())
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) })
  process.exit(0)
}
const inserts = []
const insertRows = (rows) => (inserts[rows] ??= db.prepare(sql.insertByRows[rows]))
const savePosition = db.prepare(sql.savePosition)
const insertAlert = db.prepare(sql.insertUpstreamAlert)
const noteAlertStreamId = db.prepare(sql.noteAlertStreamId)
const store = db.transaction((m) => {
  const bytes = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength)
  const slots = m.slots
  const text = (k) => (slots[k] < 0 ? undefined : bytes.toString('utf8', slots[k], slots[k + 1]))
  // Alerts, checked on the reader's thread, by entry index: stored in stream order.
  const alerts = new Map(m.alerts.map((a) => [a.index, a]))
  let params = []
  let tables = []
  const refused = []
  const announce = new Set()
  const newAlerts = []
  let stored = 0
  let duplicates = 0
  const flush = () => {
    if (tables.length === 0) return
    const done = insertChangeRows(insertRows, sql.perInsert, params, tables, announce)
    stored += done.stored
    duplicates += done.duplicates
    params = []
    tables = []
  }
  for (let e = 0; e < m.count; e++) {
    const alert = alerts.get(e)
    if (alert !== undefined) {
      // Rows keep stream order (rowid): the changes before it go first.
      flush()
      if (insertRows(1).run(alert.event).changes === 0) {
        duplicates++
        continue
      }
      stored++
      if (insertAlert.run(alert.row).changes > 0) newAlerts.push(e)
      else noteAlertStreamId.run(alert.streamId, alert.id)
      continue
    }
    const s = e * slotInts
    // An entry refused on the reader's thread (a field over the limit, a bad alert) holds no values.
    if (slots[s] < 0) continue
    const streamId = bytes.toString('latin1', slots[s], slots[s + 1])
    const f = {
      type: text(s + 2),
      tenant: text(s + 4),
      at: text(s + 6),
      data: text(s + 8),
      id: text(s + 10),
      table: text(s + 12),
    }
    const common = checkCommonFields(f, m.tenant)
    if (typeof common === 'string') {
      refused.push(e, common)
      continue
    }
    const reason = changeFieldsReason(f, tableOf)
    if (reason !== null) {
      refused.push(e, reason)
      continue
    }
    const table = tableOf[f.type]
    params.push(streamId, m.tenant, f.type, common.at, changePayload(table, f.id, f.data))
    tables.push(table)
  }
  flush()
  savePosition.run(sql.source, m.stream, m.lastId, m.now, null)
  return { stored, duplicates, tables: [...announce], refused, newAlerts }
})
// A batch that fails leaves the later ones of its run unstored (their entries follow its own):
// the reader starts a new run from its position.
let failedRun = -1
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    db.close()
    parentPort.close()
    return
  }
  if (m.run === failedRun) {
    parentPort.postMessage({ type: 'skipped' })
    return
  }
  try {
    parentPort.postMessage({ type: 'stored', ...store(m) })
  } catch (error) {
    failedRun = m.run
    parentPort.postMessage({
      type: 'error',
      message: String((error && error.message) || error),
      code: (error && error.code) || null,
    })
  }
})
`

type FromWorker =
  | {
      readonly type: 'stored'
      readonly stored: number
      readonly duplicates: number
      readonly tables: string[]
      /** Entry index, reason, entry index, reason, … */
      readonly refused: (number | string)[]
      /** Entry indexes of the alerts stored for the first time. */
      readonly newAlerts: number[]
    }
  | { readonly type: 'error'; readonly message: string; readonly code: string | null }
  | { readonly type: 'skipped' }
  | SqliteWorkerFailed

/** A batch as the thread takes it. */
interface PackedBatch {
  readonly count: number
  readonly bytes: Uint8Array
  readonly slots: Int32Array
  /** Refused here (a field over the limit, a bad alert), by entry index. */
  readonly refused: Map<number, string>
  /** The valid alerts, checked here (zod), with their rows: the thread stores them in order. */
  readonly alerts: readonly PackedAlert[]
  readonly ids: readonly Buffer[]
  /** When it was given (the position's and the alerts' time). */
  readonly now: number
}

/** An alert entry for the thread: its events row and upstream_alerts row, ready to bind. */
interface PackedAlert {
  readonly index: number
  readonly alert: UpstreamAlert
  readonly streamId: string
  readonly id: string
  readonly event: (string | number)[]
  readonly row: (string | number | null)[]
}

/**
 * The batch's values copied into one buffer, its alerts checked (the thread stores both, in
 * order), or null when it must be stored on the reader's thread (too large to pack).
 */
function packEntries(
  entries: readonly RawEntry[],
  tenant: string,
  now: number,
): PackedBatch | null {
  const count = entries.length
  const slots = new Int32Array(count * SLOT_INTS).fill(-1)
  const refused = new Map<number, string>()
  const alerts: PackedAlert[] = []
  const found = new Array<EntryBytes | undefined>(count)
  const ids = new Array<Buffer>(count)
  let size = 0
  for (let e = 0; e < count; e++) {
    const [idBytes, fields] = entries[e] as RawEntry
    ids[e] = idBytes
    const scanned = scanEntryBytes(fields)
    if (typeof scanned === 'string') {
      refused.set(e, scanned)
      continue
    }
    if (scanned.type !== undefined && scanned.type.equals(ALERT_TYPE)) {
      // Rare beside changes (the demo upstream: one in 200): checked here, with zod.
      const streamId = idBytes.toString('latin1')
      const parsed = parseStreamEntryBytes(streamId, fields, tenant)
      if (!parsed.ok) refused.set(e, parsed.reason)
      else if (parsed.event.kind === 'alert') {
        const { alert, at } = parsed.event
        alerts.push({
          index: e,
          alert,
          streamId,
          id: alert.id,
          event: [streamId, tenant, 'alert', at, JSON.stringify(alert)],
          row: upstreamAlertParams(alert, 'stream', streamId, now),
        })
      }
      continue
    }
    found[e] = scanned
    size +=
      idBytes.length +
      (scanned.type?.length ?? 0) +
      (scanned.tenant?.length ?? 0) +
      (scanned.at?.length ?? 0) +
      (scanned.data?.length ?? 0) +
      (scanned.id?.length ?? 0) +
      (scanned.table?.length ?? 0)
  }
  // Offsets are 32-bit: a batch that large (never seen; fields are at most MAX_FIELD_BYTES) is
  // stored here.
  if (size > MAX_PACKED_BYTES) return null
  const bytes = Buffer.allocUnsafeSlow(size)
  let at = 0
  const put = (slot: number, value: Buffer | undefined) => {
    if (value === undefined) return
    slots[slot] = at
    at += value.copy(bytes, at)
    slots[slot + 1] = at
  }
  for (let e = 0; e < count; e++) {
    const f = found[e]
    if (f === undefined) continue
    const s = e * SLOT_INTS
    put(s, ids[e])
    put(s + 2, f.type)
    put(s + 4, f.tenant)
    put(s + 6, f.at)
    put(s + 8, f.data)
    put(s + 10, f.id)
    put(s + 12, f.table)
  }
  return { count, bytes, slots, refused, alerts, ids, now }
}

export interface StreamWriter {
  /**
   * Checks and stores a batch, moving the position to `lastId` in the same transaction: a
   * backlog's batch on the writer thread, a small batch or one with an alert (or every batch,
   * when the thread cannot be used) by `here` on this thread. Batches are stored, and their
   * promises settle, in the order given; the caller may give the next before the last has
   * settled (the reader keeps two in hand). When one fails, none given after it is stored
   * (their promises reject with SKIPPED_AFTER_FAILURE) until the caller, having gone back to
   * its position, calls resume().
   */
  store(
    batch: {
      readonly stream: string
      readonly tenant: string
      readonly entries: readonly RawEntry[]
      readonly lastId: string
      readonly now?: number
    },
    here: () => StoredEntries,
  ): Promise<StoredEntries>
  /** After a failure: batches given from now on are stored again. */
  resume(): void
  /** Ends the thread once every batch given has settled. */
  close(): Promise<void>
}

export interface StreamWriterOptions {
  /** Path to better-sqlite3's .node file built for another ABI (Electron). */
  readonly nativeBinding?: string | undefined
  readonly log: (line: string) => void
}

/** What a batch given after a failed one is rejected with. */
export const SKIPPED_AFTER_FAILURE = 'not stored: an earlier batch of the stream failed to store'

interface OnThread {
  readonly packed: PackedBatch
  readonly resolve: (stored: StoredEntries) => void
  readonly reject: (error: Error) => void
  /** Checks and stores the batch here instead (the thread never opened the cache). */
  readonly here: () => StoredEntries
}

/** A writer for `db`'s stream batches; the thread starts with the first batch it takes. */
export function createStreamWriter(db: Store, options: StreamWriterOptions): StreamWriter {
  let worker: Worker | undefined
  // Set once the thread cannot be used: every batch is then stored here.
  let unavailable = !hasOwnFile(db)
  // Batches on the thread, oldest first: it answers them in order.
  const onThread: OnThread[] = []
  // Settles once every batch given so far has: a batch stored here waits for it.
  let tail: Promise<unknown> = Promise.resolve()
  // Batches are given in runs: a failure ends the run (no later batch of it is stored, here or
  // on the thread, which knows the run of each) and resume() starts the next.
  let run = 0
  let failed = false
  // Batches given and not yet on the thread nor stored: waiting for an earlier one to settle.
  let waiting = 0
  let exited: Promise<void> = Promise.resolve()
  let closing = false

  const stored = (packed: PackedBatch, m: Extract<FromWorker, { type: 'stored' }>) => {
    const reasons = new Map(packed.refused)
    for (let i = 0; i < m.refused.length; i += 2)
      reasons.set(m.refused[i] as number, m.refused[i + 1] as string)
    const refused = [...reasons.keys()]
      .sort((a, b) => a - b)
      .map((e) => ({
        streamId: (packed.ids[e] as Buffer).toString('latin1'),
        reason: reasons.get(e) as string,
      }))
    const alertAt = new Map(packed.alerts.map((a) => [a.index, a.alert]))
    return {
      result: {
        stored: m.stored,
        duplicates: m.duplicates,
        tables: m.tables,
        newAlerts: m.newAlerts.map((e) => alertAt.get(e) as UpstreamAlert),
      },
      refused,
    }
  }

  const start = (): Worker => {
    const w = startSqliteWorker(workerSource(), {
      path: db.name,
      nativeBinding: options.nativeBinding,
      // Its garbage is a batch's strings.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
      data: {
        sql: STREAM_STORE_SQL,
        // The reader's connection's settings: its wait for the lock (so a stop waits no longer
        // for a batch than for a write of its own), and, while the checkpoint thread runs, its
        // raised automatic checkpoint and the log size kept (main/store/checkpointer.ts).
        pragmas: {
          busy_timeout: db.pragma('busy_timeout', { simple: true }) as number,
          wal_autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }) as number,
          journal_size_limit: db.pragma('journal_size_limit', { simple: true }) as number,
        },
        slotInts: SLOT_INTS,
        tables: EVENT_TABLES,
      },
    })
    w.unref()
    exited = new Promise((resolve) => w.once('exit', () => resolve()))
    w.on('message', (m: FromWorker) => {
      if (m.type === 'failed') {
        unavailable = true
        options.log(
          `The Redis stream's writer thread could not open the cache (${m.message}); ` +
            "batches are stored on the reader's thread instead.",
        )
        // Nothing was stored there: each batch it held is stored here, in order, until one
        // fails; the ones after that are not (their entries follow its own), as on the thread.
        let failure = false
        for (const b of onThread.splice(0)) {
          if (failure) {
            b.reject(new Error(SKIPPED_AFTER_FAILURE))
            continue
          }
          try {
            b.resolve(b.here())
          } catch (error) {
            failure = true
            b.reject(error instanceof Error ? error : new Error(String(error)))
          }
        }
        return
      }
      const b = onThread.shift()
      if (b === undefined) return
      if (m.type === 'stored') b.resolve(stored(b.packed, m))
      else if (m.type === 'skipped') b.reject(new Error(SKIPPED_AFTER_FAILURE))
      else b.reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}))
    })
    // A thread that dies (not one closed) is not started again: the batches it held fail (the
    // reader goes on from its position) and every later one is stored on the reader's thread.
    const gone = (why: string) => {
      if (worker === w) worker = undefined
      const held = onThread.splice(0)
      // Closed, or already handed back (it could not open the cache, or died once already).
      if (closing || unavailable) return
      unavailable = true
      options.log(
        `The Redis stream's writer thread ${why}; batches are stored on the reader's thread instead.`,
      )
      for (const b of held) b.reject(new Error(`The Redis stream's writer thread ${why}`))
    }
    w.on('error', (error) => gone(`stopped: ${error.message}`))
    w.on('exit', (code) => gone(`ended (code ${code})`))
    return w
  }

  /** Stores the batch on the thread; settles when the thread has answered it. */
  const onWorker = (
    packed: PackedBatch,
    batch: Parameters<StreamWriter['store']>[0],
    here: () => StoredEntries,
    ofRun: number,
  ): Promise<StoredEntries> => {
    worker ??= start()
    const w = worker
    return new Promise<StoredEntries>((resolve, reject) => {
      // Held while it stores: a process with nothing else to do waits for the batch.
      w.ref()
      w.postMessage(
        {
          run: ofRun,
          stream: batch.stream,
          tenant: batch.tenant,
          lastId: batch.lastId,
          now: packed.now,
          count: packed.count,
          bytes: packed.bytes,
          slots: packed.slots,
          alerts: packed.alerts.map(({ index, streamId, id, event, row }) => ({
            index,
            streamId,
            id,
            event,
            row,
          })),
        },
        [packed.bytes.buffer as ArrayBuffer, packed.slots.buffer as ArrayBuffer],
      )
      // Queued once sent (the thread answers in order): a send that throws leaves no entry.
      onThread.push({ packed, resolve, reject, here })
    }).finally(() => {
      if (onThread.length === 0) w.unref()
    })
  }

  return {
    store(batch, here) {
      const ofRun = run
      const now = batch.now ?? Date.now()
      const skipped = () => failed && ofRun === run
      if (skipped()) return Promise.reject(new Error(SKIPPED_AFTER_FAILURE))
      const packed =
        unavailable || batch.entries.length < OFF_THREAD_MIN_EVENTS
          ? null
          : packEntries(batch.entries, batch.tenant, now)
      // On the thread, given at once when every earlier batch is there too or has settled (it
      // stores in order); otherwise, and here, once every earlier batch has settled.
      let storing: Promise<StoredEntries>
      if (packed !== null && waiting === 0) {
        storing = onWorker(packed, batch, here, ofRun)
      } else {
        waiting++
        storing = tail.then(() => {
          waiting--
          if (skipped()) throw new Error(SKIPPED_AFTER_FAILURE)
          return packed !== null && !unavailable ? onWorker(packed, batch, here, ofRun) : here()
        })
      }
      const settled = storing.catch((error: unknown) => {
        if (ofRun === run) failed = true
        throw error
      })
      tail = settled.catch(() => {})
      return settled
    },
    resume() {
      run++
      failed = false
    },
    async close() {
      await tail
      const w = worker
      worker = undefined
      if (!w) return
      closing = true
      w.ref()
      w.postMessage({ type: 'close' })
      await exited
    },
  }
}

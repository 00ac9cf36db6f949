// The shape of one entry of `ops:{tenant}:events` as main/demo/upstream.ts
// writes it (fields type, table, id, tenant, at, data as JSON), and the
// checks that keep a bad entry from reaching the cache.
import { z } from 'zod'

/** Which mirror table each known event type says has changed. */
export const EVENT_TABLES: Readonly<Record<string, string>> = {
  lead_created: 'leads',
  lead_updated: 'leads',
  lead_converted: 'leads',
  lead_deleted: 'leads',
  customer_created: 'customers',
  customer_updated: 'customers',
  project_status_changed: 'projects',
  project_updated: 'projects',
  appointment_booked: 'appointments',
  appointment_updated: 'appointments',
}

/** Every table the stream can announce: what a gap may have hidden changes to. */
export const STREAM_TABLES: readonly string[] = [...new Set(Object.values(EVENT_TABLES))]

/**
 * An entry bigger than this is refused before JSON.parse: the stream carries
 * change hints and small alerts, never documents, and one runaway producer
 * must not make a laptop parse and store megabytes per event.
 */
export const MAX_FIELD_BYTES = 256 * 1024

export const upstreamAlertSchema = z.object({
  id: z.string().min(1).max(200),
  tenant: z.string().min(1).max(200),
  kind: z.string().min(1).max(100),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string().max(2_000),
  value: z.number().finite().nullable().optional(),
  at: z.iso.datetime({ offset: true }),
})
export type UpstreamAlert = z.infer<typeof upstreamAlertSchema>

export type StreamEvent =
  | {
      readonly kind: 'change'
      readonly streamId: string
      readonly type: string
      readonly table: string
      readonly id: string
      readonly at: number
      /**
       * The change's data as the stream carried it: JSON text, checked to be an object. Stored
       * as it is (changePayload); the parsed object is not kept, so it dies young.
       */
      readonly dataText: string
    }
  | {
      readonly kind: 'alert'
      readonly streamId: string
      readonly at: number
      readonly alert: UpstreamAlert
    }

export type ParsedEntry =
  | { readonly ok: true; readonly event: StreamEvent }
  | { readonly ok: false; readonly streamId: string; readonly reason: string }

const reject = (streamId: string, reason: string): ParsedEntry => ({
  ok: false,
  streamId,
  reason,
})

/** The reason for an oversize field: a name (null) or the value of the field named `name`. */
const oversize = (name: string | null, length: number): string =>
  `${name === null ? 'a field name' : `field ${name}`} is ${length} bytes (limit ${MAX_FIELD_BYTES})`

/** The fields an entry's checks read, as found in its list (the first of each name). */
export interface EntryFields {
  readonly type: string | undefined
  readonly tenant: string | undefined
  readonly at: string | undefined
  readonly data: string | undefined
  readonly id: string | undefined
  readonly table: string | undefined
}

// The names the checks read, by code, for the scan below.
const TYPE = 1
const TENANT = 2
const AT = 3
const DATA = 4
const ID = 5
const TABLE = 6

/** Which of the read names `b` spells in UTF-8 (0: none), compared byte by byte, undecoded. */
function nameCode(b: Uint8Array): number {
  switch (b.length) {
    case 2:
      if (b[0] === 0x69 && b[1] === 0x64) return ID
      if (b[0] === 0x61 && b[1] === 0x74) return AT
      return 0
    case 4:
      if (b[0] === 0x74 && b[1] === 0x79 && b[2] === 0x70 && b[3] === 0x65) return TYPE
      if (b[0] === 0x64 && b[1] === 0x61 && b[2] === 0x74 && b[3] === 0x61) return DATA
      return 0
    case 5:
      return b[0] === 0x74 && b[1] === 0x61 && b[2] === 0x62 && b[3] === 0x6c && b[4] === 0x65
        ? TABLE
        : 0
    case 6:
      return b[0] === 0x74 &&
        b[1] === 0x65 &&
        b[2] === 0x6e &&
        b[3] === 0x61 &&
        b[4] === 0x6e &&
        b[5] === 0x74
        ? TENANT
        : 0
    default:
      return 0
  }
}

/**
 * A field's length as the limit counts it (in UTF-16 units, a string's length, as it always
 * has), read without decoding while its bytes are within the limit: no text of more bytes than
 * the limit can be longer, and most fields are far below it.
 */
const textLength = (b: Buffer): number =>
  b.length <= MAX_FIELD_BYTES ? 0 : b.toString('utf8').length

const text = (b: Buffer | undefined): string | undefined =>
  b === undefined ? undefined : b.toString('utf8')

/** The oversize reason for field `index` of a byte list, `chars` long as text (the rare path). */
const oversizeBytes = (list: readonly Buffer[], index: number, chars: number): string =>
  oversize(index % 2 === 0 ? null : (list[index - 1] as Buffer).toString('utf8'), chars)

/** The values the checks read, undecoded, as found in an entry's list (the first of each name). */
export interface EntryBytes {
  readonly type: Buffer | undefined
  readonly tenant: Buffer | undefined
  readonly at: Buffer | undefined
  readonly data: Buffer | undefined
  readonly id: Buffer | undefined
  readonly table: Buffer | undefined
}

/**
 * The first pass of parseStreamEntryBytes, in one pass over the field list ([k, v, k, v, …] as
 * XREAD returns it) into locals (no Map, array or lookup object per entry): the size checks and
 * the values the checks read, undecoded; or the reason to skip the entry, the first field over
 * the limit in list order. A repeated field keeps its first value, a trailing name without a
 * value is ignored (but size-checked), and unknown fields — a name like an Object.prototype
 * member too — are skipped. Names are compared as UTF-8 bytes, which decoding maps one to one
 * onto the names read; a field over the limit in bytes is decoded to be measured in characters.
 */
export function scanEntryBytes(fields: readonly Buffer[] | null): EntryBytes | string {
  const list = fields ?? []
  const length = list.length
  let type: Buffer | undefined
  let entryTenant: Buffer | undefined
  let atText: Buffer | undefined
  let dataText: Buffer | undefined
  let id: Buffer | undefined
  let entryTable: Buffer | undefined
  for (let i = 0; i + 1 < length; i += 2) {
    const name = list[i] as Buffer
    const value = list[i + 1] as Buffer
    const nameChars = textLength(name)
    if (nameChars > MAX_FIELD_BYTES) return oversizeBytes(list, i, nameChars)
    const valueChars = textLength(value)
    if (valueChars > MAX_FIELD_BYTES) return oversizeBytes(list, i + 1, valueChars)
    switch (nameCode(name)) {
      case TYPE:
        type ??= value
        break
      case TENANT:
        entryTenant ??= value
        break
      case AT:
        atText ??= value
        break
      case DATA:
        dataText ??= value
        break
      case ID:
        id ??= value
        break
      case TABLE:
        entryTable ??= value
        break
    }
  }
  if (length % 2 === 1) {
    const dangling = textLength(list[length - 1] as Buffer)
    if (dangling > MAX_FIELD_BYTES) return oversizeBytes(list, length - 1, dangling)
  }
  return { type, tenant: entryTenant, at: atText, data: dataText, id, table: entryTable }
}

/**
 * Validates one stream entry, read as bytes (XREAD's reply undecoded, `xreadBuffer`). Never
 * throws: whatever upstream wrote, the answer is an event or a reason to skip it, so one bad
 * entry cannot stop the reader or reach the cache. Only the values the checks read are decoded
 * to text, not the field names or the other fields: decoding every field of the reply was a
 * fifth of the reader's time (issue 14). The answer for an entry is the one the parser before
 * issue 14 gave for it read as text (tests/unit/stream-ingest-validation.test.ts).
 */
export function parseStreamEntryBytes(
  streamId: string,
  fields: readonly Buffer[] | null,
  tenant: string,
): ParsedEntry {
  const scanned = scanEntryBytes(fields)
  if (typeof scanned === 'string') return reject(streamId, scanned)
  return checkEntry(
    streamId,
    {
      type: text(scanned.type),
      tenant: text(scanned.tenant),
      at: text(scanned.at),
      data: text(scanned.data),
      id: text(scanned.id),
      table: text(scanned.table),
    },
    tenant,
  )
}

/**
 * The checks every entry gets, in order: its fields are there, it is the tenant's, its time
 * is a time and its data a JSON object. Answers the reason to skip it, or its time and data.
 * Self-contained (globals only): the stream's writer thread runs it as its source text.
 */
export function checkCommonFields(
  f: EntryFields,
  tenant: string,
): string | { readonly at: number; readonly data: object } {
  if (!f.type) return 'missing field type'
  if (!f.tenant) return 'missing field tenant'
  if (!f.at) return 'missing field at'
  if (!f.data) return 'missing field data'
  if (f.tenant !== tenant) return `tenant ${f.tenant} is not ${tenant}`
  const at = Date.parse(f.at)
  if (!Number.isFinite(at)) return `at is not a time: ${f.at}`
  let data: unknown
  try {
    data = JSON.parse(f.data)
  } catch {
    return 'data is not JSON'
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return 'data is not a JSON object'
  }
  return { at, data }
}

/**
 * The checks of a change (an entry whose type is not `alert`) after the common ones: the reason
 * to skip it, or null. `tables` is EVENT_TABLES. Self-contained, as checkCommonFields.
 */
export function changeFieldsReason(
  f: EntryFields,
  tables: Readonly<Record<string, string>>,
): string | null {
  const type = f.type as string
  const table = tables[type]
  if (table === undefined) return `unknown type ${type}`
  if (!f.id) return 'missing field id'
  if (f.table !== table) return `table ${f.table ?? '(missing)'} does not match type ${type}`
  return null
}

/** The checks on an entry's fields, whichever scan found them. */
function checkEntry(streamId: string, f: EntryFields, tenant: string): ParsedEntry {
  const common = checkCommonFields(f, tenant)
  if (typeof common === 'string') return reject(streamId, common)
  const { at, data } = common
  const type = f.type as string
  if (type === 'alert') {
    // Alerts are rare next to change hints: zod's cost is paid only here.
    const alert = upstreamAlertSchema.safeParse(data)
    if (!alert.success) return reject(streamId, `alert data: ${alert.error.issues[0]?.message}`)
    if (alert.data.tenant !== tenant)
      return reject(streamId, `alert for tenant ${alert.data.tenant}`)
    return { ok: true, event: { kind: 'alert', streamId, at, alert: alert.data } }
  }
  const reason = changeFieldsReason(f, EVENT_TABLES)
  if (reason !== null) return reject(streamId, reason)
  return {
    ok: true,
    event: {
      kind: 'change',
      streamId,
      type,
      table: EVENT_TABLES[type] as string,
      id: f.id as string,
      at,
      dataText: f.data as string,
    },
  }
}

// ---------------------------------------------------------------------------
// Stream ids ("<ms>-<seq>") compared as numbers: as strings "9-0" > "10-0".

export function parseStreamId(id: string): readonly [bigint, bigint] | null {
  const m = /^(\d+)-(\d+)$/.exec(id)
  return m ? [BigInt(m[1] as string), BigInt(m[2] as string)] : null
}

export function compareStreamIds(a: string, b: string): number {
  const x = parseStreamId(a) ?? [0n, 0n]
  const y = parseStreamId(b) ?? [0n, 0n]
  if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1
  if (x[1] !== y[1]) return x[1] < y[1] ? -1 : 1
  return 0
}

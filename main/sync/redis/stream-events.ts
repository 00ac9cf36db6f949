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
      readonly data: Record<string, unknown>
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

/** The reason for an oversize field at `index` of the list ([name, value, …]). */
const oversize = (fields: readonly string[], index: number, length: number): string =>
  `${index % 2 === 0 ? 'a field name' : `field ${fields[index - 1]}`} is ${length} bytes (limit ${MAX_FIELD_BYTES})`

/**
 * Validates one stream entry. Never throws: whatever upstream wrote, the
 * answer is an event or a reason to skip it, so one bad entry cannot stop
 * the reader or reach the cache.
 *
 * This runs once per event on the ingest path, so it reads the field list
 * ([k, v, k, v, …] as XREAD returns it) in one pass, with the size check,
 * into locals: no Map, array or lookup object per entry. A repeated field
 * keeps its first value, a trailing name without a value is ignored (but
 * size-checked), and unknown fields — a name like an Object.prototype
 * member too — are skipped.
 */
export function parseStreamEntry(
  streamId: string,
  fields: readonly string[],
  tenant: string,
): ParsedEntry {
  const length = fields.length
  let type: string | undefined
  let entryTenant: string | undefined
  let atText: string | undefined
  let dataText: string | undefined
  let id: string | undefined
  let entryTable: string | undefined
  for (let i = 0; i + 1 < length; i += 2) {
    const name = fields[i] as string
    const value = fields[i + 1] as string
    // The first oversize field in list order is the one named, as before.
    if (name.length > MAX_FIELD_BYTES) return reject(streamId, oversize(fields, i, name.length))
    if (value.length > MAX_FIELD_BYTES) {
      return reject(streamId, oversize(fields, i + 1, value.length))
    }
    switch (name) {
      case 'type':
        type ??= value
        break
      case 'tenant':
        entryTenant ??= value
        break
      case 'at':
        atText ??= value
        break
      case 'data':
        dataText ??= value
        break
      case 'id':
        id ??= value
        break
      case 'table':
        entryTable ??= value
        break
    }
  }
  if (length % 2 === 1) {
    const dangling = (fields[length - 1] as string).length
    if (dangling > MAX_FIELD_BYTES) return reject(streamId, oversize(fields, length - 1, dangling))
  }
  if (!type) return reject(streamId, 'missing field type')
  if (!entryTenant) return reject(streamId, 'missing field tenant')
  if (!atText) return reject(streamId, 'missing field at')
  if (!dataText) return reject(streamId, 'missing field data')
  if (entryTenant !== tenant) return reject(streamId, `tenant ${entryTenant} is not ${tenant}`)
  const at = Date.parse(atText)
  if (!Number.isFinite(at)) return reject(streamId, `at is not a time: ${atText}`)
  let data: unknown
  try {
    data = JSON.parse(dataText)
  } catch {
    return reject(streamId, 'data is not JSON')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return reject(streamId, 'data is not a JSON object')
  }
  if (type === 'alert') {
    // Alerts are rare next to change hints: zod's cost is paid only here.
    const alert = upstreamAlertSchema.safeParse(data)
    if (!alert.success) return reject(streamId, `alert data: ${alert.error.issues[0]?.message}`)
    if (alert.data.tenant !== tenant)
      return reject(streamId, `alert for tenant ${alert.data.tenant}`)
    return { ok: true, event: { kind: 'alert', streamId, at, alert: alert.data } }
  }
  const table = EVENT_TABLES[type]
  if (table === undefined) return reject(streamId, `unknown type ${type}`)
  if (!id) return reject(streamId, 'missing field id')
  if (entryTable !== table) {
    return reject(streamId, `table ${entryTable ?? '(missing)'} does not match type ${type}`)
  }
  return {
    ok: true,
    event: { kind: 'change', streamId, type, table, id, at, data: data as Record<string, unknown> },
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

// The ingest rework of issue 14 must not change what is accepted, refused
// or stored: the in-place scan of the entry's bytes answers exactly as the
// Map-based parser of its text it replaced (kept below as the reference), and
// a stored row is the one the previous store wrote (byte for byte, the data's
// JSON as the producer wrote it).
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../main/store/index.ts'
import {
  EVENT_TABLES,
  MAX_FIELD_BYTES,
  parseStreamEntryBytes,
  upstreamAlertSchema,
  type ParsedEntry,
  type StreamEvent,
} from '../../main/sync/redis/stream-events.ts'
import {
  changePayload,
  EVENTS_PER_INSERT,
  storeStreamBatch,
} from '../../main/sync/redis/stream-store.ts'
import { tempDir } from '../support/temp.ts'

/** An entry as the reader gets it (bytes, `xreadBuffer`), from its fields as text. */
const parseStreamEntry = (streamId: string, fields: readonly string[], tenant: string) =>
  parseStreamEntryBytes(
    streamId,
    fields.map((f) => Buffer.from(f, 'utf8')),
    tenant,
  )

const T = 'acme'

/** The parser as it was before issue 14 (a Map per entry), verbatim: the reference. */
function referenceParse(streamId: string, fields: readonly string[], tenant: string): ParsedEntry {
  const reject = (reason: string): ParsedEntry => ({ ok: false, streamId, reason })
  for (let i = 0; i < fields.length; i++) {
    const value = fields[i] as string
    if (value.length > MAX_FIELD_BYTES) {
      const name = i % 2 === 0 ? 'a field name' : `field ${fields[i - 1]}`
      return reject(`${name} is ${value.length} bytes (limit ${MAX_FIELD_BYTES})`)
    }
  }
  const f = new Map<string, string>()
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const key = fields[i] as string
    if (!f.has(key)) f.set(key, fields[i + 1] as string)
  }
  for (const name of ['type', 'tenant', 'at', 'data']) {
    if (!f.get(name)) return reject(`missing field ${name}`)
  }
  const type = f.get('type') as string
  if (f.get('tenant') !== tenant) return reject(`tenant ${f.get('tenant')} is not ${tenant}`)
  const at = Date.parse(f.get('at') as string)
  if (!Number.isFinite(at)) return reject(`at is not a time: ${f.get('at')}`)
  let data: unknown
  try {
    data = JSON.parse(f.get('data') as string)
  } catch {
    return reject('data is not JSON')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return reject('data is not a JSON object')
  }
  if (type === 'alert') {
    const alert = upstreamAlertSchema.safeParse(data)
    if (!alert.success) return reject(`alert data: ${alert.error.issues[0]?.message}`)
    if (alert.data.tenant !== tenant) return reject(`alert for tenant ${alert.data.tenant}`)
    return { ok: true, event: { kind: 'alert', streamId, at, alert: alert.data } }
  }
  const table = EVENT_TABLES[type]
  if (table === undefined) return reject(`unknown type ${type}`)
  const id = f.get('id')
  if (!id) return reject('missing field id')
  if (f.get('table') !== table) {
    return reject(`table ${f.get('table') ?? '(missing)'} does not match type ${type}`)
  }
  return {
    ok: true,
    // The text as read (issue 14: stored as it came, not parsed and written again).
    event: { kind: 'change', streamId, type, table, id, at, dataText: f.get('data') as string },
  }
}

const alert = {
  id: 'a1',
  tenant: T,
  kind: 'lead_response',
  severity: 'warning',
  message: '3 leads waited',
  value: 3,
  at: '2026-05-01T10:00:00.000Z',
}

// Field names and values close to the real ones, so random entries reach
// every check (not only "missing field type"), plus arbitrary strings.
const fieldName = fc.oneof(
  fc.constantFrom(
    'type',
    'table',
    'id',
    'tenant',
    'at',
    'data',
    'extra',
    'constructor',
    '__proto__',
  ),
  fc.string({ maxLength: 6 }),
)
const fieldValue = fc.oneof(
  fc.constantFrom(
    ...Object.keys(EVENT_TABLES),
    ...Object.values(EVENT_TABLES),
    'alert',
    'toString',
    'constructor',
    T,
    'other',
    '',
    '42',
    '2026-05-01T10:00:00.000Z',
    'yesterday',
    '{"id":42}',
    '{}',
    '[1]',
    'null',
    '{"id": 1,',
    JSON.stringify(alert),
    JSON.stringify({ ...alert, tenant: 'other' }),
    JSON.stringify({ ...alert, severity: 'loud' }),
  ),
  fc.string({ maxLength: 12 }),
  fc.json({ maxDepth: 2 }),
)
const entry = fc
  .array(fc.tuple(fieldName, fieldValue), { maxLength: 9 })
  .chain((pairs) => fc.boolean().map((odd) => [...pairs.flat(), ...(odd ? ['dangling'] : [])]))

/** Every field of the demo upstream's lead event, in its order, with `over` applied. */
const lead = (over: Record<string, string | undefined> = {}) =>
  Object.entries({
    type: 'lead_updated',
    table: 'leads',
    id: '42',
    tenant: T,
    at: '2026-05-01T10:00:00.000Z',
    data: '{"id":42}',
    ...over,
  }).flatMap(([k, v]) => (v === undefined ? [] : [k, v]))

describe('stream entry validation after the ingest rework', () => {
  it('answers exactly as the previous parser for random entries (same event, same reason)', () => {
    fc.assert(
      fc.property(entry, (fields) => {
        expect(parseStreamEntry('5-1', fields, T)).toEqual(referenceParse('5-1', fields, T))
      }),
      { numRuns: 3_000 },
    )
  })

  it('answers as the previous parser for fields about the limit in bytes and in characters', () => {
    // The reader reads bytes and measures a field in characters as the previous parser did
    // (é: two bytes, one character; 𝄞: four bytes, two characters).
    const near = fc
      .tuple(
        fc.constantFrom('x', 'é', '𝄞'),
        fc.integer({ min: -2, max: 2 }),
        fc.constantFrom('data', 'id', 'note', 'type'),
        fc.boolean(),
      )
      .map(([char, delta, name, asName]) => {
        const units = char.length
        const text = char.repeat(Math.floor(MAX_FIELD_BYTES / units) + delta)
        return asName ? [...lead(), text, '1'] : lead({ [name]: text })
      })
    fc.assert(
      fc.property(near, (fields) => {
        expect(parseStreamEntry('5-1', fields, T)).toEqual(referenceParse('5-1', fields, T))
      }),
      { numRuns: 1_000 },
    )
    // A name over the limit in bytes, within it in characters, before a value over it: the
    // value's reason names the field, as before.
    const longName = 'é'.repeat(MAX_FIELD_BYTES / 2 + 1)
    const named = [...lead(), longName, 'x'.repeat(MAX_FIELD_BYTES + 1)]
    expect(parseStreamEntry('5-3', named, T)).toEqual(referenceParse('5-3', named, T))
    // No field list at all (an entry deleted under a reader): refused as an empty one.
    expect(parseStreamEntryBytes('5-2', null, T)).toEqual(referenceParse('5-2', [], T))
  })

  it('answers exactly as the previous parser for every field of a valid entry changed or dropped', () => {
    const valid = lead()
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.option(fieldValue, { nil: undefined }),
        fc.boolean(),
        (at, value, repeat) => {
          const fields = [...valid]
          if (value === undefined) fields.splice(at - (at % 2), 2)
          else fields[at] = value
          // A repeated field keeps its first value: the appended copy must not matter.
          const withCopy = repeat ? [...fields, 'tenant', 'other', 'data', '[]'] : fields
          expect(parseStreamEntry('9-0', withCopy, T)).toEqual(referenceParse('9-0', withCopy, T))
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it.each([
    [lead({ data: 'nope' }), 'data is not JSON'],
    [lead({ data: '[1]' }), 'data is not a JSON object'],
    [lead({ data: 'null' }), 'data is not a JSON object'],
    [lead({ type: 'lead_exploded' }), 'unknown type lead_exploded'],
    [lead({ type: 'constructor' }), 'table leads does not match type constructor'],
    [lead({ type: '' }), 'missing field type'],
    [lead({ tenant: undefined }), 'missing field tenant'],
    [lead({ tenant: 'other' }), 'tenant other is not acme'],
    [lead({ at: 'yesterday' }), 'at is not a time: yesterday'],
    [lead({ at: undefined }), 'missing field at'],
    [lead({ data: undefined }), 'missing field data'],
    [lead({ table: 'projects' }), 'table projects does not match type lead_updated'],
    [lead({ table: undefined }), 'table (missing) does not match type lead_updated'],
    [lead({ id: undefined }), 'missing field id'],
    [lead({ id: '' }), 'missing field id'],
    [
      lead({ data: 'x'.repeat(MAX_FIELD_BYTES + 1) }),
      `field data is ${MAX_FIELD_BYTES + 1} bytes (limit ${MAX_FIELD_BYTES})`,
    ],
    [
      [...lead(), 'y'.repeat(MAX_FIELD_BYTES + 1)],
      `a field name is ${MAX_FIELD_BYTES + 1} bytes (limit ${MAX_FIELD_BYTES})`,
    ],
    [lead({ type: 'alert', data: '{"id":"a"}' }), 'alert data: '],
    [
      lead({ type: 'alert', data: JSON.stringify({ ...alert, tenant: 'other' }) }),
      'alert for tenant other',
    ],
  ])('refuses %#: %s, as before', (fields, reason) => {
    const parsed = parseStreamEntry('7-1', fields, T)
    expect(parsed).toEqual(referenceParse('7-1', fields, T))
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.reason.startsWith(reason)).toBe(true)
  })
})

describe('stored rows after the ingest rework', () => {
  let dir: string
  let cleanup: () => void
  let db: Store
  beforeEach(() => {
    ;({ dir, cleanup } = tempDir())
    db = openStore(join(dir, 'cache.sqlite'))
  })
  afterEach(() => {
    db.close()
    cleanup()
  })

  const rows = (store: Store) =>
    store.prepare('SELECT stream_id, tenant_id, type, at, payload FROM events ORDER BY rowid').all()

  it('builds the payload as JSON.stringify({ table, id, data }), with the data as it was written', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(EVENT_TABLES)),
        fc.string(),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.constantFrom(0, 2),
        (table, id, data, indent) => {
          const text = JSON.stringify(data, null, indent)
          const payload = changePayload(table, id, text)
          // Written compactly, byte for byte the same; written otherwise, the same value.
          if (indent === 0) expect(payload).toBe(JSON.stringify({ table, id, data }))
          expect(JSON.parse(payload)).toEqual(JSON.parse(JSON.stringify({ table, id, data })))
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it('stores a valid change and alert as the rows the previous store wrote, and counts a replay as duplicates', () => {
    const change = parseStreamEntry(
      '1-0',
      lead({ data: '{"id":42,"name":"Zoë \\u00e9","n":1.50,"nested":{"a":[1,null]}}' }),
      T,
    )
    const up = parseStreamEntry(
      '2-0',
      lead({ type: 'alert', id: 'a1', table: undefined, data: JSON.stringify(alert) }),
      T,
    )
    if (!change.ok || !up.ok) throw new Error('the fixtures must be valid')
    const events: StreamEvent[] = [change.event, up.event]
    const first = storeStreamBatch(db, 'ops:acme:events', T, events, '3-0', 1_000)
    expect(first).toEqual({
      stored: 2,
      duplicates: 0,
      tables: ['leads'],
      newAlerts: [up.event.kind === 'alert' ? up.event.alert : null],
    })
    expect(rows(db)).toEqual([
      {
        stream_id: '1-0',
        tenant_id: T,
        type: 'lead_updated',
        at: Date.parse('2026-05-01T10:00:00.000Z'),
        // The data as upstream wrote it: the same value as the parsed one, which the feed shows.
        payload:
          '{"table":"leads","id":"42","data":{"id":42,"name":"Zoë \\u00e9","n":1.50,"nested":{"a":[1,null]}}}',
      },
      {
        stream_id: '2-0',
        tenant_id: T,
        type: 'alert',
        at: Date.parse(alert.at),
        payload: JSON.stringify(alert),
      },
    ])
    expect(db.prepare('SELECT stream_id FROM upstream_alerts').all()).toEqual([
      { stream_id: '2-0' },
    ])
    const again = storeStreamBatch(db, 'ops:acme:events', T, events, '4-0', 2_000)
    expect(again).toEqual({ stored: 0, duplicates: 2, tables: [], newAlerts: [] })
    expect(
      db.prepare("SELECT last_stream_id AS id FROM sync_state WHERE source = 'redis'").get(),
    ).toEqual({ id: '4-0' })
  })

  it('stores changes many to a statement exactly as one at a time: order, alerts between them, replays', () => {
    // Changes over several statements and a short tail, alerts between them,
    // and tables changing mid-statement.
    const events: StreamEvent[] = []
    const total = EVENTS_PER_INSERT * 3 + 7
    for (let n = 1; n <= total; n++) {
      const fields =
        n % 50 === 0
          ? lead({
              type: 'alert',
              table: undefined,
              data: JSON.stringify({ ...alert, id: `a${n}` }),
            })
          : n % 3 === 0
            ? lead({ type: 'customer_updated', table: 'customers', id: String(n) })
            : lead({ id: String(n), data: JSON.stringify({ id: n, note: `é${n}` }) })
      const parsed = parseStreamEntry(`${n}-0`, fields, T)
      if (!parsed.ok) throw new Error(`fixture ${n} must be valid: ${parsed.reason}`)
      events.push(parsed.event)
    }
    const alerts = events.filter((e) => e.kind === 'alert').length

    const first = storeStreamBatch(db, 's', T, events, `${total}-0`, 1_000)
    expect(first).toMatchObject({ stored: total, duplicates: 0 })
    expect([...first.tables].sort()).toEqual(['customers', 'leads'])
    expect(first.newAlerts).toHaveLength(alerts)
    // The reference: the rows one INSERT per event would have written, in stream order.
    expect(rows(db)).toEqual(
      events.map((e) => ({
        stream_id: e.streamId,
        tenant_id: T,
        type: e.kind === 'alert' ? 'alert' : e.type,
        at: e.at,
        payload:
          e.kind === 'alert' ? JSON.stringify(e.alert) : changePayload(e.table, e.id, e.dataText),
      })),
    )

    // A replay overlapping the stored rows (a reset stream read again): only the new ones count.
    const more = parseStreamEntry(`${total + 1}-0`, lead({ id: 'new' }), T)
    if (!more.ok) throw new Error('the fixture must be valid')
    const replay = [...events.slice(-EVENTS_PER_INSERT - 3), more.event]
    const again = storeStreamBatch(db, 's', T, replay, `${total + 1}-0`, 2_000)
    expect(again).toMatchObject({
      stored: 1,
      duplicates: replay.length - 1,
      newAlerts: [],
    })
    expect(again.tables).toContain('leads')
    expect(rows(db)).toHaveLength(total + 1)
    const none = storeStreamBatch(db, 's', T, replay, `${total + 1}-0`, 3_000)
    expect(none).toEqual({ stored: 0, duplicates: replay.length, tables: [], newAlerts: [] })
  })

  it('keeps its prepared statements per database: a second cache, and one reopened, store as well', () => {
    const event = parseStreamEntry('1-0', lead(), T)
    if (!event.ok) throw new Error('the fixture must be valid')
    const other = openStore(join(dir, 'other.sqlite'))
    try {
      storeStreamBatch(db, 's', T, [event.event], '1-0')
      storeStreamBatch(other, 's', T, [event.event], '1-0')
      expect(rows(other)).toEqual(rows(db))
    } finally {
      other.close()
    }
    const reopened = openStore(join(dir, 'other.sqlite'))
    try {
      expect(storeStreamBatch(reopened, 's', T, [event.event], '1-0').duplicates).toBe(1)
    } finally {
      reopened.close()
    }
  })
})

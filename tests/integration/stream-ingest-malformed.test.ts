// Strictness after the ingest rework (issue 14): one page mixing valid
// events with malformed ones of every kind — bad JSON, wrong types, missing
// fields, oversize, unknown type, another tenant, a mismatched table, bad
// alerts — read from the real Redis, stores exactly the valid ones (changes
// and alerts) and counts, logs and skips every other one, whether the page
// holds them all or they straddle small pages read ahead.
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startRedisSync, type RedisSync } from '../../main/sync/redis/index.ts'
import { MAX_FIELD_BYTES } from '../../main/sync/redis/stream-events.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const RUN = `m${process.pid}${Date.now()}`

let redis: Redis
let dir: string
let cleanup: () => void
let tenant: string
let stream: string
let counter = 0
const running: RedisSync[] = []
const opened: Store[] = []

beforeAll(() => {
  redis = new Redis(REDIS_URL)
})
afterAll(async () => {
  await redis.quit()
})
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  tenant = `${RUN}x${++counter}`
  stream = `ops:${tenant}:events`
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()))
  await redis.del(stream)
  for (const db of opened.splice(0)) db.close()
  cleanup()
})

type Fields = Record<string, string>
const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()
const lead = (n: number): Fields => ({
  type: 'lead_updated',
  table: 'leads',
  id: String(n),
  tenant,
  at: at(n),
  data: JSON.stringify({ id: n, status: 'contacted', owner: 'Zoë', updated_at: at(n) }),
})
const alert = (n: number, over: Record<string, unknown> = {}): Fields => ({
  type: 'alert',
  tenant,
  at: at(n),
  data: JSON.stringify({
    id: `${tenant}-alert-${n}`,
    tenant,
    kind: 'pipeline_drop',
    severity: 'warning',
    message: 'Pipeline dropped',
    value: 3,
    at: at(n),
    ...over,
  }),
})
const without = (fields: Fields, name: string): Fields =>
  Object.fromEntries(Object.entries(fields).filter(([k]) => k !== name))

/** Every kind of malformed entry, with (part of) the reason it is logged with. */
const malformed: readonly [kind: string, make: (n: number) => Fields, reason: string | RegExp][] = [
  ['bad JSON', (n) => ({ ...lead(n), data: '{"id": 1,' }), 'data is not JSON'],
  ['empty data', (n) => ({ ...lead(n), data: '' }), 'missing field data'],
  ['data an array', (n) => ({ ...lead(n), data: '[1,2]' }), 'data is not a JSON object'],
  ['data a number', (n) => ({ ...lead(n), data: '5' }), 'data is not a JSON object'],
  ['data null', (n) => ({ ...lead(n), data: 'null' }), 'data is not a JSON object'],
  ['data a string', (n) => ({ ...lead(n), data: '"x"' }), 'data is not a JSON object'],
  ['at not a time', (n) => ({ ...lead(n), at: 'yesterday' }), 'at is not a time: yesterday'],
  ['missing type', (n) => without(lead(n), 'type'), 'missing field type'],
  ['missing tenant', (n) => without(lead(n), 'tenant'), 'missing field tenant'],
  ['missing at', (n) => without(lead(n), 'at'), 'missing field at'],
  ['missing data', (n) => without(lead(n), 'data'), 'missing field data'],
  ['missing id', (n) => without(lead(n), 'id'), 'missing field id'],
  ['missing table', (n) => without(lead(n), 'table'), 'table (missing) does not match'],
  ['empty id', (n) => ({ ...lead(n), id: '' }), 'missing field id'],
  ['unknown type', (n) => ({ ...lead(n), type: 'lead_teleported' }), 'unknown type'],
  ['another tenant', (n) => ({ ...lead(n), tenant: 'someone-else' }), 'tenant someone-else'],
  ['table mismatch', (n) => ({ ...lead(n), table: 'customers' }), 'table customers'],
  [
    'oversize data',
    (n) => ({ ...lead(n), data: JSON.stringify({ blob: 'x'.repeat(MAX_FIELD_BYTES) }) }),
    /field data is \d+ bytes \(limit/,
  ],
  [
    'oversize field name',
    (n) => ({ ...lead(n), ['n'.repeat(MAX_FIELD_BYTES + 1)]: '1' }),
    /a field name is \d+ bytes/,
  ],
  ['alert without id', (n) => alert(n, { id: undefined }), 'alert data: '],
  ['alert severity unknown', (n) => alert(n, { severity: 'loud' }), 'alert data: '],
  ['alert value a string', (n) => alert(n, { value: '3' }), 'alert data: '],
  ['alert at not a time', (n) => alert(n, { at: 'soon' }), 'alert data: '],
  ['alert message a number', (n) => alert(n, { message: 42 }), 'alert data: '],
  ['alert of another tenant', (n) => alert(n, { tenant: 'someone-else' }), 'alert for tenant'],
]

interface Entry {
  readonly streamId: string
  readonly fields: Fields
  readonly bad?: (typeof malformed)[number]
}

/** The mix: valid changes and alerts between each malformed kind, a malformed one last. */
async function addMix(): Promise<Entry[]> {
  const planned: Omit<Entry, 'streamId'>[] = []
  let n = 0
  for (const bad of malformed) {
    planned.push({ fields: lead(n++) })
    planned.push({ fields: bad[1](n++), bad })
    if (n % 6 === 0) planned.push({ fields: alert(n++) })
  }
  planned.push({ fields: alert(n++) })
  planned.push({ fields: malformed[0]?.[1](n++) ?? lead(n), bad: malformed[0] })
  const pipeline = redis.pipeline()
  for (const p of planned) pipeline.xadd(stream, '*', ...Object.entries(p.fields).flat())
  const replies = (await pipeline.exec()) ?? []
  return planned.map((p, i) => {
    const [error, id] = replies[i] ?? [new Error('no reply'), null]
    if (error) throw error
    return { ...p, streamId: String(id) }
  })
}

async function ingest(entries: readonly Entry[], batchSize?: number) {
  const db = openStore(join(dir, `cache-${batchSize ?? 'default'}.sqlite`))
  opened.push(db)
  const logs: string[] = []
  const sync = startRedisSync({
    db,
    redis: { url: REDIS_URL },
    tenant,
    log: (line) => logs.push(line),
    blockMs: 200,
    ...(batchSize === undefined ? {} : { batchSize }),
  })
  running.push(sync)
  const last = entries.at(-1)?.streamId
  await until('the reader to reach the last entry', () => sync.stats().lastId === last, 30_000)
  return { db, logs, sync }
}

describe('malformed stream entries after the ingest rework', () => {
  // undefined: the default batch, so the whole mix is one page; 4: pages read ahead.
  for (const batchSize of [undefined, 4]) {
    it(`stores exactly the valid entries and counts every malformed kind (batch ${batchSize ?? 'default'})`, async () => {
      const entries = await addMix()
      const { db, logs, sync } = await ingest(entries, batchSize)

      const valid = entries.filter((e) => e.bad === undefined)
      const invalid = entries.filter((e) => e.bad !== undefined)
      expect(invalid.length).toBe(malformed.length + 1)
      expect(sync.stats()).toMatchObject({
        stored: valid.length,
        rejected: invalid.length,
        duplicates: 0,
        gaps: 0,
        alerts: valid.filter((e) => e.fields.type === 'alert').length,
      })

      // Exactly the valid entries, in order, each as the row the reader makes of it.
      const rows = db
        .prepare('SELECT stream_id, tenant_id, type, at, payload FROM events ORDER BY rowid')
        .all()
      expect(rows).toEqual(
        valid.map(({ streamId, fields }) => ({
          stream_id: streamId,
          tenant_id: tenant,
          type: fields.type,
          at: Date.parse(fields.at ?? ''),
          payload:
            fields.type === 'alert'
              ? fields.data
              : JSON.stringify({
                  table: fields.table,
                  id: fields.id,
                  data: JSON.parse(fields.data ?? '') as unknown,
                }),
        })),
      )
      const alerts = db
        .prepare('SELECT id, stream_id AS streamId FROM upstream_alerts ORDER BY rowid')
        .all()
      expect(alerts).toEqual(
        valid
          .filter((e) => e.fields.type === 'alert')
          .map((e) => ({
            id: (JSON.parse(e.fields.data ?? '') as { id: string }).id,
            streamId: e.streamId,
          })),
      )

      // Each malformed entry logged once, with its reason, and never its oversize value.
      const skipped = logs.filter((l) => l.includes('skipped entry'))
      expect(skipped).toHaveLength(invalid.length)
      for (const { streamId, bad } of invalid) {
        const line = skipped.find((l) => l.includes(`skipped entry ${streamId}: `))
        expect(line, bad?.[0]).toBeDefined()
        const reason = bad?.[2] ?? ''
        if (typeof reason === 'string') expect(line, bad?.[0]).toContain(reason)
        else expect(line, bad?.[0]).toMatch(reason)
      }
      expect(Math.max(...logs.map((l) => l.length))).toBeLessThan(1_000)

      // The position is the last entry read, although it was malformed.
      expect(
        db
          .prepare(
            "SELECT last_stream_id AS id FROM sync_state WHERE source = 'redis' AND table_name = ?",
          )
          .get(stream),
      ).toEqual({ id: entries.at(-1)?.streamId })
      expect(sync.status().state).toBe('live')
    })
  }
})

// A backlog's batches checked and stored on the writer thread (issue 14,
// main/sync/redis/stream-writer.ts), through the real Redis into real cache
// files: the same rows, counts, notifications and log lines as the reader's
// own thread stores (pages under OFF_THREAD_MIN_EVENTS never leave it), with
// malformed entries of every change kind and alerts among them (good, bad
// and repeated, one in 200 as the demo upstream writes them); a batch that fails
// to store leaves the one given after it unstored and the reader goes on
// from its position once the cache takes writes again; a thread that cannot
// open the cache hands every batch back; a reader stopped mid-backlog never
// holds a position past an event it lacks, and a restart ends exact.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../main/store/index.ts'
import { startRedisSync } from '../../main/sync/redis/index.ts'
import { MAX_FIELD_BYTES } from '../../main/sync/redis/stream-events.ts'
import { OFF_THREAD_MIN_EVENTS } from '../../main/sync/redis/stream-writer.ts'
import { REDIS_URL, useStreamFixture } from '../support/redis-stream.ts'
import { until } from '../support/wait.ts'

const PAGE = 1_000
const t = useStreamFixture('w')

type Fields = Record<string, string>
const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()
const lead = (n: number): Fields => ({
  type: n % 5 === 0 ? 'customer_updated' : 'lead_updated',
  table: n % 5 === 0 ? 'customers' : 'leads',
  id: n % 7 === 0 ? `lead ${n} ✓` : String(n),
  tenant: t.tenant,
  at: at(n),
  // Written with spaces, as some producers do: stored as written.
  data:
    n % 3 === 0
      ? JSON.stringify({ id: n, note: `Zoë ${n}` }, null, 1)
      : JSON.stringify({ id: n, status: 'contacted', owner: 'Zoë', updated_at: at(n) }),
})
const without = (fields: Fields, name: string): Fields =>
  Object.fromEntries(Object.entries(fields).filter(([k]) => k !== name))

/** Every malformed kind a change can have (alerts go with their batch to the reader's thread). */
const malformed: readonly ((n: number) => Fields)[] = [
  (n) => ({ ...lead(n), data: '{"id": 1,' }),
  (n) => ({ ...lead(n), data: '' }),
  (n) => ({ ...lead(n), data: '[1,2]' }),
  (n) => ({ ...lead(n), data: 'null' }),
  (n) => ({ ...lead(n), at: 'yesterday' }),
  (n) => without(lead(n), 'type'),
  (n) => without(lead(n), 'tenant'),
  (n) => without(lead(n), 'at'),
  (n) => without(lead(n), 'data'),
  (n) => without(lead(n), 'id'),
  (n) => without(lead(n), 'table'),
  (n) => ({ ...lead(n), type: 'lead_teleported' }),
  (n) => ({ ...lead(n), type: 'constructor' }),
  (n) => ({ ...lead(n), tenant: 'someone-else' }),
  (n) => ({ ...lead(n), table: 'customers', type: 'lead_updated' }),
  (n) => ({ ...lead(n), data: JSON.stringify({ blob: 'é'.repeat(MAX_FIELD_BYTES) }) }),
  // Over the limit in bytes, within it in characters: accepted, as by the string checks.
  (n) => ({ ...lead(n), data: JSON.stringify({ blob: 'é'.repeat(MAX_FIELD_BYTES / 2 + 10) }) }),
  (n) => ({ ...lead(n), ['n'.repeat(MAX_FIELD_BYTES + 1)]: '1' }),
  (n) => ({ ...lead(n), type: 'lead_updated', extra: 'x', data: '{"a":1,"a":2}' }),
]

const alert = (n: number): Fields => ({
  type: 'alert',
  tenant: t.tenant,
  at: at(n),
  data: JSON.stringify({
    id: `${t.tenant}-alert-${n}`,
    tenant: t.tenant,
    kind: 'pipeline_drop',
    severity: 'warning',
    message: 'Pipeline dropped',
    value: 3,
    at: at(n),
  }),
})

/**
 * An alert every `alertEvery`th entry (as the demo upstream writes them, one in 200): every
 * fourth of them malformed, and every third one a copy of the one before (its id already known).
 */
const alertEntry = (n: number, k: number): Fields =>
  k % 4 === 3
    ? { ...alert(n), data: JSON.stringify({ id: 'x', severity: 'loud' }) }
    : k % 3 === 2
      ? { ...alert(n - 1), at: at(n) }
      : alert(n)

/** `count` entries: changes, a malformed one every 37th, an alert every `alertEvery`th (if given). */
async function addBacklog(count: number, alertEvery?: number): Promise<string[]> {
  const ids: string[] = []
  for (let start = 0; start < count; start += 1_000) {
    const pipeline = t.redis.pipeline()
    for (let n = start; n < Math.min(count, start + 1_000); n++) {
      const fields =
        alertEvery !== undefined && n % alertEvery === alertEvery - 1
          ? alertEntry(n, Math.floor(n / alertEvery))
          : n % 37 === 36
            ? (malformed[Math.floor(n / 37) % malformed.length] as (n: number) => Fields)(n)
            : lead(n)
      pipeline.xadd(t.stream, '*', ...Object.entries(fields).flat())
    }
    for (const [error, id] of (await pipeline.exec()) ?? []) {
      if (error) throw error
      ids.push(String(id))
    }
  }
  return ids
}

function reader(
  name: string,
  options: { batchSize?: number; nativeBinding?: string; onStatus?: (s: string) => void } = {},
) {
  const db = openStore(join(t.dir, `${name}.sqlite`))
  t.opened.push(db)
  const logs: string[] = []
  const notified: string[] = []
  const sync = startRedisSync({
    db,
    redis: { url: REDIS_URL },
    tenant: t.tenant,
    log: (line) => logs.push(line),
    onAlert: (alert, origin) => notified.push(`${origin} ${alert.id}`),
    blockMs: 200,
    backoff: { baseMs: 20, capMs: 100 },
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    ...(options.onStatus ? { onStatus: (s) => options.onStatus?.(s.state) } : {}),
  })
  t.running.push(sync)
  return { db, logs, notified, sync }
}

const rowsOf = (db: Store) =>
  db.prepare('SELECT stream_id, tenant_id, type, at, payload FROM events ORDER BY rowid').all()
const alertsOf = (db: Store) =>
  db.prepare('SELECT id, stream_id FROM upstream_alerts ORDER BY rowid').all()
const positionOf = (db: Store) =>
  (
    db.prepare("SELECT last_stream_id AS id FROM sync_state WHERE source = 'redis'").get() as
      { id: string } | undefined
  )?.id
const skippedLines = (logs: readonly string[]) => logs.filter((l) => l.includes('skipped entry'))
const streamIdOrder = (a: string, b: string) => {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint]
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint]
  return am !== bm ? (am < bm ? -1 : 1) : as < bs ? -1 : as > bs ? 1 : 0
}

describe('the Redis stream backlog on the writer thread', () => {
  it('stores the same rows, counts and log lines as the reader’s own thread, and was used', async () => {
    const count = PAGE * 3 + 457
    const ids = await addBacklog(count, 200)
    const last = ids.at(-1)
    // The reference: pages under the thread's threshold are checked and stored on the reader's thread.
    const here = reader('here', { batchSize: OFF_THREAD_MIN_EVENTS - 1 })
    const there = reader('thread')
    const versionBefore = there.db.pragma('data_version', { simple: true })
    await until('both readers at the last entry', () =>
      [here, there].every((r) => r.sync.stats().lastId === last),
    )

    expect(rowsOf(there.db)).toEqual(rowsOf(here.db))
    expect(alertsOf(there.db)).toEqual(alertsOf(here.db))
    expect(alertsOf(there.db).length).toBeGreaterThan(5)
    // Each alert notified once, in the same order, whichever thread stored it.
    expect(there.notified).toEqual(here.notified)
    expect(there.notified).toHaveLength(alertsOf(there.db).length)
    expect(there.sync.stats()).toEqual(here.sync.stats())
    expect(skippedLines(there.logs)).toEqual(skippedLines(here.logs))
    expect(skippedLines(there.logs).some((l) => l.includes('alert data: '))).toBe(true)
    const malformedCount = ids.filter((_, n) => n % 37 === 36 && n % 200 !== 199).length
    // One of the kinds (over the limit in bytes only, and a key written twice) is valid.
    expect(there.sync.stats().rejected).toBeGreaterThan(malformedCount * 0.8)
    expect(there.sync.stats().stored + there.sync.stats().rejected).toBe(count)
    expect(positionOf(there.db)).toBe(last)
    // Another connection committed to this cache (the reader's own commits do not move it).
    expect(there.db.pragma('data_version', { simple: true })).not.toBe(versionBefore)
    // Whatever thread stored them, the feed reads the data as the producer wrote it.
    const spaced = rowsOf(there.db).find((r) =>
      String((r as { payload: string }).payload).includes('"note"'),
    ) as { payload: string }
    const parsed = JSON.parse(spaced.payload) as { data: { note: unknown } }
    expect(typeof parsed.data.note).toBe('string')
    expect(there.sync.status().state).toBe('live')
  })

  it('leaves the batch after a failed one unstored, and goes on from its position once the cache takes writes again', async () => {
    const count = PAGE * 5
    const ids = await addBacklog(count)
    const failAt = ids[PAGE * 2 + 500] as string
    const states: string[] = []
    const { db, logs, sync } = reader('failing', { onStatus: (s) => states.push(s) })
    // The thread's connection sees this cache's triggers: a write of one entry fails.
    db.exec(
      `CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.stream_id = '${failAt}'
       BEGIN SELECT RAISE(ABORT, 'disk says no'); END`,
    )
    await until('the reader to report the failure', () => states.includes('error'), 60_000)
    await until('the retries to find it again', () =>
      logs.some((l) => l.includes('could not store the stream') && l.includes('disk says no')),
    )
    // Nothing at or past the failed batch is stored, and the position is that of what is.
    const position = positionOf(db) as string
    expect(streamIdOrder(position, failAt)).toBeLessThan(0)
    const stored = rowsOf(db) as { stream_id: string }[]
    expect(stored.every((r) => streamIdOrder(r.stream_id, position) <= 0)).toBe(true)
    expect(stored.some((r) => streamIdOrder(r.stream_id, failAt) >= 0)).toBe(false)
    const before = ids.filter((id) => streamIdOrder(id, position) <= 0).length
    expect(stored.length + sync.stats().rejected).toBeGreaterThanOrEqual(before)

    db.exec('DROP TRIGGER refuse')
    await until(
      'the reader to reach the last entry',
      () => sync.stats().lastId === ids.at(-1),
      60_000,
    )
    const here = reader('reference', { batchSize: OFF_THREAD_MIN_EVENTS - 1 })
    await until('the reference reader', () => here.sync.stats().lastId === ids.at(-1))
    expect(rowsOf(db)).toEqual(rowsOf(here.db))
    expect(sync.stats().stored).toBe(here.sync.stats().stored)
    await until('live again', () => sync.status().state === 'live')
  })

  it('stores every batch on the reader’s thread when the thread cannot open the cache, and says so', async () => {
    const ids = await addBacklog(PAGE * 2 + 17)
    const { db, logs, sync } = reader('no-thread', { nativeBinding: join(t.dir, 'missing.node') })
    await until('the reader to reach the last entry', () => sync.stats().lastId === ids.at(-1))
    expect(logs.some((l) => l.includes('writer thread could not open the cache'))).toBe(true)
    const here = reader('reference', { batchSize: OFF_THREAD_MIN_EVENTS - 1 })
    await until('the reference reader', () => here.sync.stats().lastId === ids.at(-1))
    expect(rowsOf(db)).toEqual(rowsOf(here.db))
    expect(sync.stats()).toEqual(here.sync.stats())
  })

  it('stopped mid-backlog, never holds a position past an event it lacks; a restart ends exact', async () => {
    const ids = await addBacklog(PAGE * 12)
    const first = reader('stopped')
    await until('the first batches', () => first.sync.stats().stored > 0)
    await first.sync.stop()
    const position = positionOf(first.db) as string
    expect(first.sync.stats().lastId).toBe(position)
    const stored = rowsOf(first.db) as { stream_id: string }[]
    expect(stored.every((r) => streamIdOrder(r.stream_id, position) <= 0)).toBe(true)
    // Every entry up to the position is stored or was refused.
    const upTo = ids.filter((id) => streamIdOrder(id, position) <= 0).length
    expect(stored.length + first.sync.stats().rejected).toBe(upTo)

    const again = startRedisSync({
      db: first.db,
      redis: { url: REDIS_URL },
      tenant: t.tenant,
      log: () => {},
      blockMs: 200,
    })
    t.running.push(again)
    await until('the restarted reader at the last entry', () => again.stats().lastId === ids.at(-1))
    const here = reader('reference', { batchSize: OFF_THREAD_MIN_EVENTS - 1 })
    await until('the reference reader', () => here.sync.stats().lastId === ids.at(-1))
    expect(rowsOf(first.db)).toEqual(rowsOf(here.db))
    expect(again.stats().duplicates).toBe(0)
  })
})

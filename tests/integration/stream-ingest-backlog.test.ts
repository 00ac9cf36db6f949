// The reader on a backlog (issue 14): full batches are read ahead (the next
// XREAD and the gap check sent before the batch is stored), and that must
// change nothing a user can see: every malformed entry counted, logged and
// skipped wherever it falls in a batch, every good one stored once, in
// order, with the row the parser and store make of it, and the position at
// the last entry read, valid or not.
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startRedisSync, type RedisSync } from '../../main/sync/redis/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { tempDir } from '../support/temp.ts'

const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const RUN = `b${process.pid}${Date.now()}`

let redis: Redis
let dir: string
let cleanup: () => void
let db: Store
let tenant: string
let stream: string
let counter = 0
const running: RedisSync[] = []
const logs: string[] = []

beforeAll(() => {
  redis = new Redis(REDIS_URL)
})
afterAll(async () => {
  await redis.quit()
})
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  db = openStore(join(dir, 'cache.sqlite'))
  tenant = `${RUN}x${++counter}`
  stream = `ops:${tenant}:events`
  logs.length = 0
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()))
  await redis.del(stream)
  db.close()
  cleanup()
})

const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()
const lead = (n: number): Record<string, string> => ({
  type: 'lead_updated',
  table: 'leads',
  id: String(n),
  tenant,
  at: at(n),
  data: JSON.stringify({ id: n, status: 'contacted', owner: 'Zoë', updated_at: at(n) }),
})

/** Each malformed shape the parser refuses, with the reason it logs. */
const malformed: readonly [(n: number) => Record<string, string>, string][] = [
  [(n) => ({ ...lead(n), data: '{"id": 1,' }), 'data is not JSON'],
  [(n) => ({ ...lead(n), data: '[1]' }), 'data is not a JSON object'],
  [(n) => ({ ...lead(n), type: 'lead_teleported' }), 'unknown type lead_teleported'],
  [(n) => ({ ...lead(n), tenant: 'someone-else' }), `tenant someone-else is not `],
  [(n) => ({ ...lead(n), at: 'yesterday' }), 'at is not a time: yesterday'],
  [(n) => ({ ...lead(n), table: 'customers' }), 'table customers does not match type'],
  [(n) => ({ ...lead(n), id: '' }), 'missing field id'],
  [(n) => ({ ...lead(n), type: 'alert', data: '{"id":"a"}' }), 'alert data: '],
]

describe('Redis stream reader on a backlog', () => {
  it('counts, logs and skips malformed entries anywhere in full batches; stores the rest once, in order, as parsed', async () => {
    const batchSize = 40
    const total = 1_000
    // Bad entries at batch edges (first, last) and inside, cycling through every shape.
    const badAt = new Map<number, number>()
    let shape = 0
    for (let n = 0; n < total; n++) {
      if (n % batchSize === 0 || n % batchSize === batchSize - 1 || n % 37 === 5) {
        badAt.set(n, shape++ % malformed.length)
      }
    }
    badAt.set(total - 1, 0) // the very last entry: the position must still reach it
    const ids: string[] = []
    const pipeline = redis.pipeline()
    for (let n = 0; n < total; n++) {
      const which = badAt.get(n)
      const fields = which === undefined ? lead(n) : (malformed[which]?.[0](n) ?? lead(n))
      pipeline.xadd(stream, '*', ...Object.entries(fields).flat())
    }
    for (const [error, id] of (await pipeline.exec()) ?? []) {
      if (error) throw error
      ids.push(String(id))
    }

    const sync = startRedisSync({
      db,
      redis: { url: REDIS_URL },
      tenant,
      log: (line) => logs.push(line),
      blockMs: 200,
      batchSize,
    })
    running.push(sync)
    await vi.waitFor(() => expect(sync.stats().lastId).toBe(ids.at(-1)), {
      timeout: 20_000,
      interval: 20,
    })

    const good = ids.filter((_, n) => !badAt.has(n))
    expect(sync.stats()).toMatchObject({
      stored: good.length,
      rejected: badAt.size,
      duplicates: 0,
      gaps: 0,
    })
    for (const [n, which] of badAt) {
      const line = logs.find((l) => l.includes(`skipped entry ${ids[n]}:`))
      expect(line).toBe(
        `Redis stream ${stream}: skipped entry ${ids[n]}: ${line?.split(`${ids[n]}: `)[1] ?? ''}`,
      )
      expect(line).toContain(malformed[which]?.[1])
    }
    expect(logs.filter((l) => l.includes('skipped entry'))).toHaveLength(badAt.size)

    const rows = db
      .prepare('SELECT stream_id, tenant_id, type, at, payload FROM events ORDER BY rowid')
      .all()
    expect(rows).toEqual(
      good.map((streamId) => {
        const n = ids.indexOf(streamId)
        const fields = lead(n)
        return {
          stream_id: streamId,
          tenant_id: tenant,
          type: 'lead_updated',
          at: Date.parse(at(n)),
          payload: JSON.stringify({
            table: 'leads',
            id: String(n),
            data: JSON.parse(fields.data ?? '') as unknown,
          }),
        }
      }),
    )
    expect(
      db
        .prepare(
          "SELECT last_stream_id AS id FROM sync_state WHERE source = 'redis' AND table_name = ?",
        )
        .get(stream),
    ).toEqual({ id: ids.at(-1) })
    expect(sync.status().state).toBe('live')

    // Live after the backlog: a new entry is read and stored as before.
    const next = String(await redis.xadd(stream, '*', ...Object.entries(lead(total)).flat()))
    await vi.waitFor(() => expect(sync.stats().lastId).toBe(next), {
      timeout: 10_000,
      interval: 20,
    })
    expect(sync.stats().stored).toBe(good.length + 1)
  })

  it('drops a read-ahead of a stream reset mid-backlog and rereads the new stream from its start', async () => {
    const old: string[] = []
    for (let start = 0; start < 5_000; start += 1_000) {
      const pipeline = redis.pipeline()
      for (let n = start; n < start + 1_000; n++) {
        pipeline.xadd(stream, '*', ...Object.entries(lead(n)).flat())
      }
      for (const [error, id] of (await pipeline.exec()) ?? []) {
        if (error) throw error
        old.push(String(id))
      }
    }
    const gaps: string[] = []
    const sync = startRedisSync({
      db,
      redis: { url: REDIS_URL },
      tenant,
      log: (line) => logs.push(line),
      onGap: (gap) => gaps.push(gap.kind),
      blockMs: 200,
      batchSize: 10,
    })
    running.push(sync)
    // Mid-backlog (or after it, on a fast machine: the outcome must be the same),
    // the stream is replaced by a new one whose ids are all below our position.
    await vi.waitFor(() => expect(sync.stats().stored).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 5,
    })
    await redis.del(stream)
    const fresh: string[] = []
    for (let n = 1; n <= 25; n++) {
      fresh.push(String(await redis.xadd(stream, `${n}-1`, ...Object.entries(lead(n)).flat())))
    }
    await vi.waitFor(() => expect(sync.stats().lastId).toBe(fresh.at(-1)), {
      timeout: 20_000,
      interval: 20,
    })
    expect(gaps).toEqual(['reset'])
    const stored = (
      db.prepare('SELECT stream_id FROM events ORDER BY rowid').all() as { stream_id: string }[]
    ).map((r) => r.stream_id)
    // A prefix of the old stream, in order, then the whole new one, each once.
    const before = stored.slice(0, stored.length - fresh.length)
    expect(before).toEqual(old.slice(0, before.length))
    expect(stored.slice(before.length)).toEqual(fresh)
    expect(sync.stats()).toMatchObject({ rejected: 0, duplicates: 0, gaps: 1 })
  })
})

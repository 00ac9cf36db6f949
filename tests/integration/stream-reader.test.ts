// The Redis stream reader against the real Redis: exactly-once storage in
// order with the position, resume after a stop, gaps after trimming,
// malformed entries skipped, alerts from the stream and the channel stored once.
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  openStreamGaps,
  resolveStreamGap,
  startRedisSync,
  STREAM_TABLES,
  type RedisSync,
  type RedisSyncOptions,
  type StreamGap,
  type UpstreamAlert,
} from '../../main/sync/redis/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { tempDir } from '../support/temp.ts'

const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const RUN = `t${process.pid}${Date.now()}`

let redis: Redis
let dir: string
let cleanup: () => void
let db: Store
let tenant: string
let stream: string
let channel: string
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
  channel = `ops:${tenant}:alerts`
  logs.length = 0
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()))
  await redis.del(stream)
  db.close()
  cleanup()
})

function start(extra: Partial<RedisSyncOptions> = {}): RedisSync {
  const sync = startRedisSync({
    db,
    redis: { url: REDIS_URL },
    tenant,
    log: (line) => logs.push(line),
    blockMs: 200,
    ...extra,
  })
  running.push(sync)
  return sync
}

async function stop(sync: RedisSync): Promise<void> {
  running.splice(running.indexOf(sync), 1)
  await sync.stop()
}

/** A lead event with the field shape main/demo/upstream.ts writes. */
function leadFields(n: number, type = 'lead_updated'): string[] {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()
  return [
    'type',
    type,
    'table',
    'leads',
    'id',
    String(n),
    'tenant',
    tenant,
    'at',
    at,
    'data',
    JSON.stringify({ id: n, status: 'contacted', updated_at: at }),
  ]
}

async function addLeads(from: number, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let start = from; start < from + count; start += 500) {
    const pipeline = redis.pipeline()
    for (let n = start; n < Math.min(from + count, start + 500); n++) {
      pipeline.xadd(stream, '*', ...leadFields(n))
    }
    for (const [error, id] of (await pipeline.exec()) ?? []) {
      if (error) throw error
      ids.push(String(id))
    }
  }
  return ids
}

function alertOf(id: string): UpstreamAlert {
  return {
    id,
    tenant,
    kind: 'lead_response',
    severity: 'warning',
    message: '3 leads have waited more than 120 s for a first response',
    value: 3,
    at: new Date().toISOString(),
  }
}

async function addAlert(alert: UpstreamAlert): Promise<string> {
  const id = await redis.xadd(
    stream,
    '*',
    'type',
    'alert',
    'id',
    alert.id,
    'tenant',
    tenant,
    'at',
    alert.at,
    'data',
    JSON.stringify(alert),
  )
  return String(id)
}

const storedIds = () =>
  (db.prepare('SELECT stream_id FROM events ORDER BY rowid').all() as { stream_id: string }[]).map(
    (r) => r.stream_id,
  )
const position = () =>
  (
    db
      .prepare(
        "SELECT last_stream_id AS id FROM sync_state WHERE source = 'redis' AND table_name = ?",
      )
      .get(stream) as { id: string } | undefined
  )?.id

const caughtUp = async (sync: RedisSync, lastId: string) =>
  vi.waitFor(() => expect(sync.stats().lastId).toBe(lastId), { timeout: 10_000, interval: 20 })

describe('Redis stream reader', () => {
  it('stores each event exactly once, in order, with the stream position', async () => {
    const changes: string[][] = []
    const first = await addLeads(0, 300)
    const sync = start({ onChange: (tables) => changes.push([...tables]), batchSize: 100 })
    await caughtUp(sync, first.at(-1) as string)
    const more = await addLeads(300, 50)
    await caughtUp(sync, more.at(-1) as string)
    expect(storedIds()).toEqual([...first, ...more])
    expect(position()).toBe(more.at(-1))
    expect(changes.length).toBeGreaterThanOrEqual(4)
    expect(new Set(changes.flat())).toEqual(new Set(['leads']))
    const row = db.prepare('SELECT * FROM events WHERE stream_id = ?').get(first[7]) as {
      tenant_id: string
      type: string
      at: number
      payload: string
    }
    expect(row).toMatchObject({
      tenant_id: tenant,
      type: 'lead_updated',
      at: Date.UTC(2026, 0, 1) + 7000,
    })
    expect(JSON.parse(row.payload)).toMatchObject({ table: 'leads', id: '7', data: { id: 7 } })
    expect(sync.status()).toMatchObject({ name: 'Redis', state: 'live' })
    expect(sync.stats()).toMatchObject({ stored: 350, rejected: 0, duplicates: 0, gaps: 0 })
  })

  it('resumes from the stored id after a stop: 1,000 events added meanwhile, none twice, none missing', async () => {
    const before = await addLeads(0, 100)
    const a = start()
    await caughtUp(a, before.at(-1) as string)
    await stop(a)
    const during = await addLeads(100, 1_000)
    const b = start()
    await caughtUp(b, during.at(-1) as string)
    const all = (await redis.xrange(stream, '-', '+')).map(([id]) => id)
    expect(storedIds()).toEqual(all)
    expect(new Set(storedIds()).size).toBe(1_100)
    expect(b.stats()).toMatchObject({ stored: 1_000, duplicates: 0, gaps: 0 })
    expect(position()).toBe(all.at(-1))
  })

  it('detects entries trimmed while it was away, records the gap and reports it until resolved', async () => {
    const before = await addLeads(0, 50)
    const a = start()
    await caughtUp(a, before.at(-1) as string)
    await stop(a)
    const during = await addLeads(50, 1_000)
    await redis.xtrim(stream, 'MAXLEN', 10)
    const gaps: StreamGap[] = []
    const b = start({ onGap: (gap) => gaps.push(gap) })
    await caughtUp(b, during.at(-1) as string)
    expect(gaps).toHaveLength(1)
    expect(gaps[0]).toMatchObject({
      stream,
      kind: 'trimmed',
      lastId: before.at(-1),
      firstAvailable: during.at(-10),
      tables: STREAM_TABLES,
    })
    expect(
      logs.some((l) => l.includes('entries were trimmed') && l.includes(before.at(-1) as string)),
    ).toBe(true)
    // The ten that survived are stored, after the fifty read before.
    expect(storedIds()).toEqual([...before, ...during.slice(-10)])
    await stop(b)

    // Not yet re-pulled: a restart reports it again; once resolved, never again.
    const again: StreamGap[] = []
    const c = start({ onGap: (gap) => again.push(gap) })
    await vi.waitFor(() => expect(again).toHaveLength(1))
    expect(again[0]?.id).toBe(gaps[0]?.id)
    await stop(c)
    resolveStreamGap(db, gaps[0]?.id as number)
    expect(openStreamGaps(db, stream)).toEqual([])
    const later: StreamGap[] = []
    const d = start({ onGap: (gap) => later.push(gap), gapCheckIntervalMs: 0 })
    const tail = await addLeads(2_000, 3)
    await caughtUp(d, tail.at(-1) as string)
    expect(later).toEqual([])
  })

  it('detects a single XDEL after its position while running', async () => {
    const first = await addLeads(0, 5)
    const gaps: StreamGap[] = []
    const sync = start({ onGap: (gap) => gaps.push(gap), gapCheckIntervalMs: 0, blockMs: 50 })
    await caughtUp(sync, first.at(-1) as string)
    // Pause reading by deleting before the reader can see it: add and delete in one transaction.
    const multi = redis.multi()
    multi.xadd(stream, '*', ...leadFields(5))
    multi.xadd(stream, '*', ...leadFields(6))
    const results = (await multi.exec()) ?? []
    const lostId = String(results[0]?.[1])
    await redis.xdel(stream, lostId)
    const kept = String(results[1]?.[1])
    await caughtUp(sync, kept)
    // The reader may have read the entry before the XDEL (then nothing was lost).
    if (!storedIds().includes(lostId)) {
      await vi.waitFor(() => expect(gaps).toHaveLength(1))
      expect(gaps[0]).toMatchObject({ kind: 'trimmed', maxDeletedId: lostId })
    }
  })

  it('counts, logs and skips malformed entries; good ones after them are stored; cached rows untouched', async () => {
    const good = await addLeads(0, 3)
    const sync = start()
    await caughtUp(sync, good.at(-1) as string)
    const cached = db.prepare('SELECT * FROM events ORDER BY rowid').all()

    const base = leadFields(10)
    const withField = (name: string, value: string) => {
      const f = [...base]
      f[f.indexOf(name) + 1] = value
      return f
    }
    const bad = {
      notJson: String(await redis.xadd(stream, '*', ...withField('data', '{"id": 1,'))),
      unknownType: String(await redis.xadd(stream, '*', ...withField('type', 'lead_teleported'))),
      missingTenant: String(
        await redis.xadd(
          stream,
          '*',
          'type',
          'lead_updated',
          'table',
          'leads',
          'id',
          '1',
          'at',
          base[9] as string,
          'data',
          '{}',
        ),
      ),
      huge: String(
        await redis.xadd(
          stream,
          '*',
          ...withField('data', JSON.stringify({ blob: 'x'.repeat(10 * 1024 * 1024) })),
        ),
      ),
      wrongTable: String(await redis.xadd(stream, '*', ...withField('table', 'customers'))),
      badAlert: String(
        await redis.xadd(
          stream,
          '*',
          'type',
          'alert',
          'id',
          'a',
          'tenant',
          tenant,
          'at',
          base[9] as string,
          'data',
          '{"id":"a"}',
        ),
      ),
    }
    const after = await addLeads(20, 2)
    await caughtUp(sync, after.at(-1) as string)

    expect(sync.stats().rejected).toBe(6)
    for (const id of Object.values(bad)) {
      expect(logs.some((l) => l.includes(`skipped entry ${id}`))).toBe(true)
    }
    expect(logs.find((l) => l.includes(bad.notJson))).toContain('not JSON')
    expect(logs.find((l) => l.includes(bad.unknownType))).toContain('unknown type lead_teleported')
    expect(logs.find((l) => l.includes(bad.missingTenant))).toContain('missing field tenant')
    expect(logs.find((l) => l.includes(bad.huge))).toMatch(/field data is \d+ bytes/)
    // No log line carries the 10 MB value.
    expect(Math.max(...logs.map((l) => l.length))).toBeLessThan(1_000)
    expect(storedIds()).toEqual([...good, ...after])
    expect(db.prepare('SELECT * FROM events ORDER BY rowid LIMIT 3').all()).toEqual(cached)
    expect(position()).toBe(after.at(-1))
    expect(sync.status().state).toBe('live')
  })

  it('stores an alert once whether the channel or the stream copy arrives first', async () => {
    const alerts: [string, string][] = []
    const sync = start({ onAlert: (alert, origin) => alerts.push([alert.id, origin]) })
    await vi.waitFor(async () => {
      const [, subscribers] = (await redis.pubsub('NUMSUB', channel)) as [string, number]
      expect(subscribers).toBe(1)
    })

    // Channel first, then the stream copy.
    const one = alertOf(`${tenant}-1`)
    await redis.publish(channel, JSON.stringify(one))
    await vi.waitFor(() => expect(alerts).toHaveLength(1))
    const oneStreamId = await addAlert(one)
    await caughtUp(sync, oneStreamId)

    // Stream first, then the channel copy (a subscriber that also reads the stream).
    const two = alertOf(`${tenant}-2`)
    const twoStreamId = await addAlert(two)
    await caughtUp(sync, twoStreamId)
    await redis.publish(channel, JSON.stringify(two))

    // A malformed channel message, then a good one as the signal that both were handled.
    await redis.publish(channel, '{"id": "x", "severity": "loud"}')
    await redis.publish(channel, 'not json')
    const three = alertOf(`${tenant}-3`)
    await redis.publish(channel, JSON.stringify(three))
    await vi.waitFor(() => expect(alerts).toHaveLength(3))

    expect(alerts).toEqual([
      [one.id, 'pubsub'],
      [two.id, 'stream'],
      [three.id, 'pubsub'],
    ])
    const rows = db
      .prepare('SELECT id, origin, stream_id, severity, value FROM upstream_alerts ORDER BY id')
      .all()
    expect(rows).toEqual([
      { id: one.id, origin: 'pubsub', stream_id: oneStreamId, severity: 'warning', value: 3 },
      { id: two.id, origin: 'stream', stream_id: twoStreamId, severity: 'warning', value: 3 },
      { id: three.id, origin: 'pubsub', stream_id: null, severity: 'warning', value: 3 },
    ])
    expect(sync.stats().rejected).toBe(2)
    expect(logs.filter((l) => l.includes(`Redis channel ${channel}: skipped`))).toHaveLength(2)
  })

  it('reads upstream metric snapshots from hashes and JSON strings, skipping bad ones', async () => {
    const prefix = `analytics:metrics:${tenant}:`
    await redis.hset(`${prefix}lead_response`, {
      average_seconds: '113.5',
      share_under_target: '0.61',
      label: 'ok',
    })
    await redis.set(`${prefix}revenue`, JSON.stringify({ month: '2026-05', cents: 123456 }))
    await redis.set(`${prefix}broken`, '{nope')
    const sync = start()
    try {
      const result = await sync.readMetricSnapshots()
      expect(result.stored).toBe(2)
      expect(result.skipped).toEqual([{ name: 'broken', reason: 'not JSON' }])
      const rows = db
        .prepare(
          'SELECT name, value FROM upstream_metric_snapshots WHERE tenant_id = ? ORDER BY name',
        )
        .all(tenant) as { name: string; value: string }[]
      expect(rows.map((r) => [r.name, JSON.parse(r.value) as unknown])).toEqual([
        ['lead_response', { average_seconds: 113.5, share_under_target: 0.61, label: 'ok' }],
        ['revenue', { month: '2026-05', cents: 123456 }],
      ])
    } finally {
      await redis.del(`${prefix}lead_response`, `${prefix}revenue`, `${prefix}broken`)
    }
  })
})

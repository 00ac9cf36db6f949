// The demo upstream against the real Postgres and Redis: seeding is exact and
// repeatable, the writer commits before it announces, and it stops cleanly.
import { Client, Pool } from 'pg'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import type { DemoDataset } from '../../main/demo/types.ts'
import {
  centsToDollars,
  demoUpstream,
  dropUpstream,
  runUpstreamWriter,
  seedUpstream,
  type UpstreamEvent,
} from '../../main/demo/upstream.ts'
import { until } from '../support/wait.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const SCHEMA = `wf_test_${process.pid}_${Date.now()}`
const TENANT = `t${Date.now()}`
const STREAM = `ops:${TENANT}:events`
const ALERTS = `ops:${TENANT}:alerts`
// Tags this file's connections so the leak check counts only them.
const APPLICATION = `wf-demo-upstream-${process.pid}`

const TABLES = [
  'leads',
  'customers',
  'projects',
  'appointments',
  'marketing_channels',
  'revenue_targets',
  'market_segments',
] as const

let pool: Pool
let redis: Redis
let dataset: DemoDataset

/** What the generator produced, counted the way the SQL below counts it. */
function expectedTotals(data: DemoDataset) {
  const counts: Record<(typeof TABLES)[number], number> = {
    leads: 0,
    customers: 0,
    projects: 0,
    appointments: 0,
    marketing_channels: data.marketingChannels.length,
    revenue_targets: data.revenueTargets.length,
    market_segments: data.marketSegments.length,
  }
  let wonDealCents = 0n
  let projectValueCents = 0n
  let createdAtMs = 0n
  let maxLeadId = 0
  for (const { lead, customer, project, appointments } of data.leads()) {
    counts.leads++
    if (customer) counts.customers++
    if (project) {
      counts.projects++
      projectValueCents += BigInt(project.value_cents)
    }
    counts.appointments += appointments.length
    if (lead.status === 'won' && lead.deal_value_cents !== null) {
      wonDealCents += BigInt(lead.deal_value_cents)
    }
    createdAtMs += BigInt(lead.created_at)
    maxLeadId = Math.max(maxLeadId, lead.id)
  }
  return { counts, wonDealCents, projectValueCents, createdAtMs, maxLeadId }
}

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of TABLES) {
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from "${SCHEMA}"."${table}"`,
    )
    counts[table] = rows[0]?.n ?? -1
  }
  return counts
}

/** Connections of this file that sit inside an open transaction. */
async function idleInTransaction(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
     where datname = current_database() and application_name = $1
       and state like 'idle in transaction%'`,
    [APPLICATION],
  )
  return rows[0]?.n ?? -1
}

function fieldsOf(entry: [id: string, fields: string[]]): Record<string, string> {
  const [, flat] = entry
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string
  return fields
}

beforeAll(() => {
  pool = new Pool({ connectionString: PG_URL, max: 4, application_name: APPLICATION })
  redis = new Redis(REDIS_URL)
  dataset = generateDemo({ seed: 7, leads: 2000, endAt: Date.UTC(2026, 10, 1), tenantId: TENANT })
})

afterAll(async () => {
  await dropUpstream(pool, SCHEMA)
  await redis.del(STREAM)
  redis.disconnect()
  await pool.end()
})

describe('centsToDollars', () => {
  it('is exact where cents / 100 is not', () => {
    expect(centsToDollars(0)).toBe('0.00')
    expect(centsToDollars(7)).toBe('0.07')
    expect(centsToDollars(-5)).toBe('-0.05')
    expect(centsToDollars(123_456_789_01)).toBe('123456789.01')
    expect(centsToDollars(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91')
    expect(() => centsToDollars(1.5)).toThrow(RangeError)
  })
})

describe('seedUpstream', () => {
  it('loads every generated row, with exact money and times', async () => {
    const expected = expectedTotals(dataset)
    const progress: [number, number][] = []
    const result = await seedUpstream({
      pg: pool,
      schema: SCHEMA,
      dataset,
      batchSize: 500,
      onProgress: (done, total) => progress.push([done, total]),
    })

    expect(result).toEqual({ leads: 2000, inserted: 2000 })
    expect(progress).toEqual([
      [500, 2000],
      [1000, 2000],
      [1500, 2000],
      [2000, 2000],
    ])
    expect(await tableCounts()).toEqual(expected.counts)

    const { rows } = await pool.query<{ won: string; projects: string; created: string }>(
      `select
         (select sum(deal_value * 100)::bigint::text from "${SCHEMA}".leads where status = 'won') as won,
         (select sum(value * 100)::bigint::text from "${SCHEMA}".projects) as projects,
         (select sum((extract(epoch from created_at) * 1000)::bigint)::text from "${SCHEMA}".leads)
           as created`,
    )
    expect(rows[0]).toEqual({
      won: String(expected.wonDealCents),
      projects: String(expected.projectValueCents),
      created: String(expected.createdAtMs),
    })

    const segments = await pool.query<{ name: string; cities: string[] }>(
      `select name, cities from "${SCHEMA}".market_segments order by id`,
    )
    expect(segments.rows).toEqual(
      dataset.marketSegments.map((s) => ({
        name: s.name,
        cities: JSON.parse(s.cities) as unknown,
      })),
    )
  })

  it('skips rows that are already there when seeding again (through a Client)', async () => {
    const before = await tableCounts()
    const client = new Client({ connectionString: PG_URL, application_name: APPLICATION })
    await client.connect()
    try {
      const again = await seedUpstream({ pg: client, schema: SCHEMA, dataset })
      expect(again).toEqual({ leads: 2000, inserted: 0 })
    } finally {
      await client.end()
    }
    expect(await tableCounts()).toEqual(before)
  })
})

describe('runUpstreamWriter', () => {
  it('writes maxEvents changes at the given rate and announces each after commit', async () => {
    const { maxLeadId } = expectedTotals(dataset)
    const startedAt = (await pool.query<{ now: Date }>('select now()')).rows[0]?.now
    const lengthBefore = await redis.xlen(STREAM)

    const subscriber = new Redis(REDIS_URL)
    const published: string[] = []
    subscriber.on('message', (_channel: string, message: string) => published.push(message))
    await subscriber.subscribe(ALERTS)

    const seen: UpstreamEvent[] = []
    const t0 = performance.now()
    const result = await runUpstreamWriter({
      pg: pool,
      redis,
      schema: SCHEMA,
      tenantId: TENANT,
      ratePerSecond: 200,
      seed: 11,
      maxEvents: 100,
      alertEvery: 50,
      onEvent: (e) => seen.push(e),
    })
    const elapsed = performance.now() - t0

    expect(result).toEqual({ events: 100 })
    // 100 events at 200/s are due over 0.5 s; the schedule must not burst.
    // (No upper bound but a hang guard: a loaded machine may run late.)
    expect(elapsed).toBeGreaterThan(400)
    expect(elapsed).toBeLessThan(60_000)

    const changed = await pool.query<{ n: number; created: number; max_id: string }>(
      `select count(*)::int as n,
              count(*) filter (where id > $2)::int as created,
              max(id)::text as max_id
       from "${SCHEMA}".leads where updated_at >= $1`,
      [startedAt, maxLeadId],
    )
    expect(changed.rows[0]?.n).toBeGreaterThan(0)
    expect(changed.rows[0]?.created).toBeGreaterThan(0)
    expect(await idleInTransaction()).toBe(0)

    const length = await redis.xlen(STREAM)
    expect(length - lengthBefore).toBeGreaterThanOrEqual(100)
    const entries = (await redis.xrange(STREAM, '-', '+')).map(fieldsOf)
    const leadEntries = entries.filter((f) => f.type !== 'alert')
    expect(leadEntries).toHaveLength(100)
    for (const f of leadEntries) {
      expect(['lead_created', 'lead_updated', 'lead_converted', 'lead_deleted']).toContain(f.type)
      expect(f.table).toBe('leads')
      expect(f.tenant).toBe(TENANT)
      expect(new Date(f.at ?? '').toISOString()).toBe(f.at)
      const data = JSON.parse(f.data ?? '') as Record<string, unknown>
      expect(String(data.id)).toBe(f.id)
      expect(data.tenant_id).toBe(TENANT)
      if (f.type === 'lead_converted') {
        expect(data.status).toBe('won')
        expect(data.deal_value).toMatch(/^\d+\.\d\d$/)
      }
      if (f.type === 'lead_deleted') expect(data.deleted_at).not.toBeNull()
    }

    // Announced after commit: every announced row is in Postgres as announced.
    const last = JSON.parse(leadEntries.at(-1)?.data ?? '') as { id: number; updated_at: string }
    const stored = await pool.query<{ updated_at: Date }>(
      `select updated_at from "${SCHEMA}".leads where id = $1`,
      [last.id],
    )
    expect(stored.rows[0]?.updated_at.toISOString()).toBe(last.updated_at)

    // Two alerts (after events 50 and 100): in the stream and on the channel.
    const alerts = entries.filter((f) => f.type === 'alert')
    expect(alerts).toHaveLength(2)
    // Pub/sub delivery is asynchronous: wait for it, generously (vitest's default is 1 s).
    await expect.poll(() => published.length, { timeout: 30_000 }).toBe(2)
    expect(published.map((m) => (JSON.parse(m) as { id: string }).id)).toEqual(
      alerts.map((f) => f.id),
    )
    expect(seen.filter((e) => e.type !== 'alert')).toHaveLength(100)
    expect(seen.every((e) => /^\d+-\d+$/.test(e.streamId))).toBe(true)
    subscriber.disconnect()
  })

  it('stops promptly on abort and leaves no transaction open', async () => {
    const controller = new AbortController()
    const announced: UpstreamEvent[] = []
    const running = runUpstreamWriter({
      pg: pool,
      redis,
      schema: SCHEMA,
      tenantId: TENANT,
      ratePerSecond: 200,
      seed: 12,
      signal: controller.signal,
      onEvent: (e) => announced.push(e),
    })
    await until('some events', () => (announced.length > 0 ? true : undefined))
    const atAbort = announced.length
    controller.abort()
    const result = await running
    // "Promptly" is not a time on a loaded machine: the tick in flight
    // finishes and no other starts. A tick is one transaction, so every
    // change announced after the abort carries that one transaction's time.
    const after = announced.slice(atAbort).filter((e) => e.type !== 'alert')
    expect(new Set(after.map((e) => e.at)).size).toBeLessThanOrEqual(1)
    expect(result.events).toBe(announced.filter((e) => e.type !== 'alert').length)
    expect(pool.totalCount - pool.idleCount).toBe(0)
    expect(await idleInTransaction()).toBe(0)
  })
})

describe('demoUpstream', () => {
  it('reports an unreachable Postgres in one sentence', async () => {
    await expect(
      demoUpstream({
        pgUrl: 'postgres://postgres@127.0.0.1:1/test',
        redisUrl: REDIS_URL,
        leads: 1000,
        rate: 10,
        log: () => undefined,
      }),
    ).rejects.toThrow(/^Cannot reach Postgres at 127\.0\.0\.1:1: connection refused$/)
  })

  it('reports an unreachable Redis in one sentence', async () => {
    await expect(
      demoUpstream({
        pgUrl: PG_URL,
        redisUrl: 'redis://127.0.0.1:1',
        leads: 1000,
        rate: 10,
        log: () => undefined,
      }),
    ).rejects.toThrow(/^Cannot reach Redis at 127\.0\.0\.1:1: connection refused$/)
  })

  it('seeds, writes until aborted and closes its connections', async () => {
    const schema = `${SCHEMA}_cli`
    const tenantId = `${TENANT}cli`
    const lines: string[] = []
    const controller = new AbortController()
    try {
      const running = demoUpstream({
        pgUrl: PG_URL,
        redisUrl: REDIS_URL,
        schema,
        tenantId,
        leads: 1000,
        rate: 100,
        seed: 3,
        endAt: Date.UTC(2026, 10, 1),
        signal: controller.signal,
        log: (line) => lines.push(line),
      })
      await expect
        .poll(() => lines.some((l) => l.startsWith('Writing')), { timeout: 30_000 })
        .toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 200))
      controller.abort()
      await running
      expect(lines.filter((l) => /^Seeded \d+ %/.test(l))).toHaveLength(10)
      expect(lines.at(-1)).toMatch(/^Stopped after \d+ events$/)
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from "${schema}".leads where tenant_id = $1`,
        [tenantId],
      )
      expect(rows[0]?.n).toBeGreaterThanOrEqual(1000)
    } finally {
      await dropUpstream(pool, schema)
      await redis.del(`ops:${tenantId}:events`)
    }
  })
})

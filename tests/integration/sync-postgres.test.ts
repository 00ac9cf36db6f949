// The Postgres sync against the real Postgres: what a user would check —
// the cache equals upstream table by table, changes arrive exactly (even
// from a transaction that commits late), deletes delete, failures read as a
// sentence, bad rows are skipped and named, drift breaks only its table, and
// a tenant filter keeps other tenants out.
import { Client, Pool } from 'pg'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { installChangeLog, pruneChangeLog } from '../../main/sync/postgres/change-log.ts'
import { startPostgresSync, type PostgresSyncOptions } from '../../main/sync/postgres/engine.ts'
import { opsManifest, type RowFilter } from '../../main/sync/manifest.ts'
import { compareWithUpstream } from '../../main/sync/postgres/verify.ts'
import { tempDir } from '../support/temp.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const BASE = `wf_sync_${process.pid}_${Date.now()}`
const REDIS_PREFIX = `${BASE}:`
const END_AT = Date.parse('2026-06-01T12:00:00Z')

let pool: Pool
let redis: Redis
const schemas: string[] = []
const temp = tempDir('watchfloor-sync-')
let dbCount = 0

beforeAll(async () => {
  pool = new Pool({ connectionString: PG_URL, max: 6 })
  redis = new Redis(REDIS_URL, { lazyConnect: true })
  await redis.connect()
})

afterAll(async () => {
  for (const schema of schemas) await dropUpstream(pool, schema)
  const keys = await redis.keys(`${REDIS_PREFIX}*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
  await pool.end()
  temp.cleanup()
})

/** A seeded upstream schema of its own, with the change log installed unless told not to. */
async function upstream(name: string, leads = 2_000, changeLog = true): Promise<string> {
  const schema = `${BASE}_${name}`
  schemas.push(schema)
  await seedUpstream({
    pg: pool,
    schema,
    dataset: generateDemo({ seed: 7, leads, endAt: END_AT }),
  })
  if (changeLog) await installChangeLog(pool, schema, opsManifest)
  return schema
}

function cache(): Store {
  return openStore(`${temp.dir}/cache-${++dbCount}.sqlite`)
}

interface Started {
  sync: ReturnType<typeof startPostgresSync>
  logs: string[]
}

function start(db: Store, schema: string, extra: Partial<PostgresSyncOptions> = {}): Started {
  const logs: string[] = []
  const sync = startPostgresSync({
    db,
    pgConfig: { connectionString: PG_URL, applicationName: `wf-sync-test-${process.pid}` },
    schema,
    intervalMs: 200,
    backoff: { baseMs: 50, capMs: 400 },
    log: (line) => logs.push(line),
    ...extra,
  })
  return { sync, logs }
}

async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function mismatches(db: Store, schema: string, filter: RowFilter = {}) {
  return (await compareWithUpstream(pool, schema, db, opsManifest, filter)).filter((t) => !t.equal)
}

async function expectConverges(db: Store, schema: string, filter: RowFilter = {}) {
  let last: unknown
  await waitFor(async () => {
    const bad = await mismatches(db, schema, filter)
    last = bad
    return bad.length === 0
  }, 'the cache to equal upstream').catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(last)}`)
  })
}

const localLead = (db: Store, id: number) =>
  db.prepare('SELECT * FROM leads WHERE id = ?').get(id) as Record<string, unknown> | undefined

describe('Postgres sync', () => {
  it('copies every table exactly on the first sync and rebuilds the indexes it dropped', async () => {
    const schema = await upstream('initial')
    const db = cache()
    const { sync } = start(db, schema, { once: true, batchRows: 700 })
    await sync.done
    expect(await mismatches(db, schema)).toEqual([])
    const counts = await compareWithUpstream(pool, schema, db, opsManifest)
    expect(counts.find((t) => t.table === 'leads')?.localRows).toBeGreaterThan(1_500)
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads'")
      .all()
      .map((r) => (r as { name: string }).name)
    expect(indexes).toEqual(expect.arrayContaining(['leads_created_at', 'leads_updated_at']))
    expect(sync.status()).toMatchObject({ state: 'live', approximate: false })
    db.close()
  })

  it('equals upstream once the demo writer stops, after writing throughout the sync', async () => {
    const schema = await upstream('writer', 5_000)
    const db = cache()
    const controller = new AbortController()
    const writer = runUpstreamWriter({
      pg: pool,
      redis,
      schema,
      tenantId: 'demo',
      streamKey: `${REDIS_PREFIX}writer`,
      alertChannel: `${REDIS_PREFIX}alerts`,
      ratePerSecond: 400,
      seed: 3,
      maxEvents: 600,
      signal: controller.signal,
    })
    const { sync } = start(db, schema, { batchRows: 500 })
    const { events } = await writer
    expect(events).toBe(600)
    await expectConverges(db, schema)
    expect(sync.status().state).toBe('live')
    await sync.stop()
    db.close()
  })

  it('receives a row from a transaction that commits after later ones, through the change log', async () => {
    const schema = await upstream('longtx')
    const db = cache()
    const { sync } = start(db, schema)
    await sync.synced()
    const long = new Client({ connectionString: PG_URL })
    await long.connect()
    try {
      await long.query('begin')
      await long.query(
        `update "${schema}".leads set city = 'Long Transaction', updated_at = now() where id = 5`,
      )
      for (let i = 0; i < 3; i++) {
        await pool.query(
          `update "${schema}".leads set owner = 'later ${i}', updated_at = now() where id = ${10 + i}`,
        )
        await sync.synced()
      }
      // The later commits are held back behind the open transaction's xid:
      // the horizon does not pass it, so nothing is skipped.
      expect(localLead(db, 5)?.city).not.toBe('Long Transaction')
      await long.query('commit')
    } finally {
      await long.end()
    }
    await waitFor(() => localLead(db, 5)?.city === 'Long Transaction', 'the late row')
    await waitFor(() => localLead(db, 12)?.owner === 'later 2', 'the later rows')
    await expectConverges(db, schema)
    await sync.stop()
    db.close()
  })

  it('misses that late row on the polling fallback and repairs it by reconciliation', async () => {
    const schema = await upstream('poll', 2_000, false)
    const db = cache()
    const { sync, logs } = start(db, schema, {
      pollOverlapMs: 100,
      reconcileEveryMs: Number.POSITIVE_INFINITY,
      reconcileBucket: 500,
    })
    await sync.synced()
    expect(sync.status()).toMatchObject({ approximate: true })
    const long = new Client({ connectionString: PG_URL })
    await long.connect()
    try {
      await long.query('begin')
      await long.query(
        `update "${schema}".leads set city = 'Long Transaction', updated_at = now() where id = 5`,
      )
      // Let the open transaction's updated_at fall behind the overlap window.
      await pool.query('select pg_sleep(0.3)')
      for (let i = 0; i < 3; i++) {
        await pool.query(
          `update "${schema}".leads set owner = 'later ${i}', updated_at = now() where id = ${10 + i}`,
        )
        await sync.synced()
      }
      await long.query('commit')
    } finally {
      await long.end()
    }
    await sync.synced()
    await sync.synced()
    expect(localLead(db, 12)?.owner).toBe('later 2')
    // The poll passed it by: its updated_at is older than watermark - overlap.
    expect(localLead(db, 5)?.city).not.toBe('Long Transaction')
    sync.requestReconcile()
    await waitFor(() => logs.some((l) => /reconciliation repaired/.test(l)), 'the reconciliation')
    expect(logs.filter((l) => /reconciliation repaired/.test(l))).toEqual([
      'Postgres: reconciliation repaired 1 key ranges of leads the poll had missed',
    ])
    expect(localLead(db, 5)?.city).toBe('Long Transaction')
    await expectConverges(db, schema)
    await sync.stop()
    db.close()
  })

  it('removes soft- and hard-deleted rows and brings back a re-inserted key', async () => {
    const schema = await upstream('deletes')
    const db = cache()
    const { sync } = start(db, schema)
    await sync.synced()
    const appointment = (
      db.prepare('SELECT id FROM appointments ORDER BY id LIMIT 1').get() as { id: number }
    ).id
    await pool.query(`update "${schema}".leads set deleted_at = now() where id = 20`)
    await pool.query(`delete from "${schema}".leads where id = 21`)
    const saved = await pool.query(
      `delete from "${schema}".appointments where id = $1 returning *`,
      [appointment],
    )
    await waitFor(() => localLead(db, 20) === undefined, 'the soft-deleted lead to go')
    await waitFor(() => localLead(db, 21) === undefined, 'the hard-deleted lead to go')
    await waitFor(
      () => db.prepare('SELECT 1 FROM appointments WHERE id = ?').get(appointment) === undefined,
      'the deleted appointment to go',
    )
    const row = saved.rows[0] as Record<string, unknown>
    const columns = Object.keys(row)
    await pool.query(
      `insert into "${schema}".appointments (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((c) => row[c]),
    )
    await pool.query(`update "${schema}".leads set deleted_at = null where id = 20`)
    await waitFor(
      () => db.prepare('SELECT 1 FROM appointments WHERE id = ?').get(appointment) !== undefined,
      'the re-inserted appointment',
    )
    await waitFor(() => localLead(db, 20) !== undefined, 'the restored lead')
    await expectConverges(db, schema)
    await sync.stop()
    db.close()
  })

  it('reports an unreachable server and a refused login as sentences, not stack traces', async () => {
    const schema = `${BASE}_nowhere`
    const db = cache()
    const closed = startPostgresSync({
      db,
      pgConfig: { connectionString: 'postgres://postgres:secret@127.0.0.1:1/test' },
      schema,
      backoff: { baseMs: 1_000, capMs: 2_000 },
    })
    await waitFor(() => closed.status().state === 'offline', 'offline')
    const offline = closed.status()
    expect(offline.message).toBe('Cannot reach Postgres at 127.0.0.1:1: connection refused')
    expect(offline.since).not.toBeNull()
    expect(Date.parse(offline.since ?? '')).toBeGreaterThanOrEqual(Date.now() - 50)
    expect(JSON.stringify(offline)).not.toContain('secret')
    await closed.stop()

    const refused = startPostgresSync({
      db,
      pgConfig: { connectionString: 'postgres://wf_no_such_user:pw@127.0.0.1:5432/test' },
      schema,
      backoff: { baseMs: 1_000, capMs: 2_000 },
    })
    await waitFor(() => refused.status().state === 'error', 'error')
    expect(refused.status().message).toBe(
      'Postgres at 127.0.0.1:5432 refused the login: role "wf_no_such_user" does not exist',
    )
    await refused.stop()
    db.close()
  })

  it('goes offline when its connections are killed mid-sync, comes back live and converges', async () => {
    const schema = await upstream('terminate', 5_000)
    const db = cache()
    const app = `wf-sync-terminate-${process.pid}`
    const states: string[] = []
    let sync: ReturnType<typeof startPostgresSync> | undefined
    sync = startPostgresSync({
      db,
      pgConfig: { connectionString: PG_URL, applicationName: app },
      schema,
      batchRows: 200,
      intervalMs: 200,
      backoff: { baseMs: 100, capMs: 300 },
      log: () => {
        if (sync) states.push(sync.status().state)
      },
    })
    // Kill its connections until one dies under a query in flight (a
    // connection killed while idle is replaced silently, as it should be).
    await waitFor(async () => {
      if (states.includes('offline')) return true
      await pool.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [app],
      )
      await pool.query(`update "${schema}".leads set owner = 'during' where id = 2`)
      return false
    }, 'offline after the terminate')
    await pool.query(`update "${schema}".leads set owner = 'after restart' where id = 3`)
    await waitFor(() => localLead(db, 3)?.owner === 'after restart', 'the change after it')
    await waitFor(() => sync?.status().state === 'live', 'live again')
    await expectConverges(db, schema)
    await sync.stop()
    sync = undefined
    db.close()
  })

  it('re-copies a table whose cursor the change log was pruned past while it was away', async () => {
    const schema = await upstream('pruned')
    const db = cache()
    const first = start(db, schema)
    await first.sync.synced()
    await first.sync.stop()
    // While it is away: changes, deletes, and the log pruned of all of them.
    await pool.query(`update "${schema}".leads set owner = 'while away' where id between 1 and 50`)
    await pool.query(`delete from "${schema}".leads where id between 60 and 70`)
    await pool.query(
      `delete from "${schema}".customers where id in (select id from "${schema}".customers order by id limit 5)`,
    )
    const pruned = await pruneChangeLog(pool, schema, 0)
    expect(pruned.deleted).toBeGreaterThan(0)
    const again = start(db, schema)
    await again.sync.synced()
    expect(again.logs.some((l) => /pruned past/.test(l))).toBe(true)
    expect(localLead(db, 60)).toBeUndefined()
    expect(localLead(db, 1)?.owner).toBe('while away')
    await expectConverges(db, schema)
    await again.sync.stop()
    db.close()
  })

  it('skips malformed rows, counts them and names their keys, and damages nothing cached', async () => {
    const schema = await upstream('malformed')
    await pool.query(
      `alter table "${schema}".leads drop constraint if exists leads_temperature_check`,
    )
    const db = cache()
    const { sync, logs } = start(db, schema, { maxTextChars: 100_000 })
    await sync.synced()
    const before = localLead(db, 30)
    await pool.query(`update "${schema}".leads set temperature = 'lukewarm' where id = 30`)
    await pool.query(
      `update "${schema}".leads set city = repeat('x', 10 * 1024 * 1024) where id = 31`,
    )
    await pool.query(`update "${schema}".leads set first_response_at = 'infinity' where id = 32`)
    await pool.query(`update "${schema}".leads set owner = 'fine' where id = 33`)
    await waitFor(() => localLead(db, 33)?.owner === 'fine', 'the good row after the bad ones')
    const leads = sync.status().tables.find((t) => t.table === 'leads')
    expect(leads?.rowsRejected).toBe(3)
    const rejects = db
      .prepare('SELECT key FROM sync_rejects WHERE table_name = ? ORDER BY key')
      .all('leads')
      .map((r) => (r as { key: string }).key)
    expect(rejects).toEqual(['30', '31', '32'])
    for (const key of ['30', '31', '32']) {
      expect(logs.some((l) => l.includes(`leads row ${key}:`))).toBe(true)
    }
    expect(localLead(db, 30)).toEqual(before)
    // Fixed upstream, the rows arrive and leave the rejects.
    await pool.query(
      `update "${schema}".leads set temperature = 'warm', city = 'Troy', first_response_at = null where id in (30, 31, 32)`,
    )
    await waitFor(
      () => (db.prepare('SELECT count(*) AS n FROM sync_rejects').get() as { n: number }).n === 0,
      'the fixed rows to leave the rejects',
    )
    expect(localLead(db, 31)?.city).toBe('Troy')
    await expectConverges(db, schema)
    await sync.stop()
    db.close()
  })

  it('ignores an added column, and puts only the table that lost a column in error', async () => {
    const schema = await upstream('drift')
    const db = cache()
    const { sync } = start(db, schema)
    await sync.synced()
    await pool.query(`alter table "${schema}".leads add column extra text default 'x'`)
    await pool.query(`update "${schema}".leads set owner = 'after add' where id = 40`)
    await waitFor(() => localLead(db, 40)?.owner === 'after add', 'a change after the add')
    await pool.query(`alter table "${schema}".customers drop column city`)
    await pool.query(
      `update "${schema}".customers set name = 'drifted' where id = (select min(id) from "${schema}".customers)`,
    )
    await pool.query(`update "${schema}".leads set owner = 'after drop' where id = 41`)
    await waitFor(
      () => sync.status().tables.find((t) => t.table === 'customers')?.state === 'error',
      'customers in error',
    )
    const customers = sync.status().tables.find((t) => t.table === 'customers')
    expect(customers?.message).toBe(
      'column customers.city named in the manifest no longer exists upstream',
    )
    await waitFor(() => localLead(db, 41)?.owner === 'after drop', 'leads to go on')
    expect(sync.status().tables.find((t) => t.table === 'leads')?.state).toBe('live')
    expect(sync.status().message).toContain('customers.city')
    await sync.stop()
    db.close()
  })

  it('syncs only the chosen tenant', async () => {
    const schema = await upstream('tenant')
    await pool.query(`update "${schema}".leads set tenant_id = 'north' where id % 3 = 0`)
    const db = cache()
    const filter = { tenant: 'north' }
    const { sync } = start(db, schema, { filter })
    await sync.synced()
    const tenants = db.prepare('SELECT DISTINCT tenant_id FROM leads').all()
    expect(tenants).toEqual([{ tenant_id: 'north' }])
    await expectConverges(db, schema, filter)
    // A lead moved out of the tenant leaves; one moved in arrives.
    await pool.query(`update "${schema}".leads set tenant_id = 'demo' where id = 3`)
    await pool.query(`update "${schema}".leads set tenant_id = 'north' where id = 4`)
    await waitFor(
      () => localLead(db, 3) === undefined && localLead(db, 4) !== undefined,
      'the move',
    )
    await expectConverges(db, schema, filter)
    await sync.stop()
    db.close()
  })
})

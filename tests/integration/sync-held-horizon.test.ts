// A long transaction elsewhere on the upstream server (issue 14, "live path under load"): the
// change log is read below the xmin horizon of a snapshot, and xids are the whole server's, so
// one open transaction anywhere holds the horizon and the cursor with it. Changes committed
// meanwhile still reach the cache within seconds (applied past the horizon, the cursor left
// where it is); what the open transaction wrote shows only once it commits, a rolled-back write
// never; and the cache ends equal to upstream row by row, its rollups equal to a rebuild.
import { Pool, type PoolClient } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, seedUpstream } from '../../main/demo/upstream.ts'
import { rollupSyncHooks } from '../../main/metrics/sync-hooks.ts'
import { openStore } from '../../main/store/index.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { startPostgresSync } from '../../main/sync/postgres/engine.ts'
import { opsManifest, qualified } from '../../main/sync/manifest.ts'
import { expectConvergedStore } from '../support/catchup.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `wf_held_horizon_${process.pid}_${Date.now()}`
const LEADS = 800

let pool: Pool
const temp = tempDir('watchfloor-held-horizon-')
const path = () => `${temp.dir}/cache.sqlite`
const open: PoolClient[] = []

beforeAll(async () => {
  pool = new Pool({ connectionString: PG_URL, max: 6 })
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({ seed: 31, leads: LEADS, endAt: Date.parse('2026-06-01T12:00:00Z') }),
  })
  await installChangeLog(pool, SCHEMA, opsManifest)
  // Lets a malformed row (a temperature the cache refuses) be written upstream.
  await pool.query(
    `alter table ${qualified(SCHEMA, 'leads')} drop constraint if exists leads_temperature_check`,
  )
})

afterAll(async () => {
  for (const client of open) {
    await client.query('rollback').catch(() => undefined)
    client.release()
  }
  await dropUpstream(pool, SCHEMA)
  await pool.end()
  temp.cleanup()
})

/** A transaction left open on its own connection: its xid holds the server's xmin horizon. */
async function openTransaction(): Promise<{ client: PoolClient; xid: bigint }> {
  const client = await pool.connect()
  open.push(client)
  await client.query('begin')
  const { rows } = await client.query<{ xid: string }>('select pg_current_xact_id()::text as xid')
  return { client, xid: BigInt(rows[0]?.xid ?? '0') }
}

async function end(client: PoolClient, how: 'commit' | 'rollback'): Promise<void> {
  await client.query(how)
  open.splice(open.indexOf(client), 1)
  client.release()
}

describe('a transaction held open on the upstream server', () => {
  it('does not hold back what commits meanwhile, and shows its own writes only once committed', async () => {
    const leads = qualified(SCHEMA, 'leads')
    const { rows: idRows } = await pool.query<{ id: string }>(
      `select id::text from ${leads} where deleted_at is null order by id limit 6`,
    )
    const [held, live, doomed, gone, source, bad] = idRows.map((r) => Number(r.id)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ]
    const db = openStore(path())
    const hooks = rollupSyncHooks(db)
    const sync = startPostgresSync({
      db,
      pgConfig: { connectionString: PG_URL },
      schema: SCHEMA,
      // Only the NOTIFY wakes it (and the short look-again while entries wait past the horizon).
      intervalMs: 60_000,
      rowHooks: hooks,
    })
    try {
      await sync.synced()
      hooks.caughtUp()
      const owner = db.prepare('SELECT owner FROM leads WHERE id = ?').pluck()
      const count = db.prepare('SELECT count(*) FROM leads WHERE id = ?').pluck()
      const cursor = () =>
        BigInt(
          db
            .prepare("SELECT watermark FROM sync_state WHERE table_name = 'leads'")
            .pluck()
            .get() as string,
        )

      // An idle transaction that has an xid (an admin's forgotten psql), and one that wrote a
      // lead and has not committed; a third writes and will roll back.
      const idle = await openTransaction()
      const writer = await openTransaction()
      await writer.client.query(
        `update ${leads} set owner = 'written while held', updated_at = now() where id = $1`,
        [held],
      )
      const loser = await openTransaction()
      await loser.client.query(
        `update ${leads} set owner = 'rolled back', updated_at = now() where id = $1`,
        [doomed],
      )

      // Committed meanwhile: an update, an insert and a delete.
      await pool.query(
        `update ${leads} set owner = 'committed while held', updated_at = now() where id = $1`,
        [live],
      )
      const { rows: inserted } = await pool.query<{ id: string }>(
        `insert into ${leads} select (select max(id) + 1 from ${leads}), tenant_id, created_at, now(), null,
           source, city, segment, temperature, status, 'inserted while held', first_response_at,
           converted_at, deal_value
         from ${leads} where id = $1 returning id::text`,
        [source],
      )
      const newId = Number(inserted[0]?.id)
      await pool.query(`delete from ${leads} where id = $1`, [gone])
      // And a row the cache refuses: fetched past the horizon now and by the replay later, it
      // is one rejected row, not two.
      await pool.query(`update ${leads} set temperature = 'lukewarm' where id = $1`, [bad])
      const rejects = db.prepare('SELECT key FROM sync_rejects WHERE table_name = ?').pluck()

      await until(
        'the changes committed while a transaction is open to reach the cache',
        () =>
          owner.get(live) === 'committed while held' &&
          count.get(newId) === 1 &&
          count.get(gone) === 0 &&
          rejects.all('leads').includes(String(bad)),
        60_000,
      )
      // The cursor stayed below the open transactions; their writes are not in the cache.
      expect(cursor()).toBeLessThanOrEqual(idle.xid)
      expect(owner.get(held)).not.toBe('written while held')
      expect(owner.get(doomed)).not.toBe('rolled back')

      // A second change while still held reaches the cache too (each pass reads what is new).
      await pool.query(
        `update ${leads} set owner = 'committed while held, again', updated_at = now() where id = $1`,
        [live],
      )
      await until(
        'a second change while held',
        () => owner.get(live) === 'committed while held, again',
        60_000,
      )

      // A bulk write, one transaction of more entries than a pass reads at once, reaches the
      // cache while held too.
      const bulk = await pool.connect()
      let bulkRows = 0
      try {
        await bulk.query('begin')
        for (const mark of ['+', '+']) {
          const { rowCount } = await bulk.query(
            `update ${leads} set owner = owner || $4, updated_at = now()
             where id not in ($1, $2, $3) and deleted_at is null`,
            [held, doomed, bad, mark],
          )
          bulkRows = rowCount ?? 0
        }
        await bulk.query('commit')
      } finally {
        bulk.release()
      }
      expect(bulkRows * 2).toBeGreaterThan(1_000)
      const marked = db.prepare("SELECT count(*) FROM leads WHERE owner LIKE '%++'").pluck()
      await until('a bulk write while held', () => marked.get() === bulkRows, 60_000)
      expect(owner.get(live)).toBe('committed while held, again++')
      expect(cursor()).toBeLessThanOrEqual(idle.xid)

      await end(loser.client, 'rollback')
      await end(writer.client, 'commit')
      await end(idle.client, 'commit')
      // A change after they ended wakes the engine; the cursor replays what the writer wrote.
      await pool.query(`update ${leads} set updated_at = now() where id = $1`, [source])
      await until(
        'the held write, once committed',
        () => owner.get(held) === 'written while held',
        60_000,
      )
      await sync.synced()
      expect(cursor()).toBeGreaterThan(writer.xid)
      expect(owner.get(doomed)).not.toBe('rolled back')
      expect(rejects.all('leads')).toEqual([String(bad)])
      expect(sync.status().tables.find((t) => t.table === 'leads')?.rowsRejected).toBe(1)
      // Mended upstream, it arrives and leaves the rejects.
      await pool.query(`update ${leads} set temperature = 'warm' where id = $1`, [bad])
      await until('the mended row', () => rejects.all('leads').length === 0, 60_000)
      await sync.synced()
    } finally {
      await sync.stop()
    }
    // Every rollup table kept past the horizon and by the replay equals a rebuild from the rows.
    await expectConvergedStore(pool, SCHEMA, db)
    db.close()
  })
})

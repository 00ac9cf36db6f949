// A live change during a long catch-up (issue 14, "live path under load"):
// the engine, back after a long gap, replays a backlog of hundreds of log
// pages; a change committed upstream meanwhile (its NOTIFY wakes the engine)
// is in the cache before the backlog's last page is, rather than after the
// whole catch-up. A key the backlog also holds never moves back in time once
// its live value is shown, and the cache ends equal to upstream row by row,
// its rollups equal to a rebuild.
import { Pool } from 'pg'
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
const SCHEMA = `wf_live_lane_${process.pid}_${Date.now()}`
const LEADS = 2_000
/** Backlog: this many transactions, each changing a block of BLOCK leads. */
const TRANSACTIONS = 300
const BLOCK = 40
/** Rows (and so log entries, whole transactions) per page and per SQLite transaction. */
const BATCH_ROWS = 40

let pool: Pool
const temp = tempDir('watchfloor-live-lane-')
const path = () => `${temp.dir}/cache.sqlite`

beforeAll(async () => {
  pool = new Pool({ connectionString: PG_URL, max: 4 })
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({ seed: 23, leads: LEADS, endAt: Date.parse('2026-06-01T12:00:00Z') }),
  })
  await installChangeLog(pool, SCHEMA, opsManifest)
})

afterAll(async () => {
  await dropUpstream(pool, SCHEMA)
  await pool.end()
  temp.cleanup()
})

describe('a live change during a long catch-up', () => {
  it('is in the cache before the backlog has been replayed, and nothing moves back', async () => {
    const leads = qualified(SCHEMA, 'leads')
    // The first sync, then the engine is away.
    {
      const db = openStore(path())
      const hooks = rollupSyncHooks(db)
      const once = startPostgresSync({
        db,
        pgConfig: { connectionString: PG_URL },
        schema: SCHEMA,
        once: true,
        rowHooks: hooks,
      })
      await once.done
      hooks.caughtUp()
      db.close()
    }
    const { rows: idRows } = await pool.query<{ id: string }>(
      `select id::text from ${leads} where deleted_at is null order by id`,
    )
    const ids = idRows.map((r) => Number(r.id))
    // The backlog: TRANSACTIONS commits of BLOCK leads each, cycling through the leads.
    for (let t = 0; t < TRANSACTIONS; t++) {
      const block = Array.from({ length: BLOCK }, (_, i) => ids[(t * BLOCK + i) % ids.length])
      await pool.query(
        `update ${leads} set owner = $1, updated_at = now() where id = any($2::bigint[])`,
        [`backlog ${t}`, block],
      )
    }
    // The backlog's last transaction adds a lead nothing else touches: a
    // fetch by key returns a row's current state, so it is in the cache only
    // once the replay has reached the backlog's end.
    const { rows: last } = await pool.query<{ id: string }>(
      `insert into ${leads} select (select max(id) + 1 from ${leads}), tenant_id, created_at, now(), null,
         source, city, segment, temperature, status, 'backlog end', first_response_at, converted_at, deal_value
       from ${leads} where id = $1 returning id::text`,
      [ids[0]],
    )
    const endId = Number(last[0]?.id)
    // A key of the backlog's third page, likely fetched ahead (before the live change) when it lands.
    const shared = ids[2 * BLOCK] as number

    const db = openStore(path())
    const hooks = rollupSyncHooks(db)
    hooks.caughtUp()
    let caughtUpPages = 0
    const sync = startPostgresSync({
      db,
      pgConfig: { connectionString: PG_URL },
      schema: SCHEMA,
      batchRows: BATCH_ROWS,
      intervalMs: 60_000,
      rowHooks: hooks,
      onProgress: (_table, phase) => {
        if (phase === 'follow') caughtUpPages++
      },
    })
    try {
      const owner = db.prepare('SELECT owner FROM leads WHERE id = ?').pluck()
      const lead = db.prepare('SELECT count(*) FROM leads WHERE id = ?').pluck()
      await until('the catch-up to begin', () => (caughtUpPages > 0 ? true : undefined), 120_000)
      expect(lead.get(endId)).toBe(0)
      // The live changes: a new lead, and an update of a key the backlog also holds.
      const { rows: inserted } = await pool.query<{ id: string }>(
        `insert into ${leads} select (select max(id) + 1 from ${leads}), tenant_id, created_at, now(), null,
           source, city, segment, temperature, status, 'live insert', first_response_at, converted_at, deal_value
         from ${leads} where id = $1 returning id::text`,
        [ids[0]],
      )
      const newId = Number(inserted[0]?.id)
      await pool.query(
        `update ${leads} set owner = 'live update', updated_at = now() where id = $1`,
        [shared],
      )
      // Watched on this thread's turns between the engine's pages: once the
      // live values show, the shared key must keep its live value.
      let seen: { backlogDone: boolean } | undefined
      let movedBack = false
      await until(
        'both live changes in the cache',
        () => {
          const both = lead.get(newId) === 1 && owner.get(shared) === 'live update'
          if (seen && owner.get(shared) !== 'live update') movedBack = true
          if (both && !seen) seen = { backlogDone: lead.get(endId) === 1 }
          return seen
        },
        120_000,
      )
      expect(seen?.backlogDone).toBe(false)
      await until(
        'the backlog replayed',
        () => {
          if (owner.get(shared) !== 'live update') movedBack = true
          return lead.get(endId) === 1 ? true : undefined
        },
        300_000,
      )
      expect(movedBack).toBe(false)
      await sync.synced()
    } finally {
      await sync.stop()
    }
    // Every rollup table kept through both lanes equals a rebuild from the rows.
    await expectConvergedStore(pool, SCHEMA, db)
    db.close()
  })
})

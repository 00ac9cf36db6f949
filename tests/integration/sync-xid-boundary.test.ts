// Catch-up across a power of ten in the transaction id (issue 8). The change
// log's positions are xid8 integers; ordered as text, '100000' sorts before
// '99999' and a page's cursor jumps past entries it never read. A throwaway
// server of our own burns its xids to just below 10^4, 10^5 and 10^6, the
// upstream changes rows on both sides of each boundary, and one
// `watchfloor sync --once` (the real bin) must leave the cache equal to
// upstream, row by row and column by column.
import { join } from 'node:path'
import { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { seedUpstream } from '../../main/demo/upstream.ts'
import { openStore } from '../../main/store/index.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { diffWithUpstream } from '../../main/sync/postgres/verify.ts'
import { runCli } from '../support/cli.ts'
import {
  burnXidsTo,
  canRunThrowawayPostgres as canRun,
  createThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/throwaway-postgres.ts'

let server: ThrowawayPostgres | undefined
let pool: Pool | undefined
const SCHEMA = 'ops'

beforeAll(async () => {
  if (!canRun) return
  server = await createThrowawayPostgres()
  pool = new Pool({ connectionString: server.url, max: 2 })
  pool.on('error', () => undefined)
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({ seed: 9, leads: 2_000, endAt: Date.parse('2026-06-01T12:00:00Z') }),
  })
}, 120_000)

afterAll(async () => {
  await pool?.end()
  server?.cleanup()
})

/** `n` transactions, each changing a few leads: updates, an insert, a soft and a hard delete. */
async function changeLeads(db: Pool, tag: string, n: number): Promise<void> {
  const leads = `${SCHEMA}.leads`
  for (let i = 0; i < n; i++) {
    const client = await db.connect()
    try {
      await client.query('begin')
      await client.query(
        `update ${leads} set owner = $1, deal_value = $2, updated_at = now() where id % $3 = $4`,
        [`${tag} #${i}`, (i % 7) - 0.01, n, i],
      )
      if (i % 10 === 0) {
        await client.query(
          `insert into ${leads} (id, tenant_id, created_at, source, city, segment, temperature, status, owner)
           select coalesce(max(id), 0) + 1, 'demo', now(), 'Referral', 'Detroit', 'Premium', 'hot', 'new', $1
           from ${leads}`,
          [`${tag} new #${i}`],
        )
      }
      if (i % 10 === 3) {
        await client.query(`update ${leads} set deleted_at = now() where id = $1`, [i + 17])
      }
      if (i % 10 === 6) await client.query(`delete from ${leads} where id = $1`, [i + 1_013])
      await client.query('commit')
    } finally {
      client.release()
    }
  }
}

describe.skipIf(!canRun)('catch-up across a power of ten in the xid (throwaway server)', () => {
  it('equals upstream after one sync --once across 10^4, 10^5 and 10^6', async () => {
    const db = pool as Pool
    const url = (server as ThrowawayPostgres).url
    const file = join((server as ThrowawayPostgres).dir, 'cache.sqlite')
    const install = await runCli(['upstream', 'install', '--pg', url, '--schema', SCHEMA])
    expect(install.stderr).toBe('')
    expect(install.stdout).toMatch(/Installed the Watchfloor change log in schema "ops"/)
    expect(install.code).toBe(0)
    // A small batch makes a page hold fewer entries than sit past the boundary.
    const sync = () =>
      runCli(['sync', '--once', '--pg', url, '--schema', SCHEMA, '--db', file, '--batch', '100'])
    const first = await sync()
    expect(first.code, first.stderr).toBe(0)

    for (const boundary of [10_000n, 100_000n, 1_000_000n]) {
      await burnXidsTo(db, boundary - 700n)
      await changeLeads(db, `before ${boundary}`, 300)
      // The next 300 transactions start 50 below the boundary and end past it.
      await burnXidsTo(db, boundary - 50n)
      await changeLeads(db, `across ${boundary}`, 300)
      const { rows } = await db.query<{ xid: string }>('select pg_current_xact_id()::text as xid')
      expect(BigInt(rows[0]?.xid ?? '0')).toBeGreaterThan(boundary)

      const run = await sync()
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toMatch(/Synced .*leads live/)
      const cache = openStore(file)
      try {
        expect(await diffWithUpstream(db, SCHEMA, cache, opsManifest)).toEqual([])
        const state = cache
          .prepare("SELECT watermark FROM sync_state WHERE table_name = 'leads'")
          .get() as { watermark: string }
        // Stored zero-padded: text order is numeric order.
        expect(state.watermark).toMatch(/^\d{20}$/)
        expect(BigInt(state.watermark)).toBeGreaterThan(boundary)
      } finally {
        cache.close()
      }
    }
  })
})

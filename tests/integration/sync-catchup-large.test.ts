// Catch-up after long gaps (issue 14): 100,000 and 2,000,000 upstream changes
// made while no client ran. The changes are made in Postgres itself (plpgsql
// loops and set-based statements through the change-log trigger; the bulk of
// the 2M gap as log entries written by generate_series, which is what the
// trigger would have written for keys changed again and again), so the test
// spends its time on the catch-up, not on round trips. Each gap must take the
// right road — replay the log when that costs less than a copy, copy the
// table again when it holds more changes than rows or the log no longer
// reaches the cache's position — and converge row by row with Postgres, with
// KPI rollups equal to a rebuild from the cached rows.
import { afterAll, describe, expect, it } from 'vitest'
import { CHANGE_LOG_TABLE, pruneChangeLog } from '../../main/sync/postgres/change-log.ts'
import { PRUNED_PAST } from '../../main/sync/postgres/table-plan.ts'
import { qualified } from '../../main/sync/manifest.ts'
import { catchupHarness } from '../support/catchup.ts'

/** Enough rows that 100k changes to about 12k keys cost less to replay than a copy. */
const LEADS = 40_000
/** A seeded, synced pair, the catch-up and the checks run long on a loaded 2-core machine. */
const TIMEOUT_MS = 600_000

/**
 * Inside a plpgsql loop that updates one row again and again: a commit every
 * 200 updates. In one transaction each update walks every earlier version of
 * the row, and 30,000 of them took minutes.
 */
const COMMIT_EVERY = 'if i % 200 = 0 then commit; end if;'

const catchup = catchupHarness({
  base: `wf_catchup_large_${process.pid}_${Date.now()}`,
  leads: LEADS,
  seed: 23,
  batchRows: 5_000,
  seedBatchSize: 10_000,
})
const { pool, syncedPair, runOnce, expectConverged } = catchup

afterAll(() => catchup.close())

async function logEntries(schema: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from ${qualified(schema, CHANGE_LOG_TABLE)}`,
  )
  return rows[0]?.n ?? 0
}

/**
 * Exactly 100,000 changes to the leads through the change-log trigger, in
 * about 250 transactions, mixing everything a catch-up must get right: one
 * lead updated 30,000 times and another 5,500 times (a key changed many
 * times is applied once, as its last state), 8,000 leads updated 7 or 8
 * times each in rollup dimensions and other columns, hard and soft deletes,
 * new leads, and leads deleted and inserted again under the same key with
 * other values. About 12,000 keys in all.
 */
async function hundredThousandChanges(schema: string): Promise<void> {
  const leads = qualified(schema, 'leads')
  const { rows } = await pool.query<{ hot: string; warm: string; max: string }>(
    `select min(id)::text as hot, max(id)::text as warm, (select max(id) from ${leads})::text as max
     from (select id from ${leads} where deleted_at is null order by id limit 2) as two`,
  )
  const { hot = '1', warm = '2', max = '0' } = rows[0] ?? {}
  // The two hot leads are changed only by `hammer`.
  const spare = `id not in (${Number(hot)}, ${Number(warm)})`
  const hammer = (id: string, times: number) =>
    pool.query(
      `do $$ begin
         for i in 1..${times} loop
           update ${leads} set owner = 'hot ' || (i % 7),
             status = case when i % 3 = 0 then 'won' else 'contacted' end,
             converted_at = case when i % 3 = 0 then created_at + interval '2 days' end,
             deal_value = case when i % 3 = 0 then i end,
             updated_at = now()
           where id = ${Number(id)};
           ${COMMIT_EVERY}
         end loop;
       end $$`,
    )
  await hammer(hot, 30_000)
  // 60 rounds over 8 residues of 40: about 1,000 leads a round, 60,000 changes.
  for (let round = 0; round < 60; round++) {
    const r = round % 8
    await pool.query(
      `update ${leads} set owner = owner || '.',
         city = case when $2 % 3 = 0 then 'Catch-up City' else city end,
         temperature = case when $2 % 4 = 1 then 'hot' else temperature end,
         first_response_at = case when $2 % 5 = 2 then created_at + interval '17 minutes' else first_response_at end,
         updated_at = now()
       where id % 40 = $1 and ${spare}`,
      [r, round],
    )
  }
  const counted = async (sql: string) => (await pool.query(sql)).rowCount ?? 0
  let made = await logEntries(schema)
  // Hard deletes, soft deletes, new leads and re-created leads, then the
  // second hot lead takes the total to exactly 100,000.
  made += await counted(
    `delete from ${leads} where id % 40 = 9 and id < ${Number(max) / 2} and ${spare}`,
  )
  made += await counted(
    `update ${leads} set deleted_at = now() where id % 40 = 10 and deleted_at is null and ${spare}`,
  )
  made += await counted(
    `insert into ${leads} select ${Number(max)} + g, tenant_id, created_at + g * interval '1 minute', now(), null,
       source, city, segment, temperature, 'new', owner, null, null, null
     from ${leads}, generate_series(1, 2000) as g where id = ${Number(warm)}`,
  )
  // Deleted and inserted again with other values in one statement: two entries each.
  made +=
    2 *
    (await counted(
      `with gone as (delete from ${leads} where id % 40 = 11 and id < ${Number(max) * 0.6} and ${spare} returning *)
       insert into ${leads} select id, tenant_id, created_at, now(), null, 'Re-created',
         city, segment, temperature, 'new', owner, null, null, null from gone`,
    ))
  const entries = await logEntries(schema)
  expect(entries).toBe(made)
  expect(entries).toBeLessThan(100_000)
  await hammer(warm, 100_000 - entries)
  expect(await logEntries(schema)).toBe(100_000)
}

describe('catch-up after long gaps', () => {
  it(
    'replays a gap of 100,000 changes to about 12,000 keys, converging row by row; a later gap the pruned log no longer reaches copies again',
    async () => {
      const { schema, path } = await syncedPair('gap100k')
      await pool.query(`truncate ${qualified(schema, CHANGE_LOG_TABLE)}`)
      await hundredThousandChanges(schema)
      const logs = await runOnce(schema, path)
      expect(logs.join('\n')).not.toMatch(/copying leads/)
      await expectConverged(schema, path)

      // Older than the log: changes, then every entry pruned.
      await pool.query(
        `update ${qualified(schema, 'leads')} set owner = owner || '!', updated_at = now() where id % 97 = 0`,
      )
      await pool.query(`delete from ${qualified(schema, 'leads')} where id % 97 = 1`)
      const pruned = await pruneChangeLog(pool, schema, -60_000)
      expect(pruned.deleted).toBeGreaterThan(0)
      const later = await runOnce(schema, path)
      expect(later.join('\n')).toContain(`copying leads (${PRUNED_PAST})`)
      await expectConverged(schema, path)
    },
    TIMEOUT_MS,
  )

  it(
    'copies the table again after a gap of 2,000,000 changes (more changes than rows), converging row by row',
    async () => {
      const { schema, path } = await syncedPair('gap2m')
      const leads = qualified(schema, 'leads')
      const log = qualified(schema, CHANGE_LOG_TABLE)
      await pool.query(`truncate ${log}`)
      // Real changes through the trigger: a lead updated 20,000 times, every
      // lead's owner, deletes of both kinds, new and re-created leads.
      const { rows: first } = await pool.query<{ id: string }>(
        `select min(id)::text as id from ${leads} where deleted_at is null`,
      )
      await pool.query(
        `do $$ begin
           for i in 1..20000 loop
             update ${leads} set owner = 'hot ' || (i % 5), updated_at = now()
             where id = ${Number(first[0]?.id ?? 1)};
             ${COMMIT_EVERY}
           end loop;
         end $$`,
      )
      await pool.query(`update ${leads} set owner = owner || '.', updated_at = now()`)
      await pool.query(`delete from ${leads} where id % 50 = 3`)
      await pool.query(`update ${leads} set deleted_at = now() where id % 50 = 4`)
      await pool.query(
        `insert into ${leads} select id + 10000000, tenant_id, created_at, now(), null, source, city,
           segment, temperature, status, owner, first_response_at, converted_at, deal_value
         from ${leads} where id % 50 = 5`,
      )
      await pool.query(
        `with gone as (delete from ${leads} where id % 50 = 6 returning *)
         insert into ${leads} select id, tenant_id, created_at, now(), null, 'Re-created',
           city, segment, temperature, 'new', owner, null, null, null from gone`,
      )
      // The rest of the 2M: what the trigger writes for keys updated again
      // and again, written in bulk, 100,000 entries a transaction.
      const real = await logEntries(schema)
      for (let made = real; made < 2_000_000; made += 100_000) {
        // Three rounds over every lead (120,000 entries) cut to what is left.
        await pool.query(
          `insert into ${log} (table_name, key, op)
           select 'leads', l.id::text, 'U' from generate_series(1, 3) as g, ${leads} as l limit $1`,
          [Math.min(100_000, 2_000_000 - made)],
        )
      }
      expect(await logEntries(schema)).toBe(2_000_000)

      const logs = await runOnce(schema, path)
      expect(logs.join('\n')).toMatch(
        /copying leads \([\d,]+ changed keys in [\d,]+\+? change-log entries since the last pull, against [\d,]+ cached rows: copying again costs less than replaying\)/,
      )
      await expectConverged(schema, path)
    },
    TIMEOUT_MS,
  )
})

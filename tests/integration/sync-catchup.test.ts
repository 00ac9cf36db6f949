// Catch-up after changes made while no client ran (issue 14): the cache
// converges row by row with Postgres and its KPI rollups, kept up change by
// change from the old rows the writer read once per batch, equal a rebuild
// from the raw rows; a short gap replays the change log, a long one (more
// to replay than to copy) copies the table again. The 100k and 2M gaps are
// in sync-catchup-large.test.ts.
import { afterAll, describe, expect, it } from 'vitest'
import { catchUpPlan } from '../../main/sync/postgres/table-plan.ts'
import { qualified } from '../../main/sync/manifest.ts'
import { catchupHarness } from '../support/catchup.ts'

const catchup = catchupHarness({
  base: `wf_catchup_${process.pid}_${Date.now()}`,
  leads: 1_000,
  seed: 11,
  batchRows: 700,
})
const { pool, syncedPair, runOnce, expectConverged } = catchup

afterAll(() => catchup.close())

/**
 * `count` upstream changes to the leads, one transaction each, mixing
 * everything a catch-up must get right: updates of rollup dimensions and
 * of other columns, a lead updated many times, hard and soft deletes,
 * inserts, and a lead deleted and inserted again.
 */
async function change(schema: string, count: number): Promise<void> {
  const leads = qualified(schema, 'leads')
  const { rows } = await pool.query<{ id: string }>(
    `select id::text from ${leads} where deleted_at is null order by id`,
  )
  const ids = rows.map((r) => Number(r.id))
  const pick = (i: number) => ids[(i * 7_919) % ids.length] as number
  const hot = ids[0] as number
  const client = await pool.connect()
  try {
    await client.query('begin')
    for (let i = 0; i < count; i++) {
      const id = pick(i)
      switch (i % 10) {
        case 0:
        case 1:
        case 2:
          // The same lead, again and again.
          await client.query(
            `update ${leads} set owner = $1, status = $2, updated_at = now() where id = $3`,
            [`owner ${i}`, i % 3 === 0 ? 'won' : 'contacted', hot],
          )
          break
        case 3:
          await client.query(
            `update ${leads} set city = 'Catch-up City', temperature = 'hot', updated_at = now() where id = $1`,
            [id],
          )
          break
        case 4:
          await client.query(
            `update ${leads} set converted_at = created_at + interval '3 days', deal_value = 1234.56, status = 'won', updated_at = now() where id = $1`,
            [id],
          )
          break
        case 5:
          await client.query(`update ${leads} set deleted_at = now() where id = $1`, [id])
          break
        case 6:
          await client.query(`delete from ${leads} where id = $1`, [id])
          break
        case 7:
          // A new lead, a copy of another under a fresh key.
          await client.query(
            `insert into ${leads} select (select max(id) + 1 from ${leads}), tenant_id, created_at, now(), null,
               source, city, segment, temperature, status, owner, first_response_at, converted_at, deal_value
             from ${leads} where id = $1`,
            [hot],
          )
          break
        case 8:
          await client.query(
            `update ${leads} set first_response_at = created_at + interval '17 minutes', updated_at = now() where id = $1`,
            [id],
          )
          break
        default:
          // Deleted and inserted again with other values, in one transaction.
          await client.query(
            `with gone as (delete from ${leads} where id = $1 returning *)
             insert into ${leads} select id, tenant_id, created_at, now(), null, 'Re-created',
               city, segment, temperature, 'new', owner, null, null, null from gone`,
            [id],
          )
      }
      await client.query('commit')
      await client.query('begin')
    }
    await client.query('commit')
  } finally {
    client.release()
  }
}

describe('catch-up after changes made while stopped', () => {
  it('replays a gap of 10 changes, converging row by row with rollups equal to a rebuild', async () => {
    const { schema, path } = await syncedPair('gap10')
    await change(schema, 10)
    const logs = await runOnce(schema, path)
    expect(logs.join('\n')).not.toMatch(/copying leads/)
    await expectConverged(schema, path)
  })

  it('replays a gap of 10,000 changes (a lead updated 3,000 times, deletes, re-inserts)', async () => {
    const { schema, path } = await syncedPair('gap10k')
    await change(schema, 10_000)
    const logs = await runOnce(schema, path)
    expect(logs.join('\n')).not.toMatch(/copying leads/)
    await expectConverged(schema, path)
    // Caught up once more with nothing new: nothing moves.
    await runOnce(schema, path)
    await expectConverged(schema, path)
  })

  it('copies the table again when the gap costs more to replay than a copy', async () => {
    const { schema, path } = await syncedPair('long')
    // Every lead changed, many times each, a transaction per batch of ids:
    // far more entries than rows.
    const leads = qualified(schema, 'leads')
    for (let round = 0; round < 40; round++) {
      await pool.query(
        `update ${leads} set owner = owner || '.', status = case when status = 'new' then 'contacted' else status end,
           updated_at = now() where id % 40 <> $1`,
        [round],
      )
    }
    await change(schema, 50)
    const logs = await runOnce(schema, path)
    expect(logs.join('\n')).toMatch(
      /copying leads \([\d,]+ changed keys in [\d,]+\+? change-log entries since the last pull, against [\d,]+ cached rows: copying again costs less than replaying\)/,
    )
    await expectConverged(schema, path)
  })

  it('weighs replay against copy by estimated cost', () => {
    // A handful of changes replays; a key updated a million times replays.
    expect(catchUpPlan({ entries: 10, keys: 10 }, 1_000_000)).toBe('replay')
    expect(catchUpPlan({ entries: 1_000_000, keys: 1 }, 1_000_000)).toBe('replay')
    // 100k changed keys of 1M rows replays; every row changed copies.
    expect(catchUpPlan({ entries: 100_000, keys: 100_000 }, 1_000_000)).toBe('replay')
    expect(catchUpPlan({ entries: 1_000_000, keys: 1_000_000 }, 1_000_000)).toBe('copy')
    // More changes than rows: copy.
    expect(catchUpPlan({ entries: 2_000_000, keys: 900_000 }, 1_000_000)).toBe('copy')
    // A small table is copied only past the copy's fixed cost.
    expect(catchUpPlan({ entries: 100, keys: 100 }, 10)).toBe('replay')
  })
})

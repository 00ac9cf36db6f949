// A prune landing while a client catches up (issue 8). `pruned_through` used
// to be read once before pulling: a prune mid-pull shortened the pages, the
// cursor moved to the horizon and the lost changes were never fetched. Now
// every page reads `pruned_through` in the same snapshot as its entries. The
// real bin is paused at a chosen step (WATCHFLOOR_STEP_POINT=stop:…), the
// upstream changes and `watchfloor upstream prune` runs, and the resumed
// sync must end equal to upstream, row by row and column by column.
import { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, seedUpstream } from '../../main/demo/upstream.ts'
import { openStore } from '../../main/store/index.ts'
import { pruneChangeLog } from '../../main/sync/postgres/change-log.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { STEP_POINT_ENV } from '../../main/sync/step-points.ts'
import { diffWithUpstream } from '../../main/sync/postgres/verify.ts'
import { runCli, startCli, type CliResult } from '../support/cli.ts'
import { lcg } from '../support/chaos-writer.ts'
import { tempDir } from '../support/temp.ts'
import {
  installChangeLogWithCli,
  pruneChangeLogWithCli,
  syncArgs,
  TEST_PG_URL,
} from '../support/upstream-cli.ts'

const SCHEMA = `wf_prune_${process.pid}_${Date.now()}`
const temp = tempDir('watchfloor-prune-')
/** Timed prunes: 3 in `npm test`, more in `npm run test:stress`. */
const TIMED_ROUNDS = Math.max(3, Number(process.env.WATCHFLOOR_STRESS_SEEDS ?? 3))
let pool: Pool

beforeAll(async () => {
  pool = new Pool({ connectionString: TEST_PG_URL, max: 4 })
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({ seed: 3, leads: 5_000, endAt: Date.parse('2026-06-01T12:00:00Z') }),
  })
  await installChangeLogWithCli(SCHEMA)
})

afterAll(async () => {
  await dropUpstream(pool, SCHEMA)
  await pool.end()
  temp.cleanup()
})

const syncArgsFor = (db: string, batch = 100) => syncArgs({ schema: SCHEMA, db, batch })

let round = 0
/** `transactions` transactions of changes to the leads: updates, deletes and inserts. */
async function change(transactions: number): Promise<void> {
  const tag = `round ${++round}`
  const leads = `${SCHEMA}.leads`
  for (let i = 0; i < transactions; i++) {
    await pool.query(
      `with touched as (
         update ${leads} set owner = $1 || ' #' || $2, updated_at = now()
         where id % $3 = $2 returning id)
       select count(*) from touched`,
      [tag, i, transactions],
    )
    if (i % 25 === 0) {
      await pool.query(`update ${leads} set deleted_at = now() where id = $1`, [round * 31 + i])
      await pool.query(`delete from ${leads} where id = $1`, [round * 37 + i + 2_000])
    }
  }
}

async function prune(olderThan: string): Promise<CliResult> {
  const result = await pruneChangeLogWithCli(SCHEMA, olderThan)
  expect(result.stdout).toMatch(/^Pruned [\d,]+ change-log entries older than/)
  return result
}

async function expectEqual(db: string): Promise<void> {
  const cache = openStore(db)
  try {
    expect(await diffWithUpstream(pool, SCHEMA, cache, opsManifest)).toEqual([])
    expect(cache.pragma('integrity_check', { simple: true })).toBe('ok')
  } finally {
    cache.close()
  }
}

describe('a prune landing mid-catch-up', () => {
  // [the step the sync is paused at, whether the cache exists before (catch-up) or not (first copy)]
  const cases: [string, 'catch-up' | 'first copy'][] = [
    ['pull-read:1', 'catch-up'],
    ['pull-read:12', 'catch-up'],
    ['pull-applied:25', 'catch-up'],
    ['snapshot-chunk:3', 'first copy'],
    ['snapshot-copied:1', 'first copy'],
  ]
  for (const [step, kind] of cases) {
    it(`ends equal when paused at ${step} (${kind}) while the log is pruned`, async () => {
      const db = `${temp.dir}/${step.replace(':', '-')}.sqlite`
      if (kind === 'catch-up') {
        const first = await runCli(syncArgsFor(db))
        expect(first.code, first.stderr).toBe(0)
        await change(400)
      }
      const sync = startCli(syncArgsFor(db), { [STEP_POINT_ENV]: `stop:${step}` })
      try {
        await sync.waitFor(/step point stop at \S+ #\d+/)
        // A copy's horizon is only overtaken by changes made after it; a
        // catch-up's pages by a prune alone (what the start-of-run check missed).
        if (kind === 'first copy') await change(60)
        const pruned = await prune('0s')
        expect(pruned.stdout).toMatch(/clients behind xid \d+ will re-copy their tables/)
        await change(60)
      } finally {
        sync.child.kill('SIGCONT')
      }
      const result = await sync.exited
      expect(result.code, result.stderr).toBe(0)
      expect(result.stderr).toMatch(
        kind === 'catch-up'
          ? /copying leads \(the change log was pruned through xid \d+ while this cache read it\)/
          : /copying leads \(the change log was pruned/,
      )
      await expectEqual(db)
    })
  }

  it('ends equal when the change log is reinstalled while a client catches up', async () => {
    const db = `${temp.dir}/reinstalled.sqlite`
    expect((await runCli(syncArgsFor(db))).code).toBe(0)
    await change(200)
    const sync = startCli(syncArgsFor(db), { [STEP_POINT_ENV]: 'stop:pull-read:2' })
    try {
      await sync.waitFor(/step point stop at/)
      const uninstall = await runCli([
        'upstream',
        'uninstall',
        '--pg',
        TEST_PG_URL,
        '--schema',
        SCHEMA,
      ])
      expect(uninstall.code, uninstall.stderr).toBe(0)
      // Changes nobody logs, then a fresh install, and nothing newer: only
      // the page's own check can tell that the log restarted under it.
      await change(20)
      await installChangeLogWithCli(SCHEMA)
    } finally {
      sync.child.kill('SIGCONT')
    }
    const result = await sync.exited
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/copying leads \(the change log was reinstalled upstream/)
    await expectEqual(db)
  })

  it('ends equal when a prune takes only the older part of what a client still needs', async () => {
    const db = `${temp.dir}/partial.sqlite`
    expect((await runCli(syncArgsFor(db))).code).toBe(0)
    await change(200)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    await change(200)
    const sync = startCli(syncArgsFor(db), { [STEP_POINT_ENV]: 'stop:pull-read:2' })
    try {
      await sync.waitFor(/step point stop at/)
      await prune('1s')
    } finally {
      sync.child.kill('SIGCONT')
    }
    const result = await sync.exited
    expect(result.code, result.stderr).toBe(0)
    await expectEqual(db)
  })

  it('never loops when prunes keep overtaking its copies: it converges or says why it cannot', async () => {
    const db = `${temp.dir}/overtaken.sqlite`
    const stop = new AbortController()
    // Changes and prunes every few milliseconds, for as long as the sync runs.
    const churn = (async () => {
      while (!stop.signal.aborted) {
        await change(3)
        // In-process, not the bin: a prune every few milliseconds.
        await pruneChangeLog(pool, SCHEMA, 0)
      }
    })()
    let result: CliResult
    try {
      // Small transactions: each copy takes a while, so prunes land in it.
      result = await runCli(syncArgsFor(db, 10))
    } finally {
      stop.abort()
      await churn
    }
    if (result.code !== 0) {
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(
        /is pruned faster than \w+ can be copied \(3 copies in a row overtaken, last through xid \d+\); prune with a longer --older-than/,
      )
    }
    // Once the prunes stop, the next run converges.
    const next = await runCli(syncArgsFor(db))
    expect(next.code, next.stderr).toBe(0)
    await expectEqual(db)
  })

  it(
    `ends equal when prunes land at unplanned moments of a running catch-up (${TIMED_ROUNDS} rounds)`,
    async () => {
      const random = lcg(Number(process.env.WF_PRUNE_SEED ?? 8))
      for (let i = 0; i < TIMED_ROUNDS; i++) {
        const db = `${temp.dir}/timed-${i}.sqlite`
        expect((await runCli(syncArgsFor(db))).code).toBe(0)
        await change(400)
        const sync = startCli(syncArgsFor(db))
        await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1_500))
        await change(30)
        await prune('0s')
        const result = await sync.exited
        expect(result.code, result.stderr).toBe(0)
        // The run may have ended before the last changes: the next run brings
        // them, and nothing the prune took may stay wrong (it used to, for good).
        const next = await runCli(syncArgsFor(db))
        expect(next.code, next.stderr).toBe(0)
        await expectEqual(db)
      }
    },
    TIMED_ROUNDS * 60_000,
  )
})

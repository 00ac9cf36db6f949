// A rollup rebuild in slices (rebuildRollupsInSlices, issue 14): the thread is given back between
// slices of leads and between slices of its writes, changes written meanwhile through rollup batches (as the sync writes them:
// inserts, updates of leads scanned and not yet scanned, hard and soft deletes, all in one
// transaction or rolled back) are taken in, and the tables end exactly as a rebuild in one
// transaction leaves them; meanwhile the rollups are invalid, so every KPI reads the raw rows;
// progress is reported slice by slice up to the whole.
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ROLLUP_TABLES,
  beginRollupBatch,
  rebuildRollups,
  rebuildRollupsInSlices,
  rollupState,
} from '../../main/metrics/rollups.ts'
import { rollupSyncHooks } from '../../main/metrics/sync-hooks.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { tempDir } from '../support/temp.ts'

const T0 = Date.parse('2026-02-25T00:00:00Z')
const DAY = 86_400_000

const leadArb = fc.record({
  at: fc.integer({ min: 0, max: 40 * DAY }),
  source: fc.constantFrom('Google LSA', 'Nextdoor'),
  owner: fc.constantFrom('Ann', 'Bo'),
  status: fc.constantFrom('new' as const, 'won' as const, 'lost' as const),
  response: fc.option(fc.integer({ min: -3_000, max: 4_000_000 })),
  value: fc.option(fc.integer({ min: 0, max: 900_000 })),
  lag: fc.integer({ min: 0, max: 20 * DAY }),
})
type LeadCase = typeof leadArb extends fc.Arbitrary<infer T> ? T : never

const rowOf = (l: LeadCase, id: number, deleted = false): LeadRow =>
  lead({
    id,
    created_at: T0 + l.at,
    first_response_at: l.response === null ? null : T0 + l.at + l.response,
    source: l.source,
    owner: l.owner,
    status: l.status,
    converted_at: l.status === 'won' ? T0 + l.at + l.lag : null,
    deal_value_cents: l.status === 'won' ? l.value : null,
    deleted_at: deleted ? T0 + l.at + 1 : null,
  })

/** Every rollup table's rows, sorted (dims ids are kept by both rebuilds; blobs byte for byte). */
const tables = (db: Store): Record<string, unknown[]> =>
  Object.fromEntries(
    ROLLUP_TABLES.map((t): [string, unknown[]] => [
      t,
      db
        .prepare(`SELECT * FROM ${t}`)
        .all()
        .map((row) =>
          JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)),
        )
        .sort(),
    ]),
  )

const put = (db: Store) =>
  db.prepare(
    `INSERT OR REPLACE INTO leads (id, tenant_id, created_at, updated_at, deleted_at, source, city,
      segment, temperature, status, owner, first_response_at, converted_at, deal_value_cents)
      VALUES (@id, @tenant_id, @created_at, @updated_at, @deleted_at, @source, @city, @segment,
      @temperature, @status, @owner, @first_response_at, @converted_at, @deal_value_cents)`,
  )

/**
 * A cache file another connection filled with 25 leads and rebuilt: that connection (still open)
 * and the rollup tables as its rebuild left them.
 */
function filledByAnother(path: string): { filler: Store; expected: Record<string, unknown[]> } {
  const filler = openStore(path)
  insertLeads(
    filler,
    Array.from({ length: 25 }, (_, i) => lead({ id: i + 1, created_at: T0 + i * 3_600_000 })),
  )
  rebuildRollups(filler)
  return { filler, expected: tables(filler) }
}

describe('a rollup rebuild in slices', () => {
  it('takes in the changes written between its slices and ends as a rebuild in one transaction', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(leadArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        // Between slices: a transaction of changes (id, new state or a hard delete, soft delete),
        // sometimes rolled back.
        fc.array(
          fc.record({
            changes: fc.array(
              fc.tuple(
                fc.integer({ min: 1, max: 80 }),
                leadArb,
                fc.constantFrom('put', 'soft', 'hard'),
              ),
              { maxLength: 5 },
            ),
            rollBack: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        async (leads, slice, between) => {
          const db = openStore(':memory:')
          try {
            insertLeads(
              db,
              leads.map((l, i) => rowOf(l, (i + 1) * 2)),
            )
            rebuildRollups(db, { timeZone: 'America/Detroit' })
            const write = put(db)
            const read = db.prepare('SELECT * FROM leads WHERE id = ?')
            const remove = db.prepare('DELETE FROM leads WHERE id = ?')
            const progress: [number, number][] = []
            let step = 0
            await rebuildRollupsInSlices(db, {
              sliceLeads: slice,
              // The tables written a few rows a transaction too, with changes between.
              writeRows: slice,
              onProgress: (done, total) => progress.push([done, total]),
              pause: () => {
                const next = between[step++]
                expect(rollupState(db).valid).toBe(false)
                if (next) {
                  try {
                    db.transaction(() => {
                      const batch = beginRollupBatch(db)
                      for (const [id, l, how] of next.changes) {
                        const before = (read.get(id) as LeadRow | undefined) ?? null
                        if (how === 'hard') {
                          remove.run(id)
                          batch.record(before, null)
                        } else {
                          const after = rowOf(l, id, how === 'soft')
                          write.run(after)
                          batch.record(before, after)
                        }
                      }
                      if (next.rollBack) throw new Error('rolled back')
                      batch.flush()
                    })()
                  } catch (error) {
                    if (!(error instanceof Error) || error.message !== 'rolled back') throw error
                  }
                }
                return Promise.resolve()
              },
            })
            expect(rollupState(db).valid).toBe(true)
            const live = db
              .prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL')
              .pluck()
              .get() as number
            expect(progress.at(-1)).toEqual([live, live])
            // The scan's counts grow; the last is the live leads once written (deletes meanwhile
            // can make it fewer).
            for (let i = 1; i < progress.length - 1; i++) {
              expect((progress[i] as [number, number])[0]).toBeGreaterThanOrEqual(
                (progress[i - 1] as [number, number])[0],
              )
            }
            const sliced = tables(db)
            rebuildRollups(db)
            expect(sliced).toEqual(tables(db))
          } finally {
            db.close()
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('runs first on a connection that never rebuilt in one go (a cache another process filled)', async () => {
    const temp = tempDir('watchfloor-rebuild-slices-')
    const path = join(temp.dir, 'cache.sqlite')
    try {
      const { filler, expected } = filledByAnother(path)
      filler.close()
      // The maintenance job's connection: opened fresh, its first rebuild the sliced one.
      const db = openStore(path)
      try {
        await rebuildRollupsInSlices(db, { sliceLeads: 10 })
        expect(rollupState(db).valid).toBe(true)
        expect(tables(db)).toEqual(expected)
      } finally {
        db.close()
      }
    } finally {
      temp.cleanup()
    }
  })

  it('waits, with the thread free, while another connection holds the write lock past the busy timeout', async () => {
    const temp = tempDir('watchfloor-rebuild-slices-')
    const path = join(temp.dir, 'cache.sqlite')
    try {
      const { filler, expected } = filledByAnother(path)
      // Another writer (the intelligence worker, another process) holds the lock for longer
      // than the connection's 5 s busy timeout: before, the job failed with SQLITE_BUSY.
      const db = openStore(path)
      filler.prepare('BEGIN IMMEDIATE').run()
      try {
        let ticks = 0
        const ticker = setInterval(() => ticks++, 20)
        const rebuild = rebuildRollupsInSlices(db, { sliceLeads: 10 })
        await new Promise((resolve) => setTimeout(resolve, 6_000))
        filler.prepare('COMMIT').run()
        await rebuild
        clearInterval(ticker)
        // The thread went on meanwhile (a busy wait inside SQLite would have held it).
        expect(ticks).toBeGreaterThan(100)
        expect(rollupState(db).valid).toBe(true)
        expect(tables(db)).toEqual(expected)
      } finally {
        db.close()
        filler.close()
      }
    } finally {
      temp.cleanup()
    }
  })

  it('is fed by the sync hooks, which read the rows before their change meanwhile', async () => {
    const db = openStore(':memory:')
    try {
      insertLeads(
        db,
        Array.from({ length: 30 }, (_, i) => lead({ id: i + 1, created_at: T0 + i * 3_600_000 })),
      )
      rebuildRollups(db)
      const hooks = rollupSyncHooks(db)
      const slices: number[] = []
      let paused = 0
      await rebuildRollupsInSlices(db, {
        sliceLeads: 10,
        onSlice: (ms, what) => {
          if (what === 'scan') slices.push(ms)
        },
        pause: () => {
          paused++
          expect(hooks.wants('leads')).toBe(true)
          // No rebuild in one go while this one is under way.
          expect(hooks.caughtUp()).toBe(false)
          // A lead already scanned changes, as the sync writes it.
          const before = db.prepare('SELECT * FROM leads WHERE id = 1').get() as LeadRow
          const after = { ...before, status: 'won' as const, converted_at: T0 + DAY }
          db.transaction(() => {
            put(db).run(after)
            hooks.row('leads', { ...before }, { ...after })
            hooks.beforeCommit()
          })()
          return Promise.resolve()
        },
      })
      expect(paused).toBeGreaterThanOrEqual(3)
      expect(slices.length).toBeGreaterThanOrEqual(3)
      const sliced = tables(db)
      rebuildRollups(db)
      expect(sliced).toEqual(tables(db))
      expect(db.prepare('SELECT sum(won) FROM rollup_leads_day').pluck().get() as number).toBe(1)
    } finally {
      db.close()
    }
  })
})

// Catch-up tests' shared harness (sync-catchup, sync-catchup-large): an upstream schema of its own
// per case, seeded with demo data and the change log, a cache synced from it with the rollup
// hooks as the core runs them, and the check that the cache equals upstream row by row with every
// rollup table equal to a rebuild from the cached rows.
import { Pool } from 'pg'
import { expect } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, seedUpstream } from '../../main/demo/upstream.ts'
import { ROLLUPS, ROLLUP_TABLES, rebuildRollups } from '../../main/metrics/rollups.ts'
import { rollupSyncHooks } from '../../main/metrics/sync-hooks.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { startPostgresSync } from '../../main/sync/postgres/engine.ts'
import { compareWithUpstream } from '../../main/sync/postgres/verify.ts'
import { opsManifest, qualified } from '../../main/sync/manifest.ts'
import { tempDir } from './temp.ts'

export const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
export const END_AT = Date.parse('2026-06-01T12:00:00Z')

export interface CatchupOptions {
  /** Prefix of the schemas (a test file's own, with its pid and start time). */
  readonly base: string
  readonly leads: number
  readonly seed: number
  /** The sync's change-log page (`batchRows`). */
  readonly batchRows: number
  /** Rows per insert while seeding (seedUpstream's default otherwise). */
  readonly seedBatchSize?: number
}

export interface Catchup {
  readonly pool: Pool
  /** Seeds its own upstream schema, and a cache synced from it with valid rollups. */
  readonly syncedPair: (name: string) => Promise<{ schema: string; path: string }>
  /** One `--once` run with the rollup hooks, as the core runs it; returns its log lines. */
  readonly runOnce: (schema: string, path: string) => Promise<string[]>
  /** The cache equals upstream table by table, and every rollup table equals a rebuild. */
  readonly expectConverged: (schema: string, path: string) => Promise<void>
  /** Drops the schemas and the caches. */
  readonly close: () => Promise<void>
}

const DIMS_TABLES = new Set(ROLLUPS.filter((r) => r.column === 'dims').map((r) => r.table))

/** Every rollup table, dimension ids resolved and rows sorted, so two stores compare by value. */
export function rollupTables(db: Store): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const table of ROLLUP_TABLES) {
    const sql = DIMS_TABLES.has(table)
      ? `SELECT t.*, d.source, d.city, d.segment, d.temperature, d.status
           FROM ${table} t JOIN rollup_dims d ON d.id = t.dims`
      : `SELECT * FROM ${table}`
    const rows = db.prepare(sql).all() as Record<string, unknown>[]
    out[table] = rows
      .map((row) => {
        // Dimension ids are numbered anew by a rebuild; their values are compared.
        delete row.dims
        return JSON.stringify(row, (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
        )
      })
      .sort()
  }
  return out
}

/** The cache equals upstream row by row, and every rollup table equals a rebuild from its rows. */
export async function expectConvergedStore(pool: Pool, schema: string, db: Store): Promise<void> {
  const bad = (await compareWithUpstream(pool, schema, db, opsManifest)).filter((t) => !t.equal)
  expect(bad).toEqual([])
  expect(db.prepare('SELECT valid FROM rollup_state').pluck().get()).toBe(1)
  const kept = rollupTables(db)
  rebuildRollups(db)
  expect(rollupTables(db)).toEqual(kept)
}

export function catchupHarness(options: CatchupOptions): Catchup {
  const pool = new Pool({ connectionString: PG_URL, max: 4 })
  const schemas: string[] = []
  const temp = tempDir(`${options.base}-`)
  let dbCount = 0

  const runOnce = async (schema: string, path: string): Promise<string[]> => {
    const db = openStore(path)
    const logs: string[] = []
    try {
      const hooks = rollupSyncHooks(db)
      const sync = startPostgresSync({
        db,
        pgConfig: { connectionString: PG_URL },
        schema,
        once: true,
        batchRows: options.batchRows,
        rowHooks: hooks,
        log: (line) => logs.push(line),
      })
      await sync.done
      hooks.caughtUp()
    } finally {
      db.close()
    }
    return logs
  }

  return {
    pool,
    runOnce,
    async syncedPair(name) {
      const schema = `${options.base}_${name}`
      schemas.push(schema)
      await seedUpstream({
        pg: pool,
        schema,
        dataset: generateDemo({ seed: options.seed, leads: options.leads, endAt: END_AT }),
        ...(options.seedBatchSize ? { batchSize: options.seedBatchSize } : {}),
      })
      await installChangeLog(pool, schema, opsManifest)
      await pool.query(`analyze ${qualified(schema, 'leads')}`)
      const path = `${temp.dir}/cache-${++dbCount}.sqlite`
      await runOnce(schema, path)
      return { schema, path }
    },
    async expectConverged(schema, path) {
      const db = openStore(path)
      try {
        await expectConvergedStore(pool, schema, db)
      } finally {
        db.close()
      }
    },
    async close() {
      for (const schema of schemas) await dropUpstream(pool, schema)
      await pool.end()
      temp.cleanup()
    },
  }
}

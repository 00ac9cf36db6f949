// Rollup upkeep on the real sync path: the engine's initial sync of the same
// upstream into a fresh cache, with the rollup hooks the app uses, against
// the same sync with no hooks, in the same run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Pool } from 'pg'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, seedUpstream } from '../../main/demo/upstream.ts'
import { rollupState } from '../../main/metrics/index.ts'
import { rollupSyncHooks } from '../../main/metrics/sync-hooks.ts'
import { openStore } from '../../main/store/index.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { startPostgresSync } from '../../main/sync/postgres/engine.ts'
import { opsManifest } from '../../main/sync/manifest.ts'

export interface SyncRollupsFigures {
  leads: number
  offSeconds: number
  onSeconds: number
  /** Of onSeconds: the one rebuild once caught up (the core is busy meanwhile). */
  rebuildSeconds: number
  ratio: number
}

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'

interface Timing {
  seconds: number
  rebuildSeconds: number
}

async function initialSync(schema: string, file: string, withRollups: boolean): Promise<Timing> {
  const db = openStore(file)
  const started = performance.now()
  const rollups = withRollups ? rollupSyncHooks(db) : undefined
  const sync = startPostgresSync({
    db,
    pgConfig: { connectionString: PG_URL },
    schema,
    manifest: opsManifest,
    once: true,
    listen: false,
    ...(rollups ? { rowHooks: rollups } : {}),
  })
  await sync.done
  const synced = performance.now()
  rollups?.caughtUp()
  const ended = performance.now()
  if (withRollups && !rollupState(db).valid) throw new Error('rollups were left invalid')
  await sync.stop()
  db.close()
  return { seconds: (ended - started) / 1000, rebuildSeconds: (ended - synced) / 1000 }
}

export async function benchSyncRollups(leads: number): Promise<SyncRollupsFigures> {
  const pool = new Pool({ connectionString: PG_URL, max: 4 })
  const schema = `wf_bench_rollups_${process.pid}_${Date.now()}`
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-rollups-'))
  try {
    await seedUpstream({
      pg: pool,
      schema,
      dataset: generateDemo({ seed: 11, leads, endAt: Date.parse('2026-11-01T12:00:00Z') }),
    })
    await installChangeLog(pool, schema, opsManifest)
    // Alternate so that drift in the machine's load hits both sides alike.
    const off1 = await initialSync(schema, join(dir, 'off1.sqlite'), false)
    const on1 = await initialSync(schema, join(dir, 'on1.sqlite'), true)
    const on2 = await initialSync(schema, join(dir, 'on2.sqlite'), true)
    const off2 = await initialSync(schema, join(dir, 'off2.sqlite'), false)
    const offSeconds = (off1.seconds + off2.seconds) / 2
    const onSeconds = (on1.seconds + on2.seconds) / 2
    const rebuildSeconds = (on1.rebuildSeconds + on2.rebuildSeconds) / 2
    return { leads, offSeconds, onSeconds, rebuildSeconds, ratio: onSeconds / offSeconds }
  } finally {
    await dropUpstream(pool, schema)
    await pool.end()
    rmSync(dir, { recursive: true, force: true })
  }
}

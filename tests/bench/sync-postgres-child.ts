// Child process of benchPostgresSync (sync-postgres.ts): the core runs in its
// own process in production, so each sync job runs here, forked through tsx,
// while the bench process plays the serving thread. The job comes as JSON in
// argv[2]; the result goes back over IPC, with this process's peak RSS.
import { to as copyTo } from 'pg-copy-streams'
import { Pool } from 'pg'
import { combineRowHooks, journeySyncHooks } from '../../main/intelligence/journeys.ts'
import { rollupSyncHooks } from '../../main/metrics/sync-hooks.ts'
import { openStore, startCheckpointer } from '../../main/store/index.ts'
import { copyTextRows } from '../../main/sync/postgres/copy-text.ts'
import { startPostgresSync } from '../../main/sync/postgres/engine.ts'
import { opsManifest, qualified, selectList } from '../../main/sync/manifest.ts'

export interface ChildJob {
  readonly kind: 'raw' | 'once' | 'follow'
  readonly pgUrl: string
  readonly schema: string
  readonly dbPath: string
  readonly batchRows: number
  /** The engine's COPY decoded on its own thread (false: the one-thread engine, for comparison). */
  readonly decodeOffThread?: boolean
  /** The row hooks the app wires (default), or none: the sync's own share of a catch-up. */
  readonly hooks?: 'app' | 'none'
}

export type ChildMessage =
  | { type: 'ready' }
  | {
      type: 'result'
      rows: number
      seconds: number
      maxRssMb: number
    }
  | { type: 'error'; message: string }

const leadsTable = opsManifest.tables.find((t) => t.upstream === 'leads')
if (!leadsTable) throw new Error('no leads table in the manifest')
const leads = leadsTable
const leadsOnly = { tables: [leads] }

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('not started with an IPC channel'))
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()))
  })
}

/** COPY TO, parsed, into a bare prepared insert, 10k-row transactions, no logic. */
async function raw(job: ChildJob): Promise<number> {
  const db = openStore(job.dbPath)
  const pool = new Pool({ connectionString: job.pgUrl, max: 1 })
  try {
    // Every secondary index, whatever the migrations add (the engine drops them too).
    const indexes = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads' AND sql IS NOT NULL",
      )
      .pluck()
      .all() as string[]
    for (const name of indexes) db.exec(`DROP INDEX "${name}"`)
    const insert = db.prepare(
      `INSERT INTO leads (${leads.columns.map((c) => c.local).join(', ')}) VALUES (${leads.columns.map(() => '?').join(', ')})`,
    )
    const write = db.transaction((rows: (string | null)[][]) => {
      for (const row of rows) insert.run(row)
    })
    const client = await pool.connect()
    let count = 0
    let failure: Error | undefined
    try {
      const stream = client.query(
        copyTo(
          `copy (select ${selectList(leads)} from ${qualified(job.schema, 'leads')} as src
             where src.deleted_at is null order by src.id) to stdout`,
        ),
      )
      let batch: (string | null)[][] = []
      for await (const rows of copyTextRows(stream as AsyncIterable<Buffer>)) {
        for (const row of rows) {
          batch.push(row)
          if (batch.length >= job.batchRows) {
            write(batch)
            count += batch.length
            batch = []
          }
        }
      }
      write(batch)
      count += batch.length
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error))
      throw error
    } finally {
      client.release(failure)
    }
    return count
  } finally {
    await pool.end()
    db.close()
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob
  let started = performance.now()
  let rows: number
  let seconds: number
  if (job.kind === 'raw') {
    rows = await raw(job)
    seconds = (performance.now() - started) / 1000
  } else {
    const db = openStore(job.dbPath)
    // The KPI rollups and the leads' journeys are kept as the core keeps
    // them (main/core/start-sources.ts): invalid through the first load,
    // rebuilt after it, then upkept change by change, so the catch-up figure
    // includes their upkeep. The rebuilds after the first load run here, at
    // the next job's start and untimed, so the initial sync's peak RSS stays
    // the sync's own.
    const rollups = rollupSyncHooks(db)
    const journeys = journeySyncHooks(db)
    // Without hooks (the sync's own share) nothing derived is read: no rebuild either.
    if (job.hooks !== 'none' && db.prepare('SELECT 1 FROM leads LIMIT 1').get() !== undefined) {
      rollups.caughtUp()
      journeys.caughtUp()
    }
    // The WAL's checkpoints on their own thread, as the core's (main/core/core-service.ts).
    const checkpointer = startCheckpointer(db)
    started = performance.now()
    const sync = startPostgresSync({
      ...(job.hooks === 'none' ? {} : { rowHooks: combineRowHooks(rollups, journeys) }),
      db,
      pgConfig: { connectionString: job.pgUrl },
      schema: job.schema,
      manifest: leadsOnly,
      once: job.kind === 'once',
      batchRows: job.batchRows,
      ...(job.decodeOffThread === false ? { decodeOffThread: false } : {}),
      intervalMs: 1_000,
      log: (line) => process.stderr.write(`${line}\n`),
    })
    const before = sync.status().tables[0]?.rowsApplied ?? 0
    if (job.kind === 'follow') {
      await sync.synced()
      const stopped = new Promise<void>((resolve) => process.once('message', () => resolve()))
      await send({ type: 'ready' })
      await stopped
      await sync.stop()
    } else {
      await sync.done
    }
    rows = (sync.status().tables[0]?.rowsApplied ?? 0) - before
    seconds = (performance.now() - started) / 1000
    await checkpointer.stop()
    db.close()
  }
  await send({
    type: 'result',
    rows,
    seconds,
    // resourceUsage().maxRSS is the kernel's high-water mark, in KiB.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  })
}

main().then(
  () => process.disconnect(),
  async (error: unknown) => {
    await send({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }).catch(() => undefined)
    process.exitCode = 1
    process.disconnect()
  },
)

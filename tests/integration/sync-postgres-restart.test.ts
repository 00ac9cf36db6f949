// A real Postgres server restarted mid-sync: a throwaway cluster of our own
// (initdb into a temp folder, its own port, run as the postgres user), never
// the machine's shared server. The source goes offline with a next retry,
// comes back live by itself, and the cache converges.
import { join } from 'node:path'
import { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { seedUpstream } from '../../main/demo/upstream.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { startPostgresSync, type PostgresSync } from '../../main/sync/postgres/engine.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { compareWithUpstream } from '../../main/sync/postgres/verify.ts'
import {
  canRunThrowawayPostgres as canRun,
  createThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/throwaway-postgres.ts'

let server: ThrowawayPostgres | undefined
let url = ''
let pool: Pool | undefined
let db: Store | undefined
let sync: PostgresSync | undefined
const states: string[] = []

async function waitFor(
  what: string,
  probe: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  if (!canRun) return
  server = await createThrowawayPostgres()
  url = server.url
  pool = new Pool({ connectionString: url, max: 2 })
  pool.on('error', () => undefined)
  await seedUpstream({
    pg: pool,
    schema: 'ops',
    dataset: generateDemo({ seed: 5, leads: 2_000, endAt: Date.parse('2026-06-01T12:00:00Z') }),
  })
  await installChangeLog(pool, 'ops', opsManifest)
}, 120_000)

afterAll(async () => {
  await sync?.stop()
  db?.close()
  await pool?.end()
  server?.cleanup()
})

describe.skipIf(!canRun)('Postgres restarted mid-sync (a throwaway server of our own)', () => {
  it('goes offline with a next retry, comes back live, and converges', async () => {
    db = openStore(join(server!.dir, 'cache.sqlite'))
    sync = startPostgresSync({
      db,
      pgConfig: { connectionString: url, connectTimeoutMs: 2_000 },
      schema: 'ops',
      intervalMs: 500,
      backoff: { baseMs: 100, capMs: 1_000 },
      log: () => {},
    })
    const seen = setInterval(() => states.push(sync?.status().state ?? ''), 20)
    try {
      await sync.synced()
      server!.stop()
      // The first failure may be "Lost the connection…" (the server closed it
      // mid-query); while it stays down, every retry says it cannot reach it.
      await waitFor('offline and unreachable', () => {
        const s = sync?.status()
        return (
          s?.state === 'offline' &&
          /^Cannot reach Postgres at 127\.0\.0\.1:\d+/.test(s.message ?? '')
        )
      })
      const offline = sync.status()
      expect(offline.nextRetryAt).not.toBeNull()
      server!.start()
      // Changes made after the restart arrive without anybody touching the sync.
      await pool!.query(`update ops.leads set owner = 'after restart' where id between 1 and 20`)
      await waitFor('live again', () => sync?.status().state === 'live')
      await waitFor('convergence', async () =>
        (await compareWithUpstream(pool!, 'ops', db!, opsManifest)).every((t) => t.equal),
      )
      expect(states).toContain('offline')
    } finally {
      clearInterval(seen)
    }
  })
})

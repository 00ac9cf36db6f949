// Admin maintenance over the browser host's real socket, with the core in a
// real child process: a job is started by one call that answers at once, its
// progress arrives as events, one job runs at a time, a LAN screen may not
// start one, and a re-sync from a real Postgres brings back a row the cache
// lost.
import { networkInterfaces } from 'node:os'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveProfile } from '../../main/config/connection-profile.ts'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, seedUpstream } from '../../main/demo/upstream.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import {
  ADMIN_ONLY_MESSAGE,
  type IntelStatus,
  type MaintenanceJob,
  type MaintenanceStatus,
} from '../../shared/api/index.ts'
import { apiPage, value, type ApiPage } from '../support/api-page.ts'
import { openApiSocket, pageCookie } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const TOKEN = 'maintenance-test-token-0123456789abcdef'

/** One page's socket: replies by call id, maintenance.progress events as they come. */
type Page = ApiPage<MaintenanceJob>

/** A page of a host started with TOKEN (a script presenting it), or of a loopback host without one. */
async function page(url: string, token = true): Promise<Page> {
  const socket = token
    ? await openApiSocket(url, { query: `?token=${TOKEN}` })
    : await openApiSocket(url, { cookie: await pageCookie(url) })
  return apiPage<MaintenanceJob>(socket, 'maintenance.progress')
}

/** The job's last event once it has ended. */
const ended = (p: Page, id: number) =>
  until(
    `job ${id} to end`,
    () => p.events.find((j) => j.id === id && j.state !== 'running'),
    120_000,
  )

function renderer(dir: string): string {
  const staticDir = join(dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
  return staticDir
}

/** An IPv4 address of this machine other than loopback: a LAN client's way in. */
const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address

describe('maintenance on demo data', () => {
  const temp = tempDir('watchfloor-maint-')
  const dbPath = join(temp.dir, 'cache.sqlite')
  let core: CoreClient
  let host: Host
  let local: Page
  let liveLeads = 0

  beforeAll(async () => {
    core = await spawnCore({
      dbPath,
      demo: { leads: 5_000, seed: 7 },
      version: 'test',
      watchIntervalMs: 60_000,
    })
    // Free pages for compaction to give back: a table filled and dropped.
    const db = new Database(dbPath)
    db.exec('CREATE TABLE scratch (b BLOB)')
    const insert = db.prepare('INSERT INTO scratch VALUES (randomblob(4000))')
    db.transaction(() => {
      for (let i = 0; i < 1_000; i++) insert.run()
    })()
    db.exec('DROP TABLE scratch')
    liveLeads = db
      .prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL')
      .pluck()
      .get() as number
    db.close()
    host = await startHost({
      core,
      staticDir: renderer(temp.dir),
      port: 0,
      host: '0.0.0.0',
      token: TOKEN,
    })
    local = await page(`http://127.0.0.1:${new URL(host.url).port}/`)
  })

  afterAll(async () => {
    local?.close()
    await host?.close()
    await core?.close()
    temp.cleanup()
  })

  it('rebuilds the rollups with progress, leaving every number as it was', async () => {
    const request = {
      filters: { range: { preset: 'last90', timeZone: 'America/Detroit' } },
      dashboards: ['leadResponse', 'conversion', 'marketing', 'funnel'],
    }
    const before = value(await local.call<Record<string, unknown>>('kpis.dashboard', request))
    const job = value(
      await local.call<MaintenanceJob>('maintenance.start', { action: 'rebuild-rollups' }),
    )
    expect(job).toMatchObject({ action: 'rebuild-rollups', state: 'running', table: null })
    const last = await ended(local, job.id)
    expect(last.state, last.result ?? '').toBe('done')
    expect(last.result).toMatch(
      new RegExp(
        `^Rebuilt the KPI rollups from ${liveLeads.toLocaleString('en-US')} leads in [\\d.]+ s\\.$`,
      ),
    )
    const rebuilding = local.events.find((j) => j.id === job.id && j.phase === 'Rebuilding rollups')
    expect(rebuilding).toMatchObject({ done: 0, total: liveLeads })
    const status = value(await local.call<MaintenanceStatus>('maintenance.status', {}))
    expect(status.job).toEqual(last)
    const after = value(await local.call<Record<string, unknown>>('kpis.dashboard', request))
    expect({ ...after, computeMs: 0 }).toEqual({ ...before, computeMs: 0 })
  })

  it('compacts the cache, saying what it freed, and refuses a second job meanwhile', async () => {
    // The core infers lead journeys in the background after start (issue 16): once that has
    // written, the file's size moves only by what compaction does.
    await until('the background journey inference to end', async () => {
      const intel = value(await local.call<IntelStatus>('intel.status', {}))
      return intel.state !== 'running' && (/journeys/i.test(intel.phase) || intel.state === 'done')
        ? true
        : undefined
    })
    // The cache on disk is the file and its write-ahead log (background writes may sit in it).
    const cacheSize = () =>
      statSync(dbPath).size + (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0)
    const sizeBefore = cacheSize()
    const [first, second] = await Promise.all([
      local.call<MaintenanceJob>('maintenance.start', { action: 'compact' }),
      local.call<MaintenanceJob>('maintenance.start', { action: 'rebuild-rollups' }),
    ])
    const job = value(first)
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(second.ok ? '' : second.error.message).toMatch(
      /^A maintenance job is already running \(compact, started .+\); wait for it to end\.$/,
    )
    const last = await ended(local, job.id)
    expect(last).toMatchObject({ state: 'done', action: 'compact' })
    expect(last.freedBytes).toBeGreaterThan(3_000_000)
    const phases = local.events.filter((j) => j.id === job.id).map((j) => j.phase)
    expect(phases).toEqual(
      expect.arrayContaining([
        'Checkpointing the write-ahead log',
        'Rewriting the cache file (VACUUM)',
        'Done',
      ]),
    )
    expect(cacheSize()).toBeLessThan(sizeBefore - 3_000_000)
    // The core answered throughout and still does.
    expect(value(await local.call<{ leadCount: number }>('app.status', {})).leadCount).toBe(
      liveLeads,
    )
  })

  it('refuses bad input with a sentence naming it', async () => {
    const unknownAction = await local.call('maintenance.start', { action: 'drop-everything' })
    expect(unknownAction).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(unknownAction.ok ? '' : unknownAction.error.message).toContain('action')
    const resync = await local.call('maintenance.start', { action: 'resync', table: 'leads' })
    expect(resync).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(resync.ok ? '' : resync.error.message).toMatch(/^There is no upstream to re-sync from/)
    const tableForCompact = await local.call('maintenance.start', { action: 'compact', table: 'x' })
    expect(tableForCompact).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    const status = value(await local.call<MaintenanceStatus>('maintenance.status', {}))
    expect(status.tables).toEqual([])
    expect(status.resyncUnavailable).toContain('demo data')
  })

  it.runIf(lanAddress !== undefined)(
    'refuses maintenance to a LAN client, with a sentence',
    async () => {
      const lan = await page(`http://${lanAddress}:${new URL(host.url).port}/`)
      try {
        const refused = await lan.call('maintenance.start', { action: 'compact' })
        expect(refused).toEqual({
          ok: false,
          error: { code: 'forbidden', message: ADMIN_ONLY_MESSAGE },
        })
        // Reading the state is not maintenance.
        expect(await lan.call('maintenance.status', {})).toMatchObject({ ok: true })
        expect(await lan.call('app.status', {})).toMatchObject({ ok: true })
      } finally {
        lan.close()
      }
    },
  )
})

describe('re-sync of one table from a real Postgres', () => {
  const SCHEMA = `wf_maint_${process.pid}_${Date.now()}`
  const TENANT = `tm${process.pid}${Date.now()}`
  const temp = tempDir('watchfloor-maint-pg-')
  const dbPath = join(temp.dir, 'cache.sqlite')
  let pool: Pool
  let core: CoreClient
  let host: Host
  let local: Page

  beforeAll(async () => {
    pool = new Pool({ connectionString: PG_URL, max: 2 })
    await seedUpstream({
      pg: pool,
      schema: SCHEMA,
      dataset: generateDemo({ seed: 5, leads: 1_500, endAt: Date.now(), tenantId: TENANT }),
    })
    await installChangeLog(pool, SCHEMA, opsManifest)
    core = await spawnCore({
      dbPath,
      demo: null,
      version: 'test',
      watchIntervalMs: 60_000,
      upstream: resolveProfile({
        postgres: { url: PG_URL, schema: SCHEMA },
        tenant: TENANT,
        syncIntervalMs: 60_000,
      }),
    })
    host = await startHost({ core, staticDir: renderer(temp.dir), port: 0 })
    local = await page(host.url, false)
    await until(
      'Postgres live',
      async () => {
        const s = value(
          await local.call<{ sources: { name: string; state: string }[] }>('app.status', {}),
        )
        return s.sources.find((x) => x.name === 'Postgres')?.state === 'live' ? true : undefined
      },
      120_000,
    )
  }, 180_000)

  afterAll(async () => {
    local?.close()
    await host?.close()
    await core?.close()
    await dropUpstream(pool, SCHEMA)
    await pool.end()
    temp.cleanup()
  })

  it('lists the tables, refuses an unknown one, and brings back a row deleted from the cache', async () => {
    const status = value(await local.call<MaintenanceStatus>('maintenance.status', {}))
    expect(status.resyncUnavailable).toBeNull()
    expect(status.tables).toEqual(opsManifest.tables.map((t) => t.upstream))
    const unknown = await local.call('maintenance.start', { action: 'resync', table: 'nope' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(unknown.ok ? '' : unknown.error.message).toContain('There is no table "nope"')
    const missing = await local.call('maintenance.start', { action: 'resync' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'bad_request' } })

    const { rows } = await pool.query<{ id: string; n: string }>(
      `select min(id)::text as id, count(*)::text as n from "${SCHEMA}".leads
        where tenant_id = $1 and deleted_at is null`,
      [TENANT],
    )
    const id = Number(rows[0]?.id)
    const upstreamCount = Number(rows[0]?.n)
    const cache = new Database(dbPath)
    try {
      cache.prepare('DELETE FROM leads WHERE id = ?').run(id)
      expect(cache.prepare('SELECT 1 FROM leads WHERE id = ?').get(id)).toBeUndefined()
      const job = value(
        await local.call<MaintenanceJob>('maintenance.start', { action: 'resync', table: 'leads' }),
      )
      const last = await ended(local, job.id)
      expect(last.state, last.result ?? '').toBe('done')
      expect(last).toMatchObject({ action: 'resync', table: 'leads' })
      expect(last.result).toBe(
        `Re-synced leads: ${upstreamCount.toLocaleString('en-US')} rows copied again from Postgres.`,
      )
      const copying = local.events.filter(
        (j) => j.id === job.id && j.phase === 'Copying leads from Postgres',
      )
      expect(copying[0]).toMatchObject({ total: upstreamCount })
      expect(cache.prepare('SELECT 1 AS back FROM leads WHERE id = ?').get(id)).toEqual({ back: 1 })
      expect(
        cache.prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL').pluck().get(),
      ).toBe(upstreamCount)
    } finally {
      cache.close()
    }
  })

  it('re-syncs after another writer held the cache past the busy timeout, the core alive', async () => {
    // Another connection (a worker, another process on the file) holds the write lock past the
    // core's 5 s busy timeout just after a re-sync left the rollups to rebuild: the rebuild is
    // tried again on a later tick (it once threw from its timer and ended the core).
    const other = new Database(dbPath)
    try {
      other.exec('BEGIN IMMEDIATE')
      const job = value(
        await local.call<MaintenanceJob>('maintenance.start', {
          action: 'resync',
          table: 'customers',
        }),
      )
      await new Promise((resolve) => setTimeout(resolve, 7_000))
      other.exec('COMMIT')
      const last = await ended(local, job.id)
      expect(last.state, last.result ?? '').toBe('done')
      expect(last.result).toMatch(/^Re-synced customers: [\d,]+ rows copied again from Postgres\.$/)
    } finally {
      other.close()
    }
  })
})

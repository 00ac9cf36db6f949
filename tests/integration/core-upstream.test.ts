// The whole core against a live upstream, as `watchfloor serve --pg … --redis …`
// runs it: Postgres through the change log, the Redis stream waking the pull,
// rollups kept in the sync transactions, pages told which dashboards moved.
import { Pool } from 'pg'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCore, type CoreService } from '../../main/core/core-service.ts'
import { resolveProfile } from '../../main/config/connection-profile.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { rebuildRollups, rollupState } from '../../main/metrics/index.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { compareWithUpstream } from '../../main/sync/postgres/verify.ts'
import type { AppStatus } from '../../shared/api/index.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const SCHEMA = `wf_core_${process.pid}_${Date.now()}`
const TENANT = `tc${process.pid}${Date.now()}`

let pool: Pool
let redis: Redis
let core: CoreService
const temp = tempDir('watchfloor-core-')
const events: { tables: string[]; dashboards?: string[] }[] = []

async function status(): Promise<AppStatus> {
  const result = await core.dispatch('app.status', {})
  if (!result.ok) throw new Error(result.error.message)
  return result.value as AppStatus
}

async function converged(): Promise<boolean> {
  const tables = await compareWithUpstream(pool, SCHEMA, core.db, opsManifest, { tenant: TENANT })
  return tables.every((t) => t.equal)
}

beforeAll(async () => {
  pool = new Pool({ connectionString: PG_URL, max: 4 })
  redis = new Redis(REDIS_URL)
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({ seed: 3, leads: 3_000, endAt: Date.now(), tenantId: TENANT }),
  })
  await installChangeLog(pool, SCHEMA, opsManifest)
  core = startCore(
    {
      dbPath: `${temp.dir}/cache.sqlite`,
      demo: null,
      version: 'test',
      upstream: resolveProfile({
        postgres: { url: PG_URL, schema: SCHEMA },
        redis: { url: REDIS_URL },
        tenant: TENANT,
        syncIntervalMs: 60_000,
      }),
    },
    {
      log: () => {},
      emit: (event, payload) => {
        if (event === 'data.changed') events.push(payload as (typeof events)[number])
      },
    },
  )
})

afterAll(async () => {
  await core?.close()
  await dropUpstream(pool, SCHEMA)
  await redis.del(`ops:${TENANT}:events`)
  redis.disconnect()
  await pool.end()
  temp.cleanup()
})

describe('the core synced from a live upstream', () => {
  it('reports each source, leaves demo mode, and holds exactly what upstream holds', async () => {
    await until('the first sync', async () => ((await converged()) ? true : undefined))
    const shown = await until('Postgres live', async () => {
      const s = await status()
      return s.sources.find((src) => src.name === 'Postgres')?.state === 'live' ? s : undefined
    })
    expect(shown.mode).toBe('live')
    // The initial load skipped per-row rollup upkeep; once caught up they were rebuilt.
    await until('rollups rebuilt after the initial load', () =>
      rollupState(core.db).valid ? true : undefined,
    )
    expect(shown.sources.map((s) => s.name)).toEqual(expect.arrayContaining(['Postgres', 'Redis']))
    expect(JSON.stringify(shown)).not.toContain('postgres://postgres@') // no credentials to pages
    const pg = shown.sources.find((src) => src.name === 'Postgres')
    expect(pg).toMatchObject({ rate: { unit: 'rows/s' }, approximate: false, lastError: null })
    expect(shown.sources.find((src) => src.name === 'Redis')).toMatchObject({
      rate: { unit: 'events/s' },
    })
  })

  it('follows live changes woken by the stream, with rollups and dashboards in step', async () => {
    events.length = 0
    await runUpstreamWriter({
      pg: pool,
      redis,
      schema: SCHEMA,
      tenantId: TENANT,
      ratePerSecond: 200,
      seed: 9,
      maxEvents: 150,
    })
    await until('the cache to converge after the writes', async () =>
      (await converged()) ? true : undefined,
    )
    // The sync's own events name the dashboards its tables feed. (A write by another connection,
    // such as the intelligence worker's, is seen only as a new data_version: an event naming
    // 'leads' without dashboards, which tells pages to refetch everything.)
    const moved = events.find((e) => e.tables.includes('leads') && e.dashboards !== undefined)
    expect(moved?.dashboards).toEqual(expect.arrayContaining(['leadResponse', 'funnel']))
    // The rollups kept up inside the sync transactions equal rollups rebuilt
    // from the synced rows: every dashboard reads the same either way.
    const request = {
      filters: { range: { preset: 'last90', timeZone: 'America/Detroit' } },
      dashboards: ['leadResponse', 'conversion', 'marketing', 'markets', 'funnel', 'trends'],
    }
    const incremental = await core.dispatch('kpis.dashboard', request)
    rebuildRollups(core.db)
    const rebuilt = await core.dispatch('kpis.dashboard', request)
    expect(incremental.ok && rebuilt.ok).toBe(true)
    const figures = (r: typeof incremental): Record<string, unknown> => ({
      ...(r.ok ? (r.value as Record<string, unknown>) : {}),
      computeMs: 0,
    })
    expect(figures(incremental)).toEqual(figures(rebuilt))
  })
})

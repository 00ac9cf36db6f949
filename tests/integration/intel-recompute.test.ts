// The intelligence recompute runs off the thread that answers the api (issue 16): over the real
// socket of the browser host, to the core in its own process, dashboards are answered while a
// recompute runs (answers arrive between its start and its end; on the api's thread they could
// only arrive after it), and the views read what it stored. Against a live upstream, a sync that
// moved enough lead rows starts one by itself, and the stage changes it carried are observed in
// the journeys.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Pool } from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startCore } from '../../main/core/core-service.ts'
import { spawnCore } from '../../main/core/spawn-core.ts'
import { resolveProfile } from '../../main/config/connection-profile.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, seedUpstream } from '../../main/demo/upstream.ts'
import { startHost } from '../../main/host/server.ts'
import { journeysValid } from '../../main/intelligence/journeys.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { compareWithUpstream } from '../../main/sync/postgres/verify.ts'
import type {
  ApiResult,
  CallFirstResult,
  IntelStatus,
  JourneysResult,
  ModelCard,
  SegmentsResult,
} from '../../shared/api/index.ts'
import { callFrame, openApiSocket, pageCookie } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const temp = tempDir('watchfloor-intel-')
const cleanups: (() => Promise<void>)[] = []

afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
  temp.cleanup()
})

describe('the intelligence recompute', () => {
  it('runs off the api thread: dashboards answer over the socket while it runs', async () => {
    const dbPath = join(temp.dir, 'demo.sqlite')
    const staticDir = join(temp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
    const core = await spawnCore({
      dbPath,
      demo: { leads: 60_000, seed: 4 },
      version: 'test',
      watchIntervalMs: 100,
    })
    const host = await startHost({ core, staticDir, port: 0 })
    cleanups.push(async () => {
      await host.close()
      await core.close()
    })
    const socket = await openApiSocket(host.url, { cookie: await pageCookie(host.url) })
    let n = 0
    /** Every frame in arrival order: answers by id, events by name. */
    const log: { id?: string; event?: string; payload?: unknown; result?: ApiResult<unknown> }[] =
      []
    const pending = new Map<string, (r: ApiResult<unknown>) => void>()
    void (async () => {
      for (;;) {
        const frame = await socket.next()
        if (frame.m === 'event') {
          const [event, payload] = frame.a as [string, unknown]
          log.push({ event, payload })
        } else if (typeof frame.i === 'string') {
          log.push({ id: frame.i, result: frame.r as ApiResult<unknown> })
          pending.get(frame.i)?.(frame.r as ApiResult<unknown>)
        }
      }
    })()
    const call = <T>(method: string, input: unknown): Promise<{ id: string; value: T }> => {
      const id = `c${n++}`
      return new Promise((resolve, reject) => {
        pending.set(id, (r) =>
          r.ok ? resolve({ id, value: r.value as T }) : reject(new Error(r.error.message)),
        )
        socket.ws.send(callFrame(id, method, input))
      })
    }
    const ended = () =>
      log.find(
        (f) =>
          f.event === 'intel.changed' &&
          ['done', 'failed'].includes((f.payload as IntelStatus).state),
      )

    const started = await call<IntelStatus>('intel.recompute', { force: true })
    expect(started.value.state).toBe('running')
    expect(started.value.trigger).toBe('demand')
    // Dashboards one after another until the recompute says it has ended.
    const dashboards: string[] = []
    while (!ended()) {
      const { id, value } = await call<{ leadResponse?: unknown }>('kpis.dashboard', {
        filters: { range: { preset: 'last30', timeZone: 'America/Detroit' } },
        dashboards: ['leadResponse'],
      })
      expect(value.leadResponse).toBeDefined()
      dashboards.push(id)
      if (dashboards.length > 100_000) throw new Error('the recompute never ended')
    }
    const end = ended()!
    expect((end.payload as IntelStatus).state).toBe('done')
    const endAt = log.indexOf(end)
    const answeredWhileRunning = dashboards.filter(
      (id) => log.findIndex((f) => f.id === id) < endAt,
    )
    expect(answeredWhileRunning.length).toBeGreaterThan(0)
    // Progress was reported on the way.
    const phases = log
      .filter((f) => f.event === 'intel.changed')
      .map((f) => (f.payload as IntelStatus).phase)
    expect(phases).toContain('Reading lead features')

    // The views read what it stored.
    const status = (await call<IntelStatus>('intel.status', {})).value
    expect(status).toMatchObject({ state: 'done', trigger: 'demand' })
    const segments = (await call<SegmentsResult>('intel.segments', { maxPoints: 1000 })).value
    expect(segments).toMatchObject({ availability: 'ready', computedAt: status.computedAt })
    expect(segments.points).toHaveLength(1000)
    expect(segments.segments.reduce((s, g) => s + g.size, 0)).toBe(segments.rows)
    const card = (await call<ModelCard>('intel.modelCard', {})).value
    expect(card).toMatchObject({ availability: 'ready', beatsBaseline: true, scoreSource: 'model' })
    const list = (await call<CallFirstResult>('intel.callFirst', { limit: 20 })).value
    expect(list.rows).toHaveLength(20)
    // The journeys were inferred at start in the worker too (the demo fill wrote none).
    const journeys = await until('journeys inferred off the api thread', async () => {
      const { value } = await call<JourneysResult>('intel.journeys', {
        filters: { range: { preset: 'last90', timeZone: 'America/Detroit' } },
      })
      return value.leads > 0 ? value : undefined
    })
    expect(journeys.inferredLeads).toBeGreaterThan(0)
    expect(journeys.edges.length).toBeGreaterThan(0)
    // Hostile input is refused at the boundary.
    await expect(call('intel.callFirst', { limit: 10_000 })).rejects.toThrow()
    await expect(call('intel.segments', { maxPoints: 5, extra: 1 })).rejects.toThrow()
    socket.ws.close()
  })

  it('starts by itself after a sync moved enough lead rows, and observes the stage changes', async () => {
    const schema = `wf_intel_${process.pid}_${Date.now()}`
    const tenant = `ti${process.pid}${Date.now()}`
    const pool = new Pool({ connectionString: PG_URL, max: 2 })
    cleanups.push(async () => {
      await dropUpstream(pool, schema)
      await pool.end()
    })
    await seedUpstream({
      pg: pool,
      schema,
      dataset: generateDemo({ seed: 9, leads: 3_000, endAt: Date.now(), tenantId: tenant }),
    })
    await installChangeLog(pool, schema, opsManifest)
    const statuses: IntelStatus[] = []
    const core = startCore(
      {
        dbPath: join(temp.dir, 'synced.sqlite'),
        demo: null,
        version: 'test',
        upstream: resolveProfile({
          postgres: { url: PG_URL, schema },
          tenant,
          syncIntervalMs: 1000,
        }),
      },
      {
        log: () => {},
        emit: (event, payload) => {
          if (event === 'intel.changed') statuses.push(payload as IntelStatus)
        },
      },
    )
    cleanups.push(() => core.close())
    await until(
      'the first sync',
      async () => {
        const tables = await compareWithUpstream(pool, schema, core.db, opsManifest, { tenant })
        return tables.every((t) => t.equal) ? true : undefined
      },
      60_000,
    )
    // The bulk load skipped the journeys; they are inferred once the sync is live.
    await until(
      'journeys rebuilt after the load',
      () => (journeysValid(core.db) ? true : undefined),
      60_000,
    )
    expect(statuses.filter((s) => s.state === 'running')).toEqual([])

    // 1,200 leads change upstream (above the 1,000-row threshold); 50 open ones are lost.
    const open = (
      await pool.query<{ id: string }>(
        `select id from ${schema}.leads where status in ('new', 'contacted', 'qualified', 'proposal') and deleted_at is null order by id limit 50`,
      )
    ).rows.map((r) => Number(r.id))
    expect(open.length).toBe(50)
    await pool.query(
      `update ${schema}.leads set status = 'lost', updated_at = now() where id = any($1::bigint[])`,
      [open],
    )
    await pool.query(
      `update ${schema}.leads set owner = 'Intel Test', updated_at = now()
       where id in (select id from ${schema}.leads where not (id = any($1::bigint[])) order by id limit 1150)`,
      [open],
    )
    await until(
      'a recompute started by the sync',
      () => statuses.find((s) => s.trigger === 'sync' && s.state === 'done'),
      90_000,
    )
    expect(
      statuses.find((s) => s.trigger === 'sync' && s.state === 'running')?.recomputeAfterChanges,
    ).toBe(1_000)
    // Each lost lead's history ends with an observed move to 'lost'.
    const observed = core.db
      .prepare(
        `SELECT count(*) FROM lead_journeys WHERE inferred = 0 AND to_stage = 5 AND lead_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .get(JSON.stringify(open)) as number
    expect(observed).toBe(50)
    // The moved leads' journeys are counted under their new owner (one entry row per lead).
    const owned = core.db
      .prepare("SELECT count(*) FROM leads WHERE owner = 'Intel Test' AND deleted_at IS NULL")
      .pluck()
      .get() as number
    expect(owned).toBeGreaterThan(1_000)
    expect(
      core.db
        .prepare(
          "SELECT total(count) FROM journey_dim_days WHERE dim = 5 AND value = 'Intel Test' AND edge >= 56",
        )
        .pluck()
        .get(),
    ).toBe(owned)
  })
})

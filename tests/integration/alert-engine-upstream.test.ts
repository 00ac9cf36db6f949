// The alert engine inside a real core against real upstreams: one upstream
// alert carried by both the Redis channel and Socket.IO is listed once; and
// with every upstream unreachable (closed ports) a rule on cached data still
// fires and the default source-offline rule fires once the clock has moved
// past its ten minutes.
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureDefaultRules } from '../../main/alerts/default-rules.ts'
import {
  resolveProfile,
  type ConnectionProfileInput,
} from '../../main/config/connection-profile.ts'
import { startCore, type CoreService } from '../../main/core/core-service.ts'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { openStore } from '../../main/store/index.ts'
import type { ActiveAlerts, AppStatus } from '../../shared/api/index.ts'
import { insertRule } from '../support/alert-fixture.ts'
import { startRedisServer } from '../support/redis-server.ts'
import { startOpsServer, type OpsServer } from '../support/socketio-server.ts'
import { tempDir } from '../support/temp.ts'
import { freePort, until } from '../support/wait.ts'

const TENANT = 'alerts-acme'
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function core(
  dbPath: string,
  upstream: ConnectionProfileInput,
  alerts?: { clock: () => Date; intervalMs: number },
): { core: CoreService; changed: ActiveAlerts[] } {
  const changed: ActiveAlerts[] = []
  const c = startCore(
    {
      dbPath,
      demo: null,
      version: 'test',
      upstream: resolveProfile({ ...upstream, tenant: TENANT, syncIntervalMs: 60_000 }),
      ...(alerts ? { alerts } : {}),
    },
    {
      log: () => {},
      emit: (event, payload) => {
        if (event === 'alerts.changed') changed.push(payload as ActiveAlerts)
      },
    },
  )
  cleanups.push(() => c.close())
  return { core: c, changed }
}

async function call<T>(c: CoreService, method: string): Promise<T> {
  const r = await c.dispatch(method, {})
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value as T
}

const upstreamAlert = (id: string) => ({
  id,
  tenant: TENANT,
  kind: 'response-backlog',
  severity: 'critical',
  message: `${id}: 12 leads have waited over 10 minutes`,
  value: 12,
  at: new Date().toISOString(),
})

describe('upstream alerts in the engine’s list', () => {
  it('lists an alert carried by both Redis and Socket.IO once', async () => {
    const temp = tempDir('watchfloor-alert-upstream-')
    cleanups.push(temp.cleanup)
    const port = await freePort()
    const redisServer: ChildProcess = await startRedisServer(port)
    cleanups.push(() => void redisServer.kill())
    const io: OpsServer = await startOpsServer()
    cleanups.push(() => io.close())
    const publisher = new Redis(`redis://127.0.0.1:${port}`)
    cleanups.push(() => void publisher.disconnect())
    const channel = `ops:${TENANT}:alerts`
    const { core: c, changed } = core(join(temp.dir, 'cache.sqlite'), {
      redis: { url: `redis://127.0.0.1:${port}` },
      socketio: { url: io.url },
    })
    // Both carriers listening before anything is sent: a pub/sub message before then is lost.
    await until('the core subscribed on both', async () => {
      const [, subscribers] = (await publisher.pubsub('NUMSUB', channel)) as [string, number]
      return subscribers === 1 && (await io.members(TENANT)).alerts === 1 ? true : undefined
    })
    const both = upstreamAlert('backlog-1')
    await publisher.publish(channel, JSON.stringify(both))
    io.pushAlert(TENANT, both)
    // Each carrier delivers in order: once its own later alert is in, its copy was handled.
    await publisher.publish(channel, JSON.stringify(upstreamAlert('after-redis')))
    io.pushAlert(TENANT, upstreamAlert('after-socketio'))
    const list = await until('all three alerts listed', async () => {
      const a = await call<ActiveAlerts>(c, 'alerts.active')
      return a.alerts.length >= 3 ? a : undefined
    })
    expect(list.alerts.map((a) => a.key).sort()).toEqual([
      'upstream:after-redis',
      'upstream:after-socketio',
      'upstream:backlog-1',
    ])
    expect(list.alerts.find((a) => a.key === 'upstream:backlog-1')).toMatchObject({
      origin: 'upstream',
      state: 'firing',
      severity: 'critical',
      name: 'response-backlog',
      value: 12,
    })
    expect(list.tray).toBe('critical')
    // The list was announced as the alerts came.
    await until('alerts.changed with the alert', () =>
      changed.find((a) => a.alerts.some((x) => x.key === 'upstream:backlog-1')),
    )
  })
})

describe('offline', () => {
  it('with every upstream unreachable, a rule on cached data fires and the source-offline rule fires after 10 minutes', async () => {
    const temp = tempDir('watchfloor-alert-offline-')
    cleanups.push(temp.cleanup)
    const dbPath = join(temp.dir, 'cache.sqlite')
    const started = Date.now()
    const db = openStore(dbPath)
    fillCache(db, generateDemo({ seed: 9, leads: 2_000, endAt: started, days: 30 }))
    ensureDefaultRules(db, started)
    const busy = insertRule(db, { name: 'Busy week', metric: 'leads', comparator: '>', warning: 1 })
    db.close()
    const [pg, redis, socketio] = [await freePort(), await freePort(), await freePort()]
    let now = started
    const { core: c } = core(
      dbPath,
      {
        postgres: { url: `postgres://postgres@127.0.0.1:${pg}/none` },
        redis: { url: `redis://127.0.0.1:${redis}` },
        socketio: { url: `http://127.0.0.1:${socketio}` },
      },
      { clock: () => new Date(now), intervalMs: 50 },
    )
    const active = () => call<ActiveAlerts>(c, 'alerts.active')
    await until('the cached-data rule to fire', async () => {
      const a = await active()
      return a.alerts.some((x) => x.key === `rule:${busy}` && x.state === 'firing') ? a : undefined
    })
    await until('every source offline', async () => {
      const s = await call<AppStatus>(c, 'app.status')
      return s.sources.length >= 3 &&
        s.sources.every((x) => x.state === 'offline' || x.state === 'error')
        ? true
        : undefined
    })
    const offlineKey = (a: ActiveAlerts) =>
      a.alerts.find((x) => x.name === 'Source offline' && x.state === 'firing')
    // The clock moves on half a minute at each look: the rule fires once the engine has seen the
    // sources down for ten minutes of that clock, not before.
    const fired = await until('the source-offline rule to fire', async () => {
      now += 30_000
      return offlineKey(await active())
    })
    expect(Date.parse(fired.since) - started).toBeGreaterThanOrEqual(10 * 60_000)
    expect(fired).toMatchObject({ severity: 'warning', view: 'health' })
    expect(fired.value).toBeGreaterThanOrEqual(600)
  })
})

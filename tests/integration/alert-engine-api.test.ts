// The alert engine's api as a page uses it: over the browser host's real api
// socket to a real core process whose engine evaluated a rule on the cache at
// start. Acknowledge and silence change the list and announce it; a LAN screen
// reads the list but may not acknowledge or silence.
import { networkInterfaces } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { openStore } from '../../main/store/index.ts'
import {
  ALERT_ACTION_REMOTE_MESSAGE,
  type ActiveAlerts,
  type AlertHistoryPage,
  type AlertsAcknowledged,
} from '../../shared/api/index.ts'
import { insertRule } from '../support/alert-fixture.ts'
import { apiPage, value, type ApiPage } from '../support/api-page.ts'
import { openApiSocket } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const TOKEN = 'alert-engine-test-token-0123456789abcdef'
const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address

describe('alerts.* over the host socket', () => {
  const temp = tempDir('watchfloor-alert-api-')
  const dbPath = join(temp.dir, 'cache.sqlite')
  let core: CoreClient
  let host: Host
  let local: ApiPage<ActiveAlerts>
  let busy = 0
  let quiet = 0

  beforeAll(async () => {
    const db = openStore(dbPath)
    fillCache(db, generateDemo({ seed: 5, leads: 2_000, endAt: Date.now(), days: 30 }))
    busy = insertRule(db, { name: 'Busy week', metric: 'leads', comparator: '>', warning: 1 })
    quiet = insertRule(db, { name: 'Flood', metric: 'leads', comparator: '>', warning: 1e9 })
    db.close()
    core = await spawnCore({ dbPath, demo: null, version: 'test', watchIntervalMs: 60_000 })
    const staticDir = join(temp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
    host = await startHost({ core, staticDir, port: 0, host: '0.0.0.0', token: TOKEN })
    const url = `http://127.0.0.1:${new URL(host.url).port}/`
    local = apiPage<ActiveAlerts>(
      await openApiSocket(url, { query: `?token=${TOKEN}` }),
      'alerts.changed',
    )
  }, 60_000)

  afterAll(async () => {
    local?.close()
    await host?.close()
    await core?.close()
    temp.cleanup()
  })

  const active = async () => value(await local.call<ActiveAlerts>('alerts.active', {}))

  it('lists the rule the core fired at start, with the tray state', async () => {
    const list = await until('the rule to fire', async () => {
      const a = await active()
      return a.alerts.length > 0 ? a : undefined
    })
    expect(list.tray).toBe('warning')
    expect(list.alerts).toMatchObject([
      {
        key: `rule:${busy}`,
        origin: 'local',
        state: 'firing',
        severity: 'warning',
        name: 'Busy week',
      },
    ])
    expect(list.alerts.some((a) => a.key === `rule:${quiet}`)).toBe(false)
  })

  it('pages the history, newest first', async () => {
    const page = value(await local.call<AlertHistoryPage>('alerts.history', { limit: 1 }))
    expect(page.transitions).toMatchObject([{ key: `rule:${busy}`, from: 'ok', to: 'firing' }])
    expect(page.next).toBeNull()
    const bad = await local.call('alerts.history', { limit: 1, before: 'yesterday' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })

  it('silences until a time, acknowledges, and announces each change', async () => {
    const until_ = new Date(Date.now() + 3_600_000).toISOString()
    const silenced = value(
      await local.call<ActiveAlerts>('alerts.silence', { key: `rule:${busy}`, until: until_ }),
    )
    expect(silenced.alerts[0]?.silencedUntil).toBe(until_)
    const past = await local.call('alerts.silence', {
      key: `rule:${busy}`,
      until: '2020-01-01T00:00:00Z',
    })
    expect(past).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    const acked = value(
      await local.call<ActiveAlerts>('alerts.acknowledge', { key: `rule:${busy}` }),
    )
    expect(acked.alerts[0]?.acknowledgedAt).not.toBeNull()
    expect(acked.tray).toBe('ok')
    await until('alerts.changed after the acknowledgement', () =>
      local.events.find((e) => e.alerts[0]?.acknowledgedAt !== null && e.tray === 'ok'),
    )
    const all = value(await local.call<AlertsAcknowledged>('alerts.acknowledgeAll', {}))
    expect(all.acknowledged).toBe(0)
    const unknown = await local.call('alerts.acknowledge', { key: 'rule:424242' })
    expect(unknown).toEqual({
      ok: false,
      error: {
        code: 'bad_request',
        message: 'There is no active alert "rule:424242"; `alerts.active` lists the alerts by key.',
      },
    })
    const malformed = await local.call('alerts.acknowledge', { key: 'DROP TABLE' })
    expect(malformed).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })

  it.runIf(lanAddress !== undefined)(
    'a LAN screen reads the list but may not acknowledge or silence',
    async () => {
      const lan = apiPage<ActiveAlerts>(
        await openApiSocket(`http://${lanAddress}:${new URL(host.url).port}/`, {
          query: `?token=${TOKEN}`,
        }),
        'alerts.changed',
      )
      try {
        const refused = {
          ok: false,
          error: { code: 'forbidden', message: ALERT_ACTION_REMOTE_MESSAGE },
        }
        expect(await lan.call('alerts.acknowledge', { key: `rule:${busy}` })).toEqual(refused)
        expect(await lan.call('alerts.acknowledgeAll', {})).toEqual(refused)
        expect(
          await lan.call('alerts.silence', {
            key: `rule:${busy}`,
            until: new Date(Date.now() + 60_000).toISOString(),
          }),
        ).toEqual(refused)
        expect(await lan.call('alerts.active', {})).toMatchObject({ ok: true })
        expect(await lan.call('alerts.history', {})).toMatchObject({ ok: true })
      } finally {
        lan.close()
      }
    },
  )
})

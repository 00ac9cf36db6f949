// `alerts.recent` and the Activity feed's merge of upstream alerts with the
// stream's events, asked as the page asks: over the browser host's api
// socket, to a real core process, on a cache the real stream store wrote.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActivityPage, UpstreamAlertPage } from '../../shared/api/index.ts'
import { changedDashboards } from '../../shared/api/index.ts'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { openStore } from '../../main/store/index.ts'
import type { StreamEvent, UpstreamAlert } from '../../main/sync/redis/stream-events.ts'
import { storeStreamBatch, storeUpstreamAlert } from '../../main/sync/redis/stream-store.ts'
import { callFrame, openApiSocket, pageCookie, type ApiSocket } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'

const TENANT = 'acme'
const T0 = Date.parse('2026-11-01T12:00:00Z')
const MIN = 60_000
let core: CoreClient
let host: Host
let socket: ApiSocket
let cleanup: () => void

const alert = (id: string, minute: number, severity: UpstreamAlert['severity']): UpstreamAlert => ({
  id,
  tenant: TENANT,
  kind: 'lead_response',
  severity,
  message: `${id}: leads waiting`,
  value: minute,
  at: new Date(T0 + minute * MIN).toISOString(),
})

beforeAll(async () => {
  const temp = tempDir('watchfloor-alerts-api-')
  cleanup = temp.cleanup
  const dbPath = join(temp.dir, 'cache.sqlite')
  const db = openStore(dbPath)
  // Minutes 0..9: a lead change each minute; alerts at 2.5 (stream) and 7.5 (pub/sub only).
  const events: StreamEvent[] = []
  for (let m = 0; m < 10; m++) {
    events.push({
      kind: 'change',
      streamId: `${T0 + m * MIN}-0`,
      type: 'lead_created',
      table: 'leads',
      id: String(100 + m),
      at: T0 + m * MIN,
      dataText: JSON.stringify({ id: 100 + m, source: 'Nextdoor', city: 'Troy' }),
    })
    if (m === 2) {
      const a = alert('a-stream', 2.5, 'warning')
      events.push({
        kind: 'alert',
        streamId: `${T0 + 2.5 * MIN}-0`,
        at: Date.parse(a.at),
        alert: a,
      })
    }
  }
  storeStreamBatch(db, `ops:${TENANT}:events`, TENANT, events, events.at(-1)?.streamId ?? '0-0')
  storeUpstreamAlert(db, alert('a-pubsub', 7.5, 'critical'), 'pubsub')
  // The same alert again through another channel is stored once.
  storeUpstreamAlert(db, alert('a-pubsub', 7.5, 'critical'), 'socketio')
  db.close()
  const staticDir = join(temp.dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
  core = await spawnCore({ dbPath, demo: null, version: 'test', watchIntervalMs: 60_000 })
  host = await startHost({ core, staticDir, port: 0, log: () => undefined })
  socket = await openApiSocket(host.url, { cookie: await pageCookie(host.url) })
})

afterAll(async () => {
  socket?.ws.close()
  await host?.close()
  await core?.close()
  cleanup?.()
})

let calls = 0
async function call<T>(method: string, input: unknown): Promise<T> {
  const id = `c${++calls}`
  socket.ws.send(callFrame(id, method, input))
  for (;;) {
    const m = await socket.next()
    if (m.i !== id) continue
    const r = m.r as { ok: true; value: T } | { ok: false; error: { code: string } }
    if (!r.ok) throw new Error(r.error.code)
    return r.value
  }
}

describe('alerts.recent over the api socket', () => {
  it('lists upstream alerts newest first, each once, whichever channel brought them', async () => {
    const page = await call<UpstreamAlertPage>('alerts.recent', {})
    expect(page.alerts.map((a) => [a.id, a.severity, a.origin])).toEqual([
      ['a-pubsub', 'critical', 'pubsub'],
      ['a-stream', 'warning', 'stream'],
    ])
    expect(page.alerts[0]).toMatchObject({
      kind: 'lead_response',
      message: 'a-pubsub: leads waiting',
      value: 7.5,
      at: new Date(T0 + 7.5 * MIN).toISOString(),
    })
  })

  it('honours limit and since, and refuses what the schema refuses', async () => {
    expect((await call<UpstreamAlertPage>('alerts.recent', { limit: 1 })).alerts).toHaveLength(1)
    const since = new Date(T0 + 5 * MIN).toISOString()
    const later = await call<UpstreamAlertPage>('alerts.recent', { since })
    expect(later.alerts.map((a) => a.id)).toEqual(['a-pubsub'])
    await expect(call('alerts.recent', { limit: 0 })).rejects.toThrow('bad_request')
    await expect(call('alerts.recent', { since: 'yesterday' })).rejects.toThrow('bad_request')
    await expect(call('alerts.recent', { limit: 5, extra: 1 })).rejects.toThrow('bad_request')
  })
})

describe('the Activity feed over the api socket', () => {
  it('merges alerts with events by time, each once, across pages', async () => {
    const seen: { id: string; type: string; at: string }[] = []
    let before: string | undefined
    for (;;) {
      const page: ActivityPage = await call<ActivityPage>('activity.page', {
        limit: 3,
        ...(before === undefined ? {} : { before }),
      })
      seen.push(...page.events.map(({ id, type, at }) => ({ id, type, at })))
      if (page.next === null) break
      before = page.next
    }
    // 10 lead changes and 2 alerts; the stream's copy of the first alert is not a second entry.
    expect(seen).toHaveLength(12)
    expect(seen.map((e) => e.at)).toEqual(
      seen
        .map((e) => e.at)
        .sort()
        .reverse(),
    )
    expect(seen.filter((e) => e.type === 'alert').map((e) => e.id)).toEqual([
      'alert:a-pubsub',
      'alert:a-stream',
    ])
    expect(seen[2]).toMatchObject({ id: 'alert:a-pubsub' })
    expect(seen[8]).toMatchObject({ id: 'alert:a-stream' })
  })

  it('is refreshed by a sync that stored an alert or an event, and only the screens that show them', () => {
    expect(changedDashboards(['upstream_alerts'])).toEqual(['activity', 'health'])
    expect(changedDashboards(['events'])).toEqual(['activity', 'health'])
    expect(changedDashboards(['leads'])).not.toContain('activity')
  })
})

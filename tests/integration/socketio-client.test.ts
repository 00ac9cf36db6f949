// The Socket.IO client against the reference operations server over
// loopback: it joins its tenant's room, takes metric and alert pushes, drops
// wrong shapes, goes stale without heartbeats and comes back after a restart.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startSocketIoClient, type SocketIoClient } from '../../main/sync/socketio/index.ts'
import { storeUpstreamAlert, type UpstreamAlert } from '../../main/sync/redis/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { startOpsServer, type OpsServer } from '../support/socketio-server.ts'
import { tempDir } from '../support/temp.ts'

const TENANT = `t${process.pid}${Date.now()}`
const FAST = { baseMs: 50, capMs: 300 }

let dir: string
let cleanup: () => void
let db: Store
let server: OpsServer
let client: SocketIoClient | undefined
const logs: string[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  db = openStore(join(dir, 'cache.sqlite'))
  logs.length = 0
})
afterEach(async () => {
  await client?.stop()
  client = undefined
  await server.close()
  db.close()
  cleanup()
})

const alert = (id: string): UpstreamAlert => ({
  id,
  tenant: TENANT,
  kind: 'lead_flow',
  severity: 'info',
  message: 'Last 200 changes: 50 new leads, 12 won',
  value: 50,
  at: new Date().toISOString(),
})

describe('Socket.IO client', () => {
  it('joins its tenant room, takes pushes, drops wrong shapes and dedups alerts', async () => {
    server = await startOpsServer({ heartbeatMs: 100, token: 's3cret' })
    const changes: string[][] = []
    const alerts: string[] = []
    client = startSocketIoClient({
      url: server.url,
      token: 's3cret',
      tenant: TENANT,
      db,
      log: (line) => logs.push(line),
      onChange: (tables) => changes.push([...tables]),
      onAlert: (a) => alerts.push(a.id),
      heartbeatMs: 100,
      backoff: FAST,
    })
    const c = client
    await vi.waitFor(() => expect(c.status().state).toBe('live'))
    expect(await server.members(TENANT)).toEqual({ tenant: 1, metrics: 1, alerts: 1 })
    expect(await server.members('someone-else')).toEqual({ tenant: 0, metrics: 0, alerts: 0 })

    const at = new Date().toISOString()
    server.pushMetric(TENANT, { tenant: TENANT, name: 'lead_response', value: 113, at })
    server.pushMetric(TENANT, {
      tenant: TENANT,
      name: 'revenue',
      value: 1,
      at,
      tables: ['projects'],
    })
    // Wrong shapes: a string value, a missing name, not an object, another tenant's.
    server.pushMetric(TENANT, { tenant: TENANT, name: 'x', value: 'high', at })
    server.pushMetric(TENANT, { tenant: TENANT, value: 1, at })
    server.pushMetric(TENANT, 'lead_response=113')
    server.pushMetric(TENANT, { tenant: 'other', name: 'x', value: 1, at })
    server.pushAlert(TENANT, { id: 'no-severity', tenant: TENANT })
    // An alert already known from Redis, then a new one twice.
    storeUpstreamAlert(db, alert('from-redis'), 'stream', '1-0')
    server.pushAlert(TENANT, alert('from-redis'))
    server.pushAlert(TENANT, alert('pushed'))
    server.pushAlert(TENANT, alert('pushed'))
    // Socket.IO keeps order on one socket: this last push is the signal.
    server.pushMetric(TENANT, {
      tenant: TENANT,
      name: 'done',
      value: 0,
      at,
      tables: ['leads', 'customers'],
    })
    await vi.waitFor(() => expect(changes).toHaveLength(3))

    expect(changes).toEqual([['leads'], ['projects'], ['leads', 'customers']])
    expect(alerts).toEqual(['pushed'])
    expect(c.stats()).toMatchObject({ metrics: 3, alerts: 1, rejected: 5 })
    expect(logs.filter((l) => l.includes('dropped a metric push'))).toHaveLength(4)
    expect(logs.filter((l) => l.includes('dropped an alert push'))).toHaveLength(1)
    const rows = db.prepare('SELECT id, origin FROM upstream_alerts ORDER BY id').all()
    expect(rows).toEqual([
      { id: 'from-redis', origin: 'stream' },
      { id: 'pushed', origin: 'socketio' },
    ])
  })

  it('goes stale without heartbeats, live again when they resume', async () => {
    server = await startOpsServer({ heartbeatMs: 100 })
    client = startSocketIoClient({
      url: server.url,
      tenant: TENANT,
      db,
      log: (l) => logs.push(l),
      heartbeatMs: 100,
      backoff: FAST,
    })
    const c = client
    await vi.waitFor(() => expect(c.status().state).toBe('live'))
    await vi.waitFor(() => expect(c.stats().heartbeats).toBeGreaterThan(0))
    server.heartbeats(false)
    const paused = Date.now()
    await vi.waitFor(() => expect(c.status().state).toBe('stale'), { timeout: 3_000 })
    const stale = c.status()
    // Not before two intervals without one; `since` is the last heartbeat heard.
    expect(Date.now() - paused).toBeGreaterThanOrEqual(100)
    expect(Date.parse(stale.since as string)).toBeLessThanOrEqual(paused + 5)
    server.heartbeats(true)
    await vi.waitFor(() => expect(c.status().state).toBe('live'), { timeout: 3_000 })
  })

  it('reports offline with the next retry while the server is down, and rejoins after a restart', async () => {
    server = await startOpsServer({ heartbeatMs: 100 })
    const statuses: string[] = []
    client = startSocketIoClient({
      url: server.url,
      tenant: TENANT,
      db,
      log: (l) => logs.push(l),
      onStatus: (s) => statuses.push(s.state),
      heartbeatMs: 100,
      backoff: FAST,
    })
    const c = client
    await vi.waitFor(() => expect(c.status().state).toBe('live'))
    await server.kill()
    await vi.waitFor(() => expect(c.status().state).toBe('offline'))
    await vi.waitFor(() =>
      expect(c.status().message).toBe(
        `Cannot reach the operations server at 127.0.0.1:${server.port}: connection refused`,
      ),
    )
    expect(Date.parse(c.status().since as string)).toBeGreaterThan(Date.now() - 1_000)
    await server.restart()
    await vi.waitFor(() => expect(c.status().state).toBe('live'), { timeout: 5_000 })
    expect(await server.members(TENANT)).toEqual({ tenant: 1, metrics: 1, alerts: 1 })
    // Pushes flow again on the new connection.
    const at = new Date().toISOString()
    server.pushMetric(TENANT, { tenant: TENANT, name: 'x', value: 1, at })
    await vi.waitFor(() => expect(c.stats().metrics).toBe(1))
    expect(statuses).toEqual(expect.arrayContaining(['live', 'offline']))
  })

  it('says the token was refused', async () => {
    server = await startOpsServer({ heartbeatMs: 100, token: 'right' })
    client = startSocketIoClient({
      url: server.url,
      token: 'wrong',
      tenant: TENANT,
      db,
      log: (l) => logs.push(l),
      backoff: FAST,
    })
    const c = client
    await vi.waitFor(() =>
      expect(c.status()).toMatchObject({
        state: 'error',
        message: `The operations server at 127.0.0.1:${server.port} refused the token; check the token in the connection settings`,
      }),
    )
    expect(logs.join('\n')).not.toContain('wrong')
  })
})

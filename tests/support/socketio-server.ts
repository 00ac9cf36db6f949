// A small reference operations server for the Socket.IO client (and later the
// demo): rooms per tenant, subscribe_to_metrics / subscribe_to_alerts,
// heartbeats every N ms, and handles for tests to push payloads (malformed
// ones too), stop heartbeats, and kill and restart the server on its port.
import { once } from 'node:events'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { OPS_EVENTS, opsRooms } from '../../main/sync/socketio/payloads.ts'

export interface OpsServerOptions {
  /** 0 (default) picks a free port; a restart keeps the port it got. */
  readonly port?: number
  readonly heartbeatMs?: number
  /** When set, a handshake must carry `auth.token` equal to it. */
  readonly token?: string
}

export interface OpsServer {
  readonly url: string
  readonly port: number
  /** Sockets currently in the tenant's room, and in its metrics and alerts rooms. */
  members(tenant: string): Promise<{ tenant: number; metrics: number; alerts: number }>
  /** Emits `payload` as a metric push to the tenant's metrics room, unchecked. */
  pushMetric(tenant: string, payload: unknown): void
  /** Emits `payload` as an alert push to the tenant's alerts room, unchecked. */
  pushAlert(tenant: string, payload: unknown): void
  /** Stops (false) or resumes (true) heartbeats while staying connected. */
  heartbeats(on: boolean): void
  /** Closes every connection and the listener, as a crash would look to clients. */
  kill(): Promise<void>
  /** Listens again on the same port. */
  restart(): Promise<void>
  close(): Promise<void>
}

const tenantOf = (payload: unknown): string | undefined =>
  typeof payload === 'object' && payload !== null && 'tenant' in payload
    ? typeof payload.tenant === 'string' && payload.tenant.length > 0
      ? payload.tenant
      : undefined
    : undefined

type Ack = (answer: unknown) => void

export async function startOpsServer(options: OpsServerOptions = {}): Promise<OpsServer> {
  const heartbeatMs = options.heartbeatMs ?? 1_000
  let port = options.port ?? 0
  let http: HttpServer
  let io: Server
  let timer: NodeJS.Timeout | undefined
  let beating = true

  const listen = async () => {
    http = createServer()
    io = new Server(http, { transports: ['websocket'] })
    io.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown }
      if (options.token !== undefined && auth.token !== options.token) {
        next(new Error('unauthorized'))
      } else next()
    })
    io.on('connection', (socket) => {
      const handle = (room: 'tenant' | 'metrics' | 'alerts') => (payload: unknown, ack?: Ack) => {
        const tenant = tenantOf(payload)
        if (!tenant) return ack?.({ ok: false, error: 'tenant missing' })
        // Metrics and alerts are only for sockets that joined the tenant first.
        if (room !== 'tenant' && !socket.rooms.has(opsRooms(tenant).tenant)) {
          return ack?.({ ok: false, error: 'join the tenant first' })
        }
        void socket.join(opsRooms(tenant)[room])
        ack?.({ ok: true, heartbeatMs })
      }
      socket.on(OPS_EVENTS.join, handle('tenant'))
      socket.on(OPS_EVENTS.subscribeMetrics, handle('metrics'))
      socket.on(OPS_EVENTS.subscribeAlerts, handle('alerts'))
    })
    timer = setInterval(() => {
      if (beating)
        io.emit(OPS_EVENTS.heartbeat, { at: new Date().toISOString(), intervalMs: heartbeatMs })
    }, heartbeatMs)
    http.listen(port, '127.0.0.1')
    await once(http, 'listening')
    port = (http.address() as AddressInfo).port
  }

  const kill = async () => {
    clearInterval(timer)
    io.disconnectSockets(true)
    await new Promise<void>((resolve) => {
      void io.close(() => resolve())
    })
    http.closeAllConnections()
  }

  await listen()
  const count = async (room: string) => (await io.in(room).fetchSockets()).length
  return {
    get url() {
      return `http://127.0.0.1:${port}`
    },
    get port() {
      return port
    },
    async members(tenant) {
      const rooms = opsRooms(tenant)
      return {
        tenant: await count(rooms.tenant),
        metrics: await count(rooms.metrics),
        alerts: await count(rooms.alerts),
      }
    },
    pushMetric: (tenant, payload) =>
      void io.to(opsRooms(tenant).metrics).emit(OPS_EVENTS.metric, payload),
    pushAlert: (tenant, payload) =>
      void io.to(opsRooms(tenant).alerts).emit(OPS_EVENTS.alert, payload),
    heartbeats(on) {
      beating = on
    },
    kill,
    restart: listen,
    close: kill,
  }
}

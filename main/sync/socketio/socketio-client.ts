// Live pushes from an operations server over Socket.IO (DESIGN.md, "Sync",
// Socket.IO). Never the source of truth: a metric push wakes the pull, an
// alert push joins the upstream alerts (stored once per id), and a missed
// push is repaired by the next pull.
import type Database from 'better-sqlite3'
import { io, type Socket } from 'socket.io-client'
import type { z } from 'zod'
import type { SourceStatus } from '../../../shared/api/index.ts'
import { backoffDelay, createSourceStateReporter, type BackoffOptions } from '../source-state.ts'
import type { UpstreamAlert } from '../redis/stream-events.ts'
import { storeUpstreamAlert } from '../redis/stream-store.ts'
import {
  OPS_EVENTS,
  alertPushSchema,
  heartbeatSchema,
  joinAckSchema,
  metricPushSchema,
} from './payloads.ts'

export interface SocketIoClientOptions {
  readonly url: string
  readonly token?: string
  readonly tenant: string
  /** Where alert pushes are stored (upstream_alerts, deduplicated by id with the Redis copies). */
  readonly db: Database.Database
  readonly onChange?: (tables: readonly string[]) => void
  readonly onAlert?: (alert: UpstreamAlert, origin: 'socketio') => void
  readonly onStatus?: (status: SourceStatus) => void
  readonly log: (line: string) => void
  /** Name shown in the status footer (default "Operations server"). */
  readonly name?: string
  /** Tables a metric push without `tables` wakes (default leads). */
  readonly defaultTables?: readonly string[]
  /** Expected heartbeat interval until the server states its own (default 15 s). */
  readonly heartbeatMs?: number
  readonly backoff?: BackoffOptions
  /** How long to wait for the server's answer to join/subscribe (default 5 s). */
  readonly ackTimeoutMs?: number
}

export interface SocketIoStats {
  readonly metrics: number
  readonly alerts: number
  readonly rejected: number
  readonly heartbeats: number
  readonly connects: number
}

export interface SocketIoClient {
  status(): SourceStatus
  stats(): SocketIoStats
  stop(): Promise<void>
}

/** `host:port` of the URL without credentials or path, for messages. */
function endpointOf(url: string): string {
  try {
    const u = new URL(url)
    return u.host
  } catch {
    return 'the configured URL'
  }
}

/** The errno code Node attached somewhere inside a socket.io connect error, if any. */
function causeCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined
  const { code, description, error: inner, cause } = error as Record<string, unknown>
  if (typeof code === 'string') return code
  return (
    causeCode(description, depth + 1) ?? causeCode(inner, depth + 1) ?? causeCode(cause, depth + 1)
  )
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
}

/**
 * Connects, joins the tenant's room, subscribes to metrics and alerts, and
 * keeps doing so across outages. Reconnects are ours, not socket.io's: its
 * randomization only spreads a delay by ±50 %, and full jitter is what keeps
 * a whole office of wall screens from reconnecting in step.
 */
export function startSocketIoClient(options: SocketIoClientOptions): SocketIoClient {
  const { tenant, log, db } = options
  const endpoint = endpointOf(options.url)
  const reporter = createSourceStateReporter(options.name ?? 'Operations server', options.onStatus)
  const defaultTables = options.defaultTables ?? ['leads']
  const ackTimeoutMs = options.ackTimeoutMs ?? 5_000
  const counts = { metrics: 0, alerts: 0, rejected: 0, heartbeats: 0, connects: 0 }
  let heartbeatMs = options.heartbeatMs ?? 15_000
  let lastHeartbeat = Date.now()
  let attempt = 0
  let stopped = false
  let retryTimer: NodeJS.Timeout | undefined
  let lastLogged: string | undefined

  const say = (message: string) => {
    if (message !== lastLogged) log(message)
    lastLogged = message
  }

  const socket: Socket = io(options.url, {
    // WebSocket only: no long-polling fallback, so no sticky sessions are
    // needed behind a load balancer and an outage shows at once.
    transports: ['websocket'],
    reconnection: false,
    autoConnect: false,
    timeout: 5_000,
    auth: options.token ? { token: options.token } : {},
  })

  const scheduleReconnect = (message: string, kind: 'offline' | 'error') => {
    if (stopped || retryTimer) return
    const delay = backoffDelay(attempt++, options.backoff)
    say(message)
    reporter.set(
      kind === 'error'
        ? { state: 'error', message }
        : { state: 'offline', nextRetryAt: new Date(Date.now() + delay), message },
    )
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      if (!stopped) socket.connect()
    }, delay)
  }

  const rejected = (what: string, error: z.ZodError | string) => {
    counts.rejected++
    const why = typeof error === 'string' ? error : (error.issues[0]?.message ?? 'invalid')
    const path = typeof error === 'string' ? '' : (error.issues[0]?.path.join('.') ?? '')
    log(
      `Operations server ${endpoint}: dropped ${what === 'alert' ? 'an' : 'a'} ${what} push: ${path ? `${path}: ` : ''}${why}`,
    )
  }

  socket.on('connect', () => {
    counts.connects++
    reporter.set({ state: 'syncing' })
    void (async () => {
      try {
        const answers = await Promise.all(
          [OPS_EVENTS.join, OPS_EVENTS.subscribeMetrics, OPS_EVENTS.subscribeAlerts].map(
            (event) =>
              socket.timeout(ackTimeoutMs).emitWithAck(event, { tenant }) as Promise<unknown>,
          ),
        )
        const refused = answers
          .map((a) => joinAckSchema.safeParse(a))
          .find((a) => !a.success || !a.data.ok)
        if (refused) {
          const why = refused.success ? (refused.data.error ?? 'refused') : 'an unexpected answer'
          const message = `The operations server at ${endpoint} did not let tenant ${tenant} join: ${why}`
          say(message)
          reporter.set({ state: 'error', message })
          return
        }
        const join = joinAckSchema.parse(answers[0])
        if (join.heartbeatMs) heartbeatMs = join.heartbeatMs
        attempt = 0
        lastLogged = undefined
        lastHeartbeat = Date.now()
        reporter.set({ state: 'live' })
      } catch {
        if (!socket.connected) return
        // No answer in time: start over rather than sit half-subscribed.
        socket.disconnect()
        scheduleReconnect(
          `The operations server at ${endpoint} did not answer the join for tenant ${tenant} within ${ackTimeoutMs} ms`,
          'offline',
        )
      }
    })()
  })

  socket.on('connect_error', (error: Error) => {
    const code = causeCode(error)
    const unauthorized = /unauthori[sz]ed|forbidden|token/i.test(error.message)
    if (unauthorized) {
      scheduleReconnect(
        `The operations server at ${endpoint} refused the token; check the token in the connection settings`,
        'error',
      )
    } else {
      const reason = (code && REASONS[code]) ?? (code ? code : error.message)
      scheduleReconnect(`Cannot reach the operations server at ${endpoint}: ${reason}`, 'offline')
    }
  })

  socket.on('disconnect', (reason: string) => {
    if (stopped) return
    scheduleReconnect(`Lost the operations server at ${endpoint}: ${reason}`, 'offline')
  })

  socket.on(OPS_EVENTS.heartbeat, (payload: unknown) => {
    const beat = heartbeatSchema.safeParse(payload ?? {})
    if (!beat.success) return rejected('heartbeat', beat.error)
    counts.heartbeats++
    if (beat.data.intervalMs) heartbeatMs = beat.data.intervalMs
    lastHeartbeat = Date.now()
    if (reporter.current().state === 'stale') reporter.set({ state: 'live' })
  })

  socket.on(OPS_EVENTS.metric, (payload: unknown) => {
    const push = metricPushSchema.safeParse(payload)
    if (!push.success) return rejected('metric', push.error)
    if (push.data.tenant !== tenant) return rejected('metric', `for tenant ${push.data.tenant}`)
    counts.metrics++
    try {
      options.onChange?.(push.data.tables ?? defaultTables)
    } catch (error) {
      log(`Operations server: onChange callback failed: ${String(error)}`)
    }
  })

  socket.on(OPS_EVENTS.alert, (payload: unknown) => {
    const push = alertPushSchema.safeParse(payload)
    if (!push.success) return rejected('alert', push.error)
    if (push.data.tenant !== tenant) return rejected('alert', `for tenant ${push.data.tenant}`)
    try {
      if (!storeUpstreamAlert(db, push.data, 'socketio')) return
      counts.alerts++
      options.onAlert?.(push.data, 'socketio')
    } catch (error) {
      log(`Operations server: could not handle alert ${push.data.id}: ${String(error)}`)
    }
  })

  // A connected socket that hears no heartbeat for two intervals is stale:
  // the server (or a proxy in between) is stuck, and pushes are not coming.
  const watchdog = setInterval(
    () => {
      const { state } = reporter.current()
      if (state === 'live' && Date.now() - lastHeartbeat > 2 * heartbeatMs) {
        reporter.set({ state: 'stale', since: new Date(lastHeartbeat) })
        say(
          `The operations server at ${endpoint} sent no heartbeat since ${new Date(lastHeartbeat).toISOString()}`,
        )
      }
    },
    Math.max(10, Math.min(1_000, Math.floor(heartbeatMs / 4))),
  )
  watchdog.unref()

  socket.connect()

  return {
    status: () => reporter.status(),
    stats: () => ({ ...counts }),
    stop() {
      stopped = true
      clearInterval(watchdog)
      clearTimeout(retryTimer)
      socket.removeAllListeners()
      socket.disconnect()
      return Promise.resolve()
    },
  }
}

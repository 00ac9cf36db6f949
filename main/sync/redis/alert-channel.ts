// The live-only alert channel (`ops:{tenant}:alerts`): pub/sub messages
// parsed by a pure function, stored once per id, on a connection of its own.
import type Database from 'better-sqlite3'
import type { BackoffOptions } from '../source-state.ts'
import {
  createRedisClient,
  explainRedisError,
  type RedisClient,
  type RedisTarget,
} from './connection.ts'
import { MAX_FIELD_BYTES, upstreamAlertSchema, type UpstreamAlert } from './stream-events.ts'
import { storeUpstreamAlert } from './stream-store.ts'

/** One pub/sub message as an alert of this tenant, or why it is not one. */
export function parseAlertMessage(
  message: string,
  tenant: string,
): { readonly alert: UpstreamAlert } | { readonly reason: string } {
  if (message.length > MAX_FIELD_BYTES)
    return { reason: `${message.length} bytes (limit ${MAX_FIELD_BYTES})` }
  let value: unknown
  try {
    value = JSON.parse(message)
  } catch {
    return { reason: 'not JSON' }
  }
  const parsed = upstreamAlertSchema.safeParse(value)
  if (!parsed.success) return { reason: parsed.error.issues[0]?.message ?? 'invalid' }
  if (parsed.data.tenant !== tenant) return { reason: `for tenant ${parsed.data.tenant}` }
  return { alert: parsed.data }
}

export interface AlertChannel {
  readonly client: RedisClient
  disconnect(): void
}

/**
 * Subscribes to the channel on its own connection (pub/sub needs one; its
 * outages show in the stream reader's, which shares the server) and stores
 * each new alert, calling `stored` for it. Rejected messages are counted
 * through `rejected` and logged with the reason.
 */
export function startAlertChannel(
  db: Database.Database,
  options: {
    readonly redis: RedisTarget
    readonly tenant: string
    readonly log: (line: string) => void
    readonly backoff?: BackoffOptions | undefined
    readonly connectTimeoutMs?: number | undefined
  },
  channel: string,
  endpoint: string,
  hooks: { stored: (alert: UpstreamAlert) => void; rejected: () => void },
): AlertChannel {
  const { tenant, log } = options
  const client = createRedisClient(
    options.redis,
    { backoff: options.backoff, connectTimeoutMs: options.connectTimeoutMs, onRetry: () => {} },
    `watchfloor-alerts-${tenant}`,
  )
  client.on('error', () => {
    // Reported through the stream reader, which shares the server and its fate.
  })
  client.on('message', (ch: string, message: string) => {
    if (ch !== channel) return
    const result = parseAlertMessage(message, tenant)
    if ('reason' in result) {
      hooks.rejected()
      log(`Redis channel ${channel}: skipped a message: ${result.reason}`)
      return
    }
    try {
      if (storeUpstreamAlert(db, result.alert, 'pubsub')) hooks.stored(result.alert)
    } catch (error) {
      log(`Redis channel ${channel}: could not store alert ${result.alert.id}: ${String(error)}`)
    }
  })
  // Subscribe on the first ready; after that ioredis resubscribes by itself
  // on every reconnect (autoResubscribe).
  let subscribed = false
  client.on('ready', () => {
    if (subscribed) return
    subscribed = true
    client.subscribe(channel).catch((error: unknown) => {
      subscribed = false
      log(`Redis channel ${channel}: ${explainRedisError(endpoint, error).message}`)
    })
  })
  void client.connect().catch(() => {
    // The reader reports the outage; ioredis keeps retrying.
  })
  return { client, disconnect: () => client.disconnect() }
}

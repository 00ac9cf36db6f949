// What an operations server may push (DESIGN.md, "Sync", Socket.IO). Every
// payload is unknown until parsed here; a push of the wrong shape is dropped.
import { z } from 'zod'
import { upstreamAlertSchema } from '../redis/stream-events.ts'

/** A metric changed upstream: a wake-up for the pull, never a value we store as truth. */
export const metricPushSchema = z.object({
  tenant: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  value: z.number().finite().nullable().optional(),
  at: z.iso.datetime({ offset: true }),
  /** Mirror tables the change touches; absent means the client's default tables. */
  tables: z.array(z.string().min(1).max(100)).max(50).optional(),
})
export type MetricPush = z.infer<typeof metricPushSchema>

export const alertPushSchema = upstreamAlertSchema

export const heartbeatSchema = z.object({
  at: z.iso.datetime({ offset: true }).optional(),
  intervalMs: z.number().int().positive().max(3_600_000).optional(),
})

export const joinAckSchema = z.object({
  ok: z.boolean(),
  heartbeatMs: z.number().int().positive().optional(),
  error: z.string().optional(),
})

/** Event names of the protocol, shared by the client and the reference server in tests/support. */
export const OPS_EVENTS = {
  join: 'join',
  subscribeMetrics: 'subscribe_to_metrics',
  subscribeAlerts: 'subscribe_to_alerts',
  heartbeat: 'heartbeat',
  metric: 'metric',
  alert: 'alert',
} as const

/** Room names per tenant, the same on both sides. */
export const opsRooms = (tenant: string) => ({
  tenant: `tenant:${tenant}`,
  metrics: `tenant:${tenant}:metrics`,
  alerts: `tenant:${tenant}:alerts`,
})

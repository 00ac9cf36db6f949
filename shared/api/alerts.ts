import { z } from 'zod'

/** Severities an upstream alert carries (the `upstream_alerts` table's CHECK). */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number]

/** An alert raised upstream (Redis channel, stream or Socket.IO push), once per id. */
export interface UpstreamAlert {
  readonly id: string
  readonly kind: string
  readonly severity: AlertSeverity
  readonly message: string
  readonly value: number | null
  /** ISO time the upstream raised it. */
  readonly at: string
  readonly origin: 'stream' | 'pubsub' | 'socketio'
}

export interface UpstreamAlertPage {
  readonly alerts: readonly UpstreamAlert[]
}

export const recentAlertsInputSchema = z
  .object({
    limit: z.int().min(1).max(200).default(20),
    /** Only alerts raised at or after this ISO time. */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()

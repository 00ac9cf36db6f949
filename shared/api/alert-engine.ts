// The alert engine's api (issue 13): the active list with the tray's state,
// the history, acknowledge and silence, and the `alerts.changed` event. The
// vocabulary (AlertView, AlertTransition, TrayState) is alert-rules.ts's.
import { z } from 'zod'
import {
  ALERT_STATES,
  TRAY_STATES,
  type AlertTransition,
  type AlertView,
  type TrayState,
} from './alert-rules.ts'

/** `rule:<id>` or `upstream:<id>` (AlertView.key). */
export const alertKeySchema = z
  .string()
  .max(220)
  .regex(/^(rule:\d{1,15}|upstream:\S{1,200})$/, {
    message: 'must be an alert key: rule:<id> or upstream:<id>',
  })

export const acknowledgeAlertInputSchema = z.object({ key: alertKeySchema }).strict()

/** Longest silence: 30 days. */
export const MAX_SILENCE_MS = 30 * 24 * 3600 * 1000

export const silenceAlertInputSchema = z
  .object({
    key: alertKeySchema,
    /** ISO time the silence ends: no notification for this alert before it. */
    until: z.iso.datetime({ offset: true }),
  })
  .strict()

export const alertHistoryInputSchema = z
  .object({
    limit: z.int().min(1).max(500).default(50),
    /** The `next` cursor of the previous page. */
    before: z
      .string()
      .regex(/^\d{1,15}$/, { message: 'must be the `next` of a page' })
      .optional(),
  })
  .strict()

export interface ActiveAlerts {
  readonly alerts: readonly AlertView[]
  /** The worst thing now: firing critical > firing warning > a source offline > ok. */
  readonly tray: TrayState
}

export interface AlertHistoryPage {
  /** Newest first. */
  readonly transitions: readonly AlertTransition[]
  /** Pass as `before` for the next (older) page; null at the end. */
  readonly next: string | null
}

export interface AlertsAcknowledged {
  /** How many alerts the call acknowledged (already acknowledged ones are not counted). */
  readonly acknowledged: number
  readonly active: ActiveAlerts
}

const isoTime = z.string().max(40)
const severity = z.enum(['warning', 'critical', 'info']).nullable()

export const alertViewSchema = z.object({
  key: z.string(),
  origin: z.enum(['local', 'upstream']),
  ruleId: z.number().nullable(),
  name: z.string(),
  state: z.enum(ALERT_STATES),
  severity,
  message: z.string(),
  value: z.number().nullable(),
  since: isoTime,
  acknowledgedAt: isoTime.nullable(),
  silencedUntil: isoTime.nullable(),
  view: z.string(),
})

/** The `alerts.changed` event: the active list after a transition, an acknowledgement or a silence. */
export const alertsChangedSchema = z.object({
  alerts: z.array(alertViewSchema),
  tray: z.enum(TRAY_STATES),
})

// Its refusal sentence lives with every other in roles.ts (one home of who may call what).

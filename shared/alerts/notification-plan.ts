// Which notifications to show for the alert transitions the core reports
// (issue 13: "an OS notification per firing transition, rate-limited and
// grouped so a burst is one notification"). Pure and clock-driven, so the
// Electron shell (main/electron/notifications.ts) and the page's browser
// notifications (renderer/src/components/alert-panel.tsx) share one policy,
// tested once under a controlled clock (tests/unit/tray-model-notifications.test.ts).
//
// Resolves notify nobody: a resolved alert needs no one, the tray icon and the
// panel's history already show it, and a second notification per flap would
// double the noise the hysteresis is there to remove.
import type { AlertTransition, AlertView } from '../api/alert-rules.ts'
import { LEVEL_RANK, LEVEL_WORD, type AlertLevel as Level } from './alert-order.ts'

export interface NotificationPolicy {
  /** Firing transitions this close after the first of a group join it: one notification. */
  readonly burstMs: number
  /** Most notifications within any minute; what comes later joins the next one allowed. */
  readonly perMinute: number
  /** Alerts a grouped notification names before "and N more". */
  readonly listed: number
}

export const NOTIFICATION_POLICY: NotificationPolicy = { burstMs: 2_000, perMinute: 3, listed: 3 }

const MINUTE_MS = 60_000

/** One notification to show. */
export interface PlannedNotification {
  readonly title: string
  readonly body: string
  /** The worst severity among its alerts. */
  readonly severity: Level
  /** The alerts it tells of, worst first. */
  readonly keys: readonly string[]
  /** The tab a click opens: the worst alert's. */
  readonly view: string
}

/** One firing transition waiting in the group. */
interface Waiting {
  readonly key: string
  readonly name: string
  readonly severity: Level
  readonly message: string
  readonly view: string
  readonly at: number
}

export interface PlanState {
  /** Firing transitions gathered for the next notification (one per alert, the latest). */
  readonly group: readonly Waiting[]
  /** When the group is shown (end of its burst window, or the next slot the rate leaves). */
  readonly dueAt: number | null
  /** When the notifications of the last minute went out. */
  readonly sentAt: readonly number[]
}

export const emptyPlan: PlanState = { group: [], dueAt: null, sentAt: [] }

/**
 * Whether a transition is news worth a notification: it enters firing, or escalates to critical
 * while firing (a de-escalation to warning is good news, like a resolve).
 */
export function notifies(transition: AlertTransition): boolean {
  if (transition.to !== 'firing') return false
  return transition.from !== 'firing' || transition.severity === 'critical'
}

/**
 * The firing transitions between two readings of the active list (the `alerts.changed` event
 * carries the list, not its transitions, and upstream alerts have none in history): an alert
 * that fires now and did not before, or was a warning and is now critical. The first reading a
 * shell or page makes is its baseline: alerts firing before it opened are not news.
 */
export function firingTransitionsBetween(
  previous: readonly AlertView[],
  next: readonly AlertView[],
): AlertTransition[] {
  const before = new Map(previous.map((a) => [a.key, a]))
  const out: AlertTransition[] = []
  for (const alert of next) {
    if (alert.state !== 'firing') continue
    const was = before.get(alert.key)
    const from = was?.state ?? null
    const escalated =
      from === 'firing' && was?.severity !== 'critical' && alert.severity === 'critical'
    if (from === 'firing' && !escalated) continue
    out.push({
      id: 0,
      key: alert.key,
      name: alert.name,
      from,
      to: 'firing',
      severity: alert.severity,
      value: alert.value,
      at: alert.since,
      message: alert.message,
    })
  }
  return out
}

/** Acknowledged, or silenced until a time not yet reached: it stops notifying. */
export function quiet(alert: AlertView | undefined, now: number): boolean {
  if (alert === undefined) return false
  if (alert.acknowledgedAt !== null) return true
  return alert.silencedUntil !== null && Date.parse(alert.silencedUntil) > now
}

const byKey = (alerts: readonly AlertView[]): Map<string, AlertView> =>
  new Map(alerts.map((a) => [a.key, a]))

/**
 * Adds a batch of transitions to the plan. `alerts` is the core's current list: what it says is
 * acknowledged or silenced is left out, and it gives each alert's tab.
 */
export function offerTransitions(
  state: PlanState,
  transitions: readonly AlertTransition[],
  alerts: readonly AlertView[],
  now: number,
  policy: NotificationPolicy = NOTIFICATION_POLICY,
): PlanState {
  const views = byKey(alerts)
  const fresh: Waiting[] = transitions
    .filter((t) => notifies(t) && !quiet(views.get(t.key), now))
    .map((t) => ({
      key: t.key,
      name: t.name,
      severity: t.severity ?? 'warning',
      message: t.message,
      view: views.get(t.key)?.view ?? 'overview',
      at: now,
    }))
  if (fresh.length === 0) return state
  const keys = new Set(fresh.map((w) => w.key))
  const group = [...state.group.filter((w) => !keys.has(w.key)), ...fresh]
  return { ...state, group, dueAt: state.dueAt ?? now + policy.burstMs }
}

/** When the caller should call `takeDue` next; null while nothing waits. */
export const nextDueAt = (state: PlanState): number | null => state.dueAt

/**
 * The notification due at `now`, if any. Alerts acknowledged or silenced since they were offered
 * are dropped; past the rate a group waits (and grows) until a minute-slot frees.
 */
export function takeDue(
  state: PlanState,
  alerts: readonly AlertView[],
  now: number,
  policy: NotificationPolicy = NOTIFICATION_POLICY,
): { readonly state: PlanState; readonly notification: PlannedNotification | null } {
  if (state.dueAt === null || now < state.dueAt) return { state, notification: null }
  const views = byKey(alerts)
  const group = state.group.filter((w) => !quiet(views.get(w.key), now))
  const sentAt = state.sentAt.filter((t) => now - t < MINUTE_MS)
  if (group.length === 0) return { state: { group: [], dueAt: null, sentAt }, notification: null }
  if (sentAt.length >= policy.perMinute) {
    const freesAt = Math.min(...sentAt) + MINUTE_MS
    return { state: { group, dueAt: freesAt, sentAt }, notification: null }
  }
  return {
    state: { group: [], dueAt: null, sentAt: [...sentAt, now] },
    notification: notificationOf(group, policy),
  }
}

/** Worst first, then the one that fired first. */
const urgency = (a: Waiting, b: Waiting): number =>
  LEVEL_RANK[b.severity] - LEVEL_RANK[a.severity] || a.at - b.at || a.key.localeCompare(b.key)

/** One alert: its severity and name, and its message; a group: "3 alerts firing" and their names. */
export function notificationOf(
  group: readonly Waiting[],
  policy: NotificationPolicy = NOTIFICATION_POLICY,
): PlannedNotification {
  const sorted = [...group].sort(urgency)
  const worst = sorted[0]
  if (worst === undefined) throw new Error('a notification needs at least one alert')
  const keys = sorted.map((w) => w.key)
  if (sorted.length === 1) {
    return {
      title: `${LEVEL_WORD[worst.severity]}: ${worst.name}`,
      body: worst.message,
      severity: worst.severity,
      keys,
      view: worst.view,
    }
  }
  const named = sorted.slice(0, policy.listed).map((w) => `${w.name} (${w.severity})`)
  const more = sorted.length - named.length
  return {
    title: `${sorted.length} alerts firing`,
    body: more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', '),
    severity: worst.severity,
    keys,
    view: worst.view,
  }
}

/**
 * The plan with its state kept, for a caller with a clock and a timer: `offer` a batch, then
 * `take` when `dueAt()` comes (each call also takes what is due at once).
 */
export class NotificationPlanner {
  private state: PlanState = emptyPlan

  constructor(
    private readonly now: () => number,
    private readonly policy: NotificationPolicy = NOTIFICATION_POLICY,
  ) {}

  offer(transitions: readonly AlertTransition[], alerts: readonly AlertView[]): void {
    this.state = offerTransitions(this.state, transitions, alerts, this.now(), this.policy)
  }

  take(alerts: readonly AlertView[]): PlannedNotification | null {
    const { state, notification } = takeDue(this.state, alerts, this.now(), this.policy)
    this.state = state
    return notification
  }

  dueAt(): number | null {
    return nextDueAt(this.state)
  }
}

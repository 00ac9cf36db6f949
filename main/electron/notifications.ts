// OS notifications for alerts (issue 13, "Delivery"): thin. Which to show,
// grouped and rate-limited, is the shared pure plan
// (shared/alerts/notification-plan.ts, unit-tested); this file keeps its timer
// and hands each planned notification to Electron's Notification.
import { Notification } from 'electron'
import type { AlertView } from '../../shared/api/alert-rules.ts'
import {
  NotificationPlanner,
  firingTransitionsBetween,
  type PlannedNotification,
} from '../../shared/alerts/notification-plan.ts'

export interface AlertNotifier {
  /**
   * The core's active list, read or pushed (`alerts.changed`). The first is the baseline:
   * alerts already firing when the app started are in the tray, not notified again.
   */
  update(alerts: readonly AlertView[]): void
  stop(): void
}

export function createAlertNotifier(options: {
  /** A click shows the window on the alert's tab. */
  open: (view: string) => void
  now?: () => number
  log: (line: string) => void
}): AlertNotifier {
  const now = options.now ?? Date.now
  const planner = new NotificationPlanner(now)
  let latest: readonly AlertView[] | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const show = (planned: PlannedNotification) => {
    if (!Notification.isSupported()) return
    const notification = new Notification({
      title: planned.title,
      body: planned.body,
      // Linux: a critical one stays until seen; others time out as the desktop decides.
      urgency: planned.severity === 'critical' ? 'critical' : 'normal',
    })
    notification.on('click', () => options.open(planned.view))
    notification.show()
  }

  const schedule = () => {
    clearTimeout(timer)
    const due = planner.dueAt()
    if (due === null) return
    timer = setTimeout(
      () => {
        try {
          // Acknowledgements made while the group waited are honoured.
          const planned = planner.take(latest ?? [])
          if (planned !== null) show(planned)
        } catch (error) {
          options.log(`notifications: ${(error as Error).message}`)
        }
        schedule()
      },
      Math.max(0, due - now()),
    )
  }

  return {
    update(alerts) {
      if (latest !== null) planner.offer(firingTransitionsBetween(latest, alerts), alerts)
      latest = alerts
      schedule()
    },
    stop: () => clearTimeout(timer),
  }
}

// What the alert panel and the wall banner list, from the core's active alerts
// (alerts.active / alerts.changed) and, on the wall, the recent upstream ones.
// Pure, so tests/unit/renderer/alert-panel.test.ts checks it under Node.
import {
  byUrgency,
  firingAlerts,
  worstLevel,
  type AlertLevel,
} from '../../../shared/alerts/alert-order.ts'
import type { AlertView, UpstreamAlert } from '../../../shared/api/index.ts'

export interface PanelLists {
  /** Firing and not acknowledged: what needs someone. Worst first. */
  readonly active: readonly AlertView[]
  /** Firing, acknowledged: still true, no longer news. */
  readonly acknowledged: readonly AlertView[]
}

export function panelLists(alerts: readonly AlertView[]): PanelLists {
  const firing = firingAlerts(alerts).sort(byUrgency)
  return {
    active: firing.filter((a) => a.acknowledgedAt === null),
    acknowledged: firing.filter((a) => a.acknowledgedAt !== null),
  }
}

/**
 * The header button: its words, its accessible name (which begins with the words, as WCAG 2.5.3
 * asks) and the severity it is drawn in (null: nothing fires).
 */
export function alertButton(alerts: readonly AlertView[]): {
  readonly text: string
  readonly label: string
  readonly severity: AlertLevel | null
} {
  const { active, acknowledged } = panelLists(alerts)
  const severity = worstLevel(active)
  if (active.length === 0) {
    return {
      text: 'Alerts',
      label:
        acknowledged.length === 0
          ? 'Alerts, none active'
          : `Alerts, none new, ${acknowledged.length} acknowledged`,
      severity: null,
    }
  }
  const noun = active.length === 1 ? 'alert' : 'alerts'
  return {
    text: `${active.length} ${noun}`,
    label: `${active.length} ${noun}, worst ${severity ?? 'warning'}`,
    severity,
  }
}

/** One line of the wall banner. */
export interface BannerRow {
  readonly key: string
  readonly severity: AlertLevel
  readonly message: string
  /** ISO time it fired (local) or was raised (upstream). */
  readonly since: string
}

/** An upstream alert stays on the wall this long after it was raised. */
export const UPSTREAM_SHOWN_MS = 30 * 60_000
/** Lines the banner holds at most: more would not be read across a room. */
export const BANNER_ROWS = 3

/**
 * The active alerts the core lists (local rules and upstream ones it has joined), worst first;
 * then recent upstream alerts it does not list (an older core, or before it joined them), by
 * their `upstream:<id>` key so none shows twice.
 */
export function bannerRows(
  active: readonly AlertView[],
  upstream: readonly UpstreamAlert[],
  now: number,
): BannerRow[] {
  const firing = firingAlerts(active).sort(byUrgency)
  const listed = new Set(firing.map((a) => a.key))
  const rows: BannerRow[] = firing.map((a) => ({
    key: a.key,
    severity: a.severity ?? 'warning',
    message: a.message,
    since: a.since,
  }))
  for (const u of upstream) {
    const key = `upstream:${u.id}`
    if (listed.has(key) || now - Date.parse(u.at) >= UPSTREAM_SHOWN_MS) continue
    rows.push({ key, severity: u.severity, message: u.message, since: u.at })
  }
  return rows.slice(0, BANNER_ROWS)
}

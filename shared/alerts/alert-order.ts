// How alerts rank, once for the tray, the panel, the wall banner and the
// notifications: critical > warning > info; among equals the unacknowledged
// first, then the newest.
import type { AlertView, RuleSeverity } from '../api/alert-rules.ts'

export type AlertLevel = RuleSeverity | 'info'

export const LEVEL_RANK: Readonly<Record<AlertLevel, number>> = { critical: 2, warning: 1, info: 0 }

export const LEVEL_WORD: Readonly<Record<AlertLevel, string>> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
}

/** A firing alert without a severity (none should) is taken as a warning: never hidden. */
export const levelOf = (alert: AlertView): AlertLevel => alert.severity ?? 'warning'

/** Only firing alerts are active: a pending one has not held for its `for` duration yet. */
export const firingAlerts = (alerts: readonly AlertView[]): AlertView[] =>
  alerts.filter((a) => a.state === 'firing')

/** Worst first; among equals the unacknowledged first, then the newest. */
export function byUrgency(a: AlertView, b: AlertView): number {
  return (
    LEVEL_RANK[levelOf(b)] - LEVEL_RANK[levelOf(a)] ||
    Number(a.acknowledgedAt !== null) - Number(b.acknowledgedAt !== null) ||
    Date.parse(b.since) - Date.parse(a.since) ||
    a.key.localeCompare(b.key)
  )
}

/** The worst severity among firing alerts; null when none fires. */
export function worstLevel(alerts: readonly AlertView[]): AlertLevel | null {
  let worst: AlertLevel | null = null
  for (const a of firingAlerts(alerts)) {
    const level = levelOf(a)
    if (worst === null || LEVEL_RANK[level] > LEVEL_RANK[worst]) worst = level
  }
  return worst
}

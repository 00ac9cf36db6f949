import type { UpstreamAlert, UpstreamAlertPage } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'

/** The newest upstream alerts, newest first (at or after `since` when given). */
export function recentUpstreamAlerts(db: Store, limit: number, since?: string): UpstreamAlertPage {
  const from = since === undefined ? null : Date.parse(since)
  const rows = db
    .prepare(
      `SELECT id, kind, severity, message, value, at, origin FROM upstream_alerts
        WHERE (? IS NULL OR at >= ?) ORDER BY at DESC, id DESC LIMIT ?`,
    )
    .all(from, from ?? 0, limit) as (Omit<UpstreamAlert, 'at'> & { at: number })[]
  return { alerts: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() })) }
}

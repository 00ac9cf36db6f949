import { useEffect, useState } from 'react'
import type { UpstreamAlert } from '../../../shared/api/index.ts'
import { useApi, useApiClient } from '../api/client.ts'
import { formatAge } from '../lib/format.ts'

/** An upstream alert is shown on the wall for this long after it was raised. */
export const ALERT_SHOWN_MS = 30 * 60_000
/** The newest alerts the banner holds at most: more would not be read across a room. */
const BANNER_ALERTS = 3

/**
 * The newest upstream alerts, asked again when one arrives (`data.changed` naming
 * `upstream_alerts`) or after a reconnect (an event naming no table: anything may have moved).
 */
export function useActiveAlerts(now: number): readonly UpstreamAlert[] {
  const client = useApiClient()
  const [arrivals, setArrivals] = useState(0)
  useEffect(
    () =>
      client.on('data.changed', ({ tables }) => {
        if (tables.length === 0 || tables.includes('upstream_alerts')) setArrivals((n) => n + 1)
      }),
    [client],
  )
  // `dashboards: []`: no dashboard's change refetches this; only `arrivals` does.
  const recent = useApi('alerts.recent', { limit: BANNER_ALERTS }, [arrivals], { dashboards: [] })
  return (recent.data?.alerts ?? []).filter((a) => now - Date.parse(a.at) < ALERT_SHOWN_MS)
}

export function AlertBanner({ alerts, now }: { alerts: readonly UpstreamAlert[]; now: number }) {
  if (alerts.length === 0) return null
  const worst = alerts.some((a) => a.severity === 'critical')
    ? 'critical'
    : alerts.some((a) => a.severity === 'warning')
      ? 'warning'
      : 'info'
  return (
    <section
      className={`wall-alerts wall-alerts-${worst}`}
      data-testid="wall-alerts"
      aria-label="Upstream alerts"
      aria-live="polite"
    >
      <ul>
        {alerts.map((a) => (
          <li key={a.id} className={`wall-alert wall-alert-${a.severity}`} data-alert-id={a.id}>
            <span className="wall-alert-severity">{a.severity}</span>
            <span className="wall-alert-message">{a.message}</span>
            <span className="wall-alert-age">{formatAge(a.at, now)}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

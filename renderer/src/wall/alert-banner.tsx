import { useEffect, useState } from 'react'
import type { AlertView, UpstreamAlert } from '../../../shared/api/index.ts'
import { useApi, useApiClient } from '../api/client.ts'
import { useLocalAlerts } from '../hooks/use-local-alerts.ts'
import { BANNER_ROWS, UPSTREAM_SHOWN_MS, bannerRows, type BannerRow } from '../lib/alert-panel.ts'
import { formatAge } from '../lib/format.ts'

/** An upstream alert is shown on the wall for this long after it was raised. */
export const ALERT_SHOWN_MS = UPSTREAM_SHOWN_MS

/**
 * The newest upstream alerts, asked again when one arrives (`data.changed` naming
 * `upstream_alerts`) or after a reconnect (an event naming no table: anything may have moved).
 */
export function useUpstreamAlerts(): readonly UpstreamAlert[] {
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
  const recent = useApi('alerts.recent', { limit: BANNER_ROWS }, [arrivals], { dashboards: [] })
  return recent.data?.alerts ?? []
}

/**
 * What the wall's banner shows: the core's active alerts (local rules and the upstream ones it
 * joined), worst first, then recent upstream alerts it does not list.
 */
export function useActiveAlerts(now: number): readonly BannerRow[] {
  const upstream = useUpstreamAlerts()
  const local: readonly AlertView[] = useLocalAlerts().active?.alerts ?? []
  return bannerRows(local, upstream, now)
}

export function AlertBanner({ alerts, now }: { alerts: readonly BannerRow[]; now: number }) {
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
      aria-label="Alerts"
      aria-live="polite"
    >
      <ul>
        {alerts.map((a) => (
          <li
            key={a.key}
            className={`wall-alert wall-alert-${a.severity}`}
            data-alert-key={a.key}
            data-alert-id={a.key.startsWith('upstream:') ? a.key.slice('upstream:'.length) : ''}
          >
            <span className="wall-alert-severity">{a.severity}</span>
            <span className="wall-alert-message">{a.message}</span>
            <span className="wall-alert-age">{formatAge(a.since, now)}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

import { useEffect, useRef, useState } from 'react'
import type { AlertSeverity, UpstreamAlert } from '../../../shared/api/index.ts'
import { useApiClient } from '../api/client.ts'
import { withNewAlerts, type AlertToast as Toast } from '../lib/alert-toasts.ts'
import { formatTime } from '../lib/format.ts'
import '../styles/live.css'

/** How long an info or warning toast stays; a critical one stays until dismissed. */
const TOAST_MS = 12_000
/** Events this close together are read with one `alerts.recent` call. */
const SETTLE_MS = 300
/** Alerts read per check: more than a burst can hold on screen. */
const RECENT = 50
/** Messages a grouped toast lists before "and N more". */
const LISTED = 3

const RANK: Readonly<Record<AlertSeverity, number>> = { info: 0, warning: 1, critical: 2 }
const TITLE: Readonly<Record<AlertSeverity, string>> = {
  info: 'Upstream alert',
  warning: 'Upstream warning',
  critical: 'Critical upstream alert',
}

const worst = (alerts: readonly UpstreamAlert[]): AlertSeverity =>
  alerts.reduce<AlertSeverity>((w, a) => (RANK[a.severity] > RANK[w] ? a.severity : w), 'info')

/**
 * New upstream alerts as toasts: read when a sync says `upstream_alerts` changed, compared with
 * those already seen (the ones present when the page opened are not news). Dismissable; critical
 * ones stay until dismissed. Not held by the live-updates pause: an alert is news either way.
 */
export function AlertToasts() {
  const client = useApiClient()
  const [toasts, setToasts] = useState<Toast[]>([])
  const seen = useRef<Set<string> | null>(null)

  useEffect(() => {
    let current = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const read = () => client.call('alerts.recent', { limit: RECENT })
    // Checks run one after another, the first being the baseline of alerts already there.
    let chain: Promise<void> = read().then(
      (page) => {
        seen.current = new Set(page.alerts.map((a) => a.id))
      },
      () => {
        seen.current = new Set()
      },
    )
    const check = () => {
      chain = chain
        .then(read)
        .then((page) => {
          const known = seen.current ?? new Set<string>()
          const fresh = page.alerts.filter((a) => !known.has(a.id))
          for (const a of fresh) known.add(a.id)
          seen.current = known
          if (current && fresh.length > 0) setToasts((t) => withNewAlerts(t, fresh, Date.now()))
        })
        .catch(() => {
          // The next data.changed asks again; the Activity feed lists every alert meanwhile.
        })
    }
    const off = client.on('data.changed', (payload) => {
      if (!payload.tables.includes('upstream_alerts')) return
      clearTimeout(timer)
      timer = setTimeout(check, SETTLE_MS)
    })
    return () => {
      current = false
      clearTimeout(timer)
      off()
    }
  }, [client])

  const dismiss = (key: string) => setToasts((t) => t.filter((x) => x.key !== key))
  return (
    <section
      className="toasts"
      aria-live="polite"
      aria-label="Upstream alerts"
      data-testid="toasts"
    >
      {toasts.map((t) => (
        <AlertToast key={t.key} toast={t} onDismiss={() => dismiss(t.key)} />
      ))}
    </section>
  )
}

function AlertToast({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  const severity = worst(toast.alerts)
  const count = toast.alerts.length
  const sticky = severity === 'critical'
  const latest = useRef(onDismiss)
  useEffect(() => {
    latest.current = onDismiss
  })
  useEffect(() => {
    if (sticky) return
    const timer = setTimeout(() => latest.current(), TOAST_MS)
    return () => clearTimeout(timer)
  }, [sticky, count])
  const first = toast.alerts[0]
  return (
    <div
      className={`toast toast-${severity}`}
      data-testid="toast"
      data-severity={severity}
      data-count={count}
    >
      <div className="toast-body">
        <p className="toast-title">
          {count === 1 ? TITLE[severity] : `${count} new upstream alerts`}
          {first !== undefined && (
            <time className="toast-time" dateTime={first.at}>
              {formatTime(first.at)}
            </time>
          )}
        </p>
        {count === 1 ? (
          <p className="toast-message">{first?.message}</p>
        ) : (
          <ul className="toast-list">
            {toast.alerts.slice(0, LISTED).map((a) => (
              <li key={a.id} className="toast-message">
                {a.message}
              </li>
            ))}
            {count > LISTED && <li className="toast-more">and {count - LISTED} more</li>}
          </ul>
        )}
      </div>
      <button
        type="button"
        className="toast-dismiss"
        aria-label={count === 1 ? 'Dismiss alert' : 'Dismiss alerts'}
        data-testid="toast-dismiss"
        onClick={onDismiss}
      >
        ×
      </button>
    </div>
  )
}

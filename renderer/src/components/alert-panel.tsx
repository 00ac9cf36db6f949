import { useEffect, useId, useRef, useState } from 'react'
import type { AlertTransition, AlertView } from '../../../shared/api/alert-rules.ts'
import { LEVEL_WORD } from '../../../shared/alerts/alert-order.ts'
import { useApi, useApiClient } from '../api/client.ts'
import { useBrowserNotifications, type NotifyState } from '../hooks/use-browser-notifications.ts'
import { useDismiss } from '../hooks/use-dismiss.ts'
import { useLocalAlerts } from '../hooks/use-local-alerts.ts'
import { useMayCall } from '../hooks/use-role.ts'
import { ALERT_ACTION_REMOTE_MESSAGE } from '../../../shared/api/index.ts'
import { alertButton, panelLists } from '../lib/alert-panel.ts'
import { AlertRules } from './alert-rules.tsx'
import { formatAge, formatDateTime } from '../lib/format.ts'
import '../styles/alerts.css'

const TABS = ['active', 'acknowledged', 'history', 'rules'] as const
type Tab = (typeof TABS)[number]
const TAB_LABEL: Readonly<Record<Tab, string>> = {
  active: 'Active',
  acknowledged: 'Acknowledged',
  history: 'History',
  rules: 'Rules',
}
const HOUR_MS = 3_600_000
/** Transitions the History tab shows. */
const HISTORY = 50

const valueText = (value: number | null): string =>
  value === null ? '—' : value.toLocaleString('en-US', { maximumFractionDigits: 2 })

/**
 * The header's alert button and its panel (issue 13: "an alert panel in the app (active,
 * acknowledged, history)"): the worst severity and the count on a real button; the panel lists
 * each alert with its message, value and age, and acknowledges or silences it for an hour.
 */
export function AlertPanel({ now }: { now: number }) {
  const client = useApiClient()
  const { active, changes, acknowledge, silence } = useLocalAlerts()
  // A viewer's screen (a wall) reads alerts; acknowledging or silencing is an analyst's.
  const mayAct = useMayCall('alerts.acknowledge')
  const alerts = active?.alerts ?? null
  const notify = useBrowserNotifications(alerts, client.transport === 'websocket')
  const [open, setOpen] = useState(false)
  const [tab, setTab] = useState<Tab>('active')
  const [failure, setFailure] = useState<string | null>(null)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const panelId = useId()
  useDismiss(open, root, (escape) => {
    setOpen(false)
    if (escape) button.current?.focus()
  })
  const lists = panelLists(alerts ?? [])
  const shown = alertButton(alerts ?? [])
  const announcement = useNewAlertAnnouncement(lists.active)

  const act = (what: Promise<void>) => {
    setFailure(null)
    what.catch((error: unknown) => setFailure((error as Error).message))
  }

  return (
    <div className="alert-menu" ref={root}>
      <button
        type="button"
        ref={button}
        className={`button alert-button alert-button-${shown.severity ?? 'none'}`}
        data-testid="alerts-button"
        data-severity={shown.severity ?? 'none'}
        data-count={lists.active.length}
        aria-label={shown.label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="alert-button-mark" aria-hidden="true" />
        {shown.text}
      </button>
      <p className="visually-hidden" aria-live="polite" data-testid="alerts-announcement">
        {announcement}
      </p>
      {open && (
        <section
          id={panelId}
          className={tab === 'rules' ? 'alert-panel alert-panel-rules' : 'alert-panel'}
          data-testid="alert-panel"
          role="dialog"
          aria-label="Alerts"
        >
          <div className="alert-panel-head">
            <div className="alert-tabs" role="tablist" aria-label="Alert lists">
              {TABS.map((t) => (
                <button
                  key={t}
                  type="button"
                  role="tab"
                  id={`${panelId}-tab-${t}`}
                  aria-selected={tab === t}
                  aria-controls={`${panelId}-list`}
                  className="alert-tab"
                  data-testid={`alerts-tab-${t}`}
                  onClick={() => setTab(t)}
                >
                  {TAB_LABEL[t]}
                  {(t === 'active' || t === 'acknowledged') && (
                    <span className="alert-tab-count">
                      {t === 'active' ? lists.active.length : lists.acknowledged.length}
                    </span>
                  )}
                </button>
              ))}
            </div>
            <NotifySwitch state={notify.state} onToggle={notify.toggle} />
          </div>
          {failure !== null && (
            <p className="alert-failure" role="alert">
              {failure}
            </p>
          )}
          <div
            id={`${panelId}-list`}
            role="tabpanel"
            aria-labelledby={`${panelId}-tab-${tab}`}
            className="alert-list"
            data-testid={`alerts-list-${tab}`}
          >
            {tab === 'rules' ? (
              <AlertRules />
            ) : tab === 'history' ? (
              <AlertHistory changes={changes} />
            ) : (
              <AlertList
                alerts={tab === 'active' ? lists.active : lists.acknowledged}
                empty={
                  alerts === null
                    ? 'Reading alerts…'
                    : tab === 'active'
                      ? 'No active alerts.'
                      : 'No acknowledged alerts.'
                }
                now={now}
                onAcknowledge={mayAct && tab === 'active' ? (key) => act(acknowledge(key)) : null}
                onSilence={mayAct ? (key) => act(silence(key, HOUR_MS)) : null}
                readOnly={mayAct ? null : ALERT_ACTION_REMOTE_MESSAGE}
              />
            )}
          </div>
        </section>
      )}
    </div>
  )
}

/** "New alert: …" for the screen reader when an alert joins the active list (not on load). */
function useNewAlertAnnouncement(active: readonly AlertView[]): string {
  const seen = useRef<Set<string> | null>(null)
  const [text, setText] = useState('')
  const keys = active.map((a) => a.key).join('\n')
  useEffect(() => {
    const now = new Set(keys === '' ? [] : keys.split('\n'))
    const before = seen.current
    seen.current = now
    if (before === null) return
    const fresh = active.filter((a) => !before.has(a.key))
    if (fresh.length === 1 && fresh[0] !== undefined)
      setText(`New ${fresh[0].severity ?? 'warning'} alert: ${fresh[0].name}`)
    else if (fresh.length > 1) setText(`${fresh.length} new alerts`)
    // `active` is read for the names of the keys that changed; the keys drive the effect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys])
  return text
}

function NotifySwitch({ state, onToggle }: { state: NotifyState; onToggle: () => void }) {
  if (state === 'unsupported') return null
  if (state === 'blocked') {
    return (
      <p className="alert-notify-note" data-testid="alerts-notify-blocked">
        Notifications are blocked in this browser's settings.
      </p>
    )
  }
  return (
    <button
      type="button"
      role="switch"
      aria-checked={state === 'on'}
      className="alert-notify"
      data-testid="alerts-notify"
      onClick={onToggle}
    >
      Notify me
    </button>
  )
}

function AlertList({
  alerts,
  empty,
  now,
  onAcknowledge,
  onSilence,
  readOnly,
}: {
  alerts: readonly AlertView[]
  empty: string
  now: number
  onAcknowledge: ((key: string) => void) | null
  onSilence: ((key: string) => void) | null
  /** Why this screen may not act on alerts (its role); null when it may. */
  readOnly: string | null
}) {
  if (alerts.length === 0) return <p className="alert-empty">{empty}</p>
  return (
    <>
      {readOnly !== null && (
        <p className="alert-empty" data-testid="alerts-read-only">
          {readOnly}
        </p>
      )}
      <ul className="alert-items">
        {alerts.map((a) => {
          const severity = a.severity ?? 'warning'
          const silenced = a.silencedUntil !== null && Date.parse(a.silencedUntil) > now
          return (
            <li
              key={a.key}
              className={`alert-item alert-item-${severity}`}
              data-testid="alert-item"
              data-key={a.key}
              data-severity={severity}
            >
              <p className="alert-item-head">
                <span className="alert-severity">{LEVEL_WORD[severity]}</span>
                <span className="alert-name">{a.name}</span>
                <time className="alert-since" dateTime={a.since} title={formatDateTime(a.since)}>
                  {formatAge(a.since, now)}
                </time>
              </p>
              <p className="alert-message">{a.message}</p>
              <p className="alert-meta">
                Value <span className="alert-value">{valueText(a.value)}</span>
                {silenced && a.silencedUntil !== null && (
                  <span className="alert-silenced">
                    {' '}
                    · silenced until {formatDateTime(a.silencedUntil)}
                  </span>
                )}
              </p>
              <div className="alert-actions">
                {onAcknowledge !== null && (
                  <button
                    type="button"
                    className="button"
                    data-testid="alert-acknowledge"
                    aria-label={`Acknowledge: ${a.name}`}
                    onClick={() => onAcknowledge(a.key)}
                  >
                    Acknowledge
                  </button>
                )}
                {onSilence !== null && (
                  <button
                    type="button"
                    className="button"
                    data-testid="alert-silence"
                    aria-label={`Silence for 1 h: ${a.name}`}
                    onClick={() => onSilence(a.key)}
                  >
                    Silence for 1 h
                  </button>
                )}
              </div>
            </li>
          )
        })}
      </ul>
    </>
  )
}

function AlertHistory({ changes }: { changes: number }) {
  const history = useApi('alerts.history', { limit: HISTORY }, [changes], { dashboards: [] })
  if (history.error !== null)
    return (
      <p className="alert-failure" role="alert">
        {history.error.message}
      </p>
    )
  const transitions: readonly AlertTransition[] = history.data?.transitions ?? []
  if (history.data === null) return <p className="alert-empty">Reading history…</p>
  if (transitions.length === 0) return <p className="alert-empty">No transitions yet.</p>
  return (
    <ol className="alert-items alert-history">
      {transitions.map((t) => (
        <li key={t.id} className="alert-history-item" data-testid="alert-history-item">
          <p className="alert-item-head">
            <span className="alert-name">{t.name}</span>
            <span className="alert-transition">
              {t.from ?? 'new'} → {t.to}
              {t.severity !== null && t.to === 'firing' ? ` (${t.severity})` : ''}
            </span>
            <time className="alert-since" dateTime={t.at}>
              {formatDateTime(t.at)}
            </time>
          </p>
          <p className="alert-message">
            {t.message} · value {valueText(t.value)}
          </p>
        </li>
      ))}
    </ol>
  )
}

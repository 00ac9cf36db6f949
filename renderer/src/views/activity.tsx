import { useState } from 'react'
import type { ActivityEvent, ActivityPage } from '../../../shared/api/index.ts'
import { toApiError, useApiClient } from '../api/client.ts'
import { NoData, Panel } from '../components/panel.tsx'
import { useNow } from '../hooks/use-now.ts'
import { describeEvent, type ActivityTone } from '../lib/activity-sentence.ts'
import { formatAge, formatDateTime } from '../lib/format.ts'
import '../styles/live.css'
import type { ViewProps } from './view-props.ts'

const PAGE = 50

const PILL: Readonly<Record<ActivityTone, string>> = {
  neutral: 'pill-neutral',
  good: 'pill-good',
  bad: 'pill-bad',
  info: 'pill-neutral',
  warning: 'pill-warn',
  critical: 'pill-bad',
}

/** One event as one sentence, with when it happened both ways: "3 h ago" and the date. */
function EventRow({ event, now }: { event: ActivityEvent; now: number }) {
  const { label, text, tone } = describeEvent(event)
  return (
    <li
      className={`activity-event activity-${tone}`}
      data-testid="activity-event"
      data-event-id={event.id}
      data-event-type={event.type}
    >
      <span className={`pill ${PILL[tone]}`}>{label}</span>
      <span className="activity-text" data-testid="activity-text">
        {text}
      </span>
      <time dateTime={event.at} className="activity-time">
        <span className="activity-age">{formatAge(event.at, now)}</span>
        <span className="activity-at">{formatDateTime(event.at)}</span>
      </time>
    </li>
  )
}

interface Older {
  /** Every event shown when the last older page arrived, newest first: first page and older pages. */
  readonly events: readonly ActivityEvent[]
  readonly next: string | null
}

/**
 * The older events that continue `first`: those of `older` after `first`'s last event. A newer
 * first page (a live update) keeps the older pages a reader has loaded when it overlaps them;
 * one with no event in common (more new events than a page) starts the feed over, rather than
 * leave a gap in it.
 */
function continuation(first: ActivityPage | null, older: Older | null): Older | null {
  if (first === null || older === null) return null
  const last = first.events.at(-1)
  if (last === undefined) return null
  const at = older.events.findIndex((e) => e.id === last.id)
  return at < 0 ? null : { events: older.events.slice(at + 1), next: older.next }
}

export function ActivityView({ data }: ViewProps) {
  const client = useApiClient()
  const now = useNow()
  const first = data?.activity ?? null
  const [older, setOlder] = useState<Older | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const extra = continuation(first, older)
  const next = extra === null ? (first?.next ?? null) : extra.next

  const loadOlder = (): void => {
    if (first === null || next === null) return
    const shown = [...first.events, ...(extra?.events ?? [])]
    setLoading(true)
    setError(null)
    client.call('activity.page', { limit: PAGE, before: next }).then(
      (page) => {
        setOlder({ events: [...shown, ...page.events], next: page.next })
        setLoading(false)
      },
      (e: unknown) => {
        setError(toApiError(e).message)
        setLoading(false)
      },
    )
  }

  const events = [...(first?.events ?? []), ...(extra?.events ?? [])]
  return (
    <Panel
      title="Live activity"
      subtitle="newest first · leads, appointments, projects and upstream alerts · not filtered"
      testId="activity-panel"
    >
      {first === null ? null : first.noData ? (
        <NoData>
          No events received yet. Events arrive from the Redis stream once a live source is
          connected.
        </NoData>
      ) : (
        <ul className="list activity-list" data-testid="activity-list">
          {events.map((e) => (
            <EventRow key={e.id} event={e} now={now} />
          ))}
        </ul>
      )}
      {error !== null && <p className="rule cell-bad">Could not load older events: {error}</p>}
      {next !== null && (
        <div className="panel-footer">
          <button
            type="button"
            className="button"
            data-testid="activity-older"
            disabled={loading}
            onClick={loadOlder}
          >
            {loading ? 'Loading…' : 'Load older events'}
          </button>
        </div>
      )}
    </Panel>
  )
}

import { useState } from 'react'
import type { ActivityEvent, ActivityPage } from '../../../shared/api/index.ts'
import { toApiError, useApiClient } from '../api/client.ts'
import { NoData, Panel } from '../components/panel.tsx'
import { formatDateTime } from '../lib/format.ts'
import type { ViewProps } from './view-props.ts'

const PAGE = 50

function payloadText(payload: unknown): string {
  if (payload === null || payload === undefined) return ''
  if (typeof payload === 'string') return payload
  try {
    return JSON.stringify(payload)
  } catch {
    return '(payload cannot be shown)'
  }
}

function EventRow({ event }: { event: ActivityEvent }) {
  const text = payloadText(event.payload)
  return (
    <li className="event" data-testid="activity-event" data-event-id={event.id}>
      <time dateTime={event.at}>{formatDateTime(event.at)}</time>
      <span className="pill pill-neutral">{event.type.replaceAll('_', ' ')}</span>
      <span className="event-payload" title={text}>
        {text}
      </span>
    </li>
  )
}

interface Older {
  /** The first page these older pages continue; stale once a newer first page arrives. */
  readonly after: ActivityPage
  readonly events: readonly ActivityEvent[]
  readonly next: string | null
}

export function ActivityView({ data }: ViewProps) {
  const client = useApiClient()
  const first = data?.activity ?? null
  const [older, setOlder] = useState<Older | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const extra = older !== null && older.after === first ? older : null
  const next = extra === null ? (first?.next ?? null) : extra.next

  const loadOlder = (): void => {
    if (first === null || next === null) return
    setLoading(true)
    setError(null)
    client.call('activity.page', { limit: PAGE, before: next }).then(
      (page) => {
        setOlder({
          after: first,
          events: [...(extra?.events ?? []), ...page.events],
          next: page.next,
        })
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
      subtitle="newest first · not filtered by the dimension filters"
      testId="activity-panel"
    >
      {first === null ? null : first.noData ? (
        <NoData>
          No events received yet. Events arrive from the Redis stream once a live source is
          connected.
        </NoData>
      ) : (
        <ul className="list" data-testid="activity-list">
          {events.map((e) => (
            <EventRow key={e.id} event={e} />
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

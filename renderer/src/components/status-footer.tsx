import type { AppStatus, SourceState, SourceStatus } from '../../../shared/api/index.ts'
import { formatAge, formatDateTime, formatIn, formatInteger } from '../lib/format.ts'

const stateLabels: Record<SourceState, string> = {
  live: 'Live',
  syncing: 'Syncing',
  stale: 'Stale',
  offline: 'Offline',
  error: 'Error',
}

export function sourceDetail(source: SourceStatus, now: number): string | null {
  if (source.state === 'error') return source.message ?? 'failed without a message'
  if (source.state === 'stale' && source.since !== null)
    return `since ${formatDateTime(source.since)} (${formatAge(source.since, now)})`
  if (source.state === 'offline')
    return source.since === null ? 'waiting to retry' : `next retry ${formatIn(source.since, now)}`
  return source.message
}

interface StatusFooterProps {
  readonly status: AppStatus | null
  readonly transport: 'electron' | 'websocket'
  readonly now: number
}

export function StatusFooter({ status, transport, now }: StatusFooterProps) {
  return (
    <footer className="status-footer" data-testid="status-footer">
      <ul className="sources" aria-label="Data sources">
        {status === null ? (
          <li className="source-none">Waiting for status…</li>
        ) : status.sources.length === 0 ? (
          <li className="source-none">
            {status.mode === 'demo' ? 'Demo data — no upstream sources' : 'No sources configured'}
          </li>
        ) : (
          status.sources.map((source) => {
            const detail = sourceDetail(source, now)
            return (
              <li
                key={source.name}
                className={`source source-${source.state}`}
                data-testid={`source-${source.name}`}
                data-source-state={source.state}
                title={source.message ?? undefined}
              >
                <span className="source-dot" aria-hidden="true" />
                <span className="source-name">{source.name}</span>
                <span className="source-state">{stateLabels[source.state]}</span>
                {detail !== null && <span className="source-detail">{detail}</span>}
                {source.rate && source.rate.value >= 0.5 && (
                  <span className="source-rate" data-testid={`source-rate-${source.name}`}>
                    {formatInteger(Math.round(source.rate.value))} {source.rate.unit}
                  </span>
                )}
                {source.approximate === true && (
                  <span
                    className="source-approximate"
                    title="No change log upstream: polled with an overlap window and reconciled by checksums"
                  >
                    approximate
                  </span>
                )}
                {source.state !== 'error' && source.lastError && (
                  <span className="source-last-error" title={source.lastError}>
                    last error: {source.lastError}
                  </span>
                )}
              </li>
            )
          })
        )}
      </ul>
      <p className="footer-meta">
        {status !== null && (
          <>
            <span data-testid="footer-data-age">
              {status.dataAsOf === null
                ? 'no data yet'
                : `data ${formatAge(status.dataAsOf, now).replace(' ago', ' old').replace('just now', 'fresh')}`}
            </span>
            {` · ${formatInteger(status.leadCount)}`} leads cached · v{status.version} ·{' '}
          </>
        )}
        {transport === 'electron' ? 'desktop' : 'browser'}
      </p>
    </footer>
  )
}

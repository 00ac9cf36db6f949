import type { AppStatus, SourceState, SourceStatus } from '../../../shared/api/index.ts'
import { useReachability } from '../api/client.ts'
import { formatAge, formatDateTime, formatIn, formatInteger } from '../lib/format.ts'
import { RECONNECTING, offlineSentence } from '../lib/offline.ts'
import '../styles/status.css'

const stateLabels: Record<SourceState, string> = {
  live: 'Live',
  syncing: 'Syncing',
  stale: 'Stale',
  offline: 'Offline',
  error: 'Error',
}

/** How a source is shown: each fact once (a message that is also the last error is not repeated). */
export interface SourceParts {
  /** "Live", "Offline"… or "Generated" for demo data. */
  readonly label: string
  /** The current message, the stale time or the next retry; null when there is nothing to add. */
  readonly detail: string | null
  /** "last good sync …", "data as of …" for demo data; null while live (it is now). */
  readonly lastGood: string | null
  /** A past failure that differs from what `detail` already says. */
  readonly lastError: string | null
}

export function sourceParts(source: SourceStatus, now: number): SourceParts {
  if (source.generated === true) {
    return {
      label: 'Generated',
      detail: source.message,
      lastGood:
        source.lastGoodSyncAt == null
          ? null
          : `data as of ${formatDateTime(source.lastGoodSyncAt)}`,
      lastError: null,
    }
  }
  const detail = sourceDetail(source, now)
  const good = source.lastGoodSyncAt ?? null
  const lastGood =
    source.state === 'live'
      ? null
      : good === null
        ? 'never synced'
        : `last good sync ${formatDateTime(good)} (${formatAge(good, now)})`
  const error = source.lastError ?? null
  return {
    label: stateLabels[source.state],
    detail,
    lastGood,
    lastError: error === null || error === source.message || error === detail ? null : error,
  }
}

export function sourceDetail(source: SourceStatus, now: number): string | null {
  if (source.state === 'error') return source.message ?? 'failed without a message'
  if (source.state === 'stale' && source.since !== null)
    return `since ${formatDateTime(source.since)} (${formatAge(source.since, now)})`
  if (source.state === 'offline') {
    const retry =
      source.since === null ? 'waiting to retry' : `next retry ${formatIn(source.since, now)}`
    return source.message ? `${source.message}; ${retry}` : retry
  }
  return source.message
}

interface StatusFooterProps {
  readonly status: AppStatus | null
  readonly transport: 'electron' | 'websocket'
  readonly now: number
}

export function StatusFooter({ status, transport, now }: StatusFooterProps) {
  const { reachable } = useReachability()
  return (
    <footer
      className="status-footer"
      data-testid="status-footer"
      data-connection={reachable ? 'online' : 'offline'}
    >
      {!reachable && (
        <p className="connection-offline" data-testid="connection-status" role="status">
          <strong>{offlineSentence(status?.dataAsOf)}</strong> · {RECONNECTING}
        </p>
      )}
      <ul
        className={reachable ? 'sources' : 'sources sources-last-known'}
        aria-label={reachable ? 'Data sources' : 'Data sources, as last known'}
      >
        {status === null ? (
          <li className="source-none">{reachable ? 'Waiting for status…' : 'No status yet'}</li>
        ) : status.sources.length === 0 ? (
          <li className="source-none">
            {status.mode === 'demo' ? 'Demo data — no upstream sources' : 'No sources configured'}
          </li>
        ) : (
          status.sources.map((source) => {
            const parts = sourceParts(source, now)
            return (
              <li
                key={source.name}
                className={`source source-${source.generated === true ? 'generated' : source.state}`}
                data-testid={`source-${source.name}`}
                data-source-state={source.state}
                title={[
                  parts.detail,
                  parts.lastGood,
                  parts.lastError && `last error: ${parts.lastError}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              >
                <span className="source-dot" aria-hidden="true" />
                <span className="source-name">{source.name}</span>
                <span className="source-state">{parts.label}</span>
                {parts.detail !== null && <span className="source-detail">{parts.detail}</span>}
                {parts.lastGood !== null && (
                  <span className="source-last-good">{parts.lastGood}</span>
                )}
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
                {parts.lastError !== null && (
                  <span className="source-last-error">last error: {parts.lastError}</span>
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

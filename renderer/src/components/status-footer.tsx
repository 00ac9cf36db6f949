import type { AppStatus } from '../../../shared/api/index.ts'
import { useReachability } from '../api/client.ts'
import { formatAge, formatInteger } from '../lib/format.ts'
import { RECONNECTING, offlineSentence } from '../lib/offline.ts'
import { sourceParts } from '../lib/source-parts.ts'
import '../styles/status.css'

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

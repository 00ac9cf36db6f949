import type { AppStatus } from '../../../shared/api/index.ts'
import { OLD_DATA_MS } from '../components/header.tsx'
import { formatAge, formatDateTime } from '../lib/format.ts'
import { offlineSentence } from '../lib/offline.ts'

/**
 * How old the numbers on the wall are, and a warning, readable across the room, when they are
 * old or the host does not answer (the numbers then stay up: they are the last good ones).
 */
export function WallStatus({
  status,
  offline,
  now,
}: {
  status: AppStatus | null
  offline: boolean
  now: number
}) {
  const dataAsOf = status?.dataAsOf ?? null
  const old = dataAsOf !== null && now - Date.parse(dataAsOf) > OLD_DATA_MS
  const state = offline ? 'offline' : old ? 'old' : status === null ? 'connecting' : 'fresh'
  return (
    <p
      className={`wall-status wall-status-${state}`}
      data-testid="wall-data-as-of"
      data-state={state}
      data-value={dataAsOf ?? ''}
      role="status"
    >
      {offline ? (
        // The page's one wording for it (lib/offline.ts), in the wall's large type.
        <span className="wall-status-flag">{offlineSentence(dataAsOf)}</span>
      ) : dataAsOf === null ? (
        <span>{status === null ? 'Connecting…' : 'No data synced yet'}</span>
      ) : (
        <span>
          Data as of <time dateTime={dataAsOf}>{formatDateTime(dataAsOf)}</time>
          <span className="wall-status-age"> · {formatAge(dataAsOf, now)}</span>
        </span>
      )}
    </p>
  )
}

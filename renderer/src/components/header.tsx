import type { AppStatus } from '../../../shared/api/index.ts'
import { formatAge, formatDateTime } from '../lib/format.ts'
import type { Theme } from '../lib/theme.ts'

/** Data older than this is called out: on a wall it usually means sync has stopped. */
export const OLD_DATA_MS = 60 * 60_000

interface HeaderProps {
  readonly status: AppStatus | null
  readonly theme: Theme
  readonly onToggleTheme: () => void
  readonly now: number
}

export function Header({ status, theme, onToggleTheme, now }: HeaderProps) {
  const next: Theme = theme === 'dark' ? 'light' : 'dark'
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <h1>Watchfloor</h1>
        {status?.mode === 'demo' && (
          <span className="badge badge-demo" data-testid="demo-badge" title="Showing demo data">
            Demo
          </span>
        )}
      </div>
      <DataAsOf dataAsOf={status === null ? undefined : status.dataAsOf} now={now} />
      <button
        type="button"
        className="theme-toggle"
        data-testid="theme-toggle"
        onClick={onToggleTheme}
        aria-label={`Switch to ${next} theme`}
        title={`Switch to ${next} theme`}
      >
        <span className={`theme-icon theme-icon-${next}`} aria-hidden="true" />
        <span className="theme-toggle-label">{next === 'dark' ? 'Dark' : 'Light'}</span>
      </button>
    </header>
  )
}

/** `undefined` while status is unknown; `null` when the cache holds no data yet. */
function DataAsOf({ dataAsOf, now }: { dataAsOf: string | null | undefined; now: number }) {
  if (dataAsOf === undefined) {
    return (
      <p className="freshness" data-testid="data-as-of" data-value="">
        Connecting…
      </p>
    )
  }
  if (dataAsOf === null) {
    return (
      <p className="freshness" data-testid="data-as-of" data-value="">
        No data synced yet
      </p>
    )
  }
  const old = now - Date.parse(dataAsOf) > OLD_DATA_MS
  return (
    <p
      className={old ? 'freshness freshness-old' : 'freshness'}
      data-testid="data-as-of"
      data-value={dataAsOf}
    >
      Data as of <time dateTime={dataAsOf}>{formatDateTime(dataAsOf)}</time>
      <span className="freshness-age">{formatAge(dataAsOf, now)}</span>
    </p>
  )
}

import type { ReactNode } from 'react'
import type { AppStatus } from '../../../shared/api/index.ts'
import { useReachability } from '../api/client.ts'
import { formatAge, formatDateTime } from '../lib/format.ts'
import { offlineSentence } from '../lib/offline.ts'
import '../styles/status.css'
import type { ThemeControl } from '../lib/theme.ts'
import { LiveControls } from './live-controls.tsx'
import { ThemePicker } from './theme-picker.tsx'
import { wallHref } from '../wall/wall-url.ts'

/** Data older than this is called out: on a wall it usually means sync has stopped. */
export const OLD_DATA_MS = 60 * 60_000

interface HeaderProps {
  readonly status: AppStatus | null
  readonly themeControl: ThemeControl
  readonly now: number
  /** The tab's "Export…" button, where the tab has something to export. */
  readonly exportButton?: ReactNode
  /** The alert button and its panel (components/alert-panel.tsx). */
  readonly alerts?: ReactNode
}

export function Header({ status, themeControl, now, exportButton, alerts }: HeaderProps) {
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
      {alerts}
      <LiveControls />
      <ThemePicker control={themeControl} />
      {exportButton}
      {/* Wall mode in a tab of its own, on the filters shown here (wall/wall-url.ts). */}
      <a
        className="button"
        data-testid="wall-mode-link"
        href={wallHref(window.location.search)}
        // The address bar may have moved since this render (a filter written back): read it now.
        onClick={(event) => (event.currentTarget.href = wallHref(window.location.search))}
        target="_blank"
        rel="noopener"
      >
        Wall mode
      </a>
    </header>
  )
}

/** `undefined` while status is unknown; `null` when the cache holds no data yet. */
function DataAsOf({ dataAsOf, now }: { dataAsOf: string | null | undefined; now: number }) {
  const { reachable } = useReachability()
  if (!reachable) {
    // The numbers on screen stay; this says how old they are and that nothing newer comes.
    return (
      <p
        className="freshness freshness-offline"
        data-testid="data-as-of"
        data-value={dataAsOf ?? ''}
        data-connection="offline"
        role="status"
      >
        {offlineSentence(dataAsOf)}
      </p>
    )
  }
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

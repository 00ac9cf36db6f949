import { useEffect, useMemo, useState } from 'react'
import { useApi, useApiClient, useReachability } from '../api/client.ts'
import { PartFailureContext } from '../components/error-boundary.tsx'
import { ChartContext } from '../components/plotly-chart.tsx'
import { useChartReadiness } from '../hooks/use-chart-readiness.ts'
import { useDashboard } from '../hooks/use-dashboard.ts'
import { useElementWidth } from '../hooks/use-element-width.ts'
import { CALL_FIRST_ROWS, useAnswerToken, useIntelligence } from '../hooks/use-intelligence.ts'
import { useNow } from '../hooks/use-now.ts'
import { localTimeZone, rangeAt } from '../lib/dates.ts'
import { failure, readinessOf } from '../lib/page-state.ts'
import { useTheme } from '../lib/theme.ts'
import { viewOf } from '../lib/views.ts'
import { VIEW_COMPONENTS } from '../views/index.ts'
import { AlertBanner, useActiveAlerts } from './alert-banner.tsx'
import { ProgressRing } from './progress-ring.tsx'
import { useChartTextScale } from './use-chart-text-scale.ts'
import { useDailyReload } from './use-daily-reload.ts'
import { useFitToScreen } from './use-fit-to-screen.ts'
import { useRemountOnError } from './use-remount-on-error.ts'
import { useRotation } from './use-rotation.ts'
import { useSelfHealing } from './use-self-healing.ts'
import { WallClock } from './wall-clock.tsx'
import { WallErrorBoundary } from './wall-error-boundary.tsx'
import { WallStatus } from './wall-status.tsx'
import { readWallUrl } from './wall-url.ts'
import './wall.css'

/** A wall checks the host more often than a desk: "Offline" must show within seconds. */
const WALL_STATUS_REFRESH_MS = 10_000

/**
 * Wall mode (`?mode=wall`): the dashboards in rotation, sized to the screen, with nothing to
 * click. The address is read once; a reload (the wall's own, or a person's) reads it again.
 */
export function WallApp() {
  const client = useApiClient()
  const [theme] = useTheme()
  const now = useNow()
  const [settings] = useState(() => readWallUrl(window.location.search, localTimeZone()))
  useEffect(() => {
    for (const notice of settings.notices) console.info(`watchfloor wall: ${notice}`)
  }, [settings])
  const { playlist, intervalMs, range: rangeFilter, dimensions, reloadMinutes } = settings

  const { slot, shownAt } = useRotation(intervalMs, playlist.length)
  const view = playlist[slot.index] ?? playlist[0] ?? 'overview'
  const next = playlist.length > 1 ? playlist[(slot.index + 1) % playlist.length] : undefined
  const definition = viewOf(view)

  const shown = rangeAt(rangeFilter, now)
  const range = shown.ok ? shown.range : null
  const [viewRef, width] = useElementWidth<HTMLElement>()
  const dashboard = useDashboard(definition, range, dimensions, width)
  // A wall named to show Lead scores shows the head of the list: across a room, and on one screen.
  const intel = useIntelligence(definition, range, dimensions, CALL_FIRST_ROWS.compact)
  const answer = useAnswerToken(dashboard.data, intel.data)
  const charts = useChartReadiness(theme, answer)
  // Chart text sized to the screen like the wall's own type (the charts' fonts are in pixels).
  const textScale = useChartTextScale()
  const chartHost = useMemo(() => ({ ...charts.host, textScale }), [charts.host, textScale])
  const status = useApi('app.status', {}, [], { refreshIntervalMs: WALL_STATUS_REFRESH_MS })
  const alerts = useActiveAlerts(now)
  const reloadDue = useDailyReload(reloadMinutes, slot, alerts.length)

  const remount = useRemountOnError()
  const { offline: failingChecks } = useSelfHealing(status, remount.exhausted, now)
  // The bridge knows first when the socket drops; the status checks catch a core that hangs.
  const { reachable } = useReachability()
  const offline = failingChecks || !reachable

  const errors = [
    ...(shown.ok ? [] : [{ context: 'Reading the date range', message: shown.problem }]),
    ...failure(`Loading ${definition.label}`, dashboard),
    ...failure('Loading customer intelligence', intel),
    ...(charts.error === null
      ? []
      : [{ context: 'Drawing a chart', message: charts.error.message }]),
  ]
  const readiness = readinessOf(errors, [dashboard, intel], charts.drawn)
  useFitToScreen(viewRef, `${view}:${remount.mount}`, `${readiness}:${width ?? 0}`)

  // Plotly's measured text boxes are of the views shown before: dropped at each rotation, or a
  // wall that runs for months holds thousands (lib/plotly-text-sizes.ts).
  useEffect(() => {
    import('../lib/plotly-text-sizes.ts').then(
      (sizes) => sizes.forgetTextSizes(),
      () => undefined, // Plotly's chunk failed to load: its charts report that themselves.
    )
  }, [view])

  const View = VIEW_COMPONENTS[view]
  const position = useMemo(
    () => (playlist.length > 1 ? `${slot.index + 1} / ${playlist.length}` : null),
    [playlist.length, slot.index],
  )
  return (
    <div
      className="wall"
      data-testid="wall"
      data-state={readiness}
      data-view={view}
      data-slot={slot.slot}
      data-playlist={playlist.join(',')}
      data-transport={client.transport}
      data-reload-due={reloadDue === null ? 'off' : new Date(reloadDue).toISOString()}
    >
      <header className="wall-bar">
        <div className="wall-title">
          <span className="brand-mark" aria-hidden="true" />
          <h1 data-testid="wall-view-name">{definition.label}</h1>
          {position !== null && <span className="wall-position">{position}</span>}
        </div>
        <WallStatus status={status.data} offline={offline} now={now} />
        <WallClock />
        <ProgressRing
          slot={slot}
          shownAt={shownAt}
          nextLabel={next === undefined ? null : viewOf(next).label}
        />
      </header>
      <AlertBanner alerts={alerts} now={now} />
      <main
        className="wall-view view"
        data-testid={`view-${view}`}
        aria-busy={readiness === 'loading'}
        ref={viewRef}
        inert
      >
        <WallErrorBoundary key={`${view}:${remount.mount}`} onError={remount.failed}>
          {/* A panel's own boundary reports here too: nobody will press its retry. */}
          <PartFailureContext value={remount.failed}>
            <ChartContext value={chartHost}>
              <View data={dashboard.data} intel={intel.data ?? undefined} />
            </ChartContext>
          </PartFailureContext>
        </WallErrorBoundary>
      </main>
    </div>
  )
}

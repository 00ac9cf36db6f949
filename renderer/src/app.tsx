import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import {
  LEAD_STATUSES,
  TEMPERATURES,
  type DashboardData,
  FILTER_VALUES_MAX_AGE_MS,
  type FilterValues,
  type MethodInput,
} from '../../shared/api/index.ts'
import { toApiError, useApi, useApiClient, useApiRefresh, type ApiState } from './api/client.ts'
import { ErrorBanner, type PageError } from './components/error-banner.tsx'
import { FilterBar } from './components/filter-bar.tsx'
import { Header } from './components/header.tsx'
import { ChartContext, type ChartReporter } from './components/plotly-chart.tsx'
import { StatusFooter } from './components/status-footer.tsx'
import { ViewTabs } from './components/view-tabs.tsx'
import { anchorDay, localTimeZone, resolveRange, type RangeSelection } from './lib/dates.ts'
import { useTheme } from './lib/theme.ts'
import {
  readUrl,
  toFilters,
  writeUrl,
  type Dimensions,
  type PageState as LinkState,
} from './lib/url-state.ts'
import { useNow } from './lib/use-now.ts'
import { viewOf, type ViewId } from './lib/views.ts'
import { VIEW_COMPONENTS } from './views/index.ts'

/** Source states change without a `data.changed` event; a wall must not show last week's. */
const STATUS_REFRESH_MS = 30_000
/** Events on the first activity page (older ones are paged in on demand). */
const ACTIVITY_PAGE = 50

type PageState = 'loading' | 'ready' | 'error'

function failure(context: string, state: ApiState<unknown>): PageError[] {
  if (state.error === null) return []
  return [{ context, message: state.error.message, code: state.error.code }]
}

/**
 * The most points a series may carry: one per pixel of a chart, rounded down to a step of 100 so
 * that a small resize does not ask the core again.
 */
function maxPointsFor(width: number, columns: number): number {
  return Math.max(3, Math.floor(width / columns / 100) * 100)
}

/** The content's width in CSS pixels, measured before the first paint and on every resize. */
function useWidth(): [React.RefObject<HTMLElement | null>, number | null] {
  const ref = useRef<HTMLElement>(null)
  const [width, setWidth] = useState<number | null>(null)
  useLayoutEffect(() => {
    const element = ref.current
    if (element === null) return
    setWidth(element.clientWidth)
    const observer = new ResizeObserver(() => setWidth(element.clientWidth))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return [ref, width]
}

/** Until the cache's values arrive: the fixed vocabularies, nothing else. */
const NO_OPTIONS: FilterValues = {
  source: [],
  segment: [],
  city: [],
  temperature: TEMPERATURES,
  status: LEAD_STATUSES,
  owner: [],
}

export function App() {
  const client = useApiClient()
  const refresh = useApiRefresh()
  const [theme, toggleTheme] = useTheme()
  const now = useNow()
  const localZone = useMemo(localTimeZone, [])

  // The tab and filters live in the URL, so a wall screen or a bookmark reopens the same view.
  const [link, setLink] = useState(() => readUrl(window.location.search, localZone))
  const [urlProblems, setUrlProblems] = useState(link.problems)
  const { view, selection, timeZone, dimensions } = link.state
  const update = useCallback((change: Partial<LinkState>, push = false) => {
    setLink((l) => {
      const state = { ...l.state, ...change }
      const search = writeUrl(window.location.search, state)
      if (search !== window.location.search) {
        if (push) window.history.pushState(null, '', search)
        else window.history.replaceState(null, '', search)
      }
      return { state, problems: [] }
    })
  }, [])
  useEffect(() => {
    // Write the (possibly defaulted) state back, so the address bar always names what is shown.
    const search = writeUrl(window.location.search, link.state)
    if (search !== window.location.search) window.history.replaceState(null, '', search)
    const back = (): void => setLink(readUrl(window.location.search, localZone))
    window.addEventListener('popstate', back)
    return () => window.removeEventListener('popstate', back)
    // Once: later changes write the URL in `update`.
  }, [])

  const selectView = useCallback((id: ViewId) => update({ view: id }, true), [update])
  const selectRange = useCallback((s: RangeSelection) => update({ selection: s }), [update])
  const changeDimensions = useCallback((d: Dimensions) => update({ dimensions: d }), [update])

  const status = useApi('app.status', {}, [], { refreshIntervalMs: STATUS_REFRESH_MS })

  // Presets end on the day of the newest data, so they need the status first; if status cannot
  // be had, fall back to today rather than showing nothing at all.
  const anchor =
    status.data !== null
      ? anchorDay(status.data.dataAsOf)
      : status.error !== null
        ? anchorDay(null)
        : null
  const range = anchor === null ? null : resolveRange(selection, anchor, timeZone)

  const definition = viewOf(view)
  const [contentRef, width] = useWidth()
  const maxPoints = width === null ? null : maxPointsFor(width, definition.chartColumns)

  const request: MethodInput<'kpis.dashboard'> | null =
    range === null || maxPoints === null
      ? null
      : {
          filters: toFilters({ preset: 'custom', ...range }, dimensions),
          dashboards: [...definition.dashboards],
          maxPoints,
          activityLimit: ACTIVITY_PAGE,
        }
  const dashboard = useApi('kpis.dashboard', request, [], { dashboards: definition.dashboards })

  // Filter choices: every value the cache holds (not per range, so the lists stay put). The core
  // may answer with lists up to FILTER_VALUES_MAX_AGE_MS old while a sync writes: ask again that
  // often, so a value that arrived just after the last change event still shows up.
  const filterValues = useApi('filters.values', {}, [], {
    refreshIntervalMs: FILTER_VALUES_MAX_AGE_MS,
  })
  const options = filterValues.data ?? NO_OPTIONS

  // Which answer each chart has drawn; "ready" needs every chart of the tab on the current one.
  const [drawn, setDrawn] = useState<Readonly<Record<string, unknown>>>({})
  const [chartError, setChartError] = useState<Error | null>(null)
  const reporter = useMemo<ChartReporter>(
    () => ({
      theme,
      rendered: (testId, version) => {
        setDrawn((d) => (d[testId] === version ? d : { ...d, [testId]: version }))
        setChartError(null)
      },
      failed: (error) => setChartError(toApiError(error)),
    }),
    [theme],
  )

  const retry = useCallback(() => {
    setChartError(null)
    refresh()
  }, [refresh])

  const errors: PageError[] = [
    ...failure('Loading status', status),
    ...failure(`Loading ${definition.label}`, dashboard),
    ...failure('Loading the filter lists', filterValues),
    ...(chartError === null ? [] : [{ context: 'Drawing a chart', message: chartError.message }]),
  ]

  // "ready" means everything on this tab answers the current filter: fetched and every chart
  // drawn from that answer. It is derived in render, so the render that changes a filter or the
  // tab already says "loading".
  const data = dashboard.data
  const chartsDrawn =
    data !== null &&
    definition.charts.every((id) => {
      const version = drawn[id]
      return version !== undefined && isPartOf(version, data)
    })
  const pageState: PageState =
    errors.length > 0
      ? 'error'
      : status.loading || dashboard.loading || !chartsDrawn
        ? 'loading'
        : 'ready'

  const View = VIEW_COMPONENTS[view]
  return (
    <div
      className="app"
      data-testid="app"
      data-state={pageState}
      data-view={view}
      data-transport={client.transport}
    >
      <Header status={status.data} theme={theme} onToggleTheme={toggleTheme} now={now} />
      <ViewTabs active={view} onSelect={selectView} />
      <main className="content" aria-busy={pageState === 'loading'} ref={contentRef}>
        <FilterBar
          range={range}
          selection={selection}
          onSelectRange={selectRange}
          dimensions={dimensions}
          onChangeDimensions={changeDimensions}
          options={options}
          busy={pageState === 'loading' && data !== null}
        />
        {urlProblems.length > 0 && (
          <div className="notice" role="status" data-testid="url-notice">
            <p>
              <strong>This link was not fully understood:</strong> {urlProblems.join('; ')}.
            </p>
            <button
              type="button"
              className="button button-small"
              onClick={() => setUrlProblems([])}
            >
              Dismiss
            </button>
          </div>
        )}
        {errors.length > 0 && <ErrorBanner errors={errors} onRetry={retry} />}
        <div
          className="view"
          id="view-panel"
          role="tabpanel"
          aria-labelledby={`tab-${view}`}
          data-testid={`view-${view}`}
        >
          <ChartContext value={reporter}>
            <View data={data} />
          </ChartContext>
        </div>
      </main>
      <StatusFooter status={status.data} transport={client.transport} now={now} />
    </div>
  )
}

/** A chart draws one KPI of the answer (trends, marketing…), or the answer itself. */
function isPartOf(version: unknown, data: DashboardData): boolean {
  return version === data || Object.values(data).includes(version)
}

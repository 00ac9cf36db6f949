import { useCallback, useState } from 'react'
import { comparisonKindFor, type Filters } from '../../shared/api/index.ts'
import { useApiClient, useApiRefresh } from './api/client.ts'
import { AlertPanel } from './components/alert-panel.tsx'
import { AlertToasts } from './components/alert-toasts.tsx'
import { ErrorBanner } from './components/error-banner.tsx'
import { ErrorBoundary, FailedPart } from './components/error-boundary.tsx'
import { ExportButton, ExportDialog } from './components/export-dialog.tsx'
import { FilterBar } from './components/filter-bar.tsx'
import { Header } from './components/header.tsx'
import { ChartContext } from './components/plotly-chart.tsx'
import { SettingsPanel } from './components/settings-panel.tsx'
import { StatusFooter } from './components/status-footer.tsx'
import { UrlNotice } from './components/url-notice.tsx'
import { ViewTabs } from './components/view-tabs.tsx'
import { useAppStatus } from './hooks/use-app-status.ts'
import { useChartReadiness } from './hooks/use-chart-readiness.ts'
import { CrossFilterContext, withPick, type CrossFilterPick } from './hooks/use-cross-filter.ts'
import { useDashboard } from './hooks/use-dashboard.ts'
import { useElementWidth } from './hooks/use-element-width.ts'
import { ExportOpenerContext, isExportable, useExport } from './hooks/use-export.ts'
import { useFilterOptions } from './hooks/use-filter-options.ts'
import { useAnswerToken, useIntelligence } from './hooks/use-intelligence.ts'
import { useNow } from './hooks/use-now.ts'
import { useOpeningPreset } from './hooks/use-opening-preset.ts'
import { usePresets } from './hooks/use-presets.ts'
import { useUrlState } from './hooks/use-url-state.ts'
import { ChartCatalogContext } from './lib/chart-catalog.ts'
import { ChartExportContext, describeFilters } from './lib/chart-export.ts'
import { localTimeZone, rangeAt, withZone, type RangeChoice } from './lib/dates.ts'
import { failure, readinessOf, type PageError } from './lib/page-state.ts'
import { useTheme } from './lib/theme.ts'
import { activeDimensions, toFilters, type Dimensions } from './lib/url-state.ts'
import { viewOf, type ViewId } from './lib/views.ts'
import { VIEW_COMPONENTS } from './views/index.ts'

/** The ops center: the tab and filters from the URL, the tab's answer, and its readiness. */
export function App() {
  const client = useApiClient()
  const refresh = useApiRefresh()
  const [theme, themeControl] = useTheme()
  const now = useNow()
  const [localZone] = useState(localTimeZone)
  const { state, problems, update, dismissProblems, openedWithFilters } = useUrlState(localZone)
  const { view, range: rangeFilter, dimensions } = state
  const definition = viewOf(view)

  // Presets are read against the clock (shared/api/date-range.ts); `now` moves every few
  // seconds, so a wall screen's "today" rolls over at midnight by itself.
  const shown = rangeAt(rangeFilter, now)
  const range = shown.ok ? shown.range : null
  const [contentRef, width] = useElementWidth<HTMLElement>()

  const status = useAppStatus()
  // A link naming no filters opens on the default named preset: the dashboard waits for it.
  const presets = usePresets()
  const applyPreset = useCallback(
    ({ range: presetRange, ...presetDimensions }: Filters) =>
      update({ range: presetRange, dimensions: activeDimensions(presetDimensions) }),
    [update],
  )
  const opening = useOpeningPreset(openedWithFilters, presets.list, applyPreset)
  const dashboard = useDashboard(
    definition,
    opening ? null : range,
    dimensions,
    width,
    comparisonKindFor(rangeFilter.preset),
  )
  const intel = useIntelligence(definition, opening ? null : range, dimensions)
  const answer = useAnswerToken(dashboard.data, intel.data)
  const filters = useFilterOptions()
  const charts = useChartReadiness(theme, answer)
  // An export asks for what the tab shows: its days, dimensions and comparison, as above.
  const exporter = useExport({
    view,
    range: opening ? null : range,
    dimensions,
    compareWith: comparisonKindFor(rangeFilter.preset),
    shownAs: rangeFilter.preset,
  })
  const exportable = isExportable(view)

  const selectView = useCallback((id: ViewId) => update({ view: id }, true), [update])
  const zone = rangeFilter.timeZone
  const selectRange = useCallback(
    (choice: RangeChoice) => update({ range: withZone(choice, zone) }),
    [update, zone],
  )
  const changeDimensions = useCallback((d: Dimensions) => update({ dimensions: d }), [update])
  const crossFilter = useCallback(
    (pick: CrossFilterPick) => {
      const next = withPick(dimensions, pick)
      if (next !== null) update({ dimensions: next })
    },
    [dimensions, update],
  )
  const { clearError: clearChartError } = charts
  const retry = useCallback(() => {
    clearChartError()
    refresh()
  }, [clearChartError, refresh])

  const errors: PageError[] = [
    ...(shown.ok ? [] : [{ context: 'Reading the date range', message: shown.problem }]),
    ...failure('Loading status', status),
    ...failure(`Loading ${definition.label}`, dashboard),
    ...failure('Loading customer intelligence', intel),
    ...failure('Loading the filter lists', filters.request),
    ...(charts.error === null
      ? []
      : [{ context: 'Drawing a chart', message: charts.error.message }]),
  ]
  // Derived in render, so the render that changes a filter or the tab already says "loading".
  const readiness = readinessOf(errors, [status, dashboard, intel], charts.drawn)

  const View = VIEW_COMPONENTS[view]
  return (
    <div
      className="app"
      data-testid="app"
      data-state={readiness}
      data-view={view}
      data-transport={client.transport}
    >
      <Header
        status={status.data}
        themeControl={themeControl}
        now={now}
        exportButton={exportable && <ExportButton exporter={exporter} />}
        alerts={
          <>
            <AlertPanel now={now} />
            <SettingsPanel />
          </>
        }
      />
      <ViewTabs active={view} onSelect={selectView} />
      <main className="content" aria-busy={readiness === 'loading'} ref={contentRef}>
        {definition.filtered && (
          <FilterBar
            range={range}
            activePreset={rangeFilter.preset}
            onSelectRange={selectRange}
            dimensions={dimensions}
            onChangeDimensions={changeDimensions}
            options={filters.options}
            busy={readiness === 'loading' && dashboard.data !== null}
            dataAsOf={status.data === null ? undefined : status.data.dataAsOf}
            now={now}
            presets={presets}
            current={toFilters(rangeFilter, dimensions)}
            onApplyPreset={applyPreset}
          />
        )}
        {problems.length > 0 && <UrlNotice problems={problems} onDismiss={dismissProblems} />}
        {errors.length > 0 && <ErrorBanner errors={errors} onRetry={retry} />}
        <div
          className="view"
          id="view-panel"
          role="tabpanel"
          aria-labelledby={`tab-${view}`}
          data-testid={`view-${view}`}
        >
          <CrossFilterContext value={crossFilter}>
            <ChartContext value={charts.host}>
              <ExportOpenerContext value={exportable ? exporter.open : null}>
                <ChartCatalogContext value={exporter.catalog}>
                  <ChartExportContext
                    value={{
                      filters: describeFilters(range, dimensions),
                      dataAsOf: status.data?.dataAsOf ?? null,
                    }}
                  >
                    {/* A view that throws outside its panels keeps the tabs, filters and status. */}
                    <ErrorBoundary
                      key={view}
                      resetKey={answer}
                      onRetry={refresh}
                      fallback={(error, again) => (
                        <FailedPart
                          what="This view"
                          error={error}
                          retry={again}
                          testId="view-failed"
                        />
                      )}
                    >
                      <View data={dashboard.data} intel={intel.data ?? undefined} />
                    </ErrorBoundary>
                  </ChartExportContext>
                </ChartCatalogContext>
              </ExportOpenerContext>
            </ChartContext>
          </CrossFilterContext>
        </div>
      </main>
      <ExportDialog exporter={exporter} filtersText={describeFilters(range, dimensions)} />
      <AlertToasts />
      <StatusFooter status={status.data} transport={client.transport} now={now} />
    </div>
  )
}

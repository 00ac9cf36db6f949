import { useCallback, useMemo, useState } from 'react'
import type { DailyLeads } from '../../shared/api/index.ts'
import { toApiError, useApi, useApiClient, useApiRefresh, type ApiState } from './api/client.ts'
import { DateRangeFilter } from './components/date-range-filter.tsx'
import { ErrorBanner, type PageError } from './components/error-banner.tsx'
import { Header } from './components/header.tsx'
import { LeadResponseKpis } from './components/lead-response-kpis.tsx'
import { LeadsPerDayChart } from './components/leads-per-day-chart.tsx'
import { StatusFooter } from './components/status-footer.tsx'
import {
  anchorDay,
  DEFAULT_PRESET,
  localTimeZone,
  resolveRange,
  type RangeSelection,
} from './lib/dates.ts'
import { formatDay } from './lib/format.ts'
import { useTheme } from './lib/theme.ts'
import { useNow } from './lib/use-now.ts'

/** Source states change without a `data.changed` event; a wall must not show last week's. */
const STATUS_REFRESH_MS = 30_000

type PageState = 'loading' | 'ready' | 'error'

function failure(context: string, state: ApiState<unknown>): PageError[] {
  if (state.error === null) return []
  return [{ context, message: state.error.message, code: state.error.code }]
}

export function App() {
  const client = useApiClient()
  const refresh = useApiRefresh()
  const [theme, toggleTheme] = useTheme()
  const now = useNow()
  const timeZone = useMemo(localTimeZone, [])

  const status = useApi('app.status', {}, [], { refreshIntervalMs: STATUS_REFRESH_MS })
  const [selection, setSelection] = useState<RangeSelection>({
    kind: 'preset',
    preset: DEFAULT_PRESET,
  })

  // The default range ends on the day of the newest data, so it needs the status first; if status
  // cannot be had, fall back to today rather than showing nothing at all.
  const anchor =
    status.data !== null
      ? anchorDay(status.data.dataAsOf)
      : status.error !== null
        ? anchorDay(null)
        : null
  const range = anchor === null ? null : resolveRange(selection, anchor, timeZone)
  const rangeInput = range === null ? null : { range }

  const kpi = useApi('kpis.leadResponse', rangeInput)
  const trend = useApi('trends.leadsPerDay', rangeInput)

  const [drawn, setDrawn] = useState<DailyLeads | null>(null)
  const [chartError, setChartError] = useState<Error | null>(null)
  const onChartError = useCallback((error: unknown) => setChartError(toApiError(error)), [])
  const onChartDrawn = useCallback((series: DailyLeads) => {
    setDrawn(series)
    setChartError(null)
  }, [])

  const retry = useCallback(() => {
    setChartError(null)
    refresh()
  }, [refresh])

  const errors: PageError[] = [
    ...failure('Loading status', status),
    ...failure('Loading lead response', kpi),
    ...failure('Loading leads per day', trend),
    ...(chartError === null ? [] : [{ context: 'Drawing the chart', message: chartError.message }]),
  ]

  // "ready" means everything on screen answers the current filter: fetched and, for the chart,
  // drawn. It is derived in render, so the render that changes the range already says "loading".
  const chartDrawn = trend.data !== null && drawn === trend.data
  const pageState: PageState =
    errors.length > 0
      ? 'error'
      : status.loading || kpi.loading || trend.loading || !chartDrawn
        ? 'loading'
        : 'ready'

  return (
    <div className="app" data-testid="app" data-state={pageState} data-transport={client.transport}>
      <Header status={status.data} theme={theme} onToggleTheme={toggleTheme} now={now} />
      <main className="content" aria-busy={pageState === 'loading'}>
        <DateRangeFilter
          range={range}
          selection={selection}
          onSelect={setSelection}
          busy={pageState === 'loading' && kpi.data !== null}
        />
        {errors.length > 0 && <ErrorBanner errors={errors} onRetry={retry} />}
        <LeadResponseKpis kpi={kpi.data} />
        <section className="panel chart-panel" aria-labelledby="leads-per-day-title">
          <header className="panel-header">
            <h2 id="leads-per-day-title">Leads per day</h2>
            {range !== null && (
              <span className="panel-subtitle">
                {formatDay(range.from)} – {formatDay(range.to)}
              </span>
            )}
          </header>
          <LeadsPerDayChart
            series={trend.data}
            theme={theme}
            onRendered={onChartDrawn}
            onError={onChartError}
          />
        </section>
      </main>
      <StatusFooter status={status.data} transport={client.transport} now={now} />
    </div>
  )
}

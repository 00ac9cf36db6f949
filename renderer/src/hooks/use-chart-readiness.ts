import { useCallback, useMemo, useState, useSyncExternalStore } from 'react'
import type { ApiError } from '../../../shared/api/index.ts'
import { toApiError } from '../api/client.ts'
import type { ChartHost } from '../components/plotly-chart.tsx'
import { allDrawnFor, createChartReadiness } from '../lib/chart-readiness.ts'
import type { Theme } from '../lib/theme.ts'

export interface ChartReadinessState {
  /** Given to the charts through <ChartContext>. */
  readonly host: ChartHost
  /** Every chart on screen has drawn from `token` (true when the tab has no chart). */
  readonly drawn: boolean
  /** Why the last draw failed; cleared by the next successful one or `clearError`. */
  readonly error: ApiError | null
  readonly clearError: () => void
}

/**
 * The page's side of chart readiness: charts register themselves (components/plotly-chart.tsx),
 * and the page is told whether all of those on screen have drawn the answer it holds (`token`).
 */
export function useChartReadiness(theme: Theme, token: unknown): ChartReadinessState {
  const [readiness] = useState(createChartReadiness)
  // A chart registering in its layout effect re-renders the page before the browser paints,
  // so a chart that mounts with an answer already holds back "ready" in the same frame.
  const draws = useSyncExternalStore(readiness.subscribe, readiness.snapshot)
  const [error, setError] = useState<ApiError | null>(null)

  // Stable across answers and themes, so a chart registers once for as long as it is on screen.
  const reports = useMemo<ChartHost['readiness']>(
    () => ({
      register: readiness.register,
      unregister: readiness.unregister,
      drawn: (chart, drawnFor) => {
        readiness.drawn(chart, drawnFor)
        setError(null)
      },
    }),
    [readiness],
  )
  const host = useMemo<ChartHost>(
    () => ({ theme, token, readiness: reports, failed: (f) => setError(toApiError(f)) }),
    [reports, theme, token],
  )
  const clearError = useCallback(() => setError(null), [])
  return { host, drawn: allDrawnFor(draws, token), error, clearError }
}

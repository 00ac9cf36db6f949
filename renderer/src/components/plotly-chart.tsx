import type { PlotData, PlotLayout, PlotlyStatic } from 'plotly.js-strict-dist-min'
import { createContext, useContext, useEffect, useRef, useState } from 'react'
import { loadPlotly, themeColors, type ChartColors } from '../lib/plotly.ts'
import type { Theme } from '../lib/theme.ts'

export interface Figure {
  readonly data: readonly PlotData[]
  readonly layout: PlotLayout
}

/** How a chart tells the page it has drawn: the page's `data-state` waits for every chart. */
export interface ChartReporter {
  readonly theme: Theme
  readonly rendered: (testId: string, version: unknown) => void
  readonly failed: (error: unknown) => void
}

export const ChartContext = createContext<ChartReporter | null>(null)

interface PlotlyChartProps<T> {
  readonly testId: string
  readonly label: string
  /**
   * The answer the figure is drawn from (compared by identity): the chart redraws when it changes
   * and reports it once drawn. null while nothing has arrived.
   */
  readonly version: T | null
  /** Builds the figure in the current theme's colours; read when `version` or the theme moves. */
  readonly figure: (colors: ChartColors, value: T) => Figure
  readonly className?: string
}

export function PlotlyChart<T>({ testId, label, version, figure, className }: PlotlyChartProps<T>) {
  const reporter = useContext(ChartContext)
  if (reporter === null) throw new Error('PlotlyChart must be inside <ChartContext>')
  const { theme } = reporter
  const root = useRef<HTMLDivElement>(null)
  const [plotly, setPlotly] = useState<PlotlyStatic | null>(null)
  const latest = useRef({ figure, reporter })
  useEffect(() => {
    latest.current = { figure, reporter }
  })

  useEffect(() => {
    let current = true
    loadPlotly().then(
      (loaded) => current && setPlotly(loaded),
      (error: unknown) => current && latest.current.reporter.failed(error),
    )
    return () => {
      current = false
    }
  }, [])

  // Draw or update in place: Plotly.react diffs against what is drawn, so a new filter or theme
  // does not rebuild the SVG.
  useEffect(() => {
    const element = root.current
    if (plotly === null || element === null || version === null) return
    let current = true
    const { data, layout } = latest.current.figure(themeColors(), version)
    plotly
      .react(element, data, layout, {
        displaylogo: false,
        displayModeBar: 'hover',
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d'],
        scrollZoom: false,
      })
      .then(
        () => current && latest.current.reporter.rendered(testId, version),
        (error: unknown) => current && latest.current.reporter.failed(error),
      )
    return () => {
      current = false
    }
  }, [plotly, version, theme, testId])

  // A ResizeObserver rather than Plotly's `responsive` flag: the grid can resize the panel
  // without the window resizing (tabs, kiosk rotation). One resize per frame at most.
  useEffect(() => {
    const element = root.current
    if (plotly === null || element === null) return
    let frame = 0
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => {
        // Rejects when the panel is hidden or not yet drawn; the next draw sizes it anyway.
        plotly.Plots.resize(element).catch(() => undefined)
      })
    })
    observer.observe(element)
    return () => {
      observer.disconnect()
      cancelAnimationFrame(frame)
      plotly.purge(element)
    }
  }, [plotly])

  return (
    <div className="chart-frame">
      <div
        ref={root}
        className={className === undefined ? 'chart' : `chart ${className}`}
        data-testid={testId}
        role="img"
        aria-label={label}
      />
      {(plotly === null || version === null) && (
        <div className="chart-placeholder">Loading chart…</div>
      )}
    </div>
  )
}

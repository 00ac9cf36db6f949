import type { PlotData, PlotLayout, PlotlyStatic } from 'plotly.js-strict-dist-min'
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { ChartReadiness } from '../lib/chart-readiness.ts'
import { loadPlotly, themeColors, type ChartColors } from '../lib/plotly.ts'
import type { Theme } from '../lib/theme.ts'

export interface Figure {
  readonly data: readonly PlotData[]
  readonly layout: PlotLayout
}

/** What a chart needs from the page: the theme, and where to say it is on screen and drawn. */
export interface ChartHost {
  readonly theme: Theme
  /** The answer the page holds now (compared by identity): draws are reported against it. */
  readonly token: unknown
  readonly readiness: Pick<ChartReadiness, 'register' | 'unregister' | 'drawn'>
  readonly failed: (error: unknown) => void
}

export const ChartContext = createContext<ChartHost | null>(null)

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
  const host = useContext(ChartContext)
  if (host === null) throw new Error('PlotlyChart must be inside <ChartContext>')
  const { theme, token, readiness } = host
  const root = useRef<HTMLDivElement>(null)
  const [plotly, setPlotly] = useState<PlotlyStatic | null>(null)
  const [key] = useState(() => Symbol(testId))
  const latest = useRef({ figure, host })
  useEffect(() => {
    latest.current = { figure, host }
  })
  /** What is on screen now, so an answer that moves nothing this chart shows is not redrawn. */
  const onScreen = useRef<{ version: T; theme: Theme } | null>(null)

  // On screen, the chart counts for the page's readiness until it leaves. A layout effect, so
  // the page knows of it before the browser paints the render that mounted it.
  useLayoutEffect(() => {
    readiness.register(key)
    return () => readiness.unregister(key)
  }, [readiness, key])

  useEffect(() => {
    let current = true
    loadPlotly().then(
      (loaded) => current && setPlotly(loaded),
      (error: unknown) => current && latest.current.host.failed(error),
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
    const shown = onScreen.current
    if (shown !== null && shown.version === version && shown.theme === theme) {
      readiness.drawn(key, token)
      return
    }
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
        () => {
          onScreen.current = { version, theme }
          if (current) readiness.drawn(key, token)
        },
        (error: unknown) => current && latest.current.host.failed(error),
      )
    return () => {
      current = false
    }
  }, [plotly, version, theme, token, readiness, key])

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

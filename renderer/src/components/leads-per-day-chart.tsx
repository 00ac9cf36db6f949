import type { PlotLayout, PlotlyStatic } from 'plotly.js-strict-dist-min'
import { useEffect, useRef, useState } from 'react'
import type { DailyLeads } from '../../../shared/api/index.ts'
import type { Theme } from '../lib/theme.ts'

let plotlyLoading: Promise<PlotlyStatic> | null = null

/**
 * Plotly is ~5 MB; loading it on first use lets the header and KPI cards paint before it has
 * been parsed. One load per page.
 */
function loadPlotly(): Promise<PlotlyStatic> {
  plotlyLoading ??= import('plotly.js-strict-dist-min').then((module) => module.default)
  return plotlyLoading
}

/** Chart colours come from the theme's CSS variables, so one stylesheet themes HTML and canvas. */
function themeColors() {
  const css = getComputedStyle(document.documentElement)
  const read = (name: string, fallback: string): string =>
    css.getPropertyValue(name).trim() || fallback
  return {
    text: read('--text', '#1b2333'),
    muted: read('--text-muted', '#5b6780'),
    grid: read('--chart-grid', 'rgba(128,128,128,0.2)'),
    bar: read('--chart-bar', '#2f7ae5'),
    surface: read('--surface', '#ffffff'),
    border: read('--border', '#d0d7e2'),
    font: read('--font-sans', 'system-ui, sans-serif'),
  }
}

const DAY_MS = 86_400_000
const HALF_DAY_MS = DAY_MS / 2

/**
 * The axis spans exactly the days received, half a day either side. Left to itself Plotly sizes
 * bars by the closest pair of points, so a series with gaps would get bars weeks wide.
 */
function dayAxisRange(days: readonly string[]): [string, string] | undefined {
  const first = days[0]
  const last = days[days.length - 1]
  if (first === undefined || last === undefined) return undefined
  const shift = (day: string, ms: number): string =>
    new Date(Date.parse(`${day}T00:00:00Z`) + ms).toISOString().slice(0, 19).replace('T', ' ')
  return [shift(first, -HALF_DAY_MS), shift(last, HALF_DAY_MS)]
}

function chartLayout(series: DailyLeads): PlotLayout {
  const c = themeColors()
  const empty = series.days.length === 0 || series.leads.every((n) => n === 0)
  const xRange = dayAxisRange(series.days)
  return {
    autosize: true,
    margin: { l: 52, r: 16, t: 12, b: 44 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: c.font, color: c.text, size: 13 },
    showlegend: false,
    bargap: 0.2,
    hovermode: 'x',
    hoverlabel: {
      bgcolor: c.surface,
      bordercolor: c.border,
      font: { color: c.text, family: c.font },
    },
    xaxis: {
      type: 'date',
      visible: xRange !== undefined,
      ...(xRange === undefined ? {} : { range: xRange, autorange: false }),
      gridcolor: c.grid,
      linecolor: c.grid,
      tickcolor: c.grid,
      tickformat: '%b %d',
      hoverformat: '%a, %b %d, %Y',
      showspikes: false,
    },
    yaxis: {
      gridcolor: c.grid,
      zerolinecolor: c.grid,
      rangemode: 'tozero',
      tickformat: ',d',
      fixedrange: true,
      visible: !empty,
    },
    annotations: empty
      ? [
          {
            text: 'No leads in this range',
            showarrow: false,
            xref: 'paper',
            yref: 'paper',
            x: 0.5,
            y: 0.5,
            font: { color: c.muted, size: 16, family: c.font },
          },
        ]
      : [],
  }
}

interface LeadsPerDayChartProps {
  /** null until the first answer arrives. */
  readonly series: DailyLeads | null
  readonly theme: Theme
  /** Called once `series` is on screen (drives the page's `data-state`). */
  readonly onRendered: (series: DailyLeads) => void
  readonly onError: (error: unknown) => void
}

export function LeadsPerDayChart({ series, theme, onRendered, onError }: LeadsPerDayChartProps) {
  const root = useRef<HTMLDivElement>(null)
  const [plotly, setPlotly] = useState<PlotlyStatic | null>(null)
  const callbacks = useRef({ onRendered, onError })
  useEffect(() => {
    callbacks.current = { onRendered, onError }
  })

  useEffect(() => {
    let current = true
    loadPlotly().then(
      (loaded) => current && setPlotly(loaded),
      (error: unknown) => current && callbacks.current.onError(error),
    )
    return () => {
      current = false
    }
  }, [])

  // Draw or update in place: Plotly.react diffs against what is drawn, so a new range or theme
  // does not rebuild the SVG.
  useEffect(() => {
    const element = root.current
    if (plotly === null || element === null || series === null) return
    let current = true
    const bar = themeColors().bar
    plotly
      .react(
        element,
        [
          {
            type: 'bar',
            x: series.days,
            y: series.leads,
            marker: { color: bar },
            // One day wide (in ms on a date axis), less the gap, whatever the spacing of points.
            width: DAY_MS * 0.8,
            hovertemplate: '<b>%{y:,}</b> leads<extra></extra>',
          },
        ],
        chartLayout(series),
        {
          displaylogo: false,
          displayModeBar: 'hover',
          modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d'],
          scrollZoom: false,
        },
      )
      .then(
        () => current && callbacks.current.onRendered(series),
        (error: unknown) => current && callbacks.current.onError(error),
      )
    return () => {
      current = false
    }
  }, [plotly, series, theme])

  // A ResizeObserver rather than Plotly's `responsive` flag: the grid can resize the panel
  // without the window resizing (sidebar, kiosk rotation). One resize per frame at most.
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
        className="chart"
        data-testid="chart-leads-per-day"
        role="img"
        aria-label="Leads per day"
      />
      {(plotly === null || series === null) && (
        <div className="chart-placeholder">Loading chart…</div>
      )}
    </div>
  )
}

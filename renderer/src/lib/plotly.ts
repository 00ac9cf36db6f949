import type { PlotlyStatic } from 'plotly.js-strict-dist-min'

let plotlyLoading: Promise<PlotlyStatic> | null = null

/**
 * Plotly (only the trace types the dashboards draw, lib/plotly-bundle.ts) is still the page's
 * largest script; loading it on first use lets the header and KPI cards paint before it has
 * been parsed. One load per page.
 */
export function loadPlotly(): Promise<PlotlyStatic> {
  plotlyLoading ??= import('./plotly-bundle.ts').then((module) => module.default)
  return plotlyLoading
}

export interface ChartColors {
  readonly text: string
  readonly muted: string
  readonly grid: string
  readonly bar: string
  readonly surface: string
  readonly border: string
  readonly font: string
  readonly good: string
  readonly warn: string
  readonly bad: string
  /** Categorical colours for series side by side. */
  readonly series: readonly string[]
  /** Low-to-high scale for heat maps. */
  readonly scale: readonly [number, string][]
}

/** Chart colours come from the theme's CSS variables, so one stylesheet themes HTML and canvas. */
export function themeColors(): ChartColors {
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
    good: read('--good', '#0b7a53'),
    warn: read('--warn', '#9a5800'),
    bad: read('--bad', '#c0262d'),
    series: [1, 2, 3, 4].map((n) => read(`--chart-${n}`, '#2f74e0')),
    scale: [
      [0, read('--heat-0', '#f5f7fb')],
      [1, read('--heat-1', '#1e63d6')],
    ],
  }
}

/** Layout shared by every chart: transparent on the panel, the theme's font, quiet grid lines. */
export function baseLayout(c: ChartColors): Record<string, unknown> {
  return {
    autosize: true,
    margin: { l: 56, r: 16, t: 12, b: 44 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: c.font, color: c.text, size: 13 },
    showlegend: false,
    hoverlabel: {
      bgcolor: c.surface,
      bordercolor: c.border,
      font: { color: c.text, family: c.font },
    },
  }
}

export function axis(c: ChartColors, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    gridcolor: c.grid,
    linecolor: c.grid,
    tickcolor: c.grid,
    zerolinecolor: c.grid,
    ...extra,
  }
}

/** A centred "no data" note instead of an empty grid. */
export function emptyNote(c: ChartColors, text: string): Record<string, unknown>[] {
  return [
    {
      text,
      showarrow: false,
      xref: 'paper',
      yref: 'paper',
      x: 0.5,
      y: 0.5,
      font: { color: c.muted, size: 16, family: c.font },
    },
  ]
}

import type { PlotData, PlotLayout, PlotlyStatic } from 'plotly.js-strict-dist-min'

/** What a chart draws: Plotly's traces and layout. */
export interface Figure {
  readonly data: readonly PlotData[]
  readonly layout: PlotLayout
}

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
  /** Axis and zero lines: marks that carry meaning, so 3:1 on the panel (unlike the grid). */
  readonly axis: string
  readonly bar: string
  readonly surface: string
  readonly border: string
  readonly font: string
  readonly good: string
  readonly warn: string
  readonly bad: string
  /** Categorical colours for series side by side, in order (the template's colorway). */
  readonly series: readonly string[]
  /** Low-to-high scale for heat maps: both ends visible on the panel and 3:1 apart. */
  readonly scale: readonly [number, string][]
}

/** How many `--chart-n` series colours theme.css defines in each theme. */
const SERIES_COUNT = 6

/**
 * Chart colours come from the theme's CSS variables (styles/theme.css), so one stylesheet themes
 * HTML and charts. Read at draw time: a chart redrawn after a theme change gets the new values.
 */
export function themeColors(): ChartColors {
  const css = getComputedStyle(document.documentElement)
  const read = (name: string, fallback: string): string =>
    css.getPropertyValue(name).trim() || fallback
  const series = Array.from({ length: SERIES_COUNT }, (_, i) => read(`--chart-${i + 1}`, ''))
  return {
    text: read('--text', '#1b2333'),
    muted: read('--text-muted', '#5b6780'),
    grid: read('--chart-grid', 'rgba(128,128,128,0.2)'),
    axis: read('--chart-axis', '#7a8699'),
    bar: read('--chart-bar', '#2f7ae5'),
    surface: read('--surface', '#ffffff'),
    border: read('--border', '#d0d7e2'),
    font: read('--font-sans', 'system-ui, sans-serif'),
    good: read('--good', '#0b7a53'),
    warn: read('--warn', '#9a5800'),
    bad: read('--bad', '#c0262d'),
    series: series.filter((colour) => colour !== ''),
    scale: [
      [0, read('--heat-0', '#6a8fcc')],
      [1, read('--heat-1', '#0d3b8c')],
    ],
  }
}

/**
 * The theme as a Plotly template: defaults every chart gets unless its figure says otherwise —
 * the series colours in order, legends, axes, colour scales and slice edges in the theme's
 * colours. A view only names a colour where it means something (good, bad, a target).
 */
export function themeTemplate(c: ChartColors): Record<string, unknown> {
  const axisDefaults = {
    gridcolor: c.grid,
    linecolor: c.axis,
    tickcolor: c.axis,
    zerolinecolor: c.axis,
    tickfont: { color: c.text },
    title: { font: { color: c.text } },
  }
  return {
    layout: {
      colorway: c.series,
      font: { family: c.font, color: c.text },
      legend: { bgcolor: 'rgba(0,0,0,0)', font: { color: c.text } },
      xaxis: axisDefaults,
      yaxis: axisDefaults,
      colorscale: { sequential: c.scale },
    },
    data: {
      heatmap: [
        { colorscale: c.scale, colorbar: { outlinewidth: 0, tickfont: { color: c.text } } },
      ],
      // A slice's edge in the panel's colour keeps neighbouring slices apart.
      pie: [{ marker: { line: { color: c.surface, width: 2 } }, textfont: { color: c.text } }],
      funnel: [{ connector: { fillcolor: c.grid, line: { width: 0 } } }],
      indicator: [{ number: { font: { color: c.text } }, title: { font: { color: c.text } } }],
      sankey: [{ node: { line: { color: c.surface, width: 1 } }, textfont: { color: c.text } }],
    },
  }
}

/** The charts' text size on a desk, in px (a wall scales it, lib/chart-text-scale.ts). */
export const CHART_FONT_PX = 13

/** Layout shared by every chart: transparent on the panel, the theme's template and font. */
export function baseLayout(c: ChartColors): Record<string, unknown> {
  return {
    template: themeTemplate(c),
    autosize: true,
    margin: { l: 56, r: 16, t: 12, b: 44 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: c.font, color: c.text, size: CHART_FONT_PX },
    showlegend: false,
    hoverlabel: {
      bgcolor: c.surface,
      bordercolor: c.border,
      font: { color: c.text, family: c.font },
    },
    modebar: { bgcolor: 'rgba(0,0,0,0)', color: c.muted, activecolor: c.text },
  }
}

export function axis(c: ChartColors, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    gridcolor: c.grid,
    linecolor: c.axis,
    tickcolor: c.axis,
    zerolinecolor: c.axis,
    tickfont: { color: c.text },
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

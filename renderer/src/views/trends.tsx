import type { Series, Trends } from '../../../shared/api/index.ts'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import type { Figure } from '../lib/plotly.ts'
import { axis, baseLayout, emptyNote, type ChartColors } from '../lib/plotly.ts'
import { bucketNoun, seriesFigure, type SeriesFigureOptions } from '../lib/series-figure.ts'
import { basisLabel } from '../lib/format.ts'
import type { ViewProps } from './view-props.ts'

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const HOURS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`)

function heatmapFigure(c: ChartColors, t: Trends): Figure {
  // Monday first, as an ops week reads; the contract's rows start on Sunday.
  const order = [1, 2, 3, 4, 5, 6, 0]
  const empty = t.heatmap.every((row) => row.every((n) => n === 0))
  // An empty range draws no grid at all: a block of zeros on a −0.4…0.4 scale reads as data.
  return {
    data: empty
      ? []
      : [
          {
            type: 'heatmap',
            x: HOURS,
            y: order.map((d) => WEEKDAYS[d]),
            z: order.map((d) => t.heatmap[d] ?? []),
            colorscale: c.scale,
            showscale: true,
            colorbar: { thickness: 10, outlinewidth: 0, tickfont: { color: c.muted } },
            xgap: 2,
            ygap: 2,
            hovertemplate: '<b>%{y} %{x}</b><br>%{z:,} leads<extra></extra>',
            zmin: 0,
          },
        ],
    layout: {
      ...baseLayout(c),
      margin: { l: 48, r: 16, t: 12, b: 44 },
      xaxis: axis(c, {
        showgrid: false,
        fixedrange: true,
        tickangle: 0,
        dtick: 3,
        visible: !empty,
      }),
      yaxis: axis(c, {
        showgrid: false,
        fixedrange: true,
        autorange: 'reversed',
        visible: !empty,
      }),
      annotations: empty ? emptyNote(c, 'No leads in this range') : [],
    },
  }
}

/** The four series charts, side by side in pairs. */
const SERIES_CHARTS: readonly {
  readonly testId: string
  readonly title: string
  /** Whether the title names the bucket ("per day"): sums do, an average does not. */
  readonly perBucket: boolean
  /** The registry KPI whose basis the subtitle names ("by close date"): Overview counts by lead date. */
  readonly basisOf?: 'dealsBooked' | 'revenueBooked'
  readonly label: string
  readonly series: (t: Trends) => Series
  readonly options: (c: ChartColors) => SeriesFigureOptions
}[] = [
  {
    testId: 'chart-trend-leads',
    title: 'Leads',
    perBucket: true,
    label: 'Leads over time',
    series: (t) => t.leads,
    options: (c) => ({
      kind: 'bar',
      color: c.series[0],
      hover: '<b>%{y:,}</b> leads',
      emptyText: 'No leads in this range',
    }),
  },
  {
    testId: 'chart-trend-conversions',
    title: 'Deals won',
    perBucket: true,
    basisOf: 'dealsBooked',
    label: 'Deals won over time',
    series: (t) => t.conversions,
    options: (c) => ({
      kind: 'bar',
      color: c.series[1],
      hover: '<b>%{y:,}</b> deals',
      emptyText: 'No deals in this range',
    }),
  },
  {
    testId: 'chart-trend-revenue',
    title: 'Revenue',
    perBucket: true,
    basisOf: 'revenueBooked',
    label: 'Revenue over time',
    series: (t) => t.revenueCents,
    options: (c) => ({
      kind: 'line',
      color: c.series[2],
      scale: 0.01,
      hover: '<b>$%{y:,.0f}</b>',
      yTickPrefix: '$',
      yTickFormat: ',.0f',
      emptyText: 'No revenue in this range',
    }),
  },
  {
    testId: 'chart-trend-response',
    title: 'Average first response',
    perBucket: false,
    label: 'Average first response over time',
    series: (t) => t.responseSeconds,
    options: (c) => ({
      kind: 'line',
      color: c.series[3],
      hover: '<b>%{y:,.0f} s</b>',
      yTickFormat: ',.0f',
      yTickSuffix: ' s',
      emptyText: 'No answered leads in this range',
    }),
  },
]

export function TrendsView({ data }: ViewProps) {
  const t = data?.trends ?? null
  const per = t === null ? '' : ` per ${bucketNoun[t.bucket]}`
  return (
    <div className="grid-trends">
      {SERIES_CHARTS.map((chart) => (
        <Panel
          key={chart.testId}
          title={`${chart.title}${chart.perBucket ? per : ''}`}
          {...(chart.basisOf && data ? { subtitle: basisLabel(data.kpis[chart.basisOf]) } : {})}
          className="chart-panel"
        >
          <PlotlyChart
            testId={chart.testId}
            label={chart.label}
            className="chart-half"
            version={t}
            figure={(c, v) => seriesFigure(c, chart.series(v), v.bucket, chart.options(c))}
          />
        </Panel>
      ))}
      <Panel
        title="When leads arrive"
        subtitle="leads by weekday and hour, in the range's time zone"
        className="chart-panel grid-span-2"
      >
        <PlotlyChart
          testId="chart-heatmap"
          label="Leads by hour of week"
          className="chart-heatmap"
          version={t}
          figure={heatmapFigure}
        />
      </Panel>
    </div>
  )
}

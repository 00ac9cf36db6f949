import type { Trends } from '../../../shared/api/index.ts'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart, type Figure } from '../components/plotly-chart.tsx'
import { axis, baseLayout, emptyNote, type ChartColors } from '../lib/plotly.ts'
import { bucketNoun, seriesFigure } from '../lib/series-figure.ts'
import type { ViewProps } from './view-props.ts'

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const HOURS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`)

function heatmapFigure(c: ChartColors, t: Trends): Figure {
  // Monday first, as an ops week reads; the contract's rows start on Sunday.
  const order = [1, 2, 3, 4, 5, 6, 0]
  const empty = t.heatmap.every((row) => row.every((n) => n === 0))
  return {
    data: [
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
      },
    ],
    layout: {
      ...baseLayout(c),
      margin: { l: 48, r: 16, t: 12, b: 44 },
      xaxis: axis(c, { showgrid: false, fixedrange: true, tickangle: 0, dtick: 3 }),
      yaxis: axis(c, { showgrid: false, fixedrange: true, autorange: 'reversed' }),
      annotations: empty ? emptyNote(c, 'No leads in this range') : [],
    },
  }
}

export function TrendsView({ data }: ViewProps) {
  const t = data?.trends ?? null
  const per = t === null ? '' : ` per ${bucketNoun[t.bucket]}`
  return (
    <>
      <div className="grid-2">
        <Panel title={`Leads${per}`} className="chart-panel">
          <PlotlyChart
            testId="chart-trend-leads"
            label="Leads over time"
            className="chart-half"
            version={t}
            figure={(c, v) =>
              seriesFigure(c, v.leads, v.bucket, {
                kind: 'bar',
                color: c.series[0],
                hover: '<b>%{y:,}</b> leads',
                emptyText: 'No leads in this range',
              })
            }
          />
        </Panel>
        <Panel title={`Deals won${per}`} subtitle="by conversion date" className="chart-panel">
          <PlotlyChart
            testId="chart-trend-conversions"
            label="Deals won over time"
            className="chart-half"
            version={t}
            figure={(c, v) =>
              seriesFigure(c, v.conversions, v.bucket, {
                kind: 'bar',
                color: c.series[1],
                hover: '<b>%{y:,}</b> deals',
                emptyText: 'No deals in this range',
              })
            }
          />
        </Panel>
        <Panel title={`Revenue${per}`} subtitle="by conversion date" className="chart-panel">
          <PlotlyChart
            testId="chart-trend-revenue"
            label="Revenue over time"
            className="chart-half"
            version={t}
            figure={(c, v) =>
              seriesFigure(c, v.revenueCents, v.bucket, {
                kind: 'line',
                color: c.series[2],
                scale: 0.01,
                hover: '<b>$%{y:,.0f}</b>',
                yTickPrefix: '$',
                yTickFormat: ',.0f',
                emptyText: 'No revenue in this range',
              })
            }
          />
        </Panel>
        <Panel title="Average first response" className="chart-panel">
          <PlotlyChart
            testId="chart-trend-response"
            label="Average first response over time"
            className="chart-half"
            version={t}
            figure={(c, v) =>
              seriesFigure(c, v.responseSeconds, v.bucket, {
                kind: 'line',
                color: c.series[3],
                hover: '<b>%{y:,.0f} s</b>',
                yTickFormat: ',.0f',
                yTickSuffix: ' s',
                emptyText: 'No answered leads in this range',
              })
            }
          />
        </Panel>
      </div>
      <Panel
        title="When leads arrive"
        subtitle="leads by weekday and hour, in the range's time zone"
        className="chart-panel"
      >
        <PlotlyChart
          testId="chart-heatmap"
          label="Leads by hour of week"
          className="chart-heatmap"
          version={t}
          figure={heatmapFigure}
        />
      </Panel>
    </>
  )
}

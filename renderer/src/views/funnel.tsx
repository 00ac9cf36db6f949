import type { Funnel } from '../../../shared/api/index.ts'
import { NoData, Panel } from '../components/panel.tsx'
import { PlotlyChart, type Figure } from '../components/plotly-chart.tsx'
import { formatInteger, formatPercent } from '../lib/format.ts'
import { axis, baseLayout, emptyNote, type ChartColors } from '../lib/plotly.ts'
import type { ViewProps } from './view-props.ts'

function funnelFigure(c: ChartColors, f: Funnel): Figure {
  return {
    data: [
      {
        type: 'funnel',
        y: f.stages.map((s) => s.stage),
        x: f.stages.map((s) => s.reached),
        textinfo: 'value+percent initial',
        textfont: { family: c.font },
        marker: { color: c.series[0] },
        connector: { fillcolor: c.grid, line: { width: 0 } },
        hovertemplate: '<b>%{y}</b><br>%{x:,} reached<extra></extra>',
      },
    ],
    layout: {
      ...baseLayout(c),
      margin: { l: 100, r: 24, t: 12, b: 24 },
      yaxis: axis(c, { fixedrange: true }),
      xaxis: axis(c, { visible: false, fixedrange: true }),
      annotations: f.noData ? emptyNote(c, 'No leads in this range') : [],
    },
  }
}

export function FunnelView({ data }: ViewProps) {
  const funnel = data?.funnel ?? null
  return (
    <div className="grid-2">
      <Panel
        title="Leads by stage"
        subtitle={funnel === null ? undefined : `${formatInteger(funnel.lost)} lost`}
        className="chart-panel"
      >
        <PlotlyChart
          testId="chart-funnel"
          label="Sales funnel"
          version={funnel}
          figure={funnelFigure}
        />
      </Panel>
      <Panel title="Stage to stage" className="table-panel">
        {funnel?.noData ? (
          <NoData>No leads in this range</NoData>
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="funnel-table">
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col" className="num">
                    Now at stage
                  </th>
                  <th scope="col" className="num">
                    Reached
                  </th>
                  <th scope="col" className="num">
                    From previous
                  </th>
                </tr>
              </thead>
              <tbody>
                {(funnel?.stages ?? []).map((s) => (
                  <tr key={s.stage} data-testid="funnel-row" data-stage={s.stage}>
                    <th scope="row">{s.stage}</th>
                    <td className="num">{formatInteger(s.current)}</td>
                    <td className="num">{formatInteger(s.reached)}</td>
                    <td className="num">
                      {s.fromPrevious === null ? (
                        <span className="muted">—</span>
                      ) : (
                        formatPercent(s.fromPrevious)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {funnel !== null && <p className="rule">{funnel.rule}</p>}
      </Panel>
    </div>
  )
}

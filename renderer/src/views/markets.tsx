import type { PremiumMarkets } from '../../../shared/api/index.ts'
import { NoData, Panel } from '../components/panel.tsx'
import { PlotlyChart, type Figure } from '../components/plotly-chart.tsx'
import { formatInteger, formatMoney, formatPercent, formatRatio } from '../lib/format.ts'
import { axis, baseLayout, emptyNote, type ChartColors } from '../lib/plotly.ts'
import type { ViewProps } from './view-props.ts'

function dealFigure(c: ChartColors, m: PremiumMarkets): Figure {
  const names = m.segments.map((s) => s.segment)
  const dollars = (cents: number | null) => (cents === null ? null : cents / 100)
  return {
    data: [
      {
        type: 'bar',
        name: 'Average deal',
        x: names,
        y: m.segments.map((s) => dollars(s.averageDealCents)),
        marker: { color: c.series[0] },
        hovertemplate: '<b>%{x}</b><br>average deal $%{y:,.0f}<extra></extra>',
      },
      {
        type: 'bar',
        name: 'Target',
        x: names,
        y: m.segments.map((s) => dollars(s.targetDealCents)),
        marker: { color: c.grid, line: { color: c.muted, width: 1 } },
        hovertemplate: '<b>%{x}</b><br>target $%{y:,.0f}<extra></extra>',
      },
    ],
    layout: {
      ...baseLayout(c),
      showlegend: true,
      legend: { orientation: 'h', x: 0, y: 1.12, font: { color: c.muted } },
      margin: { l: 64, r: 16, t: 36, b: 44 },
      barmode: 'group',
      xaxis: axis(c, { fixedrange: true }),
      yaxis: axis(c, {
        tickprefix: '$',
        tickformat: ',.0f',
        rangemode: 'tozero',
        fixedrange: true,
      }),
      annotations: m.noData ? emptyNote(c, 'No deals in this range') : [],
    },
  }
}

export function MarketsView({ data }: ViewProps) {
  const markets = data?.markets ?? null
  return (
    <>
      <Panel title="Segments" subtitle={markets?.penetrationRule} className="table-panel">
        {markets !== null && markets.segments.length === 0 ? (
          <NoData>No segments and no leads in this range</NoData>
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="markets-table">
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col" className="num">
                    Leads
                  </th>
                  <th scope="col" className="num">
                    Deals
                  </th>
                  <th scope="col" className="num">
                    Revenue
                  </th>
                  <th scope="col" className="num">
                    Avg deal / target
                  </th>
                  <th scope="col" className="num">
                    vs target
                  </th>
                  <th scope="col" className="num">
                    Conversion
                  </th>
                  <th scope="col" className="num">
                    Penetration
                  </th>
                </tr>
              </thead>
              <tbody>
                {(markets?.segments ?? []).map((s) => (
                  <tr
                    key={s.segment}
                    data-testid="market-row"
                    data-segment={s.segment}
                    data-leads={s.leads}
                  >
                    <th scope="row">{s.segment}</th>
                    <td className="num">{formatInteger(s.leads)}</td>
                    <td
                      className="num"
                      title={
                        s.dealsWithoutValue > 0
                          ? `${s.dealsWithoutValue} without a value`
                          : undefined
                      }
                    >
                      {formatInteger(s.deals)}
                    </td>
                    <td className="num">{formatMoney(s.revenueCents)}</td>
                    <td className="num">
                      {s.averageDealCents === null ? (
                        <span className="muted">no deals</span>
                      ) : (
                        formatMoney(s.averageDealCents)
                      )}
                      {s.targetDealCents !== null && (
                        <span className="cell-target"> / {formatMoney(s.targetDealCents)}</span>
                      )}
                    </td>
                    <td className="num">
                      {s.dealSizeVsTarget === null ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className={s.dealSizeVsTarget >= 1 ? 'cell-good' : 'cell-bad'}>
                          {formatRatio(s.dealSizeVsTarget)}
                        </span>
                      )}
                    </td>
                    <td className="num">
                      {s.conversion === null ? (
                        <span className="muted">—</span>
                      ) : (
                        formatPercent(s.conversion)
                      )}
                    </td>
                    <td className="num">
                      {s.penetration === null ? (
                        <span className="muted">—</span>
                      ) : (
                        formatPercent(s.penetration)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <Panel title="Average deal size against target" className="chart-panel">
        <PlotlyChart
          testId="chart-markets-deal-size"
          label="Average deal size by segment"
          version={markets}
          figure={dealFigure}
        />
      </Panel>
    </>
  )
}

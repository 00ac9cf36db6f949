import type { ConversionStats, RateRow } from '../../../shared/api/index.ts'
import { KpiCard } from '../components/kpi-card.tsx'
import { NoData, Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import type { Figure } from '../lib/plotly.ts'
import {
  basisLabel,
  formatInteger,
  formatKpiValue,
  formatMaturity,
  formatPercent,
} from '../lib/format.ts'
import { donutFigure, legendAbove } from '../lib/chart-figures.ts'
import { axis, baseLayout, emptyNote, type ChartColors } from '../lib/plotly.ts'
import type { ViewProps } from './view-props.ts'

function rateFigure(
  c: ChartColors,
  rows: readonly RateRow[],
  band: ConversionStats['targetBand'],
): Figure {
  const shown = rows.filter((r) => r.rate !== null)
  const targets = shown.filter((r) => r.target != null)
  // Horizontal bars, first row on top: a long name ("Google Local Services") reads whole on
  // the category axis instead of being cut under a vertical bar.
  return {
    data: [
      {
        type: 'bar',
        name: 'Conversion rate',
        orientation: 'h',
        y: shown.map((r) => r.key),
        x: shown.map((r) => r.rate),
        marker: {
          color: shown.map((r) => ((r.rate ?? 0) >= (r.target ?? band.low) ? c.series[0] : c.bad)),
        },
        customdata: shown.map((r) => [r.conversions, r.leads]),
        hovertemplate:
          '<b>%{y}</b><br>%{x:.1%} (%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>',
      },
      ...(targets.length === 0
        ? []
        : [
            {
              type: 'scatter',
              name: 'Channel target',
              mode: 'markers',
              y: targets.map((r) => r.key),
              x: targets.map((r) => r.target),
              marker: { symbol: 'line-ns-open', size: 22, line: { width: 3, color: c.warn } },
              hovertemplate: 'target %{x:.0%}<extra></extra>',
            },
          ]),
    ],
    layout: {
      ...baseLayout(c),
      ...(targets.length === 0 ? {} : legendAbove(c)),
      margin: { l: 16, r: 16, t: targets.length === 0 ? 8 : 30, b: 36 },
      bargap: 0.3,
      yaxis: axis(c, { fixedrange: true, automargin: true, autorange: 'reversed' }),
      xaxis: axis(c, { tickformat: '.0%', rangemode: 'tozero', fixedrange: true }),
      shapes: [
        {
          type: 'rect',
          yref: 'paper',
          y0: 0,
          y1: 1,
          x0: band.low,
          x1: band.high,
          fillcolor: c.good,
          opacity: 0.08,
          line: { width: 0 },
          layer: 'below',
        },
      ],
      annotations: shown.length === 0 ? emptyNote(c, 'No leads in this range') : [],
    },
  }
}

export function ConversionView({ data }: ViewProps) {
  const conv = data?.conversion ?? null
  const empty = conv !== null && conv.noData
  const rateDef = data?.kpis.conversionRate
  const wonDef = data?.kpis.conversions
  // A maturing range's rate is still rising: not judged red against the band until it settles.
  const maturing = conv !== null && !empty && conv.maturity.maturing
  const note = maturing ? formatMaturity(conv.maturity) : undefined
  const tone = conv?.band == null || maturing ? 'neutral' : conv.band === 'below' ? 'bad' : 'good'
  return (
    <>
      <section className="kpi-grid" aria-label="Conversion">
        <KpiCard
          testId="kpi-conversion-overall"
          label={rateDef?.label ?? '\u00a0'}
          {...(rateDef ? { basis: basisLabel(rateDef) } : {})}
          {...(note === undefined ? {} : { maturing: note })}
          display={conv?.rate == null || !rateDef ? null : formatKpiValue(rateDef, conv.rate)}
          raw={conv?.rate ?? null}
          emptyText={conv === null ? null : 'No leads in this range'}
          tone={tone}
          context={
            conv === null || !rateDef
              ? '\u00a0'
              : `target band ${formatKpiValue(rateDef, conv.targetBand.low)}–${formatKpiValue(rateDef, conv.targetBand.high)}${conv.band === null ? '' : ` · ${maturing ? 'so far ' : ''}${conv.band}`}`
          }
        />
        <KpiCard
          testId="kpi-conversion-won"
          label={wonDef?.label ?? '\u00a0'}
          {...(wonDef ? { basis: basisLabel(wonDef) } : {})}
          {...(note === undefined ? {} : { maturing: note })}
          display={
            conv === null || empty || !wonDef ? null : formatKpiValue(wonDef, conv.conversions)
          }
          raw={conv === null || empty ? null : conv.conversions}
          emptyText={empty ? 'No leads in this range' : null}
          context={conv === null || empty ? '\u00a0' : `of ${formatInteger(conv.leads)} leads`}
        />
      </section>
      <div className="grid-2">
        <Panel
          title="By source"
          subtitle="bars: rate · ticks: channel target"
          className="chart-panel"
        >
          <PlotlyChart
            testId="chart-conversion-by-source"
            label="Conversion by source"
            className="chart-half"
            pickField="source"
            tableCategory="Source"
            tableFormat={formatPercent}
            version={conv}
            figure={(c, v) => rateFigure(c, v.bySource, v.targetBand)}
          />
        </Panel>
        <Panel title="By temperature" subtitle="shaded: target band" className="chart-panel">
          <PlotlyChart
            testId="chart-conversion-by-temperature"
            label="Conversion by temperature"
            className="chart-half"
            pickField="temperature"
            tableCategory="Temperature"
            tableFormat={formatPercent}
            version={conv}
            figure={(c, v) => rateFigure(c, v.byTemperature, v.targetBand)}
          />
        </Panel>
      </div>
      <div className="grid-main-side grid-side-first">
        <Panel title="Leads by temperature" className="chart-panel">
          <PlotlyChart
            testId="chart-leads-by-temperature"
            label="Leads by temperature"
            pickField="temperature"
            tableCategory="Temperature"
            version={conv}
            figure={(c, v) =>
              donutFigure(
                c,
                v.byTemperature.map((r) => ({ label: r.key, value: r.leads })),
                { noun: 'leads', emptyText: 'No leads in this range' },
              )
            }
          />
        </Panel>
        <Panel title="Improvement opportunities" className="list-panel">
          {conv === null ? null : conv.opportunities.length === 0 ? (
            <NoData>
              {empty ? 'No leads in this range' : 'Nothing stands out: every group is on target'}
            </NoData>
          ) : (
            <ul className="list" data-testid="opportunities">
              {conv.opportunities.map((o, i) => (
                <li key={i} title={o.rule}>
                  <strong>{o.message}</strong>{' '}
                  <span className="muted">
                    ({formatInteger(o.conversions)} of {formatInteger(o.leads)},{' '}
                    {formatPercent(o.rate)} against {formatPercent(o.threshold)})
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
    </>
  )
}

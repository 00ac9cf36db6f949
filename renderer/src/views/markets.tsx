import type { PremiumMarkets, SegmentStats } from '../../../shared/api/index.ts'
import { DataTable, type Column } from '../components/data-table.tsx'
import { NoData, Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import type { Figure } from '../lib/plotly.ts'
import {
  formatInteger,
  formatMoney,
  formatPercent,
  formatRatio,
  toneAgainst,
} from '../lib/format.ts'
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

const dash = <span className="muted">—</span>

// Judged on the shown ratio: "1.0×" against the 1.0× target is neutral, not red at 0.98.
const DEAL_RATIO = { unit: 'count', display: 'ratio', good: 'up' } as const

const SEGMENT_COLUMNS: readonly Column<SegmentStats>[] = [
  { id: 'segment', header: 'Segment', cell: (s) => s.segment, sortValue: (s) => s.segment },
  {
    id: 'leads',
    header: 'Leads',
    numeric: true,
    cell: (s) => formatInteger(s.leads),
    sortValue: (s) => s.leads,
  },
  {
    id: 'deals',
    header: 'Deals',
    numeric: true,
    cell: (s) => formatInteger(s.deals),
    sortValue: (s) => s.deals,
    cellAttributes: (s) => ({
      title: s.dealsWithoutValue > 0 ? `${s.dealsWithoutValue} without a value` : undefined,
    }),
  },
  {
    id: 'revenue',
    header: 'Revenue',
    numeric: true,
    cell: (s) => formatMoney(s.revenueCents),
    sortValue: (s) => s.revenueCents,
  },
  {
    id: 'average-deal',
    header: 'Avg deal / target',
    numeric: true,
    cell: (s) => (
      <>
        {s.averageDealCents === null ? (
          <span className="muted">no deals</span>
        ) : (
          formatMoney(s.averageDealCents)
        )}
        {s.targetDealCents !== null && (
          <span className="cell-target"> / {formatMoney(s.targetDealCents)}</span>
        )}
      </>
    ),
    sortValue: (s) => s.averageDealCents,
  },
  {
    id: 'vs-target',
    header: 'vs target',
    numeric: true,
    cell: (s) =>
      s.dealSizeVsTarget === null ? (
        dash
      ) : (
        <span className={`cell-${toneAgainst(DEAL_RATIO, s.dealSizeVsTarget, 1)}`}>
          {formatRatio(s.dealSizeVsTarget)}
        </span>
      ),
    sortValue: (s) => s.dealSizeVsTarget,
  },
  {
    id: 'conversion',
    header: 'Conversion',
    numeric: true,
    cell: (s) => (s.conversion === null ? dash : formatPercent(s.conversion)),
    sortValue: (s) => s.conversion,
  },
  {
    id: 'penetration',
    header: 'Penetration',
    numeric: true,
    cell: (s) => (s.penetration === null ? dash : formatPercent(s.penetration)),
    sortValue: (s) => s.penetration,
  },
]

export function MarketsView({ data }: ViewProps) {
  const markets = data?.markets ?? null
  return (
    <div className="grid-main-side grid-table-chart">
      <Panel title="Segments" subtitle={markets?.penetrationRule} className="table-panel">
        {markets !== null && markets.segments.length === 0 ? (
          <NoData>No segments and no leads in this range</NoData>
        ) : (
          <DataTable
            caption="Premium market segments: leads, deals, revenue, deal size against target, conversion and penetration"
            captionHidden
            columns={SEGMENT_COLUMNS}
            rows={markets?.segments ?? []}
            rowKey={(s) => s.segment}
            rowPick={(s) => ({ field: 'segment', value: s.segment })}
            rowAttributes={(s) => ({
              'data-testid': 'market-row',
              'data-segment': s.segment,
              'data-leads': s.leads,
            })}
            testId="markets-table"
          />
        )}
      </Panel>
      <Panel title="Average deal size against target" className="chart-panel">
        <PlotlyChart
          testId="chart-markets-deal-size"
          label="Average deal size by segment"
          pickField="segment"
          tableCategory="Segment"
          version={markets}
          figure={dealFigure}
        />
      </Panel>
    </div>
  )
}

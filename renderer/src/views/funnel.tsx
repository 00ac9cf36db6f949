import type { Funnel, FunnelStage } from '../../../shared/api/index.ts'
import { DataTable, type Column } from '../components/data-table.tsx'
import { NoData, Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import type { Figure } from '../lib/plotly.ts'
import { sankeyFigure } from '../lib/chart-figures.ts'
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

// Stages keep the funnel's order: sorting them by name would read as nonsense.
const STAGE_COLUMNS: readonly Column<FunnelStage>[] = [
  { id: 'stage', header: 'Stage', cell: (s) => s.stage },
  {
    id: 'current',
    header: 'Now at stage',
    numeric: true,
    cell: (s) => formatInteger(s.current),
    sortValue: (s) => s.current,
  },
  {
    id: 'reached',
    header: 'Reached',
    numeric: true,
    cell: (s) => formatInteger(s.reached),
    sortValue: (s) => s.reached,
  },
  {
    id: 'from-previous',
    header: 'From previous',
    numeric: true,
    cell: (s) =>
      s.fromPrevious === null ? <span className="muted">—</span> : formatPercent(s.fromPrevious),
    sortValue: (s) => s.fromPrevious,
  },
]

export function FunnelView({ data }: ViewProps) {
  const funnel = data?.funnel ?? null
  return (
    <div className="grid-2 grid-funnel">
      <Panel
        title="Leads by stage"
        subtitle={funnel === null ? undefined : `${formatInteger(funnel.lost)} lost`}
        className="chart-panel"
      >
        <PlotlyChart
          testId="chart-funnel"
          label="Sales funnel"
          pickField="status"
          tableCategory="Stage"
          version={funnel}
          figure={funnelFigure}
        />
      </Panel>
      <Panel
        title="Leads through the stages"
        subtitle="lost leads leave from new: the cache keeps no stage they were lost at"
        className="chart-panel"
      >
        <PlotlyChart
          testId="chart-funnel-sankey"
          label="Leads through the stages"
          pickField="status"
          version={funnel}
          figure={sankeyFigure}
        />
      </Panel>
      <Panel title="Stage to stage" className="table-panel grid-span-all">
        {funnel?.noData ? (
          <NoData>No leads in this range</NoData>
        ) : (
          <DataTable
            caption="Sales funnel: leads now at each stage, reaching it, and from the stage before"
            captionHidden
            columns={STAGE_COLUMNS}
            rows={funnel?.stages ?? []}
            rowKey={(s) => s.stage}
            rowPick={(s) => ({ field: 'status', value: s.stage })}
            rowAttributes={(s) => ({ 'data-testid': 'funnel-row', 'data-stage': s.stage })}
            testId="funnel-table"
          />
        )}
        {funnel !== null && <p className="rule">{funnel.rule}</p>}
      </Panel>
    </div>
  )
}

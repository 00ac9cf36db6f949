import {
  JOURNEYS_REBUILDING_TEXT,
  type JourneyEdge,
  type JourneysResult,
} from '../../../shared/api/intelligence.ts'
import { DataTable, type Column } from '../components/data-table.tsx'
import { NoData, Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import {
  edgeKey,
  edgeLabel,
  formatStay,
  journeySankeyFigure,
  journeysEmptyText,
} from '../lib/intel-figures.ts'
import { formatInteger } from '../lib/format.ts'
import '../styles/intelligence.css'
import type { ViewProps } from './view-props.ts'

/** Share of the leads that entered `from` which moved on to `to`. */
function shareOfStage(j: JourneysResult, e: JourneyEdge): number | null {
  const entered = j.nodes.find((n) => n.stage === e.from)?.leads ?? 0
  return entered === 0 ? null : e.count / entered
}

function edgeColumns(j: JourneysResult | null): readonly Column<JourneyEdge>[] {
  return [
    { id: 'step', header: 'Step', cell: edgeLabel },
    {
      id: 'count',
      header: 'Leads',
      numeric: true,
      cell: (e) => formatInteger(e.count),
      sortValue: (e) => e.count,
    },
    {
      id: 'share',
      header: 'Of the stage',
      numeric: true,
      cell: (e) => {
        const share = j === null ? null : shareOfStage(j, e)
        return share === null ? <span className="muted">—</span> : `${(share * 100).toFixed(1)} %`
      },
      sortValue: (e) => (j === null ? null : shareOfStage(j, e)),
    },
    {
      id: 'median',
      header: 'Median stay',
      numeric: true,
      cell: (e) => formatStay(e.medianMs),
      sortValue: (e) => e.medianMs,
    },
  ]
}

/** How leads move from first touch to won or lost (issue 16), under the global filters. */
export function JourneysView({ intel }: ViewProps) {
  const journeys = intel?.journeys ?? null
  const empty = journeys !== null && (journeys.noData || journeys.edges.length === 0)
  const slow = new Set(journeys?.slowest.map(edgeKey) ?? [])
  return (
    <>
      <div className="grid-main-side">
        <Panel
          title="Leads through the stages"
          subtitle={
            journeys === null
              ? undefined
              : `${formatInteger(journeys.leads)} leads created in the range · the slowest steps in amber`
          }
          className="chart-panel"
        >
          <PlotlyChart
            testId="chart-journey-sankey"
            label="Leads through the stages, with the median stay of each step"
            pickField="status"
            version={journeys}
            figure={journeySankeyFigure}
          />
        </Panel>
        <Panel title="Slowest steps" className="list-panel" testId="journey-slowest-panel">
          {journeys === null ? null : empty ? (
            <NoData>{journeysEmptyText(journeys)}</NoData>
          ) : (
            <ol className="slowest-list" data-testid="journey-slowest">
              {journeys.slowest.map((e) => (
                <li
                  key={edgeKey(e)}
                  data-testid="journey-slow-step"
                  data-from={e.from}
                  data-to={e.to}
                  data-median-ms={e.medianMs}
                >
                  <span className="slowest-step">{edgeLabel(e)}</span>
                  <span className="slowest-stay">{formatStay(e.medianMs)}</span>
                  <span className="slowest-leads muted">
                    median stay in {e.from}, {formatInteger(e.count)} leads
                  </span>
                </li>
              ))}
            </ol>
          )}
          {journeys !== null && journeys.rebuilding && !empty && (
            <p className="rule" role="status" data-testid="journey-rebuilding">
              {JOURNEYS_REBUILDING_TEXT}.
            </p>
          )}
          {journeys !== null && journeys.inferredLeads > 0 && (
            <p className="rule" data-testid="journey-inferred">
              {formatInteger(journeys.inferredLeads)} of these leads’ steps are inferred from when
              they were created, answered and converted: the cache saw them before it recorded stage
              changes.
            </p>
          )}
        </Panel>
      </div>
      <Panel title="Every step" className="table-panel">
        {journeys !== null && empty ? (
          <NoData>{journeysEmptyText(journeys)}</NoData>
        ) : (
          <DataTable
            caption="Every step between stages: leads that took it, their share of the stage, and the median stay before it"
            captionHidden
            columns={edgeColumns(journeys)}
            rows={journeys?.edges ?? []}
            rowKey={edgeKey}
            rowAttributes={(e) => ({
              'data-testid': 'journey-edge-row',
              'data-from': e.from,
              'data-to': e.to,
              'data-count': e.count,
              'data-median-ms': e.medianMs,
              'data-slow': slow.has(edgeKey(e)) ? 'true' : 'false',
            })}
            testId="journey-edges-table"
          />
        )}
      </Panel>
    </>
  )
}

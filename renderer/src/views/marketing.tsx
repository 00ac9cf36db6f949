import type { ChannelRoi, MarketingRoi } from '../../../shared/api/index.ts'
import { DataTable, type Column } from '../components/data-table.tsx'
import { KpiCard } from '../components/kpi-card.tsx'
import { NoData, Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import type { Figure } from '../lib/plotly.ts'
import {
  basisLabel,
  formatInteger,
  formatKpiValue,
  formatMoney,
  formatMoneyShort,
  formatPercent,
} from '../lib/format.ts'
import { axis, baseLayout, emptyNote, type ChartColors } from '../lib/plotly.ts'
import type { ViewProps } from './view-props.ts'

const NO_LEADS = 'No leads in this range'

function roiFigure(c: ChartColors, roi: MarketingRoi): Figure {
  const rows = roi.channels.filter((ch) => ch.roiPercent !== null)
  // Best channel on top: Plotly draws horizontal bars bottom-up.
  const sorted = [...rows].sort((a, b) => (a.roiPercent ?? 0) - (b.roiPercent ?? 0))
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        y: sorted.map((ch) => ch.channel),
        x: sorted.map((ch) => ch.roiPercent),
        marker: { color: sorted.map((ch) => ((ch.roiPercent ?? 0) >= 0 ? c.good : c.bad)) },
        hovertemplate: '<b>%{y}</b><br>ROI %{x:,.1f} %<extra></extra>',
      },
    ],
    layout: {
      ...baseLayout(c),
      margin: { l: 150, r: 24, t: 12, b: 44 },
      xaxis: axis(c, { ticksuffix: ' %', tickformat: ',.0f', zerolinewidth: 2, fixedrange: true }),
      yaxis: axis(c, { automargin: true, fixedrange: true }),
      annotations: rows.length === 0 ? emptyNote(c, 'No channel has both cost and leads here') : [],
    },
  }
}

function Target({
  value,
  target,
  format,
  lowerIsBetter = false,
}: {
  value: number | null
  target: number | null
  format: (n: number) => string
  lowerIsBetter?: boolean
}) {
  if (value === null) return <span className="muted">—</span>
  if (target === null) return <>{format(value)}</>
  const good = lowerIsBetter ? value <= target : value >= target
  return (
    <span className={good ? 'cell-good' : 'cell-bad'} title={`target ${format(target)}`}>
      {format(value)}
      <span className="cell-target"> / {format(target)}</span>
    </span>
  )
}

const CHANNEL_COLUMNS: readonly Column<ChannelRoi>[] = [
  { id: 'channel', header: 'Channel', cell: (ch) => ch.channel, sortValue: (ch) => ch.channel },
  {
    id: 'leads',
    header: 'Leads',
    numeric: true,
    cell: (ch) => formatInteger(ch.leads),
    sortValue: (ch) => ch.leads,
  },
  {
    id: 'won',
    header: 'Won',
    numeric: true,
    cell: (ch) => formatInteger(ch.conversions),
    sortValue: (ch) => ch.conversions,
  },
  {
    id: 'rate',
    header: 'Rate / target',
    numeric: true,
    cell: (ch) => <Target value={ch.rate} target={ch.conversionTarget} format={formatPercent} />,
    sortValue: (ch) => ch.rate,
  },
  {
    id: 'revenue',
    header: 'Revenue',
    numeric: true,
    cell: (ch) => formatMoney(ch.revenueCents),
    sortValue: (ch) => ch.revenueCents,
  },
  {
    id: 'cost',
    header: 'Cost',
    numeric: true,
    cell: (ch) =>
      ch.costCents === null ? (
        <span className="muted">no cost data</span>
      ) : (
        formatMoney(ch.costCents)
      ),
    sortValue: (ch) => ch.costCents,
    cellAttributes: (ch) => ({ title: ch.costBasis === null ? undefined : `from ${ch.costBasis}` }),
  },
  {
    id: 'per-lead',
    header: 'Per lead / target',
    numeric: true,
    cell: (ch) => (
      <Target
        value={ch.costPerLeadCents}
        target={ch.targetCostPerLeadCents}
        format={formatMoney}
        lowerIsBetter
      />
    ),
    sortValue: (ch) => ch.costPerLeadCents,
  },
  {
    id: 'roi',
    header: 'ROI',
    numeric: true,
    cell: (ch) =>
      ch.roiPercent === null ? (
        <span className="muted">—</span>
      ) : (
        formatPercent(ch.roiPercent / 100)
      ),
    sortValue: (ch) => ch.roiPercent,
  },
  {
    id: 'result',
    header: 'Result',
    cell: (ch) =>
      ch.profitable === null ? (
        <span className="muted">unknown</span>
      ) : (
        <span className={ch.profitable ? 'pill pill-good' : 'pill pill-bad'}>
          {ch.profitable ? 'Profitable' : 'Loss'}
        </span>
      ),
  },
]

export function MarketingView({ data }: ViewProps) {
  const roi = data?.marketing ?? null
  const t = roi?.totals
  const empty = roi !== null && roi.noData
  return (
    <>
      <section className="kpi-grid" aria-label="Marketing totals">
        <KpiCard
          testId="kpi-marketing-leads"
          label="Leads from channels"
          {...(data ? { basis: basisLabel(data.kpis.leads) } : {})}
          display={t === undefined || empty ? null : formatInteger(t.leads)}
          raw={t === undefined || empty ? null : t.leads}
          emptyText={empty ? NO_LEADS : null}
          context={t === undefined || empty ? '\u00a0' : `${formatInteger(t.conversions)} won`}
        />
        <KpiCard
          testId="kpi-marketing-revenue"
          label="Revenue"
          {...(data ? { basis: basisLabel(data.kpis.revenueCents) } : {})}
          display={
            t === undefined || empty || !data
              ? null
              : formatKpiValue(data.kpis.revenueCents, t.revenueCents, { short: true })
          }
          raw={t === undefined || empty ? null : t.revenueCents}
          emptyText={empty ? NO_LEADS : null}
          context={t === undefined || empty ? '\u00a0' : `cost ${formatMoneyShort(t.costCents)}`}
        />
        <KpiCard
          testId="kpi-marketing-roi"
          label="Return on spend"
          {...(data ? { basis: basisLabel(data.kpis.roiPercent) } : {})}
          display={
            t?.roiPercent == null || !data
              ? null
              : formatKpiValue(data.kpis.roiPercent, t.roiPercent)
          }
          raw={t?.roiPercent ?? null}
          emptyText={roi === null ? null : empty ? NO_LEADS : 'No cost data'}
          tone={t?.profitable == null ? 'neutral' : t.profitable ? 'good' : 'bad'}
          context={
            t?.profitable == null
              ? '\u00a0'
              : t.profitable
                ? 'profitable overall'
                : 'losing money overall'
          }
        />
      </section>
      <div className="grid-main-side grid-table-chart">
        <Panel
          title="Channels"
          subtitle="rate and cost per lead against the channel's target"
          className="table-panel"
        >
          {roi !== null && roi.channels.length === 0 ? (
            <NoData>No marketing channels and no leads in this range</NoData>
          ) : (
            <DataTable
              caption="Marketing channels: leads, conversion, revenue, cost and return on spend"
              captionHidden
              columns={CHANNEL_COLUMNS}
              rows={roi?.channels ?? []}
              rowKey={(ch) => ch.channel}
              rowPick={(ch) => ({ field: 'source', value: ch.channel })}
              rowAttributes={(ch) => ({
                'data-testid': 'roi-row',
                'data-channel': ch.channel,
                'data-leads': ch.leads,
              })}
              testId="roi-table"
            />
          )}
        </Panel>
        <Panel title="Return on spend by channel" className="chart-panel">
          <PlotlyChart
            testId="chart-marketing-roi"
            label="ROI by channel"
            pickField="source"
            tableCategory="Channel"
            version={roi}
            figure={roiFigure}
          />
        </Panel>
      </div>
      {roi !== null && <p className="rule">{roi.costRule}</p>}
    </>
  )
}

import type { DashboardData } from '../../../shared/api/index.ts'
import { Delta } from '../components/delta.tsx'
import { KpiCard } from '../components/kpi-card.tsx'
import { LeadResponseKpis } from '../components/lead-response-kpis.tsx'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import { formatDay, formatInteger, formatMoneyShort, formatPercent } from '../lib/format.ts'
import { bucketNoun, seriesFigure } from '../lib/series-figure.ts'
import type { ViewProps } from './view-props.ts'

export function rangeLabel(range: { from: string; to: string }): string {
  return range.from === range.to
    ? formatDay(range.from)
    : `${formatDay(range.from)} – ${formatDay(range.to)}`
}

/** The headline numbers with their change against the period just before. */
export function HeadlineCards({ data }: { data: DashboardData | null }) {
  const trends = data?.trends
  const conversion = data?.conversion
  const previous = trends === undefined ? '' : rangeLabel(trends.previousRange)
  const d = trends?.deltas
  const noLeads = trends !== undefined && d?.leads.current === 0
  const waiting = trends === undefined ? null : 'No leads in this range'
  const band = conversion?.targetBand
  const rate = d?.conversionRate.current ?? null
  const rateTone =
    rate === null || band === undefined ? 'neutral' : rate < band.low ? 'bad' : 'good'
  return (
    <section className="kpi-grid" aria-label="Headline numbers">
      <KpiCard
        testId="kpi-leads"
        label="Leads"
        display={d === undefined ? null : formatInteger(d.leads.current ?? 0)}
        raw={d?.leads.current ?? null}
        emptyText={null}
        context={<Delta delta={d?.leads} unit="relative" higherIsBetter previousLabel={previous} />}
      />
      <KpiCard
        testId="kpi-conversion-rate"
        label="Conversion rate"
        display={rate === null ? null : formatPercent(rate)}
        raw={rate}
        emptyText={noLeads ? waiting : null}
        tone={rateTone}
        context={
          <>
            {band !== undefined && (
              <span className="kpi-target">
                target {formatPercent(band.low)}–{formatPercent(band.high)}
              </span>
            )}
            <Delta
              delta={d?.conversionRate}
              unit="points"
              higherIsBetter
              previousLabel={previous}
            />
          </>
        }
      />
      <KpiCard
        testId="kpi-conversions"
        label="Deals won"
        display={d === undefined ? null : formatInteger(d.conversions.current ?? 0)}
        raw={d?.conversions.current ?? null}
        emptyText={null}
        context={
          <Delta delta={d?.conversions} unit="relative" higherIsBetter previousLabel={previous} />
        }
      />
      <KpiCard
        testId="kpi-revenue"
        label="Revenue from these leads"
        display={d === undefined ? null : formatMoneyShort(d.revenueCents.current ?? 0)}
        raw={d?.revenueCents.current ?? null}
        emptyText={null}
        context={
          <Delta delta={d?.revenueCents} unit="relative" higherIsBetter previousLabel={previous} />
        }
      />
    </section>
  )
}

export function OverviewView({ data }: ViewProps) {
  const trends = data?.trends
  const noun = trends === undefined ? 'day' : bucketNoun[trends.bucket]
  return (
    <>
      <LeadResponseKpis kpi={data?.leadResponse ?? null} />
      <HeadlineCards data={data} />
      <Panel
        title={`Leads per ${noun}`}
        className="chart-panel"
        subtitle={data === null ? undefined : rangeLabel(data.range)}
      >
        <PlotlyChart
          testId="chart-leads-per-day"
          label={`Leads per ${noun}`}
          version={trends ?? null}
          figure={(c, t) =>
            seriesFigure(c, t.leads, t.bucket, {
              kind: 'bar',
              hover: '<b>%{y:,}</b> leads',
              emptyText: 'No leads in this range',
            })
          }
        />
      </Panel>
    </>
  )
}

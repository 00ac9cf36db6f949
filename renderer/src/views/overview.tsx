import type { DashboardData } from '../../../shared/api/index.ts'
import { Delta } from '../components/delta.tsx'
import { KpiCard } from '../components/kpi-card.tsx'
import { LeadResponseKpis } from '../components/lead-response-kpis.tsx'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import {
  basisLabel,
  formatDayRange,
  formatKpiValue,
  formatMaturity,
  toneInBand,
} from '../lib/format.ts'
import { donutFigure } from '../lib/chart-figures.ts'
import { bucketNoun, seriesFigure } from '../lib/series-figure.ts'
import type { ViewProps } from './view-props.ts'

export function rangeLabel(range: { from: string; to: string }): string {
  return formatDayRange(range)
}

/**
 * The headline numbers with their change against the comparison range (Trends.comparison). Each
 * card's label, basis ("by lead date") and number come from the registry's definition that came
 * with the answer; a maturing range says so on the KPIs that still rise as its leads close.
 */
export function HeadlineCards({ data }: { data: DashboardData | null }) {
  const trends = data?.trends
  const defs = data?.kpis
  const comparison = trends?.comparison
  const d = trends?.deltas
  // The conversion answer carries the open share (the trends answer leaves it out: see
  // main/metrics/catalog.ts cohortMaturity); both say `maturing` by the same rule.
  const maturity = data?.conversion?.maturity ?? trends?.maturity
  const noLeads = trends !== undefined && d?.leads.current === 0
  const waiting = trends === undefined ? null : 'No leads in this range'
  const band = defs?.conversionRate.band
  const rate = d?.conversionRate.current ?? null
  const value = (id: 'leads' | 'conversions' | 'revenueCents', short = false) => {
    const v = d?.[id].current
    const def = defs?.[id]
    return v === undefined || def === undefined
      ? null
      : formatKpiValue(def, v ?? 0, short ? { short } : {})
  }
  const card = (id: 'leads' | 'conversionRate' | 'conversions' | 'revenueCents') => {
    const def = defs?.[id]
    return def === undefined
      ? { label: '\u00a0' } // the first answer brings the registry's labels
      : {
          label: def.label,
          basis: basisLabel(def),
          ...(def.matures && maturity?.maturing && !noLeads
            ? { maturing: formatMaturity(maturity) }
            : {}),
        }
  }
  const delta = (
    id: 'leads' | 'conversionRate' | 'conversions' | 'revenueCents',
    unit: 'relative' | 'points',
  ) => <Delta delta={d?.[id]} unit={unit} good={defs?.[id].good ?? 'up'} comparison={comparison} />
  const rateDef = defs?.conversionRate
  const rateTone =
    rate === null || band === undefined || rateDef === undefined
      ? 'neutral'
      : maturity?.maturing
        ? 'neutral'
        : toneInBand(rateDef, rate, band)
  return (
    <section className="kpi-grid" aria-label="Headline numbers">
      <KpiCard
        testId="kpi-leads"
        {...card('leads')}
        display={value('leads')}
        raw={d?.leads.current ?? null}
        emptyText={null}
        context={delta('leads', 'relative')}
      />
      <KpiCard
        testId="kpi-conversion-rate"
        {...card('conversionRate')}
        display={rate === null || rateDef === undefined ? null : formatKpiValue(rateDef, rate)}
        raw={rate}
        emptyText={noLeads ? waiting : null}
        tone={rateTone}
        context={
          <>
            {band !== undefined && rateDef !== undefined && (
              <span className="kpi-target">
                target {formatKpiValue(rateDef, band.low)}–{formatKpiValue(rateDef, band.high)}
              </span>
            )}
            {delta('conversionRate', 'points')}
          </>
        }
      />
      <KpiCard
        testId="kpi-conversions"
        {...card('conversions')}
        display={value('conversions')}
        raw={d?.conversions.current ?? null}
        emptyText={null}
        context={delta('conversions', 'relative')}
      />
      <KpiCard
        testId="kpi-revenue"
        {...card('revenueCents')}
        display={value('revenueCents', true)}
        raw={d?.revenueCents.current ?? null}
        emptyText={null}
        context={delta('revenueCents', 'relative')}
      />
    </section>
  )
}

export function OverviewView({ data }: ViewProps) {
  const trends = data?.trends
  const noun = trends === undefined ? 'day' : bucketNoun[trends.bucket]
  return (
    <>
      <LeadResponseKpis kpi={data?.leadResponse ?? null} defs={data?.kpis} />
      {/* The charts before the outcome cards: on a 1280×800 laptop the leads chart starts on the
          first screen (issue 11), and the outcomes follow it. */}
      <div className="grid-main-side">
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
        <Panel title="Leads by source" className="chart-panel" subtitle="click a slice to filter">
          <PlotlyChart
            testId="chart-leads-by-source"
            label="Leads by source"
            pickField="source"
            tableCategory="Source"
            version={data?.conversion ?? null}
            figure={(c, conv) =>
              donutFigure(
                c,
                conv.bySource.map((r) => ({ label: r.key, value: r.leads })),
                { noun: 'leads', emptyText: 'No leads in this range' },
              )
            }
          />
        </Panel>
      </div>
      <HeadlineCards data={data} />
    </>
  )
}

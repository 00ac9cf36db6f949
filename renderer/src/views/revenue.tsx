import { KpiCard } from '../components/kpi-card.tsx'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import { formatMoneyShort, formatMonth, formatPercent, shownValue } from '../lib/format.ts'
import { gaugeFigure } from '../lib/chart-figures.ts'
import { bucketNoun, seriesFigure } from '../lib/series-figure.ts'
import { rangeLabel } from './overview.tsx'
import type { ViewProps } from './view-props.ts'

function Meter({ share }: { share: number | null }) {
  return (
    <div className="meter" aria-hidden="true">
      {share !== null && (
        <span
          className="meter-fill"
          style={{ width: `${Math.min(100, Math.round(share * 1000) / 10)}%` }}
        />
      )}
    </div>
  )
}

export function RevenueView({ data }: ViewProps) {
  const r = data?.revenue ?? null
  const trends = data?.trends ?? null
  const money = (cents: number | null | undefined) =>
    cents == null ? null : formatMoneyShort(cents)
  // Judged on the progress as the card shows it ("100.0 %" is on target, whatever is underneath).
  const progressDef = data?.kpis.monthProgress
  const progressTone = (p: number | null) => {
    if (p === null || progressDef === undefined) return 'neutral'
    const shown = shownValue(progressDef, p)
    return shown >= 1 ? 'good' : shown >= 0.8 ? 'warn' : 'bad'
  }
  const noTarget = r === null ? null : 'No target set'
  return (
    <>
      <section className="kpi-grid" aria-label="Revenue growth">
        <KpiCard
          testId="kpi-month-revenue"
          label={r === null ? 'This month' : formatMonth(r.month)}
          display={money(r?.monthRevenueCents)}
          raw={r?.monthRevenueCents ?? null}
          emptyText={null}
          tone={progressTone(r?.monthProgress ?? null)}
          context={
            r === null
              ? '\u00a0'
              : r.monthTargetCents === null
                ? 'no target for this month'
                : `${formatPercent(r.monthProgress ?? 0)} of ${formatMoneyShort(r.monthTargetCents)} target`
          }
        >
          <Meter share={r?.monthProgress ?? null} />
        </KpiCard>
        <KpiCard
          testId="kpi-month-projection"
          label="Month projection"
          display={money(r?.projectedMonthCents)}
          raw={r?.projectedMonthCents ?? null}
          emptyText={r === null ? null : 'Month not started'}
          tone={
            r?.projectedMonthCents == null || r.monthTargetCents === null
              ? 'neutral'
              : r.projectedMonthCents >= r.monthTargetCents
                ? 'good'
                : 'warn'
          }
          context="at the current run rate"
        />
        <KpiCard
          testId="kpi-ytd-revenue"
          label="Year to date"
          display={money(r?.ytdRevenueCents)}
          raw={r?.ytdRevenueCents ?? null}
          emptyText={null}
          context={
            r === null
              ? '\u00a0'
              : r.ytdTargetCents === null
                ? 'no target this year'
                : `target ${formatMoneyShort(r.ytdTargetCents)}`
          }
        >
          <Meter share={r?.ytdTargetCents ? r.ytdRevenueCents / r.ytdTargetCents : null} />
        </KpiCard>
        <KpiCard
          testId="kpi-annualised"
          label="Annualised"
          display={money(r?.annualisedCents)}
          raw={r?.annualisedCents ?? null}
          emptyText={r === null ? null : 'No revenue this year'}
          context={
            r?.yearTargetCents == null
              ? 'no yearly target'
              : `year target ${formatMoneyShort(r.yearTargetCents)}`
          }
        />
        <KpiCard
          testId="kpi-growth-gap"
          label={
            r?.nextGrowthTargetYear == null
              ? 'Next growth target'
              : `Gap to ${r.nextGrowthTargetYear} target`
          }
          display={money(r?.gapToNextTargetCents)}
          raw={r?.gapToNextTargetCents ?? null}
          emptyText={noTarget}
          tone={r?.progressToNextTarget == null ? 'neutral' : 'warn'}
          context={
            r?.nextGrowthTargetCents == null
              ? 'every target is already met or none is set'
              : `${formatPercent(r.progressToNextTarget ?? 0)} of ${formatMoneyShort(r.nextGrowthTargetCents)}`
          }
        >
          <Meter share={r?.progressToNextTarget ?? null} />
        </KpiCard>
      </section>
      {r !== null && r.noData && (
        <p className="notice">
          No deal was booked this year: revenue figures are zero because nothing was sold, not
          because data is missing.
        </p>
      )}
      <div className="grid-main-side">
        <Panel
          title={`Revenue booked per ${trends === null ? 'day' : bucketNoun[trends.bucket]}`}
          subtitle={data === null ? undefined : rangeLabel(data.range)}
          className="chart-panel"
        >
          <PlotlyChart
            testId="chart-revenue"
            label="Revenue booked over time"
            version={trends}
            figure={(c, t) =>
              seriesFigure(c, t.revenueCents, t.bucket, {
                kind: 'bar',
                color: c.series[1],
                scale: 0.01,
                hover: '<b>$%{y:,.0f}</b> booked',
                yTickPrefix: '$',
                yTickFormat: ',.0f',
                emptyText: 'No revenue booked in this range',
              })
            }
          />
        </Panel>
        <Panel
          title={
            r === null ? 'This month against target' : `${formatMonth(r.month)} against target`
          }
          subtitle="line: month target"
          className="chart-panel"
        >
          <PlotlyChart
            testId="chart-month-gauge"
            label="Month revenue against target"
            tableCategory="Measure"
            tableFormat={(v) => `$${Math.round(v).toLocaleString('en-US')}`}
            version={r}
            figure={(c, rev) => {
              const target = rev.monthTargetCents === null ? null : rev.monthTargetCents / 100
              const value = rev.monthRevenueCents / 100
              const projected = rev.projectedMonthCents === null ? 0 : rev.projectedMonthCents / 100
              return gaugeFigure(c, {
                title: 'Month revenue',
                value,
                max: Math.max(target ?? 0, projected, value, 1) * 1.1,
                target,
                tone: progressTone(rev.monthProgress),
                prefix: '$',
                format: ',.0f',
                emptyText: 'No revenue this month',
              })
            }}
          />
        </Panel>
      </div>
      {r !== null && <p className="rule">{r.rules}</p>}
    </>
  )
}

import { CallFirstTable, callFirstSubtitle } from '../components/intel-parts.tsx'
import { KpiCard } from '../components/kpi-card.tsx'
import { LeadResponseKpis } from '../components/lead-response-kpis.tsx'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import { basisLabel, formatInteger, formatKpiValue, formatPercent } from '../lib/format.ts'
import { gaugeFigure } from '../lib/chart-figures.ts'
import { seriesFigure } from '../lib/series-figure.ts'
import { rangeLabel } from './overview.tsx'
import type { ViewProps } from './view-props.ts'

const NO_LEADS = 'No leads in this range'

export function LeadResponseView({ data, intel }: ViewProps) {
  const kpi = data?.leadResponse ?? null
  const callFirst = intel?.callFirst ?? null
  const trends = data?.trends ?? null
  const empty = kpi !== null && kpi.noData
  const pending = kpi === null
  // The registry's bands judge the share (poor < low ≤ needs improvement < high ≤ excellent).
  const band = data?.kpis.shareUnderTarget.band
  const statusTone =
    kpi?.status === 'excellent'
      ? 'good'
      : kpi?.status === 'poor'
        ? 'bad'
        : kpi?.status
          ? 'warn'
          : 'neutral'
  return (
    <>
      <LeadResponseKpis kpi={kpi} defs={data?.kpis} />
      <section className="kpi-grid" aria-label="Lead response details">
        <KpiCard
          testId="kpi-median-response"
          label={data?.kpis.medianResponseSeconds.label ?? '\u00a0'}
          {...(data ? { basis: basisLabel(data.kpis.medianResponseSeconds) } : {})}
          display={
            kpi?.medianSeconds == null || !data
              ? null
              : formatKpiValue(data.kpis.medianResponseSeconds, kpi.medianSeconds)
          }
          raw={kpi?.medianSeconds ?? null}
          emptyText={pending ? null : empty ? NO_LEADS : 'No lead answered yet'}
          context={pending || empty ? '\u00a0' : 'half the answered leads were faster'}
        />
        <KpiCard
          testId="kpi-never-answered"
          label="Never answered"
          display={pending || empty ? null : formatInteger(kpi.neverResponded)}
          raw={pending || empty ? null : kpi.neverResponded}
          emptyText={empty ? NO_LEADS : null}
          tone={kpi !== null && kpi.neverResponded > 0 ? 'bad' : 'neutral'}
          context={pending || empty ? '\u00a0' : `of ${formatInteger(kpi.leads)} leads`}
        />
        <KpiCard
          testId="kpi-conversions-lost"
          label="Est. deals lost to slow answers"
          display={
            kpi?.estimatedConversionsLost == null
              ? null
              : formatInteger(kpi.estimatedConversionsLost)
          }
          raw={kpi?.estimatedConversionsLost ?? null}
          emptyText={pending ? null : empty ? NO_LEADS : 'Not enough answered leads to compare'}
          tone={kpi?.estimatedConversionsLost ? 'warn' : 'neutral'}
          context={
            kpi === null ||
            kpi.conversionUnderTarget === null ||
            kpi.conversionOverTarget === null ? (
              '\u00a0'
            ) : (
              <span title={kpi.lostRule}>
                {formatPercent(kpi.conversionUnderTarget)} win rate when fast vs{' '}
                {formatPercent(kpi.conversionOverTarget)} when slow
              </span>
            )
          }
        />
        <KpiCard
          testId="kpi-response-status"
          label="Verdict"
          display={kpi?.status ?? null}
          raw={null}
          emptyText={pending ? null : NO_LEADS}
          tone={statusTone}
          context={kpi === null ? '\u00a0' : <span className="kpi-target">{kpi.statusRule}</span>}
        />
      </section>
      <div className="grid-main-side grid-response">
        <Panel
          title="Average first response over time"
          subtitle={
            data === null
              ? undefined
              : `${rangeLabel(data.range)}${kpi ? ` · target ${kpi.targetSeconds} s` : ''}`
          }
          className="chart-panel"
        >
          <PlotlyChart
            testId="chart-response-time"
            label="Average first response over time"
            version={trends}
            figure={(c, t) => {
              const figure = seriesFigure(c, t.responseSeconds, t.bucket, {
                kind: 'line',
                color: c.series[0],
                hover: '<b>%{y:,.0f} s</b> average',
                yTickFormat: ',.0f',
                yTickSuffix: ' s',
                emptyText: 'No answered leads in this range',
              })
              return {
                data: figure.data,
                layout: {
                  ...figure.layout,
                  shapes:
                    kpi === null
                      ? []
                      : [
                          {
                            type: 'line',
                            xref: 'paper',
                            x0: 0,
                            x1: 1,
                            y0: kpi.targetSeconds,
                            y1: kpi.targetSeconds,
                            line: { color: c.warn, width: 1.5, dash: 'dash' },
                          },
                        ],
                },
              }
            }}
          />
        </Panel>
        <Panel
          title={kpi === null ? 'Answered within target' : `Answered within ${kpi.targetSeconds} s`}
          subtitle={band === undefined ? undefined : `target ${formatPercent(band.high)}`}
          className="chart-panel"
        >
          <PlotlyChart
            testId="chart-response-gauge"
            label="Share of leads answered within target"
            tableCategory="Measure"
            tableFormat={(v) => `${v.toFixed(1)} %`}
            version={kpi}
            figure={(c, k) =>
              gaugeFigure(c, {
                title: 'Answered within target',
                value: k.shareUnderTarget === null ? null : k.shareUnderTarget * 100,
                max: 100,
                target: band === undefined ? null : band.high * 100,
                bands:
                  band === undefined
                    ? []
                    : [
                        [0, band.low * 100, 'bad'],
                        [band.low * 100, band.high * 100, 'warn'],
                        [band.high * 100, 100, 'good'],
                      ],
                suffix: ' %',
                format: '.1f',
                emptyText: NO_LEADS,
              })
            }
          />
        </Panel>
        {/* Issue 16: the open leads to answer first, by their chance to convert and their worth;
            beside the charts on a wide screen (styles/intelligence.css), under them otherwise. */}
        <Panel
          title="Call first"
          subtitle={callFirstSubtitle(callFirst)}
          className="table-panel call-first-side"
          testId="call-first-panel"
        >
          <CallFirstTable result={callFirst} compact />
        </Panel>
      </div>
    </>
  )
}

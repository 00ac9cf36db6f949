import type { DashboardData, LeadResponseStats } from '../../../shared/api/index.ts'
import { basisLabel, formatInteger, formatKpiValue } from '../lib/format.ts'
import { KpiCard } from './kpi-card.tsx'

const NO_LEADS = 'No leads in this range'

interface LeadResponseKpisProps {
  /** null until the first answer arrives. */
  readonly kpi: LeadResponseStats | null
  /** The registry's definitions that came with the answer (labels, basis, display). */
  readonly defs: DashboardData['kpis'] | undefined
}

/** The three lead-response cards. */
export function LeadResponseKpis({ kpi, defs }: LeadResponseKpisProps) {
  const empty = kpi !== null && (kpi.noData || kpi.leads === 0)
  const leads =
    kpi === null ? '' : `${formatInteger(kpi.leads)} ${kpi.leads === 1 ? 'lead' : 'leads'}`

  const average = kpi?.averageSeconds ?? null
  const share = kpi?.shareUnderTarget ?? null
  const over = kpi === null || empty ? null : kpi.overTarget
  const averageDef = defs?.averageResponseSeconds
  const shareDef = defs?.shareUnderTarget

  // The registry's bands judge the share (kpi.status, on the shown rounding); the page colours it.
  const shareTone =
    kpi?.status === 'excellent'
      ? 'good'
      : kpi?.status === 'needs improvement'
        ? 'warn'
        : kpi?.status === 'poor'
          ? 'bad'
          : 'neutral'

  return (
    <section className="kpi-grid" aria-label="Lead response">
      <KpiCard
        testId="kpi-average-response"
        label={averageDef?.label ?? '\u00a0'}
        {...(averageDef ? { basis: basisLabel(averageDef) } : {})}
        display={average === null || !averageDef ? null : formatKpiValue(averageDef, average)}
        raw={average}
        emptyText={kpi === null ? null : empty ? NO_LEADS : 'No lead answered yet'}
        context={
          kpi === null
            ? '\u00a0'
            : empty
              ? 'Nothing was created in the selected days'
              : `over ${formatInteger(kpi.responded)} answered of ${leads}`
        }
      />
      <KpiCard
        testId="kpi-share-under-target"
        label={kpi === null ? 'Answered within target' : `Answered within ${kpi.targetSeconds} s`}
        {...(shareDef ? { basis: basisLabel(shareDef) } : {})}
        display={share === null || !shareDef ? null : formatKpiValue(shareDef, share)}
        raw={share}
        emptyText={kpi === null ? null : NO_LEADS}
        tone={shareTone}
        context={kpi === null || empty ? '\u00a0' : `${formatInteger(kpi.underTarget)} of ${leads}`}
      >
        <div className="meter" aria-hidden="true">
          {share !== null && (
            <span className="meter-fill" style={{ width: `${Math.round(share * 1000) / 10}%` }} />
          )}
        </div>
      </KpiCard>
      <KpiCard
        testId="kpi-over-target"
        label="Leads over target"
        display={over === null ? null : formatInteger(over)}
        raw={over}
        emptyText={kpi === null ? null : NO_LEADS}
        tone={over === null || over === 0 ? 'neutral' : 'warn'}
        context={
          kpi === null || empty
            ? '\u00a0'
            : `of ${leads}, ${formatInteger(kpi.neverResponded)} never answered`
        }
      />
    </section>
  )
}

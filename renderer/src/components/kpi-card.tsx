import type { ReactNode } from 'react'
import '../styles/kpi-card.css'

interface KpiCardProps {
  readonly testId: string
  readonly label: string
  /**
   * What the number counts, from the registry ("by lead date" / "by close date"): Overview's
   * deals won by lead date and Trends' by close date differ for the same days, and say why.
   */
  readonly basis?: string
  /** The formatted number; null shows `emptyText` (or a placeholder while nothing arrived). */
  readonly display: string | null
  /** The unformatted value for tests and exports; '' when there is none. */
  readonly raw: number | null
  readonly emptyText: string | null
  readonly context: ReactNode
  readonly tone?: 'neutral' | 'good' | 'warn' | 'bad'
  /** Set when the number is still rising because its leads are young (CohortMaturity). */
  readonly maturing?: ReactNode
  readonly children?: ReactNode
}

export function KpiCard({
  testId,
  label,
  basis,
  display,
  raw,
  emptyText,
  context,
  tone = 'neutral',
  maturing,
  children,
}: KpiCardProps) {
  const pending = display === null && emptyText === null
  return (
    <article
      className={`kpi-card kpi-tone-${tone}`}
      data-testid={testId}
      data-value={raw === null ? '' : String(raw)}
      data-basis={basis ?? ''}
      data-maturing={maturing === undefined || maturing === null ? 'false' : 'true'}
      aria-busy={pending}
    >
      <h2 className="kpi-label">
        {label}
        {basis !== undefined && <span className="kpi-basis"> · {basis}</span>}
      </h2>
      {display !== null ? (
        <p className="kpi-value">{display}</p>
      ) : emptyText !== null ? (
        <p className="kpi-empty">{emptyText}</p>
      ) : (
        <p className="kpi-value kpi-placeholder" aria-label="Loading">
          —
        </p>
      )}
      {children}
      <p className="kpi-context">
        {maturing !== undefined && maturing !== null && (
          <span className="kpi-maturing" data-testid="kpi-maturing">
            <span className="kpi-maturing-badge">maturing</span>
            {maturing}
          </span>
        )}
        {context}
      </p>
    </article>
  )
}

import type { ReactNode } from 'react'

interface KpiCardProps {
  readonly testId: string
  readonly label: string
  /** The formatted number; null shows `emptyText` (or a placeholder while nothing arrived). */
  readonly display: string | null
  /** The unformatted value for tests and exports; '' when there is none. */
  readonly raw: number | null
  readonly emptyText: string | null
  readonly context: ReactNode
  readonly tone?: 'neutral' | 'good' | 'warn' | 'bad'
  readonly children?: ReactNode
}

export function KpiCard({
  testId,
  label,
  display,
  raw,
  emptyText,
  context,
  tone = 'neutral',
  children,
}: KpiCardProps) {
  const pending = display === null && emptyText === null
  return (
    <article
      className={`kpi-card kpi-tone-${tone}`}
      data-testid={testId}
      data-value={raw === null ? '' : String(raw)}
      aria-busy={pending}
    >
      <h2 className="kpi-label">{label}</h2>
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
      <p className="kpi-context">{context}</p>
    </article>
  )
}

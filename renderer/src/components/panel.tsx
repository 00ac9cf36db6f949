import type { ReactNode } from 'react'

interface PanelProps {
  readonly title: string
  readonly subtitle?: ReactNode
  readonly testId?: string
  readonly className?: string
  readonly children?: ReactNode
}

export function Panel({ title, subtitle, testId, className, children }: PanelProps) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  return (
    <section
      className={className === undefined ? 'panel' : `panel ${className}`}
      aria-labelledby={id}
      data-testid={testId}
    >
      <header className="panel-header">
        <h2 id={id}>{title}</h2>
        {subtitle !== undefined && <span className="panel-subtitle">{subtitle}</span>}
      </header>
      {children}
    </section>
  )
}

/** What a KPI shows when its inputs are empty: words, never a 0 or NaN passed off as a value. */
export function NoData({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="no-data" data-testid={testId ?? 'no-data'}>
      {children}
    </p>
  )
}

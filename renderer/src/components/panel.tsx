import { useContext, type ReactNode } from 'react'
import { useApiRefresh } from '../api/client.ts'
import { ErrorBoundary, FailedPart, PartFailureContext } from './error-boundary.tsx'
import { ChartContext } from './plotly-chart.tsx'

interface PanelProps {
  readonly title: string
  readonly subtitle?: ReactNode
  readonly testId?: string
  readonly className?: string
  readonly children?: ReactNode
}

export function Panel({ title, subtitle, testId, className, children }: PanelProps) {
  const refresh = useApiRefresh()
  const failed = useContext(PartFailureContext)
  // The page's current answer: a panel broken by one answer tries the next by itself.
  const answer = useContext(ChartContext)?.token
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
      {/* One panel that throws (a chart, a table) says so and offers a retry; the rest of the
          page goes on working. Retry asks for the data again and draws it once it is here. */}
      <ErrorBoundary
        resetKey={answer}
        onRetry={refresh}
        {...(failed === null ? {} : { onError: failed })}
        fallback={(error, retry) => (
          <FailedPart what="This panel" error={error} retry={retry} testId="panel-failed" />
        )}
      >
        {children}
      </ErrorBoundary>
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

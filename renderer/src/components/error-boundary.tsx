import { Component, createContext, type ReactNode } from 'react'
import '../styles/live.css'

/** Marks "no retry under way" (children can be any node, `undefined` included). */
const IDLE: unique symbol = Symbol('idle')

/**
 * Told of every part of the page that failed and shows its retry (a panel). A screen nobody
 * clicks (wall mode) provides it to heal by itself, e.g. by remounting the view.
 */
export const PartFailureContext = createContext<((error: Error) => void) | null>(null)

interface BoundaryProps {
  readonly children?: ReactNode
  /** What is shown instead of the children once they threw. */
  readonly fallback: (error: Error, retry: () => void) => ReactNode
  /** Called by `retry` before the children render again (ask for fresh data). */
  readonly onRetry?: () => void
  /** Told once per failure, after it is on screen. */
  readonly onError?: (error: Error) => void
}

interface BoundaryState {
  readonly error: Error | null
  /**
   * After a retry: the children it rendered again. If they throw once more (the data that broke
   * them is still on screen), the next children the parent passes — a fresh answer — are tried
   * again by themselves; a render that commits ends the retry.
   */
  readonly retrying: ReactNode | typeof IDLE
}

const asError = (thrown: unknown): Error =>
  thrown instanceof Error ? thrown : new Error(String(thrown))

/**
 * React's error boundary (a class: there is no hook for it): a render or effect that throws
 * below shows `fallback` instead of unmounting the whole page.
 */
export class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, retrying: IDLE }

  static getDerivedStateFromError(thrown: unknown): Partial<BoundaryState> {
    return { error: asError(thrown) }
  }

  static getDerivedStateFromProps(
    props: BoundaryProps,
    state: BoundaryState,
  ): Partial<BoundaryState> | null {
    if (state.error !== null && state.retrying !== IDLE && props.children !== state.retrying) {
      return { error: null, retrying: props.children }
    }
    return null
  }

  override componentDidCatch(error: unknown): void {
    this.props.onError?.(asError(error))
  }

  override componentDidUpdate(): void {
    if (this.state.error === null && this.state.retrying !== IDLE) this.setState({ retrying: IDLE })
  }

  readonly retry = (): void => {
    this.props.onRetry?.()
    this.setState({ error: null, retrying: this.props.children })
  }

  override render(): ReactNode {
    const { error } = this.state
    return error === null ? this.props.children : this.props.fallback(error, this.retry)
  }
}

/** The sentence a failed part of the page shows: what failed, why, and a way to try again. */
export function FailedPart({
  what,
  error,
  retry,
  testId,
}: {
  what: string
  error: Error
  retry: () => void
  testId: string
}) {
  return (
    <div className="part-failed" role="alert" data-testid={testId}>
      <p>
        {what} failed:{' '}
        <span className="part-failed-message">{error.message || 'unknown error'}</span>
      </p>
      <button type="button" className="button button-small" onClick={retry}>
        Retry
      </button>
    </div>
  )
}

/**
 * The page's last line: whatever throws above every other boundary leaves a sentence and a
 * reload button, never a blank page.
 */
export function PageBoundary({ children }: { children?: ReactNode }) {
  return (
    <ErrorBoundary
      fallback={(error) => (
        <main className="page-failed" data-testid="page-failed">
          <h1>Watchfloor</h1>
          <div className="part-failed" role="alert">
            <p>
              The page failed:{' '}
              <span className="part-failed-message">{error.message || 'unknown error'}</span>
            </p>
            <button type="button" className="button" onClick={() => window.location.reload()}>
              Reload
            </button>
          </div>
        </main>
      )}
    >
      {children}
    </ErrorBoundary>
  )
}

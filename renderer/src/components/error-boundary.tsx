import { Component, createContext, type ReactNode } from 'react'
import '../styles/live.css'

/**
 * Told of every part of the page that failed and shows its retry (a panel). A screen nobody
 * clicks (wall mode) provides it to heal by itself, e.g. by remounting the view.
 */
export const PartFailureContext = createContext<((error: Error) => void) | null>(null)

interface BoundaryProps {
  readonly children?: ReactNode
  /** What is shown instead of the children once they threw. */
  readonly fallback: (error: Error, retry: (() => void) | null) => ReactNode
  /**
   * The data the children draw (compared by identity), such as the page's current answer. A new
   * one is tried again by itself, so a part broken by one bad answer heals with the next (a wall
   * screen nobody clicks). Without it, a retry renders the children again at once.
   */
  readonly resetKey?: unknown
  /** Called by `retry` (ask for fresh data); the children render again when it arrives. */
  readonly onRetry?: () => void
  /** Told once per failure, after it is on screen. */
  readonly onError?: (error: Error) => void
}

interface BoundaryState {
  readonly error: Error | null
  /** The `resetKey` of the last render: while failed, the data that broke it. */
  readonly key: unknown
  /** A retry is waiting for data other than `key`. */
  readonly retrying: boolean
}

const asError = (thrown: unknown): Error =>
  thrown instanceof Error ? thrown : new Error(String(thrown))

/**
 * React's error boundary (a class: there is no hook for it): a render or effect that throws
 * below shows `fallback` instead of unmounting the whole page.
 *
 * A retry does not render the same data again: a failing part re-renders its page (a chart
 * leaves the readiness count), and re-trying on every render would loop on the data that broke
 * it. It waits for the answer `onRetry` asked for instead.
 */
export class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, key: this.props.resetKey, retrying: false }

  static getDerivedStateFromError(thrown: unknown): Partial<BoundaryState> {
    return { error: asError(thrown) }
  }

  static getDerivedStateFromProps(
    props: BoundaryProps,
    state: BoundaryState,
  ): Partial<BoundaryState> | null {
    if (props.resetKey === state.key) return null
    return state.error === null
      ? { key: props.resetKey }
      : { key: props.resetKey, error: null, retrying: false }
  }

  override componentDidCatch(error: unknown): void {
    this.props.onError?.(asError(error))
  }

  readonly retry = (): void => {
    this.props.onRetry?.()
    if (this.props.resetKey === undefined) this.setState({ error: null })
    else this.setState({ retrying: true })
  }

  override render(): ReactNode {
    const { error, retrying } = this.state
    return error === null
      ? this.props.children
      : this.props.fallback(error, retrying ? null : this.retry)
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
  retry: (() => void) | null
  testId: string
}) {
  return (
    <div className="part-failed" role="alert" data-testid={testId}>
      <p>
        {what} failed:{' '}
        <span className="part-failed-message">{error.message || 'unknown error'}</span>
      </p>
      <button
        type="button"
        className="button button-small"
        disabled={retry === null}
        onClick={retry ?? undefined}
      >
        {retry === null ? 'Retrying…' : 'Retry'}
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

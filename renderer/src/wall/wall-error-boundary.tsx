import { Component, type ErrorInfo, type ReactNode } from 'react'

interface Props {
  /** The view failed to render; the wall decides when to mount it again. */
  readonly onError: (error: unknown) => void
  readonly children?: ReactNode
}

interface State {
  readonly failed: boolean
}

/**
 * Keeps a render error inside the view: the wall's clock, status and rotation stay up, and the
 * wall mounts the view again (a new `key`) rather than showing a blank page until someone
 * comes.
 */
export class WallErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false }

  static getDerivedStateFromError(): State {
    return { failed: true }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('watchfloor wall: a view failed to render', error, info.componentStack)
    this.props.onError(error)
  }

  override render(): ReactNode {
    if (this.state.failed) {
      return (
        <p className="wall-recovering" data-testid="wall-recovering">
          This view could not be drawn. Trying again…
        </p>
      )
    }
    return this.props.children
  }
}

import type { PageError } from '../lib/page-state.ts'

export type { PageError }

export function ErrorBanner({
  errors,
  onRetry,
}: {
  errors: readonly PageError[]
  onRetry: () => void
}) {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div className="error-banner-body">
        <strong className="error-banner-title">
          {errors.length === 1 ? 'Something went wrong' : `${errors.length} problems`}
        </strong>
        <ul>
          {errors.map((error, index) => (
            <li key={index}>
              {error.context}: <span className="error-message">{error.message}</span>
              {error.code !== undefined && <code className="error-code">{error.code}</code>}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className="button" onClick={onRetry} data-testid="error-retry">
        Retry
      </button>
    </div>
  )
}

/** A link that was not fully understood: what was ignored, and a way to put the notice away. */
export function UrlNotice({
  problems,
  onDismiss,
}: {
  problems: readonly string[]
  onDismiss: () => void
}) {
  return (
    <div className="notice" role="status" data-testid="url-notice">
      <p>
        <strong>This link was not fully understood:</strong> {problems.join('; ')}.
      </p>
      <button type="button" className="button button-small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  )
}

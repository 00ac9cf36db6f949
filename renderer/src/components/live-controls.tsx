import { useApiRefresh, useLiveUpdates } from '../api/client.ts'
import '../styles/live.css'

/**
 * Live updates on or off, what waits while they are off, and a refresh now. Paused, a sync's
 * `data.changed` no longer redraws anything (a person reading a number keeps it); resuming applies
 * what came meanwhile. Upstream alerts still arrive as toasts.
 */
export function LiveControls() {
  const { paused, waiting, setPaused } = useLiveUpdates()
  const refresh = useApiRefresh()
  return (
    <div className="live-controls" data-testid="live-controls">
      <button
        type="button"
        role="switch"
        aria-checked={!paused}
        className={paused ? 'live-switch live-switch-off' : 'live-switch'}
        data-testid="live-switch"
        title={paused ? 'Resume live updates' : 'Pause live updates'}
        onClick={() => setPaused(!paused)}
      >
        <span className="live-track" aria-hidden="true">
          <span className="live-thumb" />
        </span>
        Live updates
      </button>
      <span
        className="live-waiting"
        role="status"
        data-testid="live-waiting"
        data-waiting={waiting}
      >
        {paused && `Paused — ${waiting} ${waiting === 1 ? 'update' : 'updates'} waiting`}
      </span>
      <button
        type="button"
        className="live-refresh"
        data-testid="refresh-now"
        title="Ask for every number again now"
        onClick={refresh}
      >
        <span className="live-refresh-icon" aria-hidden="true">
          ↻
        </span>
        <span className="live-refresh-label">Refresh</span>
      </button>
    </div>
  )
}

// Where the stored intelligence stands (issue 16): when it was computed, how many leads syncs
// changed since (a recompute starts by itself past a threshold), a recompute under way with its
// progress, and a button to recompute now. Live from `intel.changed`; the core refuses the button
// to a role that may not recompute, and the sentence it gives is shown.
import { useEffect, useState } from 'react'
import type { IntelStatus } from '../../../shared/api/intelligence.ts'
import { toApiError, useApi, useApiClient } from '../api/client.ts'
import { formatDateTime, formatInteger, formatPercent } from '../lib/format.ts'

/** The status in words: what is running, or when the results were computed and what moved since. */
export function intelStatusText(status: IntelStatus): string {
  if (status.state === 'running') {
    const progress = status.total > 0 ? ` (${formatPercent(status.done / status.total)})` : ''
    return `Recomputing: ${status.phase}${progress}`
  }
  const parts: string[] = []
  if (status.state === 'failed') parts.push(`The last recompute failed: ${status.result ?? ''}`)
  parts.push(
    status.computedAt === null
      ? 'Not computed yet'
      : `Computed ${formatDateTime(status.computedAt)}`,
  )
  if (status.computedAt !== null && status.recomputeAfterChanges > 0)
    parts.push(
      `${formatInteger(status.changedSinceRecompute)} leads changed since (recomputed after ${formatInteger(status.recomputeAfterChanges)})`,
    )
  return parts.join(' · ')
}

export function IntelStatusBar() {
  const client = useApiClient()
  // Asked once; every change after that arrives as `intel.changed`.
  const asked = useApi('intel.status', {}, [], { dashboards: [] })
  const [live, setLive] = useState<IntelStatus | null>(null)
  useEffect(() => client.on('intel.changed', setLive), [client])
  const [refusal, setRefusal] = useState<string | null>(null)
  const status = live ?? asked.data
  if (status === null) return null
  const running = status.state === 'running'
  const recompute = (): void => {
    setRefusal(null)
    client
      .call('intel.recompute', { force: true })
      .then(setLive, (error: unknown) => setRefusal(toApiError(error).message))
  }
  return (
    <div className="intel-status" data-testid="intel-status" data-state={status.state}>
      <span role="status">{intelStatusText(status)}</span>
      <button
        type="button"
        className="button button-small"
        data-testid="intel-recompute"
        disabled={running}
        onClick={recompute}
      >
        {running ? 'Recomputing…' : 'Recompute now'}
      </button>
      {refusal !== null && <span className="cell-bad">{refusal}</span>}
    </div>
  )
}

import { useEffect, useRef, useState } from 'react'
import {
  MAINTENANCE_ACTIONS,
  MAINTENANCE_ACTION_TEXT,
  type MaintenanceAction,
  type MaintenanceJob,
  type MaintenanceStart,
} from '../../../shared/api/index.ts'
import { toApiError, useApi, useApiClient } from '../api/client.ts'
import { formatBytes, formatDateTime, formatInteger } from '../lib/format.ts'

/** The newer of two views of the jobs (an event may be ahead of the last status answer). */
function newer(a: MaintenanceJob | null, b: MaintenanceJob | null): MaintenanceJob | null {
  if (a === null) return b
  if (b === null) return a
  if (a.id !== b.id) return a.id > b.id ? a : b
  // The same job: an ended view is newer than a running one.
  return a.state !== 'running' ? a : b
}

/**
 * Admin maintenance (issue 11): re-sync one table, rebuild the rollups, compact the cache. Each
 * asks for confirmation, then shows the job's phase, its rows done of all, and its result. The
 * core runs one job at a time and refuses a second (and refuses everything to a LAN screen);
 * its sentence is shown as it comes.
 */
export function MaintenancePanel() {
  const client = useApiClient()
  const status = useApi('maintenance.status', {}, [])
  const [heard, setHeard] = useState<MaintenanceJob | null>(null)
  const [asked, setAsked] = useState<MaintenanceStart | null>(null)
  const [table, setTable] = useState('')
  const [refusal, setRefusal] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)
  const dialog = useRef<HTMLDialogElement>(null)

  useEffect(() => client.on('maintenance.progress', (job) => setHeard(job)), [client])
  useEffect(() => {
    const d = dialog.current
    if (d === null) return
    if (asked !== null && !d.open) d.showModal()
    if (asked === null && d.open) d.close()
  }, [asked])

  const job = newer(heard, status.data?.job ?? null)
  const running = job?.state === 'running'
  const tables = status.data?.tables ?? []
  const chosen = tables.includes(table) ? table : (tables[0] ?? '')
  const resyncUnavailable = status.data?.resyncUnavailable ?? null

  const start = (input: MaintenanceStart) => {
    setAsked(null)
    setRefusal(null)
    setStarting(true)
    client.call('maintenance.start', input).then(
      (started) => {
        setStarting(false)
        setHeard((h) => newer(h, started))
      },
      (error: unknown) => {
        setStarting(false)
        setRefusal(toApiError(error).message)
      },
    )
  }

  const ask = (action: MaintenanceAction) =>
    setAsked(action === 'resync' ? { action, table: chosen } : { action })

  return (
    <div className="maintenance" data-testid="maintenance">
      <div className="maintenance-actions">
        {MAINTENANCE_ACTIONS.map((action) => {
          const text = MAINTENANCE_ACTION_TEXT[action]
          const unavailable = action === 'resync' ? resyncUnavailable : null
          return (
            <div className="maintenance-action" key={action}>
              {action === 'resync' && tables.length > 0 && (
                <label className="maintenance-table">
                  <span>Table</span>
                  <select value={chosen} onChange={(e) => setTable(e.target.value)}>
                    {tables.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <button
                type="button"
                className="button"
                data-testid={`maintenance-${action}`}
                disabled={running || starting || unavailable !== null}
                onClick={() => ask(action)}
              >
                {text.label}
              </button>
              {unavailable !== null && (
                <p className="maintenance-note" data-testid={`maintenance-${action}-unavailable`}>
                  {unavailable}
                </p>
              )}
            </div>
          )
        })}
      </div>
      {refusal !== null && (
        <p className="maintenance-refused" role="alert" data-testid="maintenance-refused">
          {refusal}
        </p>
      )}
      {job !== null && <JobProgress job={job} />}
      <dialog
        ref={dialog}
        className="maintenance-dialog"
        aria-labelledby="maintenance-dialog-title"
        data-testid="maintenance-confirm"
        onClose={() => setAsked(null)}
      >
        {asked !== null && (
          <>
            <h3 id="maintenance-dialog-title">
              {MAINTENANCE_ACTION_TEXT[asked.action].label}
              {asked.table === undefined ? '' : `: ${asked.table}`}?
            </h3>
            <p>{MAINTENANCE_ACTION_TEXT[asked.action].confirm}</p>
            <div className="maintenance-dialog-buttons">
              <button type="button" className="button" onClick={() => setAsked(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-primary"
                data-testid="maintenance-confirm-start"
                onClick={() => start(asked)}
              >
                Start
              </button>
            </div>
          </>
        )}
      </dialog>
    </div>
  )
}

function JobProgress({ job }: { job: MaintenanceJob }) {
  const what = `${MAINTENANCE_ACTION_TEXT[job.action].label}${job.table === null ? '' : ` (${job.table})`}`
  const counted = job.done !== null && job.total !== null && job.total > 0
  return (
    <div
      className={`maintenance-job maintenance-job-${job.state}`}
      data-testid="maintenance-job"
      data-job-state={job.state}
      data-job-action={job.action}
      role="status"
    >
      <p className="maintenance-job-head">
        <strong>{what}</strong> · {job.state === 'running' ? job.phase : job.state} · started{' '}
        {formatDateTime(job.startedAt)}
      </p>
      {job.state === 'running' && counted && (
        <p className="maintenance-count">
          <progress value={Math.min(job.done ?? 0, job.total ?? 0)} max={job.total ?? 0} />{' '}
          {formatInteger(job.done ?? 0)} of {formatInteger(job.total ?? 0)} rows
        </p>
      )}
      {job.state === 'running' && !counted && <progress aria-label={job.phase} />}
      {job.result !== null && (
        <p className="maintenance-result" data-testid="maintenance-result">
          {job.result}
          {job.freedBytes !== null && ` ${formatBytes(job.freedBytes)} freed.`}
        </p>
      )}
    </div>
  )
}

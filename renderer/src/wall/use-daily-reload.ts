import { useEffect, useState } from 'react'
import { reloadDueAt, reloadsAtBoundary } from './daily-reload.ts'
import type { RotationSlot } from './rotation.ts'
import { hostAnswers } from './use-self-healing.ts'

/**
 * Reloads the wall once a day (daily-reload.ts says when): at the first rotation boundary once
 * it is due with no alert in the banner, and only if the host answers (else the browser's error
 * page would replace the wall); a boundary that does not qualify leaves it to the next one.
 * Returns when it is due (null: never), for the wall's `data-reload-due`.
 */
export function useDailyReload(
  reloadMinutes: number | null,
  slot: RotationSlot,
  alertsShown: number,
): number | null {
  const [loadedAt] = useState(() => Date.now())
  const dueAt = reloadMinutes === null ? null : reloadDueAt(loadedAt, reloadMinutes)
  // Decided once per boundary, when the slot changes (React's "adjust state when a prop
  // changes"): an alert that clears in the middle of a view waits for the next one.
  const [boundary, setBoundary] = useState(slot.slot)
  const [reloading, setReloading] = useState(false)
  if (slot.slot !== boundary) {
    setBoundary(slot.slot)
    if (!reloading && dueAt !== null && reloadsAtBoundary(slot.startedAt, dueAt, alertsShown)) {
      setReloading(true)
    }
  }
  useEffect(() => {
    if (!reloading) return
    let cancelled = false
    void hostAnswers().then((served) => {
      if (cancelled) return
      if (!served) {
        setReloading(false)
        return
      }
      console.info('watchfloor wall: the daily reload')
      window.location.reload()
    })
    return () => {
      cancelled = true
    }
  }, [reloading])
  return dueAt
}

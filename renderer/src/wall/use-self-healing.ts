import { useEffect, useState } from 'react'
import {
  HEALTHY,
  MIN_RELOAD_GAP_MS,
  STABLE_AFTER_MS,
  afterCheck,
  forgetReloads,
  isUnrecovered,
  nextReloadAt,
  readHistory,
  recordReload,
} from './self-heal.ts'

/** The last answer of the status check the wall polls: an error means the host did not answer. */
export interface HostCheck {
  readonly data: unknown
  readonly error: unknown
  readonly loading: boolean
}

/** Whether the page (its own address, same origin) is served right now. */
export async function hostAnswers(): Promise<boolean> {
  try {
    const response = await fetch(window.location.href, {
      cache: 'no-store',
      credentials: 'same-origin',
      signal: AbortSignal.timeout(10_000),
    })
    return response.ok
  } catch {
    return false
  }
}

/**
 * Watches the status checks and the view's render failures, and reloads the page once neither
 * the bridge's reconnect nor a remount has helped (self-heal.ts says when). Returns whether the
 * host is failing its checks now, for the wall's "Offline" marker.
 */
export function useSelfHealing(check: HostCheck, renderFailuresExhausted: boolean, now: number) {
  const [health, setHealth] = useState(HEALTHY)
  // Each settled check is a new `data` (answered) or `error` (not) object: count it once, in
  // render (React's "adjust state when a prop changes"), timed by the page's clock.
  const [counted, setCounted] = useState<HostCheck | null>(null)
  const { data, error, loading } = check
  if (!loading && (counted === null || counted.data !== data || counted.error !== error)) {
    setCounted({ data, error, loading })
    setHealth(afterCheck(health, error === null, now))
  }

  const stuck = isUnrecovered(health, now) || renderFailuresExhausted
  useEffect(() => {
    if (!stuck) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const attempt = async (): Promise<void> => {
      const wait = nextReloadAt(readHistory(window.sessionStorage)) - Date.now()
      if (wait > 0) {
        timer = setTimeout(() => void attempt(), wait)
        return
      }
      const served = await hostAnswers()
      if (cancelled) return
      if (!served) {
        timer = setTimeout(() => void attempt(), MIN_RELOAD_GAP_MS)
        return
      }
      const history = recordReload(window.sessionStorage, Date.now())
      console.warn(`watchfloor wall: not recovered; reloading (reload ${history.count} in a row)`)
      window.location.reload()
    }
    void attempt()
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [stuck])

  // Well for a while: the next trouble starts a fresh series of reloads, from the shortest gap.
  const well = health.failingSince === null && !renderFailuresExhausted
  useEffect(() => {
    if (!well) return
    const timer = setTimeout(() => forgetReloads(window.sessionStorage), STABLE_AFTER_MS)
    return () => clearTimeout(timer)
  }, [well])

  return { offline: health.failingSince !== null }
}

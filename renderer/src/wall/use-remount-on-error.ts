import { useEffect, useState } from 'react'
import { useApiRefresh } from '../api/client.ts'
import {
  REMOUNT_AFTER_MS,
  RENDER_FAILURES_BEFORE_RELOAD,
  RENDER_STABLE_AFTER_MS,
} from './self-heal.ts'

export interface Remount {
  /** Part of the view's key: a new value mounts it afresh. */
  readonly mount: number
  /** The error boundary's report. */
  readonly failed: () => void
  /** Remounting has not helped: time to reload (self-heal.ts). */
  readonly exhausted: boolean
}

/**
 * A view that failed to render is mounted again after a pause, with fresh answers (a bad
 * answer may have been the cause). Failures in a row count toward a reload; a view that then
 * stays up for a while clears the count.
 */
export function useRemountOnError(): Remount {
  const refresh = useApiRefresh()
  const [failures, setFailures] = useState(0)
  const [broken, setBroken] = useState(false)
  const [mount, setMount] = useState(0)

  useEffect(() => {
    if (!broken) return
    const timer = setTimeout(() => {
      setBroken(false)
      setMount((m) => m + 1)
      refresh()
    }, REMOUNT_AFTER_MS)
    return () => clearTimeout(timer)
  }, [broken, refresh])

  useEffect(() => {
    if (broken || failures === 0) return
    const timer = setTimeout(() => setFailures(0), RENDER_STABLE_AFTER_MS)
    return () => clearTimeout(timer)
  }, [broken, failures])

  const failed = (): void => {
    setBroken(true)
    setFailures((n) => n + 1)
  }
  return { mount, failed, exhausted: failures >= RENDER_FAILURES_BEFORE_RELOAD }
}

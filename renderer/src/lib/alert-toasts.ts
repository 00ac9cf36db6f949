import type { UpstreamAlert } from '../../../shared/api/index.ts'

/** Alerts arriving this close together are one burst: one toast. */
export const BURST_MS = 5_000

/** One toast: one alert, or a burst of them, newest first. */
export interface AlertToast {
  readonly key: string
  readonly alerts: readonly UpstreamAlert[]
  /** When its first alert was shown (page clock, ms). */
  readonly since: number
}

/** Folds newly seen alerts (newest first) into the toasts: into the newest one while its burst lasts. */
export function withNewAlerts(
  toasts: readonly AlertToast[],
  fresh: readonly UpstreamAlert[],
  now: number,
): AlertToast[] {
  if (fresh.length === 0) return [...toasts]
  const last = toasts.at(-1)
  if (last !== undefined && now - last.since < BURST_MS) {
    return [...toasts.slice(0, -1), { ...last, alerts: [...fresh, ...last.alerts] }]
  }
  return [...toasts, { key: fresh[0]?.id ?? String(now), alerts: fresh, since: now }]
}

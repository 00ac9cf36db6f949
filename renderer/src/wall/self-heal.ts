// How a wall screen recovers with nobody in the room (issue 11). The WebSocket bridge already
// reconnects on its own and, once back, tells every screen to refetch
// (api/websocket-bridge.ts); a render error remounts the view. What is left is the case
// neither heals: the page itself is stuck. Then the wall reloads its own address, which keeps
// wall mode and the playlist, but never in a loop: each reload in a row waits twice as long as
// the one before, and the first waits for the host to answer, since a reload while the host is
// down would leave the browser's own error page, which never retries.

/** A wall that has not recovered this long after its first failure reloads. */
export const RECOVERY_BOUND_MS = 60_000
/** ...and only after this many failed checks in a row (a clock jump is not a failure). */
export const FAILED_CHECKS_BEFORE_RELOAD = 3
/** The shortest gap between two reloads in a row; doubled for each further one. */
export const MIN_RELOAD_GAP_MS = 30_000
export const MAX_RELOAD_GAP_MS = 15 * 60_000
/** Healthy this long after a reload, and the next trouble starts a new series. */
export const STABLE_AFTER_MS = 10 * 60_000
/** A view that fails to render is mounted again after this long. */
export const REMOUNT_AFTER_MS = 5_000
/** A remounted view that stays up this long no longer counts its earlier failures. */
export const RENDER_STABLE_AFTER_MS = 60_000
/** A view that failed this many times in a row is past remounting: reload. */
export const RENDER_FAILURES_BEFORE_RELOAD = 3

const STORAGE_KEY = 'watchfloor.wall.reloads'

/** The wall's own reloads in a row, kept in sessionStorage (it survives the reload). */
export interface ReloadHistory {
  readonly count: number
  readonly lastAt: number
}

/** Consecutive failed checks of the host, and since when. */
export interface ConnectionHealth {
  readonly failedChecks: number
  readonly failingSince: number | null
}

export const HEALTHY: ConnectionHealth = { failedChecks: 0, failingSince: null }

export function afterCheck(health: ConnectionHealth, ok: boolean, now: number): ConnectionHealth {
  if (ok) return HEALTHY
  return { failedChecks: health.failedChecks + 1, failingSince: health.failingSince ?? now }
}

export function isUnrecovered(health: ConnectionHealth, now: number): boolean {
  return (
    health.failingSince !== null &&
    health.failedChecks >= FAILED_CHECKS_BEFORE_RELOAD &&
    now - health.failingSince >= RECOVERY_BOUND_MS
  )
}

/** The gap to keep after the `count`-th reload in a row (1-based). */
export function reloadGapMs(count: number): number {
  if (count <= 0) return 0
  return Math.min(MAX_RELOAD_GAP_MS, MIN_RELOAD_GAP_MS * 2 ** (count - 1))
}

/** The earliest moment the next reload may happen. */
export function nextReloadAt(history: ReloadHistory | null): number {
  return history === null ? Number.NEGATIVE_INFINITY : history.lastAt + reloadGapMs(history.count)
}

export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export function readHistory(storage: StorageLike): ReloadHistory | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null')
    if (typeof value !== 'object' || value === null) return null
    const { count, lastAt } = value as Record<string, unknown>
    return typeof count === 'number' && typeof lastAt === 'number' ? { count, lastAt } : null
  } catch {
    return null
  }
}

export function recordReload(storage: StorageLike, now: number): ReloadHistory {
  const history = { count: (readHistory(storage)?.count ?? 0) + 1, lastAt: now }
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(history))
  } catch {
    // Without storage the gap cannot be kept across reloads; the recovery bound still holds.
  }
  return history
}

export function forgetReloads(storage: StorageLike): void {
  try {
    storage.removeItem(STORAGE_KEY)
  } catch {
    // Nothing kept, nothing to forget.
  }
}

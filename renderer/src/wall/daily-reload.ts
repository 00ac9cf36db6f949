// A wall's daily fresh start (issue 11: a wall runs for months). Whatever a page keeps growing
// — V8's compiled code levels off within the first rounds of the playlist (the wall soak,
// tests/bench/wall-soak.ts), but a browser's own caches, a library's, or a leak nobody has found
// yet do not have to — a wall that reloads itself once a day at a quiet hour holds at most a
// day of it. The reload is never a disturbance: only at a rotation boundary (the next view
// would change the screen anyway), never while the alert banner shows something, and only once
// the host answers; the page's code then comes from the browser's cache (the host serves its
// assets immutable) and the view from the local core in a fraction of a second.
//
// `?mode=wall&reload=04:00` (local time, the default) or `reload=off`.

/** Minutes past local midnight at which a wall reloads, unless its address says otherwise. */
export const DEFAULT_RELOAD_MINUTES = 4 * 60
/**
 * A page up for less than this does not reload yet: a wall started a little before the hour
 * keeps its fresh page until the next day's.
 */
export const MIN_UPTIME_MS = 60 * 60_000

export type ReloadReading =
  | { readonly ok: true; readonly minutes: number | null }
  | { readonly ok: false; readonly notice: string }

/** "04:00", "4:30", "23:59" (local time of day), or "off". */
export function parseReloadAt(text: string): ReloadReading {
  const trimmed = text.trim().toLowerCase()
  if (trimmed === 'off') return { ok: true, minutes: null }
  const match = /^(\d{1,2}):(\d{2})$/.exec(trimmed)
  const hours = Number(match?.[1])
  const minutes = Number(match?.[2])
  if (match === null || hours > 23 || minutes > 59) {
    return { ok: false, notice: `reload "${text}" is not a time of day (04:00) or "off"` }
  }
  return { ok: true, minutes: hours * 60 + minutes }
}

/** The time of day as the address writes it: "04:00". */
export function formatReloadAt(minutes: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}

/**
 * When a page loaded at `loadedAt` is due for its reload: the first time `minutes` past local
 * midnight comes at least MIN_UPTIME_MS after the load (a day, give or take a daylight saving
 * change, after the last reload).
 */
export function reloadDueAt(loadedAt: number, minutes: number): number {
  const earliest = new Date(loadedAt + MIN_UPTIME_MS)
  const at = (dayOffset: number): number =>
    new Date(
      earliest.getFullYear(),
      earliest.getMonth(),
      earliest.getDate() + dayOffset,
      Math.floor(minutes / 60),
      minutes % 60,
    ).getTime()
  const today = at(0)
  return today >= earliest.getTime() ? today : at(1)
}

/**
 * Whether the view that went up at `boundaryAt` is the moment to reload: the reload is due,
 * and nothing on screen (an alert in the banner) asks to be read.
 */
export function reloadsAtBoundary(boundaryAt: number, dueAt: number, alertsShown: number): boolean {
  return boundaryAt >= dueAt && alertsShown === 0
}

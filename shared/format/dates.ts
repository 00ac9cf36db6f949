// Dates and times as Watchfloor writes them, on the page and in exports. The page reads times in
// the viewer's zone (no zone given: the runtime's own); an export names the filters' zone, so a
// report made by the CLI at 6 a.m. on a server in UTC still reads as the viewer's screen does.
import type { Comparison } from '../api/index.ts'
import { LOCALE, formatInteger } from './numbers.ts'

const dateTimes = new Map<string, Intl.DateTimeFormat>()
const times = new Map<string, Intl.DateTimeFormat>()
const localDays = new Map<string, Intl.DateTimeFormat>()

/** One formatter per zone ('' = the runtime's own zone), made once. */
function inZone(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = timeZone ?? ''
  let f = cache.get(key)
  if (f === undefined) {
    f = new Intl.DateTimeFormat(LOCALE, timeZone === undefined ? options : { ...options, timeZone })
    cache.set(key, f)
  }
  return f
}

const calendarDay = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' })
const calendarMonth = new Intl.DateTimeFormat(LOCALE, {
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

/** An instant as "Mar 5, 2025, 2:07 PM", in `timeZone` (by default the runtime's). */
export function formatDateTime(iso: string, timeZone?: string): string {
  return inZone(dateTimes, timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  )
}

/** An instant's time of day as "2:07 PM", in `timeZone` (by default the runtime's). */
export function formatTime(iso: string, timeZone?: string): string {
  return inZone(times, timeZone, { timeStyle: 'short' }).format(new Date(iso))
}

/** A `YYYY-MM-DD` day as "Mar 5, 2025" (read as a calendar day, not an instant). */
export function formatDay(day: string): string {
  return calendarDay.format(new Date(`${day}T00:00:00Z`))
}

/** A `YYYY-MM` month as "March 2025" (the Revenue tab's month card). */
export function formatMonth(month: string): string {
  return calendarMonth.format(new Date(`${month}-01T00:00:00Z`))
}

/** How old something is: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(iso: string, now: number): string {
  const ms = now - Date.parse(iso)
  if (!(ms >= 60_000)) return 'just now'
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  const days = Math.floor(hours / 24)
  return `${formatInteger(days)} days ago`
}

/** A cache's age in whole days, with the day it is from: "Data as of Nov 1, 2026, 29 days old". */
export function formatDataAge(iso: string, days: number, timeZone?: string): string {
  const day = inZone(localDays, timeZone, { dateStyle: 'medium' }).format(new Date(iso))
  return `Data as of ${day}, ${formatInteger(days)} ${days === 1 ? 'day' : 'days'} old`
}

/** How far ahead: "in 40 s", "in 3 min". */
export function formatIn(iso: string, now: number): string {
  const ms = Date.parse(iso) - now
  if (!(ms > 0)) return 'now'
  if (ms < 60_000) return `in ${Math.ceil(ms / 1000)} s`
  return `in ${Math.ceil(ms / 60_000)} min`
}

/** Inclusive local days as "Mar 5, 2025" or "Feb 1, 2026 – Mar 13, 2026". */
export function formatDayRange(range: { readonly from: string; readonly to: string }): string {
  return range.from === range.to
    ? formatDay(range.from)
    : `${formatDay(range.from)} – ${formatDay(range.to)}`
}

/** What a change is against: "Jan 1, 2025 – Mar 13, 2025, same days last year". */
export function formatComparison(c: Comparison): string {
  return `${formatDayRange(c.range)}, ${c.kind}`
}

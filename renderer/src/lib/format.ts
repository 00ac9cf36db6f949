/**
 * The UI copy is English, so numbers and dates use one English locale too: a screen never mixes
 * "1,234" with "1.234".
 */
const LOCALE = 'en-US'

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat(LOCALE, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
})
const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' })
const time = new Intl.DateTimeFormat(LOCALE, { timeStyle: 'short' })
const calendarDay = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: 'medium',
  timeZone: 'UTC',
})
/** The viewer's day of an instant. */
const localDay = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium' })

export function formatInteger(value: number): string {
  return integer.format(value)
}

/** A fraction (0.543) as "54.3 %". */
export function formatPercent(fraction: number): string {
  return `${oneDecimal.format(fraction * 100)} %`
}

/**
 * Response times in the unit the target is stated in: plain seconds below two minutes ("97 s"),
 * then minutes and seconds ("2 min 5 s"), then hours and minutes.
 */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds)
  if (seconds < 120) return `${seconds} s`
  if (seconds < 3600) {
    const s = seconds % 60
    return s === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${s} s`
  }
  const minutes = Math.round(seconds / 60)
  const m = minutes % 60
  return m === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${m} min`
}

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso))
}

export function formatTime(iso: string): string {
  return time.format(new Date(iso))
}

/** A `YYYY-MM-DD` day as "Mar 5, 2025" (read as a calendar day, not an instant). */
export function formatDay(day: string): string {
  return calendarDay.format(new Date(`${day}T00:00:00Z`))
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
export function formatDataAge(iso: string, days: number): string {
  const day = localDay.format(new Date(iso))
  return `Data as of ${day}, ${formatInteger(days)} ${days === 1 ? 'day' : 'days'} old`
}

/** How far ahead: "in 40 s", "in 3 min". */
export function formatIn(iso: string, now: number): string {
  const ms = Date.parse(iso) - now
  if (!(ms > 0)) return 'now'
  if (ms < 60_000) return `in ${Math.ceil(ms / 1000)} s`
  return `in ${Math.ceil(ms / 60_000)} min`
}

const money = new Intl.NumberFormat(LOCALE, {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
})
const compactMoney = new Intl.NumberFormat(LOCALE, {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  // Without a minimum, a currency keeps its own two decimals down to the maximum: "$640.0K".
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
})

/** Integer cents as whole dollars: "$12,340". */
export function formatMoney(cents: number): string {
  return money.format(cents / 100)
}

/** Cents for a card, where width is scarce: "$1.2M", "$640K", "$980". */
export function formatMoneyShort(cents: number): string {
  return Math.abs(cents) < 1_000_000 ? money.format(cents / 100) : compactMoney.format(cents / 100)
}

/** A signed change in percent of the previous value: "+12.3 %", "−4.0 %". */
export function formatChange(fraction: number): string {
  const text = `${oneDecimal.format(Math.abs(fraction) * 100)} %`
  return fraction > 0 ? `+${text}` : fraction < 0 ? `\u2212${text}` : text
}

/** A signed difference in percentage points: "+2.1 pt". */
export function formatPoints(fraction: number): string {
  const text = `${oneDecimal.format(Math.abs(fraction) * 100)} pt`
  return fraction > 0 ? `+${text}` : fraction < 0 ? `\u2212${text}` : text
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const

/** Bytes in binary units, one decimal from KB: "512 B", "38.4 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return unit === 0 ? `${integer.format(value)} B` : `${oneDecimal.format(value)} ${UNITS[unit]}`
}

/** A ratio as "1.8×" (deal size against target). */
export function formatRatio(ratio: number): string {
  return `${oneDecimal.format(ratio)}\u00d7`
}

// How a table cell and a report time read in the PDF: as the screen writes them (en-US, the
// conventions of renderer/src/lib/format.ts: "54.3 %", "1 min 52 s", "Mar 5, 2025"), times in
// the report's zone. A writer gets raw values typed by their column (report.ts, CellKind).
import type { Cell, CellKind } from './report.ts'

const LOCALE = 'en-US'

/** Kinds whose values are numbers: right-aligned in a table so digits line up. */
export const NUMERIC_KINDS: ReadonlySet<CellKind> = new Set([
  'integer',
  'decimal',
  'money',
  'fraction',
  'seconds',
])

/** A duration as the screen writes it: "97 s", "2 min 5 s", "3 h 10 min". */
export function formatSeconds(total: number): string {
  const seconds = Math.round(total)
  const sign = seconds < 0 ? '\u2212' : ''
  const s = Math.abs(seconds)
  if (s < 120) return `${sign}${s} s`
  if (s < 3600) {
    const rest = s % 60
    return `${sign}${Math.floor(s / 60)} min${rest === 0 ? '' : ` ${rest} s`}`
  }
  const minutes = Math.round(s / 60)
  const rest = minutes % 60
  return `${sign}${Math.floor(minutes / 60)} h${rest === 0 ? '' : ` ${rest} min`}`
}

/** The zone if Intl knows it, else UTC (and the report says which it used). */
export function usableTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone })
    return timeZone
  } catch {
    return 'UTC'
  }
}

/** Formatters made once per report: Intl formatters are slow to build and fast to use. */
export interface CellFormatter {
  cell(value: Cell, kind: CellKind): string
  /** An instant (ISO text or a Date) as "Nov 30, 2026, 9:41 AM" in the report's zone. */
  instant(value: string | Date): string
}

export function cellFormatter(timeZone: string): CellFormatter {
  const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 })
  const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 })
  const money = new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })
  const percent = new Intl.NumberFormat(LOCALE, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  })
  const day = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' })
  const dateTime = new Intl.DateTimeFormat(LOCALE, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: usableTimeZone(timeZone),
  })
  const instant = (value: string | Date | number): string => {
    const date = value instanceof Date ? value : new Date(value)
    return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date)
  }
  return {
    instant,
    cell(value, kind) {
      if (value === null || value === '') return '—'
      if (typeof value === 'string') {
        // A calendar day is read as a day, not an instant: no zone may move it.
        if (kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
          return day.format(new Date(`${value}T00:00:00Z`))
        }
        return value
      }
      if (!Number.isFinite(value)) return '—'
      switch (kind) {
        case 'integer':
          return integer.format(value)
        case 'money':
          return money.format(value)
        case 'fraction':
          return `${percent.format(value * 100)} %`
        case 'seconds':
          return formatSeconds(value)
        case 'datetime':
          return instant(value)
        case 'date':
          return day.format(new Date(value))
        case 'id':
          return String(value)
        case 'decimal':
        case 'text':
          return decimal.format(value)
      }
    },
  }
}

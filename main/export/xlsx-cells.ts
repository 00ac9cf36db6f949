// One cell of a worksheet as SpreadsheetML: typed by its column's kind, so
// numbers stay numbers, money and percentages carry their formats, and dates
// and times are Excel serials of the wall-clock time the screen shows. Text is
// always an inline string (t="inlineStr"): never a formula, however it begins,
// and no shared-strings table to hold in memory for a million rows.
import { localTime, type LocalTime } from '../metrics/time-range.ts'
import type { Cell, CellKind } from './report.ts'
import { MAX_CELL_CHARS, STYLE_DEFAULT, cutToChars, escapeText, kindStyle } from './xlsx-xml.ts'

const DAY_MS = 86_400_000
/** Serial of 1970-01-01 in Excel's 1900 date system (day 0 is 1899-12-30). */
const UNIX_EPOCH_SERIAL = 25_569
/**
 * Serials before 1 March 1900 are off by a day in Excel (it counts a 29 February 1900 that
 * never was) and 9999-12-31 is its last day: outside these a date is written as text.
 */
const FIRST_SAFE_SERIAL = 61
const LAST_SERIAL = 2_958_465

/** The serial of a calendar day 'YYYY-MM-DD', or null when it is not one Excel can show. */
export function daySerial(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return null
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  // 2026-02-30 would roll over to March: not a day.
  if (new Date(ms).toISOString().slice(0, 10) !== day) return null
  const serial = ms / DAY_MS + UNIX_EPOCH_SERIAL
  return serial >= FIRST_SAFE_SERIAL && serial <= LAST_SERIAL ? serial : null
}

/**
 * The serial of an instant as the wall clock reads it in `zone`: Excel has no time zones, so a
 * cell holds local time and shows exactly what the screen shows. Cut to the whole second, as
 * the format shows seconds and Excel would round 12:00:59.6 up to 12:01:00.
 */
export function instantSerial(utcMs: number, zone: LocalTime): number | null {
  if (!Number.isFinite(utcMs)) return null
  const second = Math.floor(utcMs / 1000) * 1000
  const serial = (second + zone.offset(second)) / DAY_MS + UNIX_EPOCH_SERIAL
  return serial >= FIRST_SAFE_SERIAL && serial < LAST_SERIAL + 1 ? serial : null
}

/** A time zone Intl knows, or a RangeError with a sentence. */
export function zoneFor(timeZone: string): LocalTime {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
  } catch {
    throw new RangeError(`The report's time zone "${timeZone}" is not one this system knows.`)
  }
  return localTime(timeZone)
}

/** Turns values into cells; counts the texts it had to cut to Excel's 32,767 characters. */
export class CellWriter {
  truncatedCells = 0
  constructor(private readonly zone: LocalTime) {}

  /** An inline-string cell, or '' for an empty text (an empty cell is simply left out). */
  text(ref: string, value: string, style = STYLE_DEFAULT): string {
    if (value === '') return ''
    let text = value
    if (text.length > MAX_CELL_CHARS) {
      text = cutToChars(text, MAX_CELL_CHARS)
      this.truncatedCells++
    }
    // Excel drops leading and trailing spaces (and line breaks) unless told to keep them.
    const keep = text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32
    return (
      `<c r="${ref}"${style ? ` s="${style}"` : ''} t="inlineStr"><is>` +
      `<t${keep ? ' xml:space="preserve"' : ''}>${escapeText(text)}</t></is></c>`
    )
  }

  number(ref: string, value: number, style: number): string {
    // NaN and ±Infinity have no spelling in a cell; nothing is shown for them on screen either.
    if (!Number.isFinite(value)) return ''
    return `<c r="${ref}" s="${style}"><v>${value}</v></c>`
  }

  /** A value of `kind` in its typed form; a value that does not fit its kind goes in as text. */
  cell(ref: string, kind: CellKind, value: Cell, bold = false): string {
    if (value === null) return ''
    // Plain text needs no style attribute: the default style is General in the default font.
    const style = kind === 'text' && !bold ? STYLE_DEFAULT : kindStyle(kind, bold)
    switch (kind) {
      case 'text':
      case 'id':
        // An id is text even when it arrives as a number: 1234567890123456 must not become
        // 1.23457E+15 (the '@' format keeps a retyped id text too).
        return this.text(ref, typeof value === 'number' ? String(value) : value, style)
      case 'date': {
        const serial = typeof value === 'string' ? daySerial(value) : null
        return serial === null
          ? this.text(ref, String(value), bold ? kindStyle('text', true) : STYLE_DEFAULT)
          : this.number(ref, serial, style)
      }
      case 'datetime': {
        const ms = typeof value === 'number' ? value : Date.parse(value)
        const serial = instantSerial(ms, this.zone)
        return serial === null
          ? this.text(ref, String(value), bold ? kindStyle('text', true) : STYLE_DEFAULT)
          : this.number(ref, serial, style)
      }
      default:
        return typeof value === 'number'
          ? this.number(ref, value, style)
          : this.text(ref, value, bold ? kindStyle('text', true) : STYLE_DEFAULT)
    }
  }
}

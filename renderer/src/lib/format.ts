import type { CohortMaturity, Comparison, KpiDefinition } from '../../../shared/api/index.ts'

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

/** A fraction as its shown percent with one decimal: 0.12345 → 12.3 (what "+12.3 %" displays). */
const shownTenths = (fraction: number): number => Math.round(Math.abs(fraction) * 1000) / 10

/** The sign a change is SHOWN with: 0 when it rounds to "0.0", so "−0.0 %" never appears. */
export function shownSign(fraction: number): -1 | 0 | 1 {
  return shownTenths(fraction) === 0 ? 0 : fraction > 0 ? 1 : -1
}

function signed(fraction: number, unit: string): string {
  const text = `${oneDecimal.format(shownTenths(fraction))} ${unit}`
  const sign = shownSign(fraction)
  return sign > 0 ? `+${text}` : sign < 0 ? `\u2212${text}` : text
}

/** A signed change in percent of the previous value: "+12.3 %", "−4.0 %". */
export function formatChange(fraction: number): string {
  return signed(fraction, '%')
}

/** A signed difference in percentage points: "+2.1 pt". */
export function formatPoints(fraction: number): string {
  return signed(fraction, 'pt')
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

// ---- KPI values: one unit per measure ---------------------------------------------------------
//
// The registry says how each KPI is written (KpiDefinition.display, main/metrics/registry.ts);
// cards, chart axes and tooltips all go through the functions below, so a measure never reads
// "8 min" on a card beside an axis in seconds (issue 11). Colours are judged on the value as
// SHOWN: "1.0×" against a 1.0× target is neutral, whether it is 0.98 or 1.02 underneath.

/** What formatting a KPI needs from its definition. */
export type KpiFormat = Pick<KpiDefinition, 'unit' | 'display'>

/** A KPI's value in its one display unit: "1,234", "480 s", "54.3 %", "$12,340", "1.8×". */
export function formatKpiValue(
  kpi: KpiFormat,
  value: number,
  options: { short?: boolean } = {},
): string {
  switch (kpi.display) {
    case 'integer':
      return formatInteger(value)
    case 'seconds':
      return `${formatInteger(value)} s`
    case 'percent':
      return formatPercent(kpi.unit === 'percent' ? value / 100 : value)
    case 'money':
      return options.short ? formatMoneyShort(value) : formatMoney(value)
    case 'ratio':
      return formatRatio(value)
  }
}

/** The value as its display shows it, in the KPI's own unit (0.9849 as a percent → 0.985). */
export function shownValue(kpi: KpiFormat, value: number): number {
  switch (kpi.display) {
    case 'integer':
    case 'seconds':
      return Math.round(value)
    case 'percent':
      return kpi.unit === 'percent' ? Math.round(value * 10) / 10 : Math.round(value * 1000) / 1000
    case 'money':
      return Math.round(value / 100) * 100
    case 'ratio':
      return Math.round(value * 10) / 10
  }
}

/**
 * Good, bad or neutral against a target, in the registry's good direction, on the SHOWN values:
 * a value that displays as its target is neutral.
 */
export function toneAgainst(
  kpi: KpiFormat & Pick<KpiDefinition, 'good'>,
  value: number,
  target: number,
): 'good' | 'bad' | 'neutral' {
  const a = shownValue(kpi, value)
  const b = shownValue(kpi, target)
  if (a === b) return 'neutral'
  return a > b === (kpi.good === 'up') ? 'good' : 'bad'
}

/**
 * Against a band (low ≤ value ≤ high is acceptable), on the shown values: under it is bad, within
 * or beyond it in the good direction is good.
 */
export function toneInBand(
  kpi: KpiFormat & Pick<KpiDefinition, 'good'>,
  value: number,
  band: { readonly low: number; readonly high: number },
): 'good' | 'bad' {
  const v = shownValue(kpi, value)
  const worse = kpi.good === 'up' ? v < shownValue(kpi, band.low) : v > shownValue(kpi, band.high)
  return worse ? 'bad' : 'good'
}

/** A chart's value axis and hover for a KPI, in the same unit as its card (seriesFigure options). */
export interface KpiAxis {
  /** Multiply each stored value by this before drawing (cents → dollars, fraction → percent). */
  readonly scale: number
  readonly yTickPrefix: string
  readonly yTickSuffix: string
  readonly yTickFormat: string
  /** The hovered value as a Plotly template fragment, e.g. '$%{y:,.0f}', '%{y:,.1f} %'. */
  readonly hoverValue: string
}

export function kpiAxis(kpi: KpiFormat): KpiAxis {
  switch (kpi.display) {
    case 'integer':
      return {
        scale: 1,
        yTickPrefix: '',
        yTickSuffix: '',
        yTickFormat: ',.0f',
        hoverValue: '%{y:,.0f}',
      }
    case 'seconds':
      return {
        scale: 1,
        yTickPrefix: '',
        yTickSuffix: ' s',
        yTickFormat: ',.0f',
        hoverValue: '%{y:,.0f} s',
      }
    case 'percent':
      return {
        scale: kpi.unit === 'percent' ? 1 : 100,
        yTickPrefix: '',
        yTickSuffix: ' %',
        yTickFormat: ',.0f',
        hoverValue: '%{y:,.1f} %',
      }
    case 'money':
      return {
        scale: 0.01,
        yTickPrefix: '$',
        yTickSuffix: '',
        yTickFormat: ',.0f',
        hoverValue: '$%{y:,.0f}',
      }
    case 'ratio':
      return {
        scale: 1,
        yTickPrefix: '',
        yTickSuffix: '×',
        yTickFormat: ',.1f',
        hoverValue: '%{y:,.1f}×',
      }
  }
}

/** "by lead date" / "by close date": what a KPI counts, as its card and chart say it. */
export function basisLabel(kpi: Pick<KpiDefinition, 'basis'>): string {
  return `by ${kpi.basis}`
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

/** Why a range's outcomes still rise: "45.0 % of these leads still open; deals typically close in 16 days". */
export function formatMaturity(m: Pick<CohortMaturity, 'openShare' | 'typicalCloseDays'>): string {
  const days = `${formatInteger(m.typicalCloseDays)} ${m.typicalCloseDays === 1 ? 'day' : 'days'}`
  return m.openShare === null
    ? `deals typically close in ${days}`
    : `${formatPercent(m.openShare)} of these leads still open; deals typically close in ${days}`
}

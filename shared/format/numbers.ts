// Numbers as Watchfloor writes them, on the page and in every export alike (issue 12: "a screen
// and its export cannot disagree"). Pure and Intl-based: the renderer, the core and the CLI all
// read these, so nothing here may touch the DOM or Node.

/**
 * The UI copy is English, so numbers and dates use one English locale too: a screen never mixes
 * "1,234" with "1.234".
 */
export const LOCALE = 'en-US'

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat(LOCALE, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
})

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

import {
  FIRST_ASKED_DAY,
  LAST_ASKED_DAY,
  MAX_RANGE_YEARS,
  RANGE_PRESETS,
  RANGE_PRESET_LABELS,
  addDays,
  asRangePreset,
  dayOfNumber,
  isDay,
  lastDayFrom,
  resolveRange,
  type DateRange,
  type Day,
  type RangeFilter,
  type RangePreset,
} from '../../../shared/api/index.ts'

// The page's side of date ranges. The vocabulary and the resolver are shared/'s
// (shared/api/date-range.ts), the same the core reads presets with: "last 30 days" is the
// 30 days up to today by the clock, in the range's zone, on the page and in an export alike.

export { isDay, type Day }

/** The browser's zone, sent with every range so the core buckets days as the viewer sees them. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** The presets most used, each with a button of its own in the filter bar. */
export const PRESET_BUTTONS: readonly RangePreset[] = ['today', 'last7', 'last30', 'last90']

/**
 * Every other preset, in one compact list beside the buttons (so the bar fits 1280 px): between
 * them, the buttons and this list offer every preset of RANGE_PRESETS.
 */
export const PRESET_MENU: readonly RangePreset[] = RANGE_PRESETS.filter(
  (preset) => !PRESET_BUTTONS.includes(preset),
)

export function presetLabel(preset: RangePreset): string {
  return RANGE_PRESET_LABELS[preset]
}

/** What the viewer picks: a preset that rolls with the clock, or fixed days. */
export type RangeChoice =
  | { readonly preset: RangePreset }
  | { readonly preset: 'custom'; readonly from: Day; readonly to: Day }

/** A choice in a zone, as the contract's range filter. */
export function withZone(choice: RangeChoice, timeZone: string): RangeFilter {
  return choice.preset === 'custom'
    ? { preset: 'custom', from: choice.from, to: choice.to, timeZone }
    : { preset: choice.preset, timeZone }
}

export type PageRange =
  | { readonly ok: true; readonly range: DateRange }
  | { readonly ok: false; readonly problem: string }

/**
 * The days a filter shows at `now`, or why it cannot be shown. The filter has passed the
 * contract's schema (the URL) or the day inputs' own checks, so a problem here is rare; it is
 * still a sentence on the page, never an exception that takes the page down.
 */
export function rangeAt(filter: RangeFilter, now: number): PageRange {
  try {
    return { ok: true, range: resolveRange(filter, new Date(now)) }
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) }
  }
}

const DAY_MS = 86_400_000
const FIRST_DAY = FIRST_ASKED_DAY
const LAST_DAY = LAST_ASKED_DAY

/**
 * The custom range after one end was typed: a day past the other end drags that end along (so
 * the range is never inverted), and so does a span over the longest allowed, so every range the
 * inputs produce can be asked for. null when the typed text is not a day a range may name.
 */
export function withEnd(
  range: { readonly from: Day; readonly to: Day },
  end: 'from' | 'to',
  day: string,
): RangeChoice | null {
  if (!isDay(day)) return null
  if (end === 'from') {
    const latest = dayOfNumber(Math.min(lastDayFrom(day), LAST_DAY))
    const to = range.to < day ? day : range.to > latest ? latest : range.to
    return { preset: 'custom', from: day, to }
  }
  const earliest = firstDayTo(day)
  const from = range.from > day ? day : range.from < earliest ? earliest : range.from
  return { preset: 'custom', from, to: day }
}

/** The earliest day a range ending on `to` may start on: the inverse of lastDayFrom. */
export function firstDayTo(to: Day): Day {
  const [y, m, d] = [Number(to.slice(0, 4)), Number(to.slice(5, 7)), Number(to.slice(8, 10))]
  // The day after the same date MAX_RANGE_YEARS earlier. Where that date does not exist (29
  // February of a year that is not leap) Date.UTC has already rolled over to 1 March, itself
  // the first day whose range reaches `to`.
  const earlier = new Date(Date.UTC(y - MAX_RANGE_YEARS, m - 1, d))
  const first = earlier.getTime() / DAY_MS + (earlier.getUTCDate() === d ? 1 : 0)
  return dayOfNumber(Math.max(FIRST_DAY, first))
}

/** How many whole days of age `dataAsOf` has at `now`; null when the cache holds no data. */
export function daysOld(dataAsOf: string | null, now: number): number | null {
  if (dataAsOf === null) return null
  const ms = now - Date.parse(dataAsOf)
  return Number.isNaN(ms) ? null : Math.max(0, Math.floor(ms / DAY_MS))
}

export { addDays, asRangePreset }

// Date ranges, defined once for the page and the core (issue 9, "one preset
// vocabulary and one resolver"): the presets' names and labels, the bounds
// of the input domain, and the pure resolver from a preset to local days.
//
// The anchor is the clock: "last 30 days" means the 30 local days up to and
// including today in the range's time zone, on the page and in the core
// alike. A cache that has not synced for a week therefore shows a range
// with little or nothing in it; the page says how old the data is rather
// than quietly moving the range back to where the data ends (which showed a
// different "last 30 days" on a laptop and in a CLI export of the same
// filters).
//
// Calendar days are handled as day numbers (days since 1970-01-01 UTC) so
// that a daylight-saving change never skips or repeats a day and no loop
// compares day strings: past 9999-12-31 the ISO string of the next day is
// '+010000-01-01', which sorts before '9999-…' and once looped forever.

/** A calendar day, `YYYY-MM-DD`, read in a range's time zone. */
export type Day = string

export const RANGE_PRESETS = [
  'today',
  'yesterday',
  'last7',
  'last30',
  'last90',
  'mtd',
  'qtd',
  'ytd',
] as const
export type RangePreset = (typeof RANGE_PRESETS)[number]

/** What each preset is called on screen. */
export const RANGE_PRESET_LABELS: Readonly<Record<RangePreset, string>> = {
  today: 'Today',
  yesterday: 'Yesterday',
  last7: 'Last 7 days',
  last30: 'Last 30 days',
  last90: 'Last 90 days',
  mtd: 'Month to date',
  qtd: 'Quarter to date',
  ytd: 'Year to date',
}

/** The range a page opens on when its link names none. */
export const DEFAULT_RANGE_PRESET: RangePreset = 'last30'

/** The days a range may name: from the Unix epoch to the last four-digit year. */
export const MIN_YEAR = 1970
export const MAX_YEAR = 9999
/** A range may hold at most this many years of days. */
export const MAX_RANGE_YEARS = 20
/**
 * The years a caller may ask about (the contract's domain): an operations
 * cache holds this century. Day arithmetic inside (a previous period, a
 * preset) works over MIN_YEAR..MAX_YEAR, so a range at the edge still has one.
 */
export const ASKED_MIN_YEAR = 2000
export const ASKED_MAX_YEAR = 2100

/** A range of local days, both ends included. */
export interface DayRange {
  readonly from: Day
  readonly to: Day
}

/** A preset or custom days, in a time zone: the shape of the contract's range filter. */
export type RangeSpec =
  | { readonly preset: RangePreset; readonly timeZone: string }
  | { readonly preset: 'custom'; readonly from: Day; readonly to: Day; readonly timeZone: string }

export interface ResolvedRange extends DayRange {
  readonly timeZone: string
}

const DAY_MS = 86_400_000
const DAY_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/**
 * The day number of `day`, or null when it is not a real calendar day of years
 * MIN_YEAR..MAX_YEAR (`2026-02-30` and `1969-12-31` are null).
 */
export function dayNumberOf(day: string): number | null {
  const m = DAY_SHAPE.exec(day)
  if (m === null) return null
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || date < 1) return null
  const ms = Date.UTC(year, month - 1, date)
  const back = new Date(ms)
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) return null
  return ms / DAY_MS
}

/** Whether `value` is a calendar day a range may name: a real day of ASKED_MIN_YEAR..ASKED_MAX_YEAR. */
export function isDay(value: string): value is Day {
  if (dayNumberOf(value) === null) return false
  const year = Number(value.slice(0, 4))
  return year >= ASKED_MIN_YEAR && year <= ASKED_MAX_YEAR
}

/** The first and last day a range may name, as day numbers. */
export const FIRST_ASKED_DAY = Date.UTC(ASKED_MIN_YEAR, 0, 1) / 86_400_000
export const LAST_ASKED_DAY = Date.UTC(ASKED_MAX_YEAR, 11, 31) / 86_400_000

/** The day of a day number; throws a RangeError outside years MIN_YEAR..MAX_YEAR. */
export function dayOfNumber(n: number): Day {
  const t = new Date(n * DAY_MS)
  const year = t.getUTCFullYear()
  if (!Number.isInteger(n) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`day ${n} is outside the years ${MIN_YEAR} to ${MAX_YEAR}`)
  }
  return `${pad(year, 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}

function numberOrThrow(day: Day): number {
  const n = dayNumberOf(day)
  if (n === null) throw new RangeError(dayProblem(day))
  return n
}

function dayProblem(day: string): string {
  return DAY_SHAPE.test(day) && !Number.isNaN(Date.parse(day))
    ? `${day} is outside the years ${MIN_YEAR} to ${MAX_YEAR}`
    : `${day} is not a calendar day (YYYY-MM-DD)`
}

/** `day` moved by `n` days; a RangeError if either end leaves years MIN_YEAR..MAX_YEAR. */
export function addDays(day: Day, n: number): Day {
  return dayOfNumber(numberOrThrow(day) + n)
}

/** The last day a range starting on `from` may end on: the day before the same date MAX_RANGE_YEARS later. */
export function lastDayFrom(from: Day): number {
  const start = numberOrThrow(from)
  const t = new Date(start * DAY_MS)
  return (
    Date.UTC(t.getUTCFullYear() + MAX_RANGE_YEARS, t.getUTCMonth(), t.getUTCDate()) / DAY_MS - 1
  )
}

/**
 * Why a range of days cannot be counted, or null: each end a real day of years
 * MIN_YEAR..MAX_YEAR, `from` not after `to`, at most MAX_RANGE_YEARS years. This bounds
 * the day arithmetic inside (a previous period, a preset); rangeProblem is what a caller
 * may ask for.
 */
function spanProblem(range: DayRange): string | null {
  const from = dayNumberOf(range.from)
  if (from === null) return `"from": ${dayProblem(range.from)}`
  const to = dayNumberOf(range.to)
  if (to === null) return `"to": ${dayProblem(range.to)}`
  if (from > to) return '"from" must not be after "to"'
  if (to > lastDayFrom(range.from)) return `the range may span at most ${MAX_RANGE_YEARS} years`
  return null
}

/**
 * Why a range of days cannot be asked for, in a sentence, or null when it can: each end a
 * real day of years ASKED_MIN_YEAR..ASKED_MAX_YEAR, `from` not after `to`, at most
 * MAX_RANGE_YEARS years.
 */
export function rangeProblem(range: DayRange): string | null {
  for (const end of ['from', 'to'] as const) {
    const day = range[end]
    if (dayNumberOf(day) === null) return `"${end}": ${dayProblem(day)}`
    const year = Number(day.slice(0, 4))
    if (year < ASKED_MIN_YEAR || year > ASKED_MAX_YEAR)
      return `"${end}": ${day} is outside the years ${ASKED_MIN_YEAR} to ${ASKED_MAX_YEAR}`
  }
  return spanProblem(range)
}

/** Throws a RangeError naming the problem unless `range` is one whose days can be counted. */
export function assertRange<R extends DayRange>(range: R): R {
  const problem = spanProblem(range)
  if (problem !== null) throw new RangeError(problem)
  return range
}

/** Every day of a valid range, in order (a RangeError for one that is not). */
export function daysBetween(range: DayRange): Day[] {
  assertRange(range)
  const from = numberOrThrow(range.from)
  const to = numberOrThrow(range.to)
  const days: Day[] = []
  for (let n = from; n <= to; n++) days.push(dayOfNumber(n))
  return days
}

const todayFormats = new Map<string, Intl.DateTimeFormat>()

/** The calendar day `now` falls on in `timeZone` (an IANA zone; a RangeError if unknown). */
export function todayIn(timeZone: string, now: Date): Day {
  let format = todayFormats.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    todayFormats.set(timeZone, format)
  }
  const parts: Record<string, string> = {}
  for (const p of format.formatToParts(now)) parts[p.type] = p.value
  const day = `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}`
  numberOrThrow(day)
  return day
}

/** The days a preset names when `today` is the anchor. */
export function presetDays(preset: RangePreset, today: Day): DayRange {
  const t = numberOrThrow(today)
  const back = (n: number): DayRange => ({ from: dayOfNumber(t - n), to: today })
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))]
  switch (preset) {
    case 'today':
      return back(0)
    case 'yesterday': {
      const day = dayOfNumber(t - 1)
      return { from: day, to: day }
    }
    case 'last7':
      return back(6)
    case 'last30':
      return back(29)
    case 'last90':
      return back(89)
    case 'mtd':
      return { from: `${pad(year, 4)}-${pad(month)}-01`, to: today }
    case 'qtd':
      return { from: `${pad(year, 4)}-${pad(month - ((month - 1) % 3))}-01`, to: today }
    case 'ytd':
      return { from: `${pad(year, 4)}-01-01`, to: today }
  }
}

/**
 * The local days a range filter names: a preset read against the clock `now` in the range's
 * time zone, or its custom days as they are. Either way a RangeError for a range outside the
 * domain (see rangeProblem) rather than days nobody can count.
 */
export function resolveRange(spec: RangeSpec, now: Date): ResolvedRange {
  const { timeZone } = spec
  const days = spec.preset === 'custom' ? spec : presetDays(spec.preset, todayIn(timeZone, now))
  assertRange(days)
  return { from: days.from, to: days.to, timeZone }
}

/** The preset `value` names, or null. */
export function asRangePreset(value: string): RangePreset | null {
  return (RANGE_PRESETS as readonly string[]).includes(value) ? (value as RangePreset) : null
}

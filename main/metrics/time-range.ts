import {
  daysBetween,
  resolveRange as resolveSharedRange,
  type Comparison,
  type ComparisonKind,
  type DateRange,
  type RangeFilter,
} from '../../shared/api/index.ts'

const DAY_MS = 86_400_000
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Milliseconds to add to a UTC instant to read it as wall-clock time in `timeZone`. */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatterFor(timeZone).formatToParts(utcMs)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
  return asUtc - Math.floor(utcMs / 1000) * 1000
}

function parseDay(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)
}

/**
 * The UTC instant at which local day `day` starts in `timeZone`. Checked
 * twice because the offset at the guess can differ from the offset at the
 * answer across a DST change.
 */
export function localDayStartUtc(day: string, timeZone: string): number {
  const wall = parseDay(day)
  let t = wall - zoneOffsetMs(wall, timeZone)
  const second = wall - zoneOffsetMs(t, timeZone)
  if (second !== t) t = second
  return t
}

export function addDays(day: string, n: number): string {
  return new Date(parseDay(day) + n * DAY_MS).toISOString().slice(0, 10)
}

/**
 * Every local day of the range, in order; a RangeError for a range outside the domain
 * (shared/api/date-range.ts: years 1970..9999, at most 20 years), never an endless loop.
 */
export function daysOf(range: DateRange): string[] {
  return daysBetween(range)
}

/** Half-open UTC bounds [start, end) of an inclusive range of local days. */
export function rangeBounds(range: DateRange): { start: number; end: number } {
  return {
    start: localDayStartUtc(range.from, range.timeZone),
    end: localDayStartUtc(addDays(range.to, 1), range.timeZone),
  }
}

export { DAY_MS, parseDay }

const HOUR_MS = 3_600_000
const QUARTER_MS = 900_000

/**
 * Fast local-time reading for one zone. Every zone offset in use changes only
 * on a quarter hour, so the offset found for an instant holds for its whole
 * UTC quarter hour; caching by quarter hour turns the ~3 µs Intl call into a
 * map lookup on hot paths (rollup maintenance, raw-table bucketing).
 */
export class LocalTime {
  private readonly cache = new Map<number, number>()
  /** Per UTC day: its offset when the same at both ends (no transition inside), else NaN. */
  private readonly days = new Map<number, number>()
  constructor(readonly timeZone: string) {}

  offset(utcMs: number): number {
    // Zones change offset a few times a year at most: a UTC day whose two
    // ends share an offset has it throughout, which needs two Intl calls per
    // day instead of one per quarter hour.
    const d = Math.floor(utcMs / DAY_MS)
    let whole = this.days.get(d)
    if (whole === undefined) {
      if (this.days.size > 100_000) this.days.clear()
      const a = zoneOffsetMs(d * DAY_MS, this.timeZone)
      const b = zoneOffsetMs((d + 1) * DAY_MS - QUARTER_MS, this.timeZone)
      whole = a === b ? a : NaN
      this.days.set(d, whole)
    }
    if (!Number.isNaN(whole)) return whole
    const q = Math.floor(utcMs / QUARTER_MS)
    let off = this.cache.get(q)
    if (off === undefined) {
      if (this.cache.size > 500_000) this.cache.clear()
      off = zoneOffsetMs(q * QUARTER_MS, this.timeZone)
      this.cache.set(q, off)
    }
    return off
  }

  /** Local calendar day as days since 1970-01-01. */
  day(utcMs: number): number {
    return Math.floor((utcMs + this.offset(utcMs)) / DAY_MS)
  }

  /** Local wall-clock hour as hours since 1970-01-01T00 local. */
  hour(utcMs: number): number {
    return Math.floor((utcMs + this.offset(utcMs)) / HOUR_MS)
  }
}

const zones = new Map<string, LocalTime>()
export function localTime(timeZone: string): LocalTime {
  let z = zones.get(timeZone)
  if (!z) {
    z = new LocalTime(timeZone)
    zones.set(timeZone, z)
  }
  return z
}

/** Local month index (year × 12 + month0) of a local day number. */
export function monthOfDay(day: number): number {
  const d = new Date(day * DAY_MS)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

/** Day number of the first day of a month index. */
export function firstDayOfMonth(month: number): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1) / DAY_MS
}

export const dayNumber = (day: string): number => parseDay(day) / DAY_MS
export const dayString = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10)

/** Local day `YYYY-MM-DD` of an instant in a zone. */
export function localDayOf(utcMs: number, timeZone: string): string {
  return dayString(localTime(timeZone).day(utcMs))
}

/**
 * Resolves a range filter (a preset read against the clock `now` in its time zone, or custom
 * days) to local days. The resolver lives in shared/ so the page reads presets exactly as the
 * core does (issue 9); a range outside the domain is a RangeError.
 */
export function resolveRange(spec: RangeFilter, now: Date): DateRange {
  return resolveSharedRange(spec, now)
}

/** The range of the same number of days just before `range` (period-over-period). */
export function previousRange(range: DateRange): DateRange {
  const from = dayNumber(range.from)
  const n = dayNumber(range.to) - from + 1
  return { from: dayString(from - n), to: dayString(from - 1), timeZone: range.timeZone }
}

/** Day number `day` moved `months` calendar months back, its date cut at that month's end. */
function monthsBack(day: number, months: number): number {
  const month = monthOfDay(day) - months
  const date = day - firstDayOfMonth(monthOfDay(day))
  return Math.min(firstDayOfMonth(month) + date, firstDayOfMonth(month + 1) - 1)
}

/**
 * The same calendar days `months` months earlier: Jan 1 – Mar 13, 2026 year to date compares
 * with Jan 1 – Mar 13, 2025; Mar 1–31 month to date with Feb 1–28; Feb 29 with Feb 28.
 */
function sameDaysEarlier(range: DateRange, months: number): DateRange {
  return {
    from: dayString(monthsBack(dayNumber(range.from), months)),
    to: dayString(monthsBack(dayNumber(range.to), months)),
    timeZone: range.timeZone,
  }
}

/**
 * The days a range is compared with, for a kind of comparison (shared/api/kpis.ts
 * comparisonKindFor names the kind for each preset): the same calendar days a month, quarter or
 * year earlier, or as many days just before.
 */
export function comparisonFor(kind: ComparisonKind, range: DateRange): Comparison {
  switch (kind) {
    case 'same days last month':
      return { range: sameDaysEarlier(range, 1), kind }
    case 'same days last quarter':
      return { range: sameDaysEarlier(range, 3), kind }
    case 'same days last year':
      return { range: sameDaysEarlier(range, 12), kind }
    case 'previous day':
    case 'previous period':
      return { range: previousRange(range), kind }
  }
}

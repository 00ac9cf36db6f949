import type { DateRange } from '../../shared/api/index.ts'

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

/** Every local day of the range, in order. */
export function daysOf(range: DateRange): string[] {
  const days: string[] = []
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) days.push(d)
  return days
}

/** Half-open UTC bounds [start, end) of an inclusive range of local days. */
export function rangeBounds(range: DateRange): { start: number; end: number } {
  return {
    start: localDayStartUtc(range.from, range.timeZone),
    end: localDayStartUtc(addDays(range.to, 1), range.timeZone),
  }
}

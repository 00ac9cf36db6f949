/**
 * The wall-clock reading of `utcMs` in `timeZone`, written as if it were UTC
 * (`2026-03-08T01:59:00.000Z` for 01:59 in New York): what exceljs reads back
 * from an Excel date serial, a Date whose UTC fields are the wall clock. Kept
 * apart from main/metrics/time-range.ts on purpose: the tests' own reading.
 */
export function wallClock(utcMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(utcMs)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '??'
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}.000Z`
}

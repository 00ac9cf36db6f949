import type { DailyLeads, DateRange } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { addDays, daysOf, localDayStartUtc, rangeBounds } from './time-range.ts'

// Every time zone's offset is a multiple of 15 minutes, so counts per UTC
// quarter hour can be assigned to local days exactly, DST included.
const QUARTER_HOUR_MS = 900_000

/** Leads created per local day of the range (deleted leads excluded). */
export function leadsPerDay(db: Store, range: DateRange): DailyLeads {
  const { start, end } = rangeBounds(range)
  const buckets = db
    .prepare(
      `SELECT created_at / ${QUARTER_HOUR_MS} AS b, count(*) AS n
         FROM leads
        WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?
        GROUP BY b ORDER BY b`,
    )
    .all(start, end) as { b: number; n: number }[]
  const days = daysOf(range)
  const counts = new Array<number>(days.length).fill(0)
  let day = 0
  let nextStart = localDayStartUtc(addDays(range.from, 1), range.timeZone)
  for (const { b, n } of buckets) {
    const t = b * QUARTER_HOUR_MS
    while (t >= nextStart && day < days.length - 1) {
      day += 1
      nextStart = localDayStartUtc(addDays(days[day] ?? range.to, 1), range.timeZone)
    }
    counts[day] = (counts[day] ?? 0) + n
  }
  return { days, leads: counts }
}

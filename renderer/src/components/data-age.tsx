import { daysOld } from '../lib/dates.ts'
import { formatDataAge } from '../lib/format.ts'

/**
 * Presets count back from today by the clock (shared/api/date-range.ts), so on a cache that has
 * not synced for days "last 7 days" may hold little or nothing: say how old the data is, next
 * to the range, once it is a day old or more.
 */
export function DataAge({ dataAsOf, now }: { dataAsOf: string | null | undefined; now: number }) {
  const days = dataAsOf === undefined ? null : daysOld(dataAsOf, now)
  if (dataAsOf === undefined || dataAsOf === null || days === null || days < 1) return null
  return (
    <p className="data-age" role="note" data-testid="data-age" data-days={days}>
      {formatDataAge(dataAsOf, days)}; presets count back from today.
    </p>
  )
}

import type { DateRange, LeadResponseKpi } from '../../shared/api/index.ts'
import { RESPONSE_TARGET_SECONDS } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { dataAsOf } from './freshness.ts'
import { rangeBounds } from './time-range.ts'

interface Row {
  leads: number
  responded: number
  under: number | null
  avg_s: number | null
}

/**
 * Lead response over the leads created in the range. A lead never answered
 * counts as over target: it certainly missed the two-minute window.
 */
export function leadResponse(db: Store, range: DateRange): LeadResponseKpi {
  const { start, end } = rangeBounds(range)
  const row = db
    .prepare(
      `SELECT count(*) AS leads,
              count(first_response_at) AS responded,
              sum(first_response_at IS NOT NULL AND first_response_at - created_at <= @targetMs) AS under,
              avg((first_response_at - created_at) / 1000.0) AS avg_s
         FROM leads
        WHERE deleted_at IS NULL AND created_at >= @start AND created_at < @end`,
    )
    .get({ start, end, targetMs: RESPONSE_TARGET_SECONDS * 1000 }) as Row
  const under = row.under ?? 0
  return {
    targetSeconds: RESPONSE_TARGET_SECONDS,
    leads: row.leads,
    responded: row.responded,
    underTarget: under,
    overTarget: row.leads - under,
    averageSeconds: row.avg_s,
    shareUnderTarget: row.leads === 0 ? null : under / row.leads,
    asOf: dataAsOf(db),
  }
}

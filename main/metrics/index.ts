export { leadResponse } from './lead-response.ts'
export { leadsPerDay } from './lead-trends.ts'
export { dataAsOf } from './freshness.ts'
export { rangeBounds, localDayStartUtc, zoneOffsetMs } from './time-range.ts'

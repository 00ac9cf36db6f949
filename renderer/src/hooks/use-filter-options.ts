import {
  FILTER_VALUES_MAX_AGE_MS,
  LEAD_STATUSES,
  TEMPERATURES,
  type FilterValues,
} from '../../../shared/api/index.ts'
import { useApi, type ApiState } from '../api/client.ts'

/** Until the cache's values arrive: the fixed vocabularies, nothing else. */
const NO_OPTIONS: FilterValues = {
  source: [],
  segment: [],
  city: [],
  temperature: TEMPERATURES,
  status: LEAD_STATUSES,
  owner: [],
}

/**
 * Filter choices: every value the cache holds (not per range, so the lists stay put). The core
 * may answer with lists up to FILTER_VALUES_MAX_AGE_MS old while a sync writes: ask again that
 * often, so a value that arrived just after the last change event still shows up.
 */
export function useFilterOptions(): { options: FilterValues; request: ApiState<FilterValues> } {
  const request = useApi('filters.values', {}, [], { refreshIntervalMs: FILTER_VALUES_MAX_AGE_MS })
  return { options: request.data ?? NO_OPTIONS, request }
}

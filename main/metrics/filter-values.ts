// The values each filter field can take, for the filter bar's checklists:
// every value the live leads hold, in the cache as a whole (not per range, so
// a list does not jump about as the range changes).
import { LEAD_STATUSES, TEMPERATURES, type FilterValues } from '../../shared/api/index.ts'
import { memoUntilChanged, type Store } from '../store/index.ts'
import { rollupState } from './rollups.ts'

/** A live sync changes the cache every second; the lists are recomputed at most this often. */
export const FILTER_VALUES_MAX_AGE_MS = 30_000

/**
 * Distinct values per field among live leads, sorted. Source, segment and
 * city come from the month rollup (thousands of rows) when it is valid;
 * owner, in no rollup, takes one scan of the leads (~150 ms at a million), so
 * the answer is kept while the cache is unchanged, and for up to
 * FILTER_VALUES_MAX_AGE_MS while it changes.
 */
export function filterValues(db: Store, now = Date.now()): FilterValues {
  return memoUntilChanged(db, 'filter-values', FILTER_VALUES_MAX_AGE_MS, () => compute(db), now)
}

function compute(db: Store): FilterValues {
  const distinct = (sql: string) => db.prepare(sql).pluck().all() as string[]
  const fromRollups = rollupState(db).valid
  const dim = (column: 'source' | 'segment' | 'city') =>
    fromRollups
      ? distinct(
          `SELECT DISTINCT d.${column} FROM rollup_leads_month m JOIN rollup_dims d ON d.id = m.dims
            ORDER BY 1`,
        )
      : distinct(`SELECT DISTINCT ${column} FROM leads WHERE deleted_at IS NULL ORDER BY 1`)
  return {
    source: dim('source'),
    segment: dim('segment'),
    city: dim('city'),
    temperature: [...TEMPERATURES],
    status: [...LEAD_STATUSES],
    owner: distinct('SELECT DISTINCT owner FROM leads WHERE deleted_at IS NULL ORDER BY 1'),
  }
}

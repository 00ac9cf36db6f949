// The values each filter field can take, for the filter bar's checklists:
// every value the live leads hold, in the cache as a whole (not per range, so
// a list does not jump about as the range changes).
import {
  FILTER_VALUES_MAX_AGE_MS,
  LEAD_STATUSES,
  TEMPERATURES,
  type FilterValues,
} from '../../shared/api/index.ts'
import { memoUntilChanged, type Store } from '../store/index.ts'
import { rollupState } from './rollups.ts'

/**
 * Distinct values per field among live leads, sorted (temperature and status:
 * their fixed vocabularies, in order). Source, segment and
 * city come from the month rollup (thousands of rows) when it is valid;
 * owner, in no rollup, takes one scan of the leads (~150 ms at a million), so
 * an answer is reused while the cache is unchanged, or while it is younger
 * than FILTER_VALUES_MAX_AGE_MS (pages re-ask that often, so a change shows
 * within it even when no further change follows).
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

// The values each filter field can take, for the filter bar's checklists:
// every value the live leads hold, in the cache as a whole (not per range, so
// a list does not jump about as the range changes).
import { LEAD_STATUSES, TEMPERATURES, type FilterValues } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { rollupState } from './rollups.ts'

interface Cached {
  readonly version: string
  readonly at: number
  readonly values: FilterValues
}

const cache = new WeakMap<Store, Cached>()

/** A live sync changes leads every second; the lists are recomputed at most this often. */
export const FILTER_VALUES_MAX_AGE_MS = 30_000

// New and changed leads move the newest id or updated_at, both read through
// an index. A hard delete moves neither: its values stay listed until the
// next change, which is harmless (filtering on them finds nothing).
const versionOf = (db: Store): string =>
  JSON.stringify(db.prepare('SELECT max(id), max(updated_at) FROM leads').raw().get())

/**
 * Distinct values per field among live leads, sorted. Source, segment and
 * city come from the month rollup (thousands of rows) when it is valid;
 * owner, in no rollup, takes one scan of the leads (~150 ms at a million), so
 * the answer is kept while the leads are unchanged, and for up to
 * FILTER_VALUES_MAX_AGE_MS while they change.
 */
export function filterValues(db: Store, now = Date.now()): FilterValues {
  const version = versionOf(db)
  const hit = cache.get(db)
  if (hit && (hit.version === version || now - hit.at < FILTER_VALUES_MAX_AGE_MS)) {
    return hit.values
  }
  const distinct = (sql: string) => db.prepare(sql).pluck().all() as string[]
  const fromRollups = rollupState(db).valid
  const dim = (column: 'source' | 'segment' | 'city') =>
    fromRollups
      ? distinct(
          `SELECT DISTINCT d.${column} FROM rollup_leads_month m JOIN rollup_dims d ON d.id = m.dims
            ORDER BY 1`,
        )
      : distinct(`SELECT DISTINCT ${column} FROM leads WHERE deleted_at IS NULL ORDER BY 1`)
  const values: FilterValues = {
    source: dim('source'),
    segment: dim('segment'),
    city: dim('city'),
    temperature: [...TEMPERATURES],
    status: [...LEAD_STATUSES],
    owner: distinct('SELECT DISTINCT owner FROM leads WHERE deleted_at IS NULL ORDER BY 1'),
  }
  cache.set(db, { version, at: now, values })
  return values
}

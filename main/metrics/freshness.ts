import type { Store } from '../store/index.ts'
import { rollupState } from './rollups.ts'

/** ISO time of the newest change in the cache, or null when it holds no lead. */
export function dataAsOf(db: Store): string | null {
  const row = db.prepare('SELECT max(updated_at) AS at FROM leads').get() as { at: number | null }
  return row.at === null ? null : new Date(row.at).toISOString()
}

/**
 * The live (not deleted) leads in the cache. With current rollups it is the
 * sum of their monthly `leads` (a few thousand rows: well under a
 * millisecond at a million leads, against ~60 ms for a full count);
 * otherwise the raw count. Both count the same leads exactly.
 */
export function liveLeadCount(db: Store): number {
  if (rollupState(db).valid)
    return db
      .prepare('SELECT coalesce(sum(leads), 0) FROM rollup_leads_month')
      .pluck()
      .get() as number
  return db.prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL').pluck().get() as number
}

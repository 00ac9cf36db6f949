import type { Store } from '../store/index.ts'

/** ISO time of the newest change in the cache, or null when it holds no lead. */
export function dataAsOf(db: Store): string | null {
  const row = db.prepare('SELECT max(updated_at) AS at FROM leads').get() as { at: number | null }
  return row.at === null ? null : new Date(row.at).toISOString()
}

// Answers kept until the cache file changes: for reads that scan many rows
// (a lead count, the filter lists) and are asked far more often than their
// answer moves.
import type { Store } from './open-store.ts'

interface Entry {
  readonly version: string
  readonly at: number
  readonly value: unknown
}

const memos = new WeakMap<Store, Map<string, Entry>>()

/**
 * Where the file stands: moves with every row written through this connection
 * (total_changes) and with every commit by another (data_version, e.g. a sync
 * CLI on the same file). Both are O(1).
 */
export function changeVersion(db: Store): string {
  const changes = db.prepare('SELECT total_changes()').pluck().get() as number
  return `${String(changes)}/${String(db.pragma('data_version', { simple: true }))}`
}

/**
 * `compute()`'s answer for `key`: reused while the cache is unchanged, and
 * also while it is younger than `maxAgeMs` (a live sync commits every second;
 * this bounds the recomputations to one per `maxAgeMs`). So an answer may
 * trail the cache by up to `maxAgeMs`: a caller that must see the last change
 * asks again after that long.
 */
export function memoUntilChanged<T>(
  db: Store,
  key: string,
  maxAgeMs: number,
  compute: () => T,
  now = Date.now(),
): T {
  let entries = memos.get(db)
  if (!entries) memos.set(db, (entries = new Map<string, Entry>()))
  const version = changeVersion(db)
  const hit = entries.get(key)
  if (hit && (hit.version === version || now - hit.at < maxAgeMs)) return hit.value as T
  const value = compute()
  entries.set(key, { version, at: now, value })
  return value
}

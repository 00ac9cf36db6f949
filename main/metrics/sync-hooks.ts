import type { LeadRow } from '../demo/types.ts'
import type { Store } from '../store/index.ts'
import { beginRollupBatch, rebuildRollups, rollupState, type RollupBatch } from './rollups.ts'

export interface RollupSyncHooks {
  /** For the sync engine's rowHooks: called inside the transaction per applied row. */
  readonly rowHook: (
    table: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ) => void
  /** Inside each transaction, just before it commits. */
  readonly beforeCommit: () => void
  /** After a transaction rolled back. */
  readonly rolledBack: () => void
  /** Once the sync has caught up: rebuilds rollups skipped during a bulk load. Returns true if it did. */
  readonly caughtUp: () => boolean
}

/**
 * Keeps the rollups in step with a sync, in its transactions: lead changes
 * are summed per rollup key while a batch is applied and written once just
 * before its commit (dropped if it rolls back). Into an empty cache, per-row
 * upkeep would cost a third of the initial load, so the rollups are marked
 * invalid for the load (KPIs read the raw tables meanwhile, with the same
 * answers) and rebuilt in one pass once the sync has caught up.
 */
export function rollupSyncHooks(
  db: Store,
  log: (line: string) => void = () => {},
): RollupSyncHooks {
  const empty = (db.prepare('SELECT count(*) AS n FROM leads').get() as { n: number }).n === 0
  if (empty) db.prepare('UPDATE rollup_state SET valid = 0 WHERE id = 1').run()
  let batch: RollupBatch | undefined
  return {
    rowHook(table, before, after) {
      if (table !== 'leads') return
      batch ??= beginRollupBatch(db)
      batch.record(before as LeadRow | null, after as LeadRow | null)
    },
    beforeCommit() {
      batch?.flush()
      batch = undefined
    },
    rolledBack() {
      batch = undefined
    },
    caughtUp() {
      if (rollupState(db).valid) return false
      const started = Date.now()
      rebuildRollups(db)
      log(
        `KPI rollups rebuilt after the initial load in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      )
      return true
    },
  }
}

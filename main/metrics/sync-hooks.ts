import type { LeadRow } from '../store/mirror-rows.ts'
import type { Store } from '../store/index.ts'
import type { RowHooks } from '../store/row-hooks.ts'
import {
  beginRollupBatch,
  rebuildRollups,
  rebuildRollupsInSlices,
  rebuildUnderWay,
  rollupState,
  type RollupBatch,
} from './rollups.ts'

/** The sync engine's rowHooks for the rollups, plus the rebuild after a bulk load. */
export interface RollupSyncHooks extends Required<RowHooks> {
  /** Once the sync has caught up: rebuilds rollups skipped during a bulk load. Returns true if it did. */
  readonly caughtUp: () => boolean
  /**
   * The same in slices (rebuildRollupsInSlices), for a process that keeps serving meanwhile: the
   * thread is free between slices and a write waits for a busy cache without holding it.
   */
  readonly caughtUpInSlices: () => Promise<boolean>
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
  const empty = db.prepare('SELECT 1 FROM leads LIMIT 1').get() === undefined
  if (empty) db.prepare('UPDATE rollup_state SET valid = 0 WHERE id = 1').run()
  // While the rollups are invalid the rows are not wanted at all: the sync
  // then skips reading each row before its change. Read once per
  // transaction, so a rebuild between two is seen by the next. A rebuild in
  // slices (rebuildRollupsInSlices) wants them: it takes the changes of the
  // leads it has scanned.
  let valid: boolean | undefined
  let batch: RollupBatch | undefined
  const wanted = () => !rollupState(db).valid && !rebuildUnderWay(db)
  const rebuilt = (started: number) =>
    log(
      `KPI rollups rebuilt after the initial load in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
  return {
    wants: (table) => table === 'leads' && (valid ??= rollupState(db).valid || rebuildUnderWay(db)),
    row(table, before, after) {
      if (table !== 'leads') return
      batch ??= beginRollupBatch(db)
      batch.record(before as LeadRow | null, after as LeadRow | null)
    },
    beforeCommit() {
      batch?.flush()
      batch = undefined
      valid = undefined
    },
    rolledBack() {
      batch = undefined
      valid = undefined
    },
    caughtUp() {
      if (!wanted()) return false
      const started = Date.now()
      rebuildRollups(db)
      rebuilt(started)
      return true
    },
    async caughtUpInSlices() {
      if (!wanted()) return false
      const started = Date.now()
      await rebuildRollupsInSlices(db)
      rebuilt(started)
      return true
    },
  }
}

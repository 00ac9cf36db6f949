import { existsSync } from 'node:fs'
import { rebuildRollups, rollupState } from '../../metrics/index.ts'
import { openStore } from '../../store/index.ts'
import { defaultDbPath } from '../paths.ts'
import { progressReporter } from '../progress.ts'

/**
 * `watchfloor rollups rebuild`: recomputes the KPI rollups from the cached
 * leads, optionally in another org time zone (the zone whose local days and
 * months the rollups add up; dashboards asked in it read the rollups, any
 * other zone reads the raw rows). Safe beside a running core on the same file:
 * the rebuild is one transaction, and the core's next sync batch follows the
 * new zone.
 */
export function rollupsRebuild(options: { db?: string; timeZone?: string }): void {
  const dbPath = options.db ?? defaultDbPath()
  // A mistyped path must not become a new, empty cache "rebuilt" in a second.
  if (!existsSync(dbPath)) throw new Error(`there is no cache at ${dbPath}; check --db`)
  const db = openStore(dbPath)
  try {
    const before = rollupState(db).timeZone
    const started = Date.now()
    rebuildRollups(db, {
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      onProgress: progressReporter('rollups'),
    })
    const after = rollupState(db).timeZone
    const seconds = (Date.now() - started) / 1000
    process.stdout.write(
      `KPI rollups of ${dbPath} rebuilt in ${seconds.toFixed(1)} s, org time zone ${after}` +
        `${after === before ? '' : ` (was ${before})`}\n`,
    )
  } finally {
    db.close()
  }
}

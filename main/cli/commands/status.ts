import { existsSync } from 'node:fs'
import { createApi } from '../../api/index.ts'
import { getSetting, openStore } from '../../store/index.ts'
import { storedSourceStatuses } from '../../sync/stored-status.ts'
import { defaultDbPath, packageVersion } from '../paths.ts'

export async function status(options: { db?: string }): Promise<void> {
  const dbPath = options.db ?? defaultDbPath()
  // A mistyped path must not become a new, empty cache reported as fine.
  if (!existsSync(dbPath)) throw new Error(`there is no cache at ${dbPath}; check --db`)
  const db = openStore(dbPath)
  try {
    const api = createApi({
      db,
      clock: () => new Date(),
      version: packageVersion(),
      isDemo: () => getSetting(db, 'demo') !== undefined,
      // Not syncing here: the sources as the cache last recorded them.
      sources: () => storedSourceStatuses(db),
    })
    const result = await api('app.status', {})
    if (!result.ok) throw new Error(result.error.message)
    process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`)
  } finally {
    db.close()
  }
}

import { createApi } from '../../api/index.ts'
import { getSetting, openStore } from '../../store/index.ts'
import { defaultDbPath, packageVersion } from '../paths.ts'

export async function status(options: { db?: string }): Promise<void> {
  const db = openStore(options.db ?? defaultDbPath())
  try {
    const api = createApi({
      db,
      clock: () => new Date(),
      version: packageVersion(),
      isDemo: () => getSetting(db, 'demo') !== undefined,
      sources: () => [],
    })
    const result = await api('app.status', {})
    if (!result.ok) throw new Error(result.error.message)
    process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`)
  } finally {
    db.close()
  }
}

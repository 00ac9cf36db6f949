// Health's "Current errors": what is failing now, each failure once. A source
// that is offline or in error is failing now (its message); a table whose
// sync recorded an error is too. The same sentence reported by a source and
// by its table is one error, not two.
import type { SystemHealth } from '../../../shared/api/index.ts'

export interface CurrentError {
  /** The source's name ("Postgres"), or the table's source key. */
  readonly source: string
  /** The table, when the error is one table's. */
  readonly table: string | null
  readonly message: string
}

export function currentErrors(
  health: Pick<SystemHealth, 'sources' | 'recentErrors'>,
): readonly CurrentError[] {
  const out: CurrentError[] = []
  const seen = new Set<string>()
  const add = (e: CurrentError) => {
    const key = e.message.trim()
    if (key === '' || seen.has(key)) return
    seen.add(key)
    out.push(e)
  }
  for (const s of health.sources) {
    if ((s.state === 'error' || s.state === 'offline') && s.message)
      add({ source: s.name, table: null, message: s.message })
  }
  for (const e of health.recentErrors) add({ source: e.source, table: e.table, message: e.message })
  return out
}

// A demo cache for the alert engine's tests: a real cache file filled by the
// demo loader up to END_AT, rules written into alert_rules, a clock the test moves.
import { join } from 'node:path'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import type { AlertRuleInput } from '../../shared/api/alert-rules.ts'
import { alertRuleInputSchema } from '../../shared/api/alert-rules.ts'
import { tempDir } from './temp.ts'

export const END_AT = Date.parse('2026-11-27T12:00:00Z')

export interface AlertCache {
  readonly db: Store
  readonly file: string
  readonly cleanup: () => void
}

/** A cache file of `leads` demo leads over `days` days ending at END_AT. */
export function alertCache(prefix: string, leads = 3000, days = 60): AlertCache {
  const temp = tempDir(prefix)
  const file = join(temp.dir, 'cache.sqlite')
  const db = openStore(file)
  fillCache(db, generateDemo({ seed: 13, leads, endAt: END_AT, days }))
  return {
    db,
    file,
    cleanup: () => {
      if (db.open) db.close()
      temp.cleanup()
    },
  }
}

/** Writes a rule straight into alert_rules (whichever columns the schema has) and returns its id. */
export function insertRule(db: Store, input: AlertRuleInput, now = END_AT): number {
  const r = alertRuleInputSchema.parse(input)
  const columns = new Set(
    (db.prepare('PRAGMA table_info(alert_rules)').all() as { name: string }[]).map((c) => c.name),
  )
  const row: Record<string, unknown> = {
    name: r.name,
    [columns.has('metric') ? 'metric' : 'kpi']: r.metric,
    comparator: r.comparator,
    warning: r.warning,
    critical: r.critical,
    for_seconds: r.forSeconds,
    enabled: r.enabled ? 1 : 0,
    created_at: now,
    updated_at: now,
  }
  if (columns.has('recovery')) row.recovery = r.recovery
  if (columns.has('filters')) row.filters = r.filters === null ? null : JSON.stringify(r.filters)
  if (columns.has('message')) row.message = r.message
  const names = Object.keys(row)
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO alert_rules (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`,
    )
    .run(row)
  return Number(lastInsertRowid)
}

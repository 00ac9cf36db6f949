// A demo cache for the alert engine's tests: a real cache file filled by the
// demo loader up to END_AT, rules written into alert_rules, a clock the test moves.
import { join } from 'node:path'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { insertRule as storeRule } from '../../main/alerts/rules-store.ts'
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

/** Saves a rule through the rules store and returns its id. */
export function insertRule(db: Store, input: AlertRuleInput, now = END_AT): number {
  return storeRule(db, alertRuleInputSchema.parse(input), false, now)
}

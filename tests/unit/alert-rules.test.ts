// Alert rules in SQLite (issue 13): the migration, the store's checks beyond the schema, rows
// that no longer parse, the default rules seeded once with the registry's thresholds.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEFAULTS_SEEDED_SETTING,
  defaultRules,
  ensureDefaultRules,
} from '../../main/alerts/default-rules.ts'
import {
  RuleRefusal,
  deleteRule,
  getRule,
  listRules,
  onRulesChanged,
  ruleProblems,
  saveRule,
  setRuleEnabled,
  type RulesChange,
} from '../../main/alerts/rules-store.ts'
import { DEFAULT_TARGETS, registryFor } from '../../main/metrics/registry.ts'
import { getSetting, migrate, openStore, type Store } from '../../main/store/index.ts'
import {
  RULE_LIMIT,
  alertRuleInputSchema,
  saveRuleInputSchema,
  unknownMetricSentence,
  type AlertRuleInput,
} from '../../shared/api/index.ts'
import { tempDir } from '../support/temp.ts'

let dir: string
let cleanup: () => void
let db: Store
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  db = openStore(join(dir, 'cache.sqlite'))
})
afterEach(() => {
  db.close()
  cleanup()
})

const NOW = Date.parse('2026-11-30T12:00:00Z')
const spec = (input: AlertRuleInput) => alertRuleInputSchema.parse(input)
const base: AlertRuleInput = {
  name: 'Slow answers',
  metric: 'averageResponseSeconds',
  comparator: '>',
  warning: 120,
}

/** The refusal's reason and sentence, or a failure when it was not refused. */
function refusal(act: () => unknown): { reason: string; message: string } {
  try {
    act()
  } catch (error) {
    if (error instanceof RuleRefusal) return { reason: error.reason, message: error.message }
    throw error
  }
  throw new Error('expected a refusal')
}

describe('migration 12 (alert-rules)', () => {
  it('gives a fresh cache the rule columns and the at-least-one-threshold CHECK', () => {
    const columns = (db.prepare('PRAGMA table_info(alert_rules)').all() as { name: string }[]).map(
      (c) => c.name,
    )
    expect(columns).toEqual([
      'id',
      'name',
      'metric',
      'comparator',
      'warning',
      'critical',
      'recovery',
      'for_seconds',
      'filters',
      'message',
      'enabled',
      'built_in',
      'created_at',
      'updated_at',
    ])
    expect(() =>
      db
        .prepare(
          "INSERT INTO alert_rules (name, metric, comparator, message, created_at, updated_at) VALUES ('x', 'leads', '>', 'm', 0, 0)",
        )
        .run(),
    ).toThrow(/CHECK constraint failed/)
  })

  it('keeps the rows of a cache at version 11: kpi becomes metric, a hysteresis a recovery', () => {
    const file = join(dir, 'old.sqlite')
    const old = new Database(file)
    migrate(old, { upTo: 11 })
    const insert = old.prepare(
      'INSERT INTO alert_rules (name, kpi, comparator, warning, critical, for_seconds, hysteresis, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    insert.run('Slow', 'averageResponseSeconds', '>', 120, 240, 300, 12, 1, 1000, 2000)
    insert.run('Low', 'conversionRate', '<', 0.25, null, 0, 0, 0, 1000, 2000)
    insert.run('Nothing', 'leads', '>', null, null, 0, 0, 1, 1000, 2000)
    old.prepare("INSERT INTO alert_state (rule_id, state, since) VALUES (1, 'ok', 0)").run()
    old.close()

    const opened = openStore(file)
    try {
      const { rules, unreadable } = listRules(opened)
      expect(unreadable).toEqual([])
      expect(rules.map((r) => [r.name, r.metric, r.warning, r.critical, r.recovery])).toEqual([
        ['Low', 'conversionRate', 0.25, null, null],
        ['Slow', 'averageResponseSeconds', 120, 240, 108],
      ])
      const slow = rules.find((r) => r.name === 'Slow')
      expect(slow).toMatchObject({ forSeconds: 300, enabled: true, builtIn: false, filters: null })
      expect(rules.find((r) => r.name === 'Low')?.enabled).toBe(false)
      // The state of a kept rule follows it (the foreign key names the rebuilt table).
      expect(opened.prepare('SELECT rule_id FROM alert_state').all()).toEqual([{ rule_id: 1 }])
      opened.prepare('DELETE FROM alert_rules WHERE id = 1').run()
      expect(opened.prepare('SELECT rule_id FROM alert_state').all()).toEqual([])
    } finally {
      opened.close()
    }
  })
})

describe('rules store', () => {
  it('saves, lists, gets, replaces, enables and deletes, telling listeners each time', () => {
    const changes: RulesChange[] = []
    const stop = onRulesChanged(db, (c) => changes.push(c))
    const saved = saveRule(
      db,
      spec({ ...base, critical: 240, recovery: 100, forSeconds: 300 }),
      NOW,
    )
    expect(saved).toMatchObject({
      name: 'Slow answers',
      warning: 120,
      critical: 240,
      recovery: 100,
      forSeconds: 300,
      enabled: true,
      builtIn: false,
      createdAt: '2026-11-30T12:00:00.000Z',
    })
    expect(getRule(db, saved.id)).toEqual(saved)
    const filters = {
      range: { preset: 'last30' as const, timeZone: 'Europe/London' },
      source: ['Google LSA'],
    }
    const replaced = saveRule(
      db,
      { ...spec({ ...base, warning: 150, filters }), id: saved.id },
      NOW + 1000,
    )
    expect(replaced).toMatchObject({
      id: saved.id,
      warning: 150,
      filters,
      createdAt: saved.createdAt,
    })
    expect(replaced.updatedAt).toBe('2026-11-30T12:00:01.000Z')
    expect(setRuleEnabled(db, saved.id, false, NOW).enabled).toBe(false)
    expect(listRules(db)).toEqual({
      rules: [{ ...replaced, enabled: false, updatedAt: new Date(NOW).toISOString() }],
      unreadable: [],
    })
    expect(deleteRule(db, saved.id)).toEqual({ id: saved.id })
    expect(getRule(db, saved.id)).toBeNull()
    expect(changes.map((c) => c.kind)).toEqual(['saved', 'saved', 'enabled', 'deleted'])
    stop()
    saveRule(db, spec(base), NOW)
    expect(changes).toHaveLength(4)
  })

  it('refuses a missing id, a taken name and a rule past RULE_LIMIT', () => {
    expect(refusal(() => deleteRule(db, 42))).toEqual({
      reason: 'not-found',
      message: 'There is no alert rule 42 (it may have been deleted elsewhere).',
    })
    expect(refusal(() => setRuleEnabled(db, 42, true, NOW)).reason).toBe('not-found')
    expect(refusal(() => saveRule(db, { ...spec(base), id: 42 }, NOW)).reason).toBe('not-found')
    saveRule(db, spec(base), NOW)
    expect(refusal(() => saveRule(db, spec({ ...base, name: 'SLOW ANSWERS' }), NOW))).toEqual({
      reason: 'name-taken',
      message:
        'An alert rule called "Slow answers" already exists (rule 1); pick another name or edit that one.',
    })
    const insert = db.prepare(
      "INSERT INTO alert_rules (name, metric, comparator, warning, message, created_at, updated_at) VALUES (?, 'leads', '>', 1, 'm', 0, 0)",
    )
    db.transaction(() => {
      for (let i = 1; i < RULE_LIMIT; i++) insert.run(`Rule ${i}`)
    })()
    expect(refusal(() => saveRule(db, spec({ ...base, name: 'One more' }), NOW))).toMatchObject({
      reason: 'limit',
      message: `At most ${RULE_LIMIT} alert rules can be kept; delete one first.`,
    })
  })

  it('checks thresholds, recovery, metric domains, filters and placeholders with sentences', () => {
    const problems = (input: AlertRuleInput) => ruleProblems(spec(input))
    expect(problems(base)).toEqual([])
    expect(problems({ ...base, warning: null })).toEqual([
      'A rule needs a warning or a critical threshold, or both.',
    ])
    expect(problems({ ...base, critical: 100 })).toEqual([
      'With ">", the critical threshold must lie above the warning one (critical 100, warning 120).',
    ])
    expect(problems({ ...base, comparator: '<', warning: 10, critical: 20 })[0]).toContain(
      'must lie below',
    )
    expect(problems({ ...base, recovery: 130 })).toEqual([
      'The recovery 130 lies on the alerting side of the warning threshold 120: with ">" it must be at most 120, so the alert can resolve.',
    ])
    expect(problems({ ...base, comparator: '<=', warning: 5, recovery: 4 })[0]).toContain(
      'at least 5',
    )
    expect(problems({ ...base, warning: null, critical: 240, recovery: 250 })[0]).toContain(
      'critical threshold 240',
    )
    // A share is also written as the percent the page shows.
    expect(
      problems({
        ...base,
        metric: 'conversionRate',
        comparator: '<',
        warning: 0.25,
        critical: 0.3,
        recovery: null,
      }),
    ).toEqual([
      'With "<", the critical threshold must lie below the warning one (critical 0.3 (30 %), warning 0.25 (25 %)).',
    ])
    expect(problems({ ...base, metric: 'conversionRate', comparator: '<', warning: 25 })).toEqual([
      'conversionRate is a fraction from 0 to 1 (25 % is 0.25); the warning threshold 25 lies outside it.',
    ])
    expect(problems({ ...base, warning: -5 })[0]).toContain(
      'never negative; the warning threshold -5',
    )
    expect(
      problems({
        ...base,
        metric: 'syncLagSeconds',
        filters: { range: { preset: 'today', timeZone: 'UTC' } },
      }),
    ).toEqual(['syncLagSeconds describes the sync, not the data: a rule on it takes no filters.'])
    expect(problems({ ...base, message: '{name} at {valeu}' })[0]).toContain('names {valeu}')
    // Refused whole: nothing saved.
    expect(refusal(() => saveRule(db, spec({ ...base, recovery: 1e12 }), NOW)).reason).toBe(
      'invalid',
    )
    expect(listRules(db).rules).toEqual([])
  })

  it('refuses hostile input at the schema: unknown metric and field by name, absurd sizes', () => {
    const issues = (raw: unknown) =>
      saveRuleInputSchema.safeParse(raw).error?.issues.map((i) => i.message) ?? []
    expect(issues({ ...base, metric: 'vibes' })).toEqual([unknownMetricSentence('vibes')])
    expect(
      issues({
        ...base,
        filters: { range: { preset: 'today', timeZone: 'UTC' }, colour: ['red'] },
      }),
    ).toEqual([
      'A rule cannot filter on "colour"; the filter fields are range, source, segment, city, temperature, status, owner.',
    ])
    expect(issues({ ...base, name: 'x'.repeat(10_000) }).join()).toMatch(/120/)
    expect(issues({ ...base, warning: 1e300 }).length).toBe(1)
    expect(issues({ ...base, warning: Number.NaN }).length).toBe(1)
    expect(issues({ ...base, metric: 'm'.repeat(10_000) })[0]?.length).toBeLessThan(400)
    expect(saveRuleInputSchema.safeParse({ ...base, id: 3 }).success).toBe(true)
  })

  it('lists a row that no longer parses apart, with why, and still deletes it', () => {
    saveRule(db, spec(base), NOW)
    const put = db.prepare(
      "INSERT INTO alert_rules (name, metric, comparator, warning, filters, message, created_at, updated_at) VALUES (?, ?, '>', 1, ?, 'm', 0, 0)",
    )
    const renamed = Number(put.run('Renamed metric', 'leadCount', null).lastInsertRowid)
    const broken = Number(put.run('Broken JSON', 'leads', '{"range": ').lastInsertRowid)
    const drifted = Number(
      put.run(
        'Old zone',
        'leads',
        JSON.stringify({ range: { preset: 'last7', timeZone: 'Mars/Olympus' } }),
      ).lastInsertRowid,
    )
    const { rules, unreadable } = listRules(db)
    expect(rules.map((r) => r.name)).toEqual(['Slow answers'])
    expect(unreadable).toEqual([
      { id: broken, name: 'Broken JSON', reason: 'its filters are not readable JSON' },
      { id: drifted, name: 'Old zone', reason: 'filters.range.timeZone: unknown time zone' },
      { id: renamed, name: 'Renamed metric', reason: unknownMetricSentence('leadCount') },
    ])
    expect(refusal(() => getRule(db, broken))).toEqual({
      reason: 'unreadable',
      message: `Alert rule ${broken} can no longer be read (its filters are not readable JSON); save it anew or delete it.`,
    })
    expect(refusal(() => setRuleEnabled(db, broken, false, NOW)).reason).toBe('unreadable')
    // Saving over it makes it readable again.
    expect(
      saveRule(
        db,
        { ...spec({ ...base, name: 'Fixed', metric: 'leads', warning: 5 }), id: broken },
        NOW,
      ).name,
    ).toBe('Fixed')
    deleteRule(db, renamed)
    expect(listRules(db).unreadable.map((u) => u.id)).toEqual([drifted])
  })
})

describe('default rules', () => {
  it('are seeded once into an empty table, enabled and built in, and not again after a delete', () => {
    const ids = ensureDefaultRules(db, NOW)
    expect(ids).toHaveLength(5)
    const { rules, unreadable } = listRules(db)
    expect(unreadable).toEqual([])
    expect(rules.every((r) => r.enabled && r.builtIn)).toBe(true)
    expect(getSetting(db, DEFAULTS_SEEDED_SETTING)).toBe('2026-11-30T12:00:00.000Z')
    deleteRule(db, ids[0] as number)
    expect(ensureDefaultRules(db, NOW)).toEqual([])
    expect(listRules(db).rules).toHaveLength(4)
  })

  it('are not seeded into a table that already holds rules', () => {
    saveRule(db, spec(base), NOW)
    expect(ensureDefaultRules(db, NOW)).toEqual([])
    expect(listRules(db).rules.map((r) => r.name)).toEqual(['Slow answers'])
  })

  it('take their thresholds from the registry the cache is opened with, in the org zone', () => {
    ensureDefaultRules(db, NOW)
    const by = Object.fromEntries(listRules(db).rules.map((r) => [r.metric, r]))
    expect(by.averageResponseSeconds).toMatchObject({
      comparator: '>',
      warning: DEFAULT_TARGETS.responseSeconds,
    })
    expect(by.conversionRate).toMatchObject({
      comparator: '<',
      warning: DEFAULT_TARGETS.conversionBand.low,
    })
    expect(by.unprofitableChannels).toMatchObject({ comparator: '>', warning: 0 })
    expect(by.monthProgress).toMatchObject({ comparator: '<', warning: 0.85 })
    expect(by.sourceOfflineSeconds).toMatchObject({ comparator: '>=', warning: 600, filters: null })
    expect(by.averageResponseSeconds?.filters?.range.timeZone).toBe('America/Detroit')

    const other = openStore(join(dir, 'other.sqlite'))
    try {
      registryFor(other, {
        ...DEFAULT_TARGETS,
        responseSeconds: 300,
        conversionBand: { low: 0.3, high: 0.4 },
      })
      ensureDefaultRules(other, NOW)
      const mine = Object.fromEntries(listRules(other).rules.map((r) => [r.metric, r]))
      expect(mine.averageResponseSeconds?.warning).toBe(300)
      expect(mine.conversionRate?.warning).toBe(0.3)
    } finally {
      other.close()
    }
  })

  it('each pass the store’s own checks', () => {
    for (const rule of defaultRules(DEFAULT_TARGETS, 'UTC')) expect(ruleProblems(rule)).toEqual([])
  })
})

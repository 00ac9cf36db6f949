import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAlertEngine, evaluateRules, type AlertEngine } from '../../main/alerts/index.ts'
import { dashboard } from '../../main/metrics/dashboard.ts'
import { enabledRules } from '../../main/alerts/rules-store.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import type { ActiveAlerts } from '../../shared/api/alert-engine.ts'
import type { AlertTransition } from '../../shared/api/alert-rules.ts'
import { END_AT, alertCache, insertRule, type AlertCache } from '../support/alert-fixture.ts'
import { until } from '../support/wait.ts'

const MIN = 60_000
let cache: AlertCache
let now = END_AT + 5 * MIN
const clock = () => new Date(now)

beforeEach(() => {
  cache = alertCache('watchfloor-alert-engine-')
  now = END_AT + 5 * MIN
})
afterEach(() => cache.cleanup())

function engineOn(
  db: Store,
  seen: { changed: ActiveAlerts[]; notified: AlertTransition[] } = { changed: [], notified: [] },
): AlertEngine {
  return createAlertEngine({
    db,
    clock,
    sources: () => [],
    intervalMs: 0,
    changed: (a) => seen.changed.push(a),
    notify: (ts) => seen.notified.push(...ts),
  })
}

/** Over the last 7 days the demo holds a few hundred leads: a rule on "more than 1" holds. */
const manyLeads = { name: 'Busy week', metric: 'leads', comparator: '>', warning: 1 } as const

describe('alert engine on a demo cache', () => {
  it('fires a rule on cached data, keeps its state and history, and lists it', () => {
    const id = insertRule(cache.db, { ...manyLeads, forSeconds: 0 })
    const seen = { changed: [] as ActiveAlerts[], notified: [] as AlertTransition[] }
    const engine = engineOn(cache.db, seen)
    const { transitions } = engine.evaluate()
    expect(transitions).toMatchObject([{ key: `rule:${id}`, from: 'ok', to: 'firing' }])
    expect(seen.notified).toHaveLength(1)
    const active = engine.active()
    expect(active.tray).toBe('warning')
    expect(active.alerts).toMatchObject([
      {
        key: `rule:${id}`,
        origin: 'local',
        state: 'firing',
        severity: 'warning',
        view: 'overview',
      },
    ])
    expect(active.alerts[0]?.message).toMatch(/^Busy week: Leads is [\d,]+ \(warning at 1\)$/)
    // A second cycle with the same value is no transition and tells nobody.
    expect(engine.evaluate().transitions).toEqual([])
    expect(seen.notified).toHaveLength(1)
    expect(engine.history(10).transitions).toMatchObject([{ to: 'firing', name: 'Busy week' }])
  })

  it('a restart in the middle of pending resumes with its `since` and fires on time', () => {
    const id = insertRule(cache.db, { ...manyLeads, forSeconds: 600 })
    const started = now
    expect(engineOn(cache.db).evaluate().transitions).toMatchObject([{ to: 'pending' }])
    cache.db.close()
    now = started + 5 * MIN
    const db = openStore(cache.file)
    try {
      const engine = engineOn(db)
      expect(engine.evaluate().transitions).toEqual([])
      expect(engine.active().alerts).toMatchObject([
        { key: `rule:${id}`, state: 'pending', since: new Date(started).toISOString() },
      ])
      now = started + 10 * MIN - 1
      expect(engine.evaluate().transitions).toEqual([])
      now = started + 10 * MIN
      expect(engine.evaluate().transitions).toMatchObject([{ from: 'pending', to: 'firing' }])
    } finally {
      db.close()
    }
  })

  it('a restart in the middle of firing stays firing without notifying again', () => {
    insertRule(cache.db, { ...manyLeads, forSeconds: 0 })
    expect(engineOn(cache.db).evaluate().transitions).toHaveLength(1)
    cache.db.close()
    now += 30 * MIN
    const db = openStore(cache.file)
    try {
      const seen = { changed: [] as ActiveAlerts[], notified: [] as AlertTransition[] }
      const engine = engineOn(db, seen)
      expect(engine.evaluate().transitions).toEqual([])
      expect(seen.notified).toEqual([])
      expect(engine.active().alerts[0]?.state).toBe('firing')
      expect(engine.history(10).transitions).toHaveLength(1)
    } finally {
      db.close()
    }
  })

  it('acknowledge keeps the alert listed, clears the tray and stops notifying', () => {
    const id = insertRule(cache.db, { ...manyLeads, critical: 1_000_000, forSeconds: 0 })
    const seen = { changed: [] as ActiveAlerts[], notified: [] as AlertTransition[] }
    const engine = engineOn(cache.db, seen)
    engine.evaluate()
    const after = engine.acknowledge(`rule:${id}`)
    expect(after.alerts).toMatchObject([
      { key: `rule:${id}`, acknowledgedAt: new Date(now).toISOString() },
    ])
    expect(after.tray).toBe('ok')
    expect(seen.changed.at(-1)).toEqual(after)
    // Escalation while acknowledged: recorded, not notified.
    cache.db.prepare('UPDATE alert_rules SET critical = 2').run()
    expect(engine.evaluate().transitions).toMatchObject([{ severity: 'critical' }])
    expect(seen.notified).toHaveLength(1)
    expect(() => engine.acknowledge('rule:999')).toThrow(/There is no active alert "rule:999"/)
  })

  it('acknowledge all and a silence that expires', () => {
    const a = insertRule(cache.db, { ...manyLeads, forSeconds: 0 })
    const b = insertRule(cache.db, { ...manyLeads, name: 'Other', critical: 2, forSeconds: 0 })
    const seen = { changed: [] as ActiveAlerts[], notified: [] as AlertTransition[] }
    const engine = engineOn(cache.db, seen)
    engine.evaluate()
    expect(seen.notified).toHaveLength(2)
    const until = now + 10 * MIN
    engine.silence(`rule:${a}`, new Date(until))
    cache.db.prepare('UPDATE alert_rules SET critical = 2 WHERE id = ?').run(a)
    expect(engine.evaluate().transitions).toMatchObject([
      { key: `rule:${a}`, severity: 'critical' },
    ])
    expect(seen.notified).toHaveLength(2)
    expect(engine.active().alerts.find((x) => x.key === `rule:${a}`)?.silencedUntil).toBe(
      new Date(until).toISOString(),
    )
    now = until
    cache.db.prepare('UPDATE alert_rules SET critical = NULL WHERE id = ?').run(a)
    expect(engine.evaluate().transitions).toMatchObject([{ key: `rule:${a}`, severity: 'warning' }])
    expect(seen.notified).toHaveLength(3)
    const all = engine.acknowledgeAll()
    expect(all.acknowledged).toBe(2)
    expect(all.active.alerts.every((x) => x.acknowledgedAt !== null)).toBe(true)
    expect(engine.acknowledgeAll().acknowledged).toBe(0)
    expect(b).toBeGreaterThan(a)
  })

  it('after a sync commit evaluates only the rules whose dashboards moved', () => {
    insertRule(cache.db, { ...manyLeads, forSeconds: 0 })
    insertRule(cache.db, {
      name: 'Month behind',
      metric: 'monthProgress',
      comparator: '<',
      warning: 100,
    })
    const engine = engineOn(cache.db)
    expect(engine.evaluate(['marketing']).evaluated).toBe(0)
    expect(engine.evaluate(['revenue']).evaluated).toBe(1)
    expect(engine.evaluate(['leadResponse', 'revenue']).evaluated).toBe(2)
  })

  it('evaluates a burst of sync commits together, at most once a gap, and none is lost', async () => {
    insertRule(cache.db, { ...manyLeads, forSeconds: 0 })
    let evaluations = 0
    const engine = createAlertEngine({
      db: cache.db,
      clock,
      sources: () => [],
      intervalMs: 0,
      minGapMs: 300,
      rules: (db) => {
        evaluations++
        return enabledRules(db)
      },
    })
    // A commit after a quiet spell is evaluated at once (next tick).
    engine.dataChanged(['leads'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(evaluations).toBe(1)
    // Forty commits inside the gap wait for its end and are evaluated as one.
    for (let i = 0; i < 40; i++) engine.dataChanged(['leads'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(evaluations).toBe(1)
    await until('the burst evaluated at the gap’s end', () =>
      evaluations === 2 ? true : undefined,
    )
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(evaluations).toBe(2)
    engine.stop()
  })

  it('reads each metric as its tab shows it: revenue booked is the trends series summed', () => {
    const zone = 'America/Detroit'
    const rules = [
      { id: 1, metric: 'revenueBooked', filters: { range: { preset: 'last30', timeZone: zone } } },
      { id: 2, metric: 'revenueBooked', filters: { range: { preset: 'today', timeZone: zone } } },
      { id: 3, metric: 'conversionRate', filters: null },
      { id: 4, metric: 'unprofitableChannels', filters: null },
    ] as const
    const values = evaluateRules(cache.db, rules, clock, {
      sourceOfflineSeconds: 0,
      syncLagSeconds: null,
    })
    for (const rule of [rules[0], rules[1]]) {
      const trends = dashboard(
        cache.db,
        { filters: rule.filters, dashboards: ['trends'], maxPoints: 10_000, activityLimit: 1 },
        clock,
      ).trends
      const sum = (trends?.revenueCents.y ?? []).reduce<number>((a, y) => a + (y ?? 0), 0)
      expect(values.get(rule.id)).toBe(sum)
    }
    expect(values.get(1)).toBeGreaterThan(0)
    const last7 = { range: { preset: 'last7', timeZone: zone } } as const
    const d = dashboard(
      cache.db,
      { filters: last7, dashboards: ['conversion', 'marketing'], maxPoints: 3, activityLimit: 1 },
      clock,
    )
    // Seven days of leads are too young to read their conversion (a maturing range reads only
    // its leads old enough to have closed: none of these are).
    expect(d.conversion?.maturity.maturing).toBe(true)
    expect(values.get(3)).toBeNull()
    expect(values.get(4)).toBe(d.marketing?.channels.filter((c) => (c.roiPercent ?? 0) < 0).length)
  })
})

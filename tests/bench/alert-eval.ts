// One evaluation cycle of 100 alert rules (issue 13's benchmark): mixed
// metrics and filter sets on the bench cache, each cycle right after a sync
// commit (a write that invalidates every cache keyed by the file's version),
// beside one dashboard() call for the default filters in the same run.
import { METRIC_READERS, createAlertEngine } from '../../main/alerts/index.ts'
import { defaultAlertFilters, dashboardsFor } from '../../main/alerts/evaluate.ts'
import { insertRule } from '../../main/alerts/rules-store.ts'
import { dashboard } from '../../main/metrics/dashboard.ts'
import { openStore } from '../../main/store/index.ts'
import {
  ALERT_METRICS,
  alertRuleInputSchema,
  changedDashboards,
  type Filters,
} from '../../shared/api/index.ts'

export interface AlertEvalFigures {
  readonly rules: number
  readonly filterSets: number
  readonly cycleMs: number[]
  readonly baselineMs: number[]
}

const CYCLES = 40

export function benchAlertEval(file: string, rules = 100): AlertEvalFigures {
  const db = openStore(file)
  try {
    db.exec('DELETE FROM alert_history; DELETE FROM alert_state; DELETE FROM alert_rules')
    const zone = defaultAlertFilters(db).range.timeZone
    const filterSets: (Filters | null)[] = [
      null,
      { range: { preset: 'today', timeZone: zone } },
      { range: { preset: 'last30', timeZone: zone } },
      { range: { preset: 'mtd', timeZone: zone } },
      { range: { preset: 'last7', timeZone: zone }, source: ['Google LSA'] },
      { range: { preset: 'last30', timeZone: zone }, temperature: ['hot'] },
    ]
    const now = Date.now()
    for (let i = 0; i < rules; i++) {
      const metric = ALERT_METRICS[i % ALERT_METRICS.length] as (typeof ALERT_METRICS)[number]
      // The sync's own figures take no filters.
      const system = METRIC_READERS[metric].dashboard === null
      const filters = system
        ? null
        : (filterSets[Math.floor(i / ALERT_METRICS.length) % filterSets.length] ?? null)
      insertRule(
        db,
        alertRuleInputSchema.parse({
          name: `bench ${i} ${metric}`,
          metric,
          // Half hold (pending, then firing), half never can (below 0): both paths are walked.
          comparator: i % 2 === 0 ? '>' : '<',
          warning: 0,
          forSeconds: 60,
          filters,
        }),
        false,
        now,
      )
    }
    const engine = createAlertEngine({
      db,
      clock: () => new Date(),
      sources: () => [],
      intervalMs: 0,
    })
    const bump = db.prepare(
      'UPDATE leads SET updated_at = updated_at + 1 WHERE id = (SELECT max(id) FROM leads)',
    )
    const commit = () => db.transaction(() => bump.run())()
    const moved = changedDashboards(['leads'])
    const wanted = dashboardsFor(ALERT_METRICS)
    const defaults = defaultAlertFilters(db)
    const cycleMs: number[] = []
    const baselineMs: number[] = []
    // Warm-up: the first read of each range pays for loading pages from disk.
    engine.evaluate()
    for (let i = 0; i < CYCLES; i++) {
      // Alternate so that drift in the machine's load hits both sides alike.
      commit()
      let t = performance.now()
      const { evaluated } = engine.evaluate(moved)
      cycleMs.push(performance.now() - t)
      if (evaluated !== rules) throw new Error(`evaluated ${evaluated} of ${rules} rules`)
      commit()
      t = performance.now()
      dashboard(
        db,
        { filters: defaults, dashboards: wanted, maxPoints: 10_000, activityLimit: 1 },
        () => new Date(),
      )
      baselineMs.push(performance.now() - t)
    }
    engine.stop()
    return { rules, filterSets: filterSets.length, cycleMs, baselineMs }
  } finally {
    // The cache is shared with the other parts: a core started on it must not find 100 rules.
    db.exec(`DELETE FROM alert_rules WHERE name LIKE 'bench %'`)
    db.close()
  }
}

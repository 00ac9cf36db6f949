// Each shipped default rule (main/alerts/default-rules.ts) fires on a demo
// dataset edited to breach it and stays quiet on one edited to keep clear of
// it, through the real engine on a real cache file, the clock driven past the
// rule's `for` duration.
import { afterEach, describe, expect, it } from 'vitest'
import { createAlertEngine } from '../../main/alerts/index.ts'
import { ensureDefaultRules } from '../../main/alerts/default-rules.ts'
import { enabledRules } from '../../main/alerts/rules-store.ts'
import { rebuildRollups } from '../../main/metrics/index.ts'
import type { Store } from '../../main/store/index.ts'
import type { AlertTransition, SourceStatus } from '../../shared/api/index.ts'
import { END_AT, alertCache, type AlertCache } from '../support/alert-fixture.ts'

const NOW = END_AT + 5 * 60_000
const DAY = 86_400_000
/** Midnight of END_AT's day and of its month in the org's zone (America/Detroit, UTC−5 in November). */
const TODAY = Date.parse('2026-11-27T05:00:00Z')
const MONTH = Date.parse('2026-11-01T04:00:00Z')
const LAST30 = END_AT - 30 * DAY

let cache: AlertCache | undefined
afterEach(() => cache?.cleanup())

/**
 * The transitions of the default rule `name` over two evaluations: now and once its `for`
 * duration has passed, on a fresh demo cache edited by `edit`.
 */
function transitionsOf(
  name: string,
  edit: (db: Store) => void,
  sources: readonly SourceStatus[] = [],
  /** Seconds after NOW to evaluate at (default: at once and once `for` has passed). */
  at?: readonly number[],
): AlertTransition[] {
  cache = alertCache('watchfloor-alert-defaults-')
  const { db } = cache
  expect(ensureDefaultRules(db, NOW)).toHaveLength(5)
  edit(db)
  rebuildRollups(db)
  const rule = enabledRules(db).find((r) => r.name === name)
  if (!rule) throw new Error(`no default rule named ${name}`)
  let now = NOW
  const out: AlertTransition[] = []
  const engine = createAlertEngine({
    db,
    clock: () => new Date(now),
    sources: () => sources,
    intervalMs: 0,
    rules: () => [rule],
  })
  for (const seconds of at ?? [0, rule.forSeconds]) {
    now = NOW + seconds * 1000
    out.push(...engine.evaluate().transitions)
  }
  engine.stop()
  return out
}

const run = (db: Store, sql: string, ...params: unknown[]) => db.prepare(sql).run(...params)
const fired = (ts: readonly AlertTransition[]) => ts.filter((t) => t.to === 'firing')

describe('the default rules on demo data', () => {
  it('lead response over target: fires when today’s leads wait 400 s, quiet at 30 s', () => {
    const slow = transitionsOf('Lead response over target', (db) =>
      run(
        db,
        'UPDATE leads SET first_response_at = created_at + 400000 WHERE created_at >= ?',
        TODAY,
      ),
    )
    expect(slow.map((t) => t.to)).toEqual(['pending', 'firing'])
    expect(fired(slow)[0]).toMatchObject({ severity: 'critical', value: 400 })
    const quick = transitionsOf('Lead response over target', (db) =>
      run(
        db,
        'UPDATE leads SET first_response_at = created_at + 30000 WHERE created_at >= ?',
        TODAY,
      ),
    )
    expect(quick).toEqual([])
  })

  it('conversion under target: fires when the last 30 days won nothing, quiet when half won', () => {
    const none = transitionsOf('Conversion under target', (db) =>
      run(
        db,
        `UPDATE leads SET status = 'lost', converted_at = NULL, deal_value_cents = NULL
          WHERE created_at >= ? AND status = 'won'`,
        LAST30,
      ),
    )
    expect(fired(none)).toMatchObject([{ severity: 'critical', value: 0 }])
    const half = transitionsOf('Conversion under target', (db) =>
      run(
        db,
        `UPDATE leads SET status = 'won', converted_at = min(created_at + 3600000, ?),
           deal_value_cents = 500000 WHERE created_at >= ? AND id % 2 = 0`,
        END_AT,
        LAST30,
      ),
    )
    expect(half).toEqual([])
  })

  it('unprofitable channel: fires when no deal was won, quiet when every lead brought $100,000', () => {
    const none = transitionsOf('Unprofitable channel', (db) =>
      run(
        db,
        `UPDATE leads SET status = 'lost', converted_at = NULL, deal_value_cents = NULL
          WHERE created_at >= ?`,
        LAST30,
      ),
    )
    expect(fired(none)).toHaveLength(1)
    expect(fired(none)[0]?.value).toBeGreaterThan(0)
    const rich = transitionsOf('Unprofitable channel', (db) =>
      run(
        db,
        `UPDATE leads SET status = 'won', converted_at = min(created_at + 3600000, ?),
           deal_value_cents = 10000000 WHERE created_at >= ?`,
        END_AT,
        LAST30,
      ),
    )
    expect(rich).toEqual([])
  })

  it('revenue behind target: fires when the month booked nothing, quiet when it booked plenty', () => {
    const none = transitionsOf('Revenue behind target', (db) =>
      run(
        db,
        `UPDATE leads SET status = 'lost', converted_at = NULL, deal_value_cents = NULL
          WHERE converted_at >= ?`,
        MONTH,
      ),
    )
    expect(none.map((t) => t.to)).toEqual(['pending', 'firing'])
    expect(fired(none)[0]).toMatchObject({ severity: 'critical', value: 0 })
    const plenty = transitionsOf('Revenue behind target', (db) =>
      run(db, 'UPDATE leads SET deal_value_cents = 100000000 WHERE converted_at >= ?', MONTH),
    )
    expect(plenty).toEqual([])
  })

  it('source offline: fires once a source has been offline 10 minutes, quiet while it is live', () => {
    const source = (state: SourceStatus['state']): SourceStatus => ({
      name: 'Postgres',
      state,
      since: null,
      message: state === 'live' ? null : 'connect ECONNREFUSED 127.0.0.1:1',
      lastGoodSyncAt: null,
    })
    const steps = [0, 300, 599, 600, 3600]
    const offline = transitionsOf('Source offline', () => {}, [source('offline')], steps)
    expect(offline).toMatchObject([
      { to: 'firing', severity: 'warning', value: 600, at: new Date(NOW + 600_000).toISOString() },
      { to: 'firing', severity: 'critical', value: 3600 },
    ])
    expect(transitionsOf('Source offline', () => {}, [source('live')], steps)).toEqual([])
  })
})

// A rule on conversion over a range whose leads are still young (issue 11's "8.3 % conversion":
// recent leads have not had time to close) reads the range's leads old enough to have closed,
// not the young cohort's rate, so the default conversion rule does not cry wolf every morning.
import { afterAll, expect, it } from 'vitest'
import { evaluateRules } from '../../main/alerts/evaluate.ts'
import { dashboard, resolveRange } from '../../main/metrics/index.ts'
import type { Filters } from '../../shared/api/index.ts'
import { END_AT, alertCache } from '../support/alert-fixture.ts'

const cache = alertCache('watchfloor-alert-maturing-', 4000, 120)
afterAll(() => cache.cleanup())
const clock = () => new Date(END_AT)
const system = { sourceOfflineSeconds: 0, syncLagSeconds: null }
const last30: Filters = { range: { preset: 'last30', timeZone: 'America/Detroit' } }

it('reads a maturing range’s conversion from its leads old enough to have closed', () => {
  const whole = dashboard(
    cache.db,
    { filters: last30, dashboards: ['conversion'], maxPoints: 3, activityLimit: 1 },
    clock,
  ).conversion!
  expect(whole.maturity.maturing).toBe(true)
  const range = resolveRange(last30.range, clock())
  const today = resolveRange({ preset: 'today', timeZone: range.timeZone }, clock()).from
  const lastMatured = new Date(Date.parse(today) - whole.maturity.closeDays * 86_400_000)
    .toISOString()
    .slice(0, 10)
  const values = evaluateRules(
    cache.db,
    [
      { id: 1, metric: 'conversionRate', filters: last30 },
      { id: 2, metric: 'conversions', filters: last30 },
    ],
    clock,
    system,
  )
  if (lastMatured < range.from) {
    // No day of the range is old enough: no reading, so the rule neither fires nor resolves.
    expect(values.get(1)).toBeNull()
    return
  }
  const matured = dashboard(
    cache.db,
    {
      filters: {
        range: { preset: 'custom', from: range.from, to: lastMatured, timeZone: range.timeZone },
      },
      dashboards: ['conversion'],
      maxPoints: 3,
      activityLimit: 1,
    },
    clock,
  ).conversion!
  expect(values.get(1)).toBe(matured.rate)
  expect(values.get(2)).toBe(matured.conversions)
  // The young cohort reads lower than what its matured part shows.
  expect(whole.rate!).toBeLessThan(matured.rate!)
})

it('reads a range whose leads have all had time to close as it is', () => {
  const old: Filters = {
    range: { preset: 'custom', from: '2026-08-01', to: '2026-09-15', timeZone: 'America/Detroit' },
  }
  const whole = dashboard(
    cache.db,
    { filters: old, dashboards: ['conversion'], maxPoints: 3, activityLimit: 1 },
    clock,
  ).conversion!
  expect(whole.maturity.maturing).toBe(false)
  const values = evaluateRules(
    cache.db,
    [{ id: 1, metric: 'conversionRate', filters: old }],
    clock,
    system,
  )
  expect(values.get(1)).toBe(whole.rate)
})

it('writes a value and its threshold in a message as the tab writes them, with their unit', async () => {
  const { formatMetricValue } = await import('../../main/alerts/engine.ts')
  expect(formatMetricValue(cache.db, 'averageResponseSeconds', 415.05)).toBe('415 s')
  expect(formatMetricValue(cache.db, 'conversionRate', 0.083)).toBe('8.3 %')
  expect(formatMetricValue(cache.db, 'sourceOfflineSeconds', 600)).toBe('600 s')
  expect(formatMetricValue(cache.db, 'unprofitableChannels', 2)).toBe('2')
  expect(formatMetricValue(cache.db, 'revenueBooked', 1_234_000)).toBe('$12,340')
  expect(formatMetricValue(cache.db, 'leads', null)).toBe('no data')
})

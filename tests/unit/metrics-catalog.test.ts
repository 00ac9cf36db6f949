import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DashboardData, Filters } from '../../shared/api/index.ts'
import { createApi, type Dispatch } from '../../main/api/index.ts'
import { cohortMaturity, conversionTips } from '../../main/metrics/catalog.ts'
import { MATURITY } from '../../main/metrics/registry.ts'
import { comparisonFor } from '../../main/metrics/time-range.ts'
import {
  conversionKpi,
  createScope,
  DEFAULT_TARGETS,
  funnelKpi,
  leadResponseKpi,
  marketingRoiKpi,
  premiumMarketsKpi,
  rebuildRollups,
  revenueGrowthKpi,
  trendsKpi,
} from '../../main/metrics/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { comparisonKindFor, resolveRange, type RateRow } from '../../shared/api/index.ts'

const resolveRangeAt = (spec: Filters['range']) => resolveRange(spec, clock())

const at = (iso: string) => Date.parse(iso)
const S = 1000
const clock = () => new Date('2026-03-13T00:00:00Z')
let db: Store
let api: Dispatch

const custom = (from: string, to: string, timeZone = 'UTC'): Filters => ({
  range: { preset: 'custom', from, to, timeZone },
})

beforeAll(() => {
  db = openStore(':memory:')
  insertLeads(db, [
    lead({
      id: 1,
      created_at: at('2026-03-10T09:00:00Z'),
      first_response_at: at('2026-03-10T09:00:00Z') + 60 * S,
      temperature: 'hot',
      status: 'won',
      converted_at: at('2026-03-11T12:00:00Z'),
      deal_value_cents: 1_000_000,
    }),
    lead({
      id: 2,
      created_at: at('2026-03-10T10:00:00Z'),
      first_response_at: at('2026-03-10T10:00:00Z') + 120 * S,
      status: 'lost',
    }),
    // Converted without a deal value.
    lead({
      id: 3,
      created_at: at('2026-03-10T11:00:00Z'),
      first_response_at: at('2026-03-10T11:00:00Z') + 300 * S,
      source: 'Nextdoor',
      temperature: 'cold',
      status: 'won',
      converted_at: at('2026-03-12T12:00:00Z'),
    }),
    // Never answered.
    lead({
      id: 4,
      created_at: at('2026-03-10T12:00:00Z'),
      source: 'Nextdoor',
      temperature: 'cold',
    }),
    lead({
      id: 5,
      created_at: at('2026-03-10T13:00:00Z'),
      deleted_at: at('2026-03-11T00:00:00Z'),
      first_response_at: at('2026-03-10T13:00:05Z'),
    }),
    // 23:59 on March 11 in Detroit is 03:59 UTC on March 12.
    lead({
      id: 6,
      created_at: at('2026-03-12T03:59:00Z'),
      first_response_at: at('2026-03-12T03:59:30Z'),
      updated_at: at('2026-03-12T04:00:00Z'),
    }),
  ])
  db.exec(`INSERT INTO marketing_channels (tenant_id, name, cost_per_lead_cents, conversion_target, monthly_spend_cents, updated_at)
    VALUES ('acme', 'Google LSA', 7500, 0.2, NULL, 0), ('acme', 'Nextdoor', 1500, 0.18, 60875, 0);
    INSERT INTO market_segments (tenant_id, name, cities, target_deal_size_cents, updated_at)
    VALUES ('acme', 'professional', '["Troy"]', 2000000, 0);
    INSERT INTO revenue_targets (tenant_id, month, target_cents, updated_at)
    VALUES ('acme', '2026-01', 100, 0), ('acme', '2026-02', 100, 0), ('acme', '2026-03', 2000000, 0),
           ('acme', '2027-01', 900000000, 0);`)
  rebuildRollups(db)
  api = createApi({ db, clock, version: 'test', isDemo: () => false, sources: () => [] })
})
afterAll(() => db.close())

describe('lead response', () => {
  const expected = {
    asOf: '2026-03-12T04:00:00.000Z',
    noData: false,
    targetSeconds: 120,
    leads: 4,
    responded: 3,
    neverResponded: 1,
    underTarget: 2, // 60 s and exactly 120 s
    overTarget: 2, // 300 s and never
    averageSeconds: 160, // (60 + 120 + 300) / 3
    medianSeconds: 120,
    shareUnderTarget: 0.5,
    conversionUnderTarget: 0.5, // lead 1 of leads 1, 2
    conversionOverTarget: 0.5, // lead 3 of leads 3, 4
    estimatedConversionsLost: 0,
    status: 'needs improvement',
  }
  it('gives the hand-computed figures on the raw path (UTC) and the rollup path (Detroit)', () => {
    expect(leadResponseKpi(db, custom('2026-03-10', '2026-03-10'), clock)).toMatchObject(expected)
    expect(
      leadResponseKpi(db, custom('2026-03-10', '2026-03-10', 'America/Detroit'), clock),
    ).toMatchObject(expected)
  })
  it('a single lead at 23:59 local belongs to its local day', () => {
    expect(
      leadResponseKpi(db, custom('2026-03-11', '2026-03-11', 'America/Detroit'), clock),
    ).toMatchObject({ leads: 1, averageSeconds: 30, medianSeconds: 30, status: 'excellent' })
    expect(leadResponseKpi(db, custom('2026-03-11', '2026-03-11'), clock)).toMatchObject({
      leads: 0,
    })
  })
  it('takes the mean of the two middle values for an even count (30, 60, 120, 300)', () => {
    expect(
      leadResponseKpi(db, custom('2026-03-10', '2026-03-11', 'America/Detroit'), clock),
    ).toMatchObject({ leads: 5, medianSeconds: 90 })
  })
  it('says there is no data for an empty range', () => {
    expect(leadResponseKpi(db, custom('2025-01-01', '2025-01-31'), clock)).toMatchObject({
      noData: true,
      leads: 0,
      averageSeconds: null,
      medianSeconds: null,
      shareUnderTarget: null,
      estimatedConversionsLost: null,
      status: null,
    })
  })
})

describe('conversion, funnel, markets, marketing ROI', () => {
  const f = custom('2026-03-10', '2026-03-10')
  it('conversion by temperature and source', () => {
    const c = conversionKpi(db, f, clock)
    expect(c).toMatchObject({ leads: 4, conversions: 2, rate: 0.5, band: 'above' })
    expect(c.byTemperature).toEqual([
      { key: 'hot', leads: 1, conversions: 1, rate: 1 },
      { key: 'warm', leads: 1, conversions: 0, rate: 0 },
      { key: 'cold', leads: 2, conversions: 1, rate: 0.5 },
    ])
    expect(c.bySource).toEqual([
      { key: 'Google LSA', leads: 2, conversions: 1, rate: 0.5, target: 0.2 },
      { key: 'Nextdoor', leads: 2, conversions: 1, rate: 0.5, target: 0.18 },
    ])
    expect(c.opportunities).toEqual([])
  })
  it('funnel: lost leads reach only "new"', () => {
    expect(funnelKpi(db, f, clock).stages).toEqual([
      { stage: 'new', current: 1, reached: 4, fromPrevious: null },
      { stage: 'contacted', current: 0, reached: 2, fromPrevious: 0.5 },
      { stage: 'qualified', current: 0, reached: 2, fromPrevious: 1 },
      { stage: 'proposal', current: 0, reached: 2, fromPrevious: 1 },
      { stage: 'won', current: 2, reached: 2, fromPrevious: 1 },
    ])
  })
  it('premium markets: a deal without value counts as a deal, not in the average', () => {
    expect(premiumMarketsKpi(db, f, clock).segments).toEqual([
      {
        segment: 'professional',
        leads: 4,
        deals: 2,
        dealsWithoutValue: 1,
        revenueCents: 1_000_000,
        averageDealCents: 1_000_000,
        targetDealCents: 2_000_000,
        dealSizeVsTarget: 0.5,
        conversion: 0.5,
        penetration: 1,
      },
    ])
  })
  it('marketing ROI: monthly spend prorated where known, cost per lead otherwise', () => {
    const m = marketingRoiKpi(db, f, clock)
    expect(m.channels[0]).toMatchObject({
      channel: 'Google LSA',
      costCents: 15_000, // 2 leads × $75
      costBasis: 'cost per lead',
      revenueCents: 1_000_000,
      profitable: true,
    })
    expect(m.channels[0]?.roiPercent).toBeCloseTo(6566.6667, 3) // (1,000,000 − 15,000) / 15,000
    expect(m.channels[1]).toMatchObject({
      channel: 'Nextdoor',
      costCents: 2_000, // 60,875 × 1 day ÷ 30.4375
      costBasis: 'monthly spend',
      roiPercent: -100,
      profitable: false,
    })
    expect(m.totals).toMatchObject({ leads: 4, revenueCents: 1_000_000, costCents: 17_000 })
  })
  it('revenue growth books deals by conversion time against the monthly targets', () => {
    const r = revenueGrowthKpi(db, { range: { preset: 'mtd', timeZone: 'UTC' } }, clock)
    expect(r).toMatchObject({
      month: '2026-03',
      monthRevenueCents: 1_000_000, // lead 1; lead 3 has no value
      monthTargetCents: 2_000_000,
      monthProgress: 0.5,
      // 12 of 31 days elapsed: 1,000,000 × 31 / 12
      projectedMonthCents: 2_583_333,
      ytdRevenueCents: 1_000_000,
      ytdTargetCents: 2_000_200,
      yearTargetCents: 2_000_200,
    })
  })
})

describe('trends and deltas', () => {
  it('buckets by day with period-over-period deltas', () => {
    const t = trendsKpi(db, custom('2026-03-09', '2026-03-12'), clock)
    expect(t.bucket).toBe('day')
    expect(t.leads).toEqual({
      x: ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12'],
      y: [0, 4, 0, 1],
    })
    expect(t.conversions.y).toEqual([0, 0, 1, 1])
    expect(t.revenueCents.y).toEqual([0, 0, 1_000_000, 0])
    expect(t.responseSeconds.y).toEqual([null, 160, null, 30])
    expect(t.deltas.leads).toEqual({
      current: 5,
      previous: 0,
      change: 5,
      relative: null,
      comparable: true,
    })
    expect(t.comparison).toEqual({
      range: { from: '2026-03-05', to: '2026-03-08', timeZone: 'UTC' },
      kind: 'previous period',
    })
    expect(t.heatmap[2]?.[9]).toBe(1) // Tuesday 09:00 UTC
  })
  it('thins a long series to maxPoints', () => {
    const t = trendsKpi(db, custom('2026-01-01', '2026-03-31'), clock, undefined, 10)
    expect(t.leads.x).toHaveLength(10)
    // LTTB keeps the peaks: the day with four leads survives the thinning.
    expect(t.leads.y).toContain(4)
  })
})

describe('kpis.dashboard', () => {
  it('returns every dashboard for a filter set', async () => {
    const result = await api('kpis.dashboard', {
      filters: custom('2026-03-10', '2026-03-10', 'America/Detroit'),
      dashboards: 'all',
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const value = result.value as DashboardData
    expect(value.leadResponse?.leads).toBe(4)
    expect(value.activity?.events).toEqual([])
    expect(value.health?.cacheBytes).toBeNull()
  })
  it.each([
    ['an unknown field', { drop: ['x'] }, 'filters'],
    ['a number for a source', { source: [7] }, 'filters.source.0'],
    ['an unknown temperature', { temperature: ['lukewarm'] }, 'filters.temperature.0'],
  ])('refuses %s with bad_request naming it', async (_n, extra, path) => {
    const result = await api('kpis.dashboard', {
      filters: { range: { preset: 'last7', timeZone: 'UTC' }, ...extra },
      dashboards: 'all',
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('bad_request')
    expect(result.error.issues?.map((i) => i.path)).toContain(path)
  })
  it('treats an injection attempt as data', async () => {
    const result = await api('kpis.dashboard', {
      filters: {
        range: { preset: 'ytd', timeZone: 'UTC' },
        source: ["'; DROP TABLE leads; --"],
        owner: ["x' OR '1'='1"],
      },
      dashboards: ['leadResponse', 'trends'],
    })
    expect(result).toMatchObject({ ok: true, value: { leadResponse: { leads: 0, noData: true } } })
    expect(db.prepare('SELECT count(*) AS n FROM leads').pluck().get()).toBe(6)
  })
})

describe('comparisons use the same span a period earlier (comparisonFor)', () => {
  const cases: [string, Filters['range'], string, string, string][] = [
    [
      'year to date',
      { preset: 'ytd', timeZone: 'UTC' },
      '2025-01-01',
      '2025-03-13',
      'same days last year',
    ],
    [
      'month to date',
      { preset: 'mtd', timeZone: 'UTC' },
      '2026-02-01',
      '2026-02-13',
      'same days last month',
    ],
    [
      'quarter to date',
      { preset: 'qtd', timeZone: 'UTC' },
      '2025-10-01',
      '2025-12-13',
      'same days last quarter',
    ],
    [
      'last 30 days',
      { preset: 'last30', timeZone: 'UTC' },
      '2026-01-13',
      '2026-02-11',
      'previous period',
    ],
    ['today', { preset: 'today', timeZone: 'UTC' }, '2026-03-12', '2026-03-12', 'previous day'],
    [
      'custom days',
      { preset: 'custom', from: '2026-03-01', to: '2026-03-10', timeZone: 'UTC' },
      '2026-02-19',
      '2026-02-28',
      'previous period',
    ],
  ]
  it.each(cases)('%s', (_name, spec, from, to, kind) => {
    // The clock reads 2026-03-13T00:00Z: today is March 13 in UTC.
    const c = comparisonFor(comparisonKindFor(spec.preset), resolveRangeAt(spec))
    expect(c).toEqual({ range: { from, to, timeZone: 'UTC' }, kind })
  })
  it('cuts the same days at the end of a shorter month, and Feb 29 at Feb 28', () => {
    const mtd = 'same days last month' as const
    expect(
      comparisonFor(mtd, { from: '2026-03-01', to: '2026-03-31', timeZone: 'UTC' }).range,
    ).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
      timeZone: 'UTC',
    })
    const ytd = 'same days last year' as const
    expect(
      comparisonFor(ytd, { from: '2024-01-01', to: '2024-02-29', timeZone: 'UTC' }).range,
    ).toEqual({
      from: '2023-01-01',
      to: '2023-02-28',
      timeZone: 'UTC',
    })
    const qtd = 'same days last quarter' as const
    expect(
      comparisonFor(qtd, { from: '2026-04-01', to: '2026-05-31', timeZone: 'UTC' }).range,
    ).toEqual({
      from: '2026-01-01',
      to: '2026-02-28',
      timeZone: 'UTC',
    })
  })
  it('the page names the comparison of the preset it read to custom days (compareWith)', () => {
    const days = custom('2026-01-01', '2026-03-13')
    expect(trendsKpi(db, days, clock).comparison.kind).toBe('previous period')
    expect(trendsKpi(db, days, clock, undefined, 500, 'same days last year').comparison).toEqual({
      range: { from: '2025-01-01', to: '2025-03-13', timeZone: 'UTC' },
      kind: 'same days last year',
    })
  })
  it('the trends answer compares year to date with the same days last year', () => {
    const t = trendsKpi(db, { range: { preset: 'ytd', timeZone: 'UTC' } }, clock)
    expect(t.comparison.kind).toBe('same days last year')
    expect(t.previousRange).toEqual({ from: '2025-01-01', to: '2025-03-13', timeZone: 'UTC' })
  })
})

describe('cohort maturity', () => {
  it('a range of young leads is maturing: its outcome deltas are not comparable, leads still are', () => {
    const t = trendsKpi(db, custom('2026-03-09', '2026-03-12'), clock)
    // Too few won deals to learn from: the registry's defaults.
    expect(t.maturity).toMatchObject({
      maturing: true,
      youngShare: 1,
      closeDays: MATURITY.defaultCloseDays,
      typicalCloseDays: MATURITY.defaultTypicalCloseDays,
      closeDaysFrom: 'default',
    })
    // Leads 2 (lost), 1 and 3 (won) are closed; leads 4 and 6 are open.
    expect(t.maturity.openShare).toBeNull() // not computed for the trends answer
    const c = conversionKpi(db, custom('2026-03-09', '2026-03-12'), clock)
    expect(c.maturity.openShare).toBeCloseTo(2 / 5)
    expect(t.deltas.leads.comparable).toBe(true)
    expect(t.deltas.averageResponseSeconds.comparable).toBe(true)
    expect(t.deltas.conversions.comparable).toBe(false)
    expect(t.deltas.conversionRate.comparable).toBe(false)
    expect(t.deltas.revenueCents.comparable).toBe(false)
    expect(conversionKpi(db, custom('2026-03-09', '2026-03-12'), clock).maturity.maturing).toBe(
      true,
    )
  })
  it('counts the leads’ age to the cache’s last change: a stale cache’s young leads stay young', () => {
    const months = () => new Date('2026-06-01T00:00:00Z')
    expect(trendsKpi(db, custom('2026-03-09', '2026-03-12'), months).maturity.maturing).toBe(true)
  })
  it('a range long past the close time is settled', () => {
    const t = trendsKpi(db, custom('2025-01-01', '2025-01-31'), clock)
    expect(t.maturity).toMatchObject({ maturing: false, youngShare: null, openShare: null })
    expect(t.deltas.conversions.comparable).toBe(true)
  })
  it('learns the close time from the recent won deals', () => {
    const d = openStore(':memory:')
    try {
      const day = 86_400_000
      const base = at('2025-06-01T00:00:00Z')
      // 100 deals: closed after 1..100 days → median 51 days, 80 % within 81 days.
      insertLeads(
        d,
        Array.from({ length: 100 }, (_, i) =>
          lead({
            id: i + 1,
            created_at: base,
            status: 'won',
            converted_at: base + (i + 1) * day - 1000,
            deal_value_cents: 100,
          }),
        ),
      )
      const m = cohortMaturity(
        createScope(d, custom('2026-03-01', '2026-03-12')),
        { from: '2026-03-01', to: '2026-03-12', timeZone: 'UTC' },
        clock,
        { openShare: true },
      )
      expect(m).toMatchObject({
        typicalCloseDays: 51,
        closeDays: 81,
        closeDaysFrom: 'recent deals',
      })
      expect(m.rule).toContain('81 days')
    } finally {
      d.close()
    }
  })
})

describe('conversion tips tell the truth (conversionTips, every branch)', () => {
  const settled = { maturing: false, openShare: 0.05, typicalCloseDays: 16 }
  const row = (
    key: string,
    leads: number,
    conversions: number,
    target?: number | null,
  ): RateRow => ({
    key,
    leads,
    conversions,
    rate: leads === 0 ? null : conversions / leads,
    ...(target === undefined ? {} : { target }),
  })
  const temps = (cold: [number, number], hot: [number, number]) => [
    row('hot', ...hot),
    row('warm', 10, 3),
    row('cold', ...cold),
  ]
  const base = {
    targets: DEFAULT_TARGETS,
    won: 30,
    leads: 100,
    overall: 0.3,
    byTemperature: temps([10, 1], [10, 5]),
    bySource: [row('Google LSA', 50, 15, 0.2), row('Nextdoor', 50, 15, 0.18)],
    maturity: settled,
  }
  const rules = (tips: { rule: string }[]) => tips.map((t) => t.rule)

  it('no tip when every rate is within its floor, target and band', () => {
    expect(conversionTips(base)).toEqual([])
  })
  it('cold leads under their floor', () => {
    const tips = conversionTips({ ...base, byTemperature: temps([100, 4], [10, 5]) })
    expect(rules(tips)).toEqual(['cold leads convert under 5 %'])
    expect(tips[0]?.message).toBe(
      'Cold leads convert at 4.0 % (4 of 100): nurture them with follow-up sequences instead of sales calls.',
    )
  })
  it('hot leads under their floor', () => {
    const tips = conversionTips({ ...base, byTemperature: temps([10, 1], [10, 3]) })
    expect(rules(tips)).toEqual(['hot leads convert under 40 %'])
  })
  it('a channel under its target; one shown equal to its target is not', () => {
    const tips = conversionTips({
      ...base,
      bySource: [row('Google LSA', 100, 10, 0.2), row('Nextdoor', 10_000, 1_799, 0.18)],
    })
    // 17.99 % shows as "18.0 %" against an "18.0 %" target: not under it.
    expect(rules(tips)).toEqual(['channel converts under its target'])
    expect(tips[0]?.message).toContain('Google LSA converts at 10.0 % against its 20.0 % target')
  })
  it('overall under the band with a channel above its target: advises spend toward it', () => {
    const tips = conversionTips({
      ...base,
      overall: 0.2,
      bySource: [row('Google LSA', 50, 15, 0.2), row('Nextdoor', 50, 5, 0.18)],
    })
    const overall = tips.find((t) => t.rule.startsWith('overall'))
    expect(overall?.message).toContain('shift spend toward Google LSA, above its target')
  })
  it('overall under the band with several channels above: names them all', () => {
    const tips = conversionTips({
      ...base,
      overall: 0.2,
      bySource: [row('Google LSA', 50, 15, 0.2), row('Nextdoor', 50, 15, 0.18)],
    })
    expect(tips.at(-1)?.message).toContain(
      'shift spend toward Google LSA, Nextdoor, above their targets',
    )
  })
  it('overall under the band and no channel above its target: never advises shifting spend', () => {
    const tips = conversionTips({
      ...base,
      overall: 0.1,
      bySource: [row('Google LSA', 50, 5, 0.2), row('Nextdoor', 10_000, 1_800, 0.18)],
    })
    const message = tips.at(-1)?.message ?? ''
    expect(message).toContain('no channel is above its target')
    expect(message).not.toContain('shift spend')
  })
  it('overall under the band and no channel has a target: says so', () => {
    const tips = conversionTips({
      ...base,
      overall: 0.1,
      bySource: [row('Google LSA', 50, 5, null), row('Referral', 50, 5)],
    })
    expect(tips.at(-1)?.message).toContain('no channel has a conversion target to compare with')
    expect(tips.at(-1)?.message).not.toContain('shift spend')
  })
  it('overall shown at the band floor ("25.0 %") is not under it', () => {
    expect(rules(conversionTips({ ...base, overall: 0.2496 }))).toEqual([])
  })
  it('a maturing range: rates read "so far" and no spend advice, even with a channel above target', () => {
    const tips = conversionTips({
      ...base,
      overall: 0.083,
      byTemperature: temps([100, 2], [10, 5]),
      maturity: { maturing: true, openShare: 0.45, typicalCloseDays: 16 },
    })
    expect(tips.map((t) => t.message)).toEqual([
      'Cold leads convert at 2.0 % so far (2 of 100): nurture them with follow-up sequences instead of sales calls.',
      'Overall conversion is 8.3 % so far (30 of 100), under the 25 %–35 % band: 45.0 % of these leads are still open and deals typically close in 16 days, so read it again once they have had time to close before moving spend.',
    ])
  })
})

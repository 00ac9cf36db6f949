import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DashboardData, Filters } from '../../shared/api/index.ts'
import { createApi, type Dispatch } from '../../main/api/index.ts'
import {
  conversionKpi,
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
    expect(t.deltas.leads).toEqual({ current: 5, previous: 0, change: 5, relative: null })
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

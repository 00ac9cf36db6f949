import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DAY_MS,
  annualRevenueTargets,
  MARKET_SEGMENTS,
  MARKETING_CHANNELS,
  RESPONSE_TARGET_SECONDS,
  SETTLED_AFTER_DAYS,
  TEMPERATURES,
  detroitDate,
  detroitMidnightUtc,
  detroitOffsetMs,
} from '../../main/demo/domain.ts'
import { demoEventsFrom, demoLeadEvents } from '../../main/demo/activity-events.ts'
import { fillCache, insertLeadsBare } from '../../main/demo/fill-cache.ts'
import { expectedChannelConversion, generateDemo } from '../../main/demo/generator.ts'
import { createRandom } from '../../main/demo/random.ts'
import type { DemoDataset } from '../../main/demo/types.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import { getSetting, openStore } from '../../main/store/index.ts'
import leadIndexesSql from '../../main/store/migrations/003-lead-indexes.ts'
import metricRollupsSql from '../../main/store/migrations/005-metric-rollups.ts'
import dealIndexSql from '../../main/store/migrations/007-deal-index.ts'

const END_AT = Date.UTC(2026, 10, 1)
const DAYS = 730
const SEED = 42

function hashDataset(dataset: DemoDataset): string {
  const hash = createHash('sha256')
  hash.update(JSON.stringify(dataset.marketingChannels))
  hash.update(JSON.stringify(dataset.marketSegments))
  hash.update(JSON.stringify(dataset.revenueTargets))
  for (const item of dataset.leads()) hash.update(JSON.stringify(item))
  return hash.digest('hex')
}

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole)

describe('random', () => {
  it('is reproducible per seed and stream and stays in [0, 1)', () => {
    const a = createRandom(1)
    const b = createRandom(1)
    const c = createRandom(1, 1)
    const xs = Array.from({ length: 1000 }, () => a.next())
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 1000 }, () => c.next())).not.toEqual(xs)
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
  })

  it('draws normals with the right mean and spread', () => {
    const r = createRandom(9)
    const n = 50_000
    let sum = 0
    let squares = 0
    for (let i = 0; i < n; i++) {
      const x = r.normal(3, 2)
      sum += x
      squares += x * x
    }
    const mean = sum / n
    expect(mean).toBeCloseTo(3, 1)
    expect(Math.sqrt(squares / n - mean * mean)).toBeCloseTo(2, 1)
  })
})

describe('Detroit time', () => {
  const intl = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Detroit',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
  })
  const parts = (t: number): Record<string, number> =>
    Object.fromEntries(
      intl
        .formatToParts(t)
        .filter((p) => p.type !== 'literal')
        .map((p) => [p.type, Number(p.value)]),
    )

  it('agrees with Intl on dates and hours, DST transitions included', () => {
    // Every 30 minutes from 2024 through 2027 (70,000 instants).
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2028, 0, 1); t += 30 * 60_000) {
      const mine = detroitDate(t)
      const theirs = parts(t)
      if (
        mine.year !== theirs.year ||
        mine.month + 1 !== theirs.month ||
        mine.day !== theirs.day ||
        mine.hour !== theirs.hour
      ) {
        expect({ t: new Date(t).toISOString(), mine, theirs }).toBeUndefined()
      }
    }
  })

  it('finds local midnight on ordinary and transition days', () => {
    for (const [y, m, d] of [
      [2026, 2, 8],
      [2026, 2, 9],
      [2026, 10, 1],
      [2026, 10, 2],
      [2026, 6, 4],
      [2026, 0, 15],
    ] as const) {
      const midnight = detroitMidnightUtc(y, m, d)
      expect(parts(midnight)).toMatchObject({ year: y, month: m + 1, day: d, hour: 0 })
      expect(parts(midnight - 1).day).not.toBe(d)
    }
    expect(detroitOffsetMs(Date.UTC(2026, 6, 1))).toBe(-4 * 3_600_000)
    expect(detroitOffsetMs(Date.UTC(2026, 0, 1))).toBe(-5 * 3_600_000)
  })
})

describe('generateDemo: determinism', () => {
  it('gives byte-identical rows for the same seed and endAt, and restarts on every leads() call', () => {
    const options = { seed: 7, leads: 5_000, endAt: END_AT }
    const dataset = generateDemo(options)
    const first = hashDataset(dataset)
    expect(hashDataset(dataset)).toBe(first)
    expect(hashDataset(generateDemo(options))).toBe(first)
    expect(hashDataset(generateDemo({ ...options, seed: 8 }))).not.toBe(first)
    expect(hashDataset(generateDemo({ ...options, endAt: END_AT - DAY_MS }))).not.toBe(first)
  })

  it('lets two iterations run interleaved without disturbing each other', () => {
    const dataset = generateDemo({ seed: 3, leads: 1_000, endAt: END_AT })
    const a = dataset.leads()
    const b = dataset.leads()
    for (let i = 0; i < 1_000; i++) {
      expect(JSON.stringify(a.next().value)).toBe(JSON.stringify(b.next().value))
    }
    expect(a.next().done).toBe(true)
  })

  it('refuses invalid options', () => {
    expect(() => generateDemo({ seed: 1.5, leads: 10, endAt: END_AT })).toThrow(RangeError)
    expect(() => generateDemo({ seed: 1, leads: 0, endAt: END_AT })).toThrow(RangeError)
    expect(() => generateDemo({ seed: 1, leads: 10, endAt: END_AT, days: 0 })).toThrow(RangeError)
  })
})

describe('generateDemo: 100k leads', () => {
  const N = 100_000
  // Conversion is measured on leads old enough to have reached their outcome:
  // younger leads are still in the pipeline, by design.
  const matureBefore = END_AT - SETTLED_AFTER_DAYS * DAY_MS
  const spanStart = END_AT - DAYS * DAY_MS

  interface Stats {
    count: number
    idsInOrder: boolean
    sortedAndInSpan: boolean
    problems: string[]
    channelLeads: Map<string, number>
    channelMature: Map<string, [leads: number, won: number]>
    temperatureMature: Map<string, [leads: number, won: number]>
    responseSeconds: Float64Array
    answered: number
    neverAnswered: number
    softDeleted: number
    won: number
    wonWithoutValue: number
    deals: Map<string, [count: number, cents: number]>
    leadsByWeekend: [weekday: number, weekend: number]
    leadsByHour: number[]
    customers: number
    projects: number
    appointments: number
    recentEarlyStage: [early: number, all: number]
  }
  let stats: Stats

  beforeAll(() => {
    const dataset = generateDemo({ seed: SEED, leads: N, endAt: END_AT, days: DAYS })
    const s: Stats = {
      count: 0,
      idsInOrder: true,
      sortedAndInSpan: true,
      problems: [],
      channelLeads: new Map(),
      channelMature: new Map(),
      temperatureMature: new Map(),
      responseSeconds: new Float64Array(N),
      answered: 0,
      neverAnswered: 0,
      softDeleted: 0,
      won: 0,
      wonWithoutValue: 0,
      deals: new Map(),
      leadsByWeekend: [0, 0],
      leadsByHour: new Array<number>(24).fill(0),
      customers: 0,
      projects: 0,
      appointments: 0,
      recentEarlyStage: [0, 0],
    }
    const problem = (lead: LeadRow, what: string): void => {
      if (s.problems.length < 10) s.problems.push(`lead ${lead.id}: ${what}`)
    }
    const isTime = (t: number | null): boolean =>
      t === null || (Number.isSafeInteger(t) && t <= END_AT)
    let previous = -Infinity
    let customerId = 0
    let projectId = 0
    let appointmentId = 0
    for (const { lead, customer, project, appointments } of dataset.leads()) {
      s.count++
      if (lead.id !== s.count) s.idsInOrder = false
      if (lead.created_at < previous || lead.created_at < spanStart || lead.created_at >= END_AT) {
        s.sortedAndInSpan = false
      }
      previous = lead.created_at
      for (const t of [
        lead.created_at,
        lead.updated_at,
        lead.deleted_at,
        lead.first_response_at,
        lead.converted_at,
      ]) {
        if (!isTime(t)) problem(lead, `time ${t} not an integer <= endAt`)
      }
      const eventTimes = [lead.first_response_at, lead.converted_at, lead.deleted_at].filter(
        (t): t is number => t !== null,
      )
      if (eventTimes.some((t) => t < lead.created_at || t > lead.updated_at)) {
        problem(lead, 'event outside [created_at, updated_at]')
      }
      if (lead.tenant_id !== 'demo') problem(lead, 'tenant')
      const segment = MARKET_SEGMENTS.find((x) => x.cities.some((c) => c.name === lead.city))
      if (segment?.name !== lead.segment) problem(lead, 'city not in its segment')

      s.channelLeads.set(lead.source, (s.channelLeads.get(lead.source) ?? 0) + 1)
      const won = lead.status === 'won'
      if (lead.created_at < matureBefore) {
        const c = s.channelMature.get(lead.source) ?? [0, 0]
        const t = s.temperatureMature.get(lead.temperature) ?? [0, 0]
        c[0]++
        t[0]++
        if (won) {
          c[1]++
          t[1]++
        }
        s.channelMature.set(lead.source, c)
        s.temperatureMature.set(lead.temperature, t)
        if (lead.status !== 'won' && lead.status !== 'lost') problem(lead, 'old lead unsettled')
      }
      if (lead.created_at >= END_AT - 2 * DAY_MS) {
        s.recentEarlyStage[1]++
        if (lead.status === 'new' || lead.status === 'contacted') s.recentEarlyStage[0]++
      }

      if (lead.first_response_at === null) s.neverAnswered++
      else s.responseSeconds[s.answered++] = (lead.first_response_at - lead.created_at) / 1000
      if (lead.deleted_at !== null) s.softDeleted++

      if ((lead.converted_at !== null) !== won) problem(lead, 'converted_at without won')
      if (won) {
        s.won++
        if (lead.deal_value_cents === null) s.wonWithoutValue++
        else {
          if (!Number.isSafeInteger(lead.deal_value_cents)) problem(lead, 'deal not integer')
          const d = s.deals.get(lead.segment) ?? [0, 0]
          d[0]++
          d[1] += lead.deal_value_cents
          s.deals.set(lead.segment, d)
        }
      } else if (lead.deal_value_cents !== null) problem(lead, 'deal value without won')

      // Derived rows: one customer and project per won lead, own id sequences.
      if ((customer !== null) !== won || (project !== null) !== won) {
        problem(lead, 'customer/project iff won')
      }
      if (customer && project) {
        s.customers++
        s.projects++
        if (customer.id !== ++customerId || project.id !== ++projectId) problem(lead, 'ids')
        if (customer.lead_id !== lead.id || project.customer_id !== customer.id) {
          problem(lead, 'links')
        }
        for (const t of [
          project.started_at,
          project.completed_at,
          project.created_at,
          project.updated_at,
        ]) {
          if (!isTime(t)) problem(lead, 'project time')
        }
        if ((project.status === 'completed') !== (project.completed_at !== null)) {
          problem(lead, 'completed_at iff completed')
        }
        if (!Number.isSafeInteger(project.value_cents)) problem(lead, 'project value')
      }
      const mayMeet = lead.status === 'qualified' || lead.status === 'proposal' || won
      if (mayMeet ? appointments.length < 1 || appointments.length > 2 : appointments.length > 0) {
        problem(lead, `${appointments.length} appointments for a ${lead.status} lead`)
      }
      for (const a of appointments) {
        s.appointments++
        if (a.id !== ++appointmentId || a.lead_id !== lead.id) problem(lead, 'appointment ids')
        if (![a.scheduled_at, a.created_at, a.updated_at].every(isTime)) {
          problem(lead, 'appointment time')
        }
        if (a.scheduled_at < a.created_at || a.created_at < lead.created_at) {
          problem(lead, 'appointment order')
        }
      }

      const local = detroitDate(lead.created_at)
      s.leadsByWeekend[local.weekday === 0 || local.weekday === 6 ? 1 : 0]++
      s.leadsByHour[local.hour] = (s.leadsByHour[local.hour] as number) + 1
    }
    s.responseSeconds = s.responseSeconds.subarray(0, s.answered).sort()
    stats = s
  })

  it('yields N leads with ids 1..N, created in order within [endAt - days, endAt)', () => {
    expect(stats.count).toBe(N)
    expect(stats.idsInOrder).toBe(true)
    expect(stats.sortedAndInSpan).toBe(true)
  })

  it('keeps every row consistent: integer times <= endAt, statuses matching the timeline', () => {
    expect(stats.problems).toEqual([])
    expect(stats.customers).toBe(stats.won)
    expect(stats.projects).toBe(stats.won)
    expect(stats.appointments).toBeGreaterThan(0)
  })

  it('has recent leads mostly at an early stage (> 70 % new or contacted in the last 2 days)', () => {
    const [early, all] = stats.recentEarlyStage
    expect(all).toBeGreaterThan(0)
    expect(share(early, all)).toBeGreaterThan(0.7)
  })

  it('splits leads across channels within ±2 pp of the configured weights', () => {
    const totalWeight = MARKETING_CHANNELS.reduce((sum, c) => sum + c.leadShare, 0)
    for (const channel of MARKETING_CHANNELS) {
      const observed = share(stats.channelLeads.get(channel.name) ?? 0, N)
      expect(Math.abs(observed - channel.leadShare / totalWeight), channel.name).toBeLessThan(0.02)
    }
  })

  it('converts hot > warm > cold, each within ±3 pp of its configured rate', () => {
    const rate = (t: string): number => {
      const [leads, won] = stats.temperatureMature.get(t) ?? [0, 0]
      return share(won, leads)
    }
    expect(rate('hot')).toBeGreaterThan(rate('warm'))
    expect(rate('warm')).toBeGreaterThan(rate('cold'))
    for (const t of TEMPERATURES) {
      expect(Math.abs(rate(t.temperature) - t.conversionRate), t.temperature).toBeLessThan(0.03)
    }
  })

  it('converts each channel within ±3 pp of its configured rate, some above target and some below', () => {
    let above = 0
    let below = 0
    for (const channel of MARKETING_CHANNELS) {
      const [leads, won] = stats.channelMature.get(channel.name) ?? [0, 0]
      const observed = share(won, leads)
      expect(
        Math.abs(observed - expectedChannelConversion(channel.name)),
        channel.name,
      ).toBeLessThan(0.03)
      if (observed > channel.conversionTarget) above++
      else below++
    }
    expect(above).toBeGreaterThan(0)
    expect(below).toBeGreaterThan(0)
  })

  it('answers with a median within 90–150 s, 40–70 % within the 120 s target, 1–5 % never', () => {
    const answered = stats.responseSeconds
    const median = answered[answered.length >> 1] as number
    expect(median).toBeGreaterThanOrEqual(90)
    expect(median).toBeLessThanOrEqual(150)
    const withinTarget = share(
      answered.filter((x) => x <= RESPONSE_TARGET_SECONDS).length,
      answered.length,
    )
    expect(withinTarget).toBeGreaterThanOrEqual(0.4)
    expect(withinTarget).toBeLessThanOrEqual(0.7)
    // A long tail: some leads wait more than an hour.
    expect(answered[answered.length - 1]).toBeGreaterThan(3600)
    const never = share(stats.neverAnswered, N)
    expect(never).toBeGreaterThanOrEqual(0.01)
    expect(never).toBeLessThanOrEqual(0.05)
  })

  it('soft-deletes about 0.5 % (0.2–1 %) and leaves ≤ 2 % of won deals without a value', () => {
    expect(share(stats.softDeleted, N)).toBeGreaterThan(0.002)
    expect(share(stats.softDeleted, N)).toBeLessThan(0.01)
    expect(share(stats.wonWithoutValue, stats.won)).toBeLessThanOrEqual(0.02)
  })

  it('prices won deals within ±10 % of the segment target ($45K, $27K, $12K)', () => {
    const average = (segment: string): number => {
      const [count, cents] = stats.deals.get(segment) ?? [0, 0]
      return share(cents, count)
    }
    expect(Math.abs(average('ultra-premium') / 4_500_000 - 1)).toBeLessThan(0.1)
    expect(Math.abs(average('professional') / 2_700_000 - 1)).toBeLessThan(0.1)
    expect(Math.abs(average('standard') / 1_200_000 - 1)).toBeLessThan(0.1)
  })

  it('is busier on weekdays than weekends, per day (Detroit local calendar)', () => {
    // Count the local weekdays and weekend days in the span.
    let weekdays = 0
    let weekendDays = 0
    for (let t = spanStart + 12 * 3_600_000; t < END_AT; t += DAY_MS) {
      const day = detroitDate(t).weekday
      if (day === 0 || day === 6) weekendDays++
      else weekdays++
    }
    const [onWeekdays, onWeekends] = stats.leadsByWeekend
    expect(onWeekdays / weekdays).toBeGreaterThan(onWeekends / weekendDays)
  })

  it('is busier in business hours (09–17 Detroit time) than at night (00–06), per hour', () => {
    const perHour = (from: number, to: number): number =>
      stats.leadsByHour.slice(from, to).reduce((a, b) => a + b, 0) / (to - from)
    expect(perHour(9, 17)).toBeGreaterThan(3 * perHour(0, 6))
  })

  it('has more leads in the second half of the span (growth) and in summer than in winter', () => {
    let firstHalf = 0
    let secondHalf = 0
    let summer = 0
    let winter = 0
    const middle = spanStart + (DAYS / 2) * DAY_MS
    for (const { lead } of generateDemo({ seed: SEED, leads: 20_000, endAt: END_AT }).leads()) {
      if (lead.created_at < middle) firstHalf++
      else secondHalf++
      const month = detroitDate(lead.created_at).month
      if (month >= 4 && month <= 7) summer++
      if (month === 11 || month <= 2) winter++
    }
    expect(secondHalf).toBeGreaterThan(firstHalf)
    expect(summer).toBeGreaterThan(winter)
  })
})

describe('generateDemo: reference tables', () => {
  const dataset = generateDemo({ seed: SEED, leads: 1_000, endAt: END_AT })

  it('sets annual revenue targets of $5,000 per lead of the last year, in the ratios 6 : 8 : 18 : 30', () => {
    expect(annualRevenueTargets(3_600)).toEqual([
      600_000_000, 800_000_000, 1_800_000_000, 3_000_000_000,
    ])
    // Whole thousands of dollars.
    expect(annualRevenueTargets(1)).toEqual([200_000, 200_000, 500_000, 800_000])
    expect(annualRevenueTargets(0)).toEqual([0, 0, 0, 0])
  })

  it('spreads each year’s target over its months, to the cent, for 2024–2027', () => {
    const byYear = new Map<string, number>()
    for (const t of dataset.revenueTargets) {
      expect(Number.isSafeInteger(t.target_cents)).toBe(true)
      const year = t.month.slice(0, 4)
      byYear.set(year, (byYear.get(year) ?? 0) + t.target_cents)
    }
    expect(dataset.revenueTargets).toHaveLength(48)
    expect([...byYear.keys()]).toEqual(['2024', '2025', '2026', '2027'])
    // This year's target follows the leads of the last 365 days (counted here from the rows).
    let lastYear = 0
    for (const { lead } of dataset.leads()) if (lead.created_at >= END_AT - 365 * DAY_MS) lastYear++
    const targets = [...byYear.values()]
    expect(targets).toEqual(
      annualRevenueTargets(targets[2] === undefined ? 0 : targets[2] / 500_000),
    )
    expect(Math.abs((targets[2] ?? 0) / 500_000 - lastYear)).toBeLessThanOrEqual(lastYear * 0.01)
    // Seasonal: June above January within a year.
    const target = (month: string): number =>
      dataset.revenueTargets.find((t) => t.month === month)?.target_cents ?? 0
    expect(target('2026-06')).toBeGreaterThan(target('2026-01'))
  })

  it('lists the channels and segments of the domain', () => {
    expect(
      dataset.marketingChannels.map((c) => [c.name, c.cost_per_lead_cents, c.conversion_target]),
    ).toEqual([
      ['Google LSA', 7_500, 0.2],
      ['Facebook Ads', 7_500, 0.12],
      ['Community Marketing', 1_700, 0.15],
      ['Insurance Referral', 2_500, 0.4],
      ['Real Estate Agent', 3_000, 0.35],
      ['Nextdoor', 1_500, 0.18],
    ])
    const ultra = dataset.marketSegments.find((s) => s.name === 'ultra-premium')
    expect(ultra?.target_deal_size_cents).toBe(4_500_000)
    expect(JSON.parse(ultra?.cities ?? '[]')).toEqual([
      'Bloomfield Hills',
      'Birmingham',
      'Grosse Pointe',
    ])
    expect(dataset.marketSegments.find((s) => s.name === 'professional')).toMatchObject({
      target_deal_size_cents: 2_700_000,
    })
  })
})

describe('fillCache', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'watchfloor-demo-test-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const counts = (db: ReturnType<typeof openStore>): Record<string, number> =>
    Object.fromEntries(
      [
        'leads',
        'customers',
        'projects',
        'appointments',
        'marketing_channels',
        'revenue_targets',
        'events',
      ].map((table) => [
        table,
        db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number,
      ]),
    )

  it('loads 20k leads into a file with the row counts of the generator, indexes and settings intact', () => {
    const dataset = generateDemo({ seed: SEED, leads: 20_000, endAt: END_AT })
    const expected = { leads: 0, customers: 0, projects: 0, appointments: 0, events: 0 }
    const eventsFrom = demoEventsFrom(END_AT)
    for (const item of dataset.leads()) {
      expected.leads++
      if (item.customer) expected.customers++
      if (item.project) expected.projects++
      expected.appointments += item.appointments.length
      demoLeadEvents(item, eventsFrom, () => expected.events++)
    }

    const path = join(dir, 'cache.sqlite')
    const db = openStore(path)
    const progress: number[] = []
    const result = fillCache(db, dataset, { onProgress: (done) => progress.push(done) })
    expect(result).toEqual(expected)
    expect(progress.at(-1)).toBe(20_000)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))

    const loaded = counts(db)
    expect(loaded).toMatchObject({ ...expected, marketing_channels: 6, revenue_targets: 48 })

    // The indexes are back, with the exact SQL of their migration.
    const indexes = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads'")
      .all() as { name: string; sql: string }[]
    expect(indexes.map((i) => i.name).sort()).toEqual([
      'leads_converted_at',
      'leads_created_at',
      'leads_response_ms',
      'leads_updated_at',
    ])
    for (const index of indexes)
      expect(leadIndexesSql + metricRollupsSql + dealIndexSql).toContain(`${index.sql};`)
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT count(*) FROM leads WHERE created_at >= ?')
      .all(END_AT - DAY_MS) as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toContain('leads_created_at')

    // The load's pragmas are restored, and the data satisfies every CHECK
    // constraint (quick_check verifies them) although the load skipped them.
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    expect(db.pragma('ignore_check_constraints', { simple: true })).toBe(0)
    expect(db.pragma('quick_check', { simple: true })).toBe('ok')
    expect(getSetting(db, 'demo')).toEqual({ seed: SEED, leads: 20_000, endAt: END_AT })
    db.close()

    const reopened = openStore(path)
    expect(counts(reopened)).toEqual(loaded)
    reopened.close()
  })

  it('writes exactly the generated rows, whatever the batch size', () => {
    const dataset = generateDemo({ seed: 5, leads: 3_000, endAt: END_AT })
    const db = openStore(':memory:')
    fillCache(db, dataset, { batchSize: 777 })
    const expected = {
      leads: [] as unknown[],
      customers: [] as unknown[],
      projects: [] as unknown[],
      appointments: [] as unknown[],
    }
    for (const item of dataset.leads()) {
      expected.leads.push(item.lead)
      if (item.customer) expected.customers.push(item.customer)
      if (item.project) expected.projects.push(item.project)
      expected.appointments.push(...item.appointments)
    }
    for (const table of ['leads', 'customers', 'projects', 'appointments'] as const) {
      expect(db.prepare(`SELECT * FROM ${table} ORDER BY id`).all(), table).toEqual(expected[table])
    }
    expect(db.prepare('SELECT * FROM marketing_channels ORDER BY id').all()).toEqual(
      dataset.marketingChannels,
    )
    db.close()
  })

  it('rejects a row outside the schema value sets, restores the indexes and pragmas', () => {
    const good = generateDemo({ seed: 1, leads: 1_000, endAt: END_AT })
    const bad: DemoDataset = {
      ...good,
      *leads() {
        for (const item of good.leads()) {
          yield item.lead.id === 500
            ? { ...item, lead: { ...item.lead, status: 'archived' as LeadRow['status'] } }
            : item
        }
      },
    }
    const db = openStore(':memory:')
    expect(() => fillCache(db, bad, { batchSize: 100 })).toThrow(/invalid status "archived"/)
    expect(db.pragma('ignore_check_constraints', { simple: true })).toBe(0)
    expect(
      db
        .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads'")
        .pluck()
        .get(),
    ).toBe(4)
    expect(db.pragma('quick_check', { simple: true })).toBe('ok')
    db.close()
  })

  it('insertLeadsBare inserts the same lead rows', () => {
    const dataset = generateDemo({ seed: 2, leads: 2_000, endAt: END_AT })
    const rows = Array.from(dataset.leads(), (item) => item.lead)
    const db = openStore(':memory:')
    expect(insertLeadsBare(db, rows, 300)).toBe(2_000)
    expect(db.prepare('SELECT * FROM leads ORDER BY id').all()).toEqual(rows)
    db.close()
  })
})

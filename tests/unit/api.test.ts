import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeHandlers, createApi, type Dispatch } from '../../main/api/index.ts'
import { rebuildRollups } from '../../main/metrics/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const at = (iso: string) => Date.parse(iso)
const S = 1000

let db: Store
let api: Dispatch

beforeAll(() => {
  db = openStore(':memory:')
  insertLeads(db, [
    // 2026-03-10 in UTC: four live leads answered in 60 s, 120 s, 300 s, never.
    lead({
      id: 1,
      created_at: at('2026-03-10T09:00:00Z'),
      first_response_at: at('2026-03-10T09:00:00Z') + 60 * S,
    }),
    lead({
      id: 2,
      created_at: at('2026-03-10T10:00:00Z'),
      first_response_at: at('2026-03-10T10:00:00Z') + 120 * S,
    }),
    lead({
      id: 3,
      created_at: at('2026-03-10T11:00:00Z'),
      first_response_at: at('2026-03-10T11:00:00Z') + 300 * S,
    }),
    lead({ id: 4, created_at: at('2026-03-10T12:00:00Z') }),
    // Deleted: never counted.
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
  // As a cache is after a sync or a demo fill: its rollups hold these leads.
  rebuildRollups(db)
  api = createApi({
    db,
    clock: () => new Date('2026-03-13T00:00:00Z'),
    version: 'test',
    isDemo: () => false,
    sources: () => [],
  })
})
afterAll(() => db.close())

const custom = (range: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  filters: { range: { preset: 'custom', ...range } },
  dashboards: ['leadResponse'],
  ...extra,
})

describe('the api boundary', () => {
  it('answers an unknown method with a typed error', async () => {
    expect(await api('leads.drop', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    })
    expect(await api(42, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
  })

  it.each([
    [
      'a number for the range',
      { filters: { range: 7 }, dashboards: ['leadResponse'] },
      'filters.range',
    ],
    [
      'a missing time zone',
      custom({ from: '2026-03-01', to: '2026-03-02' }),
      'filters.range.timeZone',
    ],
    [
      'an unknown time zone',
      custom({ from: '2026-03-01', to: '2026-03-02', timeZone: 'Mars/Olympus' }),
      'filters.range.timeZone',
    ],
    [
      'a non-date',
      custom({ from: "'; DROP TABLE leads; --", to: '2026-03-02', timeZone: 'UTC' }),
      'filters.range.from',
    ],
    [
      'from after to',
      custom({ from: '2026-03-05', to: '2026-03-02', timeZone: 'UTC' }),
      'filters.range.to',
    ],
    [
      'an extra field',
      custom({ from: '2026-03-01', to: '2026-03-02', timeZone: 'UTC' }, { sql: 'x' }),
      '(input)',
    ],
    [
      'an unknown dashboard',
      {
        ...custom({ from: '2026-03-01', to: '2026-03-02', timeZone: 'UTC' }),
        dashboards: ['secrets'],
      },
      'dashboards',
    ],
  ])('rejects %s with bad_request naming the field', async (_name, input, path) => {
    const result = await api('kpis.dashboard', input)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('bad_request')
    expect(result.error.issues?.map((i) => i.path)).toContain(path)
  })

  it('has retired the second lead-response implementation: the dashboard is the one', async () => {
    for (const retired of ['kpis.leadResponse', 'trends.leadsPerDay']) {
      expect(await api(retired, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    }
  })

  it('keeps serving after bad calls', async () => {
    await api('kpis.dashboard', null)
    await api('app.status', 'nonsense')
    expect(await api('app.status', {})).toMatchObject({
      ok: true,
      value: { mode: 'live', leadCount: 5 },
    })
    expect(db.prepare('SELECT count(*) AS n FROM leads').get()).toEqual({ n: 6 })
  })

  it('refuses a handler defined twice and a method left without one', () => {
    const status = () => ({
      mode: 'live' as const,
      version: '',
      dataAsOf: null,
      leadCount: 0,
      sources: [],
    })
    expect(() => composeHandlers({ 'app.status': status }, { 'app.status': status })).toThrow(
      /defined twice/,
    )
    expect(() => composeHandlers({ 'app.status': status })).toThrow(
      /without a handler: kpis.dashboard, kpis.definitions, activity.page, filters.values/,
    )
  })
})

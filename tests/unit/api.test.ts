import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeHandlers, createApi, type Dispatch } from '../../main/api/index.ts'
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
  api = createApi({
    db,
    clock: () => new Date('2026-03-13T00:00:00Z'),
    version: 'test',
    isDemo: () => false,
    sources: () => [],
  })
})
afterAll(() => db.close())

const utc = (from: string, to: string) => ({ range: { from, to, timeZone: 'UTC' } })

describe('kpis.leadResponse', () => {
  it('gives the hand-computed figures for one day', async () => {
    expect(await api('kpis.leadResponse', utc('2026-03-10', '2026-03-10'))).toEqual({
      ok: true,
      value: {
        targetSeconds: 120,
        leads: 4,
        responded: 3,
        underTarget: 2, // 60 s and exactly 120 s
        overTarget: 2, // 300 s and never answered
        averageSeconds: 160, // (60 + 120 + 300) / 3
        shareUnderTarget: 0.5,
        asOf: '2026-03-12T04:00:00.000Z',
      },
    })
  })

  it('says there is no data for an empty range instead of dividing by zero', async () => {
    const result = await api('kpis.leadResponse', utc('2025-01-01', '2025-01-31'))
    expect(result).toMatchObject({
      ok: true,
      value: {
        leads: 0,
        responded: 0,
        underTarget: 0,
        overTarget: 0,
        averageSeconds: null,
        shareUnderTarget: null,
      },
    })
  })

  it('reads days in the requested time zone: 23:59 local belongs to that local day', async () => {
    const detroit = { range: { from: '2026-03-11', to: '2026-03-11', timeZone: 'America/Detroit' } }
    expect(await api('kpis.leadResponse', detroit)).toMatchObject({
      ok: true,
      value: { leads: 1, averageSeconds: 30 },
    })
    expect(await api('kpis.leadResponse', utc('2026-03-11', '2026-03-11'))).toMatchObject({
      ok: true,
      value: { leads: 0 },
    })
  })
})

describe('trends.leadsPerDay', () => {
  it('counts per local day, zero days included', async () => {
    expect(await api('trends.leadsPerDay', utc('2026-03-09', '2026-03-12'))).toEqual({
      ok: true,
      value: {
        days: ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12'],
        leads: [0, 4, 0, 1],
      },
    })
    const detroit = { range: { from: '2026-03-10', to: '2026-03-12', timeZone: 'America/Detroit' } }
    expect(await api('trends.leadsPerDay', detroit)).toEqual({
      ok: true,
      value: { days: ['2026-03-10', '2026-03-11', '2026-03-12'], leads: [4, 1, 0] },
    })
  })
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
    ['a number for the range', { range: 7 }, 'range'],
    ['a missing time zone', { range: { from: '2026-03-01', to: '2026-03-02' } }, 'range.timeZone'],
    [
      'an unknown time zone',
      { range: { from: '2026-03-01', to: '2026-03-02', timeZone: 'Mars/Olympus' } },
      'range.timeZone',
    ],
    [
      'a non-date',
      { range: { from: "'; DROP TABLE leads; --", to: '2026-03-02', timeZone: 'UTC' } },
      'range.from',
    ],
    [
      'from after to',
      { range: { from: '2026-03-05', to: '2026-03-02', timeZone: 'UTC' } },
      'range.to',
    ],
    [
      'an extra field',
      { range: { from: '2026-03-01', to: '2026-03-02', timeZone: 'UTC' }, sql: 'x' },
      '(input)',
    ],
  ])('rejects %s with bad_request naming the field', async (_name, input, path) => {
    const result = await api('kpis.leadResponse', input)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('bad_request')
    expect(result.error.issues?.map((i) => i.path)).toContain(path)
  })

  it('keeps serving after bad calls', async () => {
    await api('kpis.leadResponse', null)
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
      /without a handler: kpis.leadResponse/,
    )
  })
})

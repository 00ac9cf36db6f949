import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FILTER_FIELDS,
  LEAD_STATUSES,
  RANGE_PRESETS,
  TEMPERATURES,
  filtersSchema,
  parseFilters,
  serializeFilters,
  type Filters,
} from '../../shared/api/index.ts'
import { activeDims, dimsSql } from '../../main/metrics/index.ts'

const label = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
const list = <T>(a: fc.Arbitrary<T>) => fc.option(fc.array(a, { maxLength: 4 }), { nil: undefined })
const day = fc
  .date({ min: new Date('2012-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))
const zone = fc.constantFrom('UTC', 'America/Detroit', 'Asia/Kolkata', 'Australia/Lord_Howe')
const range = fc.oneof(
  fc.record({ preset: fc.constantFrom(...RANGE_PRESETS), timeZone: zone }),
  fc.tuple(day, day, zone).map(([a, b, timeZone]) => ({
    preset: 'custom' as const,
    from: a < b ? a : b,
    to: a < b ? b : a,
    timeZone,
  })),
)
export const filtersArb: fc.Arbitrary<Filters> = fc
  .record({
    range,
    source: list(label),
    segment: list(label),
    city: list(label),
    temperature: list(fc.constantFrom(...TEMPERATURES)),
    status: list(fc.constantFrom(...LEAD_STATUSES)),
    owner: list(label),
  })
  .map((f) => filtersSchema.parse(JSON.parse(JSON.stringify(f))))

describe('filter serialisation', () => {
  it('round-trips every valid filter set through a URL-safe string', () => {
    fc.assert(
      fc.property(filtersArb, (f) => {
        const text = serializeFilters(f)
        expect(text).toMatch(/^[A-Za-z0-9._*-]*$/)
        expect(new URLSearchParams({ f: text }).toString()).toBe(`f=${text}`)
        expect(parseFilters(text)).toEqual({ ok: true, filters: f })
      }),
      { numRuns: 300 },
    )
  })
  it('is compact', () => {
    expect(
      serializeFilters({
        range: { preset: 'last30', timeZone: 'America/Detroit' },
        source: ['Google LSA', 'Nextdoor'],
        temperature: ['hot'],
      }),
    ).toBe('r-last30.z-America*2FDetroit.source-Google*20LSA_Nextdoor.temperature-hot')
  })
  it('refuses unknown fields and bad values by name', () => {
    expect(parseFilters('r-last7.z-UTC.sql-x')).toEqual({
      ok: false,
      issues: [{ path: 'sql', message: 'unknown or repeated filter field' }],
    })
    expect(parseFilters('r-last7.z-UTC.temperature-lukewarm')).toMatchObject({
      ok: false,
      issues: [{ path: 'temperature.0' }],
    })
    expect(parseFilters('r-last7.z-Mars*2FOlympus')).toMatchObject({
      ok: false,
      issues: [{ path: 'range.timeZone' }],
    })
    expect(parseFilters('r-last7.z-UTC.city-a*ZZ')).toMatchObject({ ok: false })
  })
})

describe('filter SQL', () => {
  it('binds values and names only whitelisted columns', () => {
    const sql = dimsSql(activeDims({ source: ["'; DROP TABLE leads; --"], owner: ['a', 'b'] }))
    expect(sql).toEqual({
      sql: ' AND source IN (?) AND owner IN (?, ?)',
      params: ["'; DROP TABLE leads; --", 'a', 'b'],
    })
    for (const field of FILTER_FIELDS) expect(dimsSql({ [field]: ['x'] }).sql).toContain(field)
  })
  it('refuses a field outside the whitelist', () => {
    expect(() => activeDims({ 'source; DROP TABLE leads': ['x'] } as never)).toThrow(
      /unknown filter field/,
    )
  })
})

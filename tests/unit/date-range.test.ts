// One preset vocabulary and one resolver for the page and the core (issue 9):
// presets count back from the clock in the range's zone, and every input
// outside the domain (years 2000..2100, at most 20 years) is refused in a
// sentence rather than looped over.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RANGE_PRESET,
  RANGE_PRESETS,
  RANGE_PRESET_LABELS,
  addDays,
  daysBetween,
  isDay,
  lastDayFrom,
  presetDays,
  rangeFilterSchema,
  rangeProblem,
  resolveRange,
  todayIn,
} from '../../shared/api/index.ts'
import * as timeRange from '../../main/metrics/time-range.ts'
import { dateRangeSchema } from '../../shared/api/filters.ts'

const DAY = 86_400_000
const dayArb = fc
  .integer({ min: Date.UTC(2000, 0, 1) / DAY, max: Date.UTC(2100, 11, 31) / DAY })
  .map((n) => new Date(n * DAY).toISOString().slice(0, 10))

describe('the preset vocabulary', () => {
  it('names every preset of the contract once, with a label', () => {
    expect(Object.keys(RANGE_PRESET_LABELS).sort()).toEqual([...RANGE_PRESETS].sort())
    expect(RANGE_PRESET_LABELS.last30).toBe('Last 30 days')
    expect(RANGE_PRESETS).toContain(DEFAULT_RANGE_PRESET)
  })
})

describe('resolveRange: presets against the clock', () => {
  // 2026-03-08 02:30 in Detroit does not exist (clocks jump to 03:00); 04:30 UTC is 23:30 on
  // the 7th there, 04:30 on the 8th in UTC.
  const now = new Date('2026-03-08T04:30:00Z')

  it('reads today in the range’s zone, not the machine’s', () => {
    expect(todayIn('UTC', now)).toBe('2026-03-08')
    expect(todayIn('America/Detroit', now)).toBe('2026-03-07')
    expect(todayIn('Asia/Kolkata', now)).toBe('2026-03-08')
    expect(todayIn('Pacific/Kiritimati', new Date('2026-12-31T11:00:00Z'))).toBe('2027-01-01')
  })

  it('gives the days of each preset', () => {
    const z = 'America/Detroit'
    const days = (preset: (typeof RANGE_PRESETS)[number]) =>
      resolveRange({ preset, timeZone: z }, now)
    expect(days('today')).toEqual({ from: '2026-03-07', to: '2026-03-07', timeZone: z })
    expect(days('yesterday')).toEqual({ from: '2026-03-06', to: '2026-03-06', timeZone: z })
    expect(days('last7')).toEqual({ from: '2026-03-01', to: '2026-03-07', timeZone: z })
    expect(days('last30')).toEqual({ from: '2026-02-06', to: '2026-03-07', timeZone: z })
    expect(days('last90')).toEqual({ from: '2025-12-08', to: '2026-03-07', timeZone: z })
    expect(days('mtd')).toEqual({ from: '2026-03-01', to: '2026-03-07', timeZone: z })
    expect(days('qtd')).toEqual({ from: '2026-01-01', to: '2026-03-07', timeZone: z })
    expect(days('ytd')).toEqual({ from: '2026-01-01', to: '2026-03-07', timeZone: z })
  })

  it('starts each quarter on its first month', () => {
    for (const [today, from] of [
      ['2026-01-01', '2026-01-01'],
      ['2026-03-31', '2026-01-01'],
      ['2026-04-01', '2026-04-01'],
      ['2026-08-15', '2026-07-01'],
      ['2026-12-31', '2026-10-01'],
    ] as const)
      expect(presetDays('qtd', today)).toEqual({ from, to: today })
  })

  it('keeps custom days as they are', () => {
    const custom = {
      preset: 'custom',
      from: '2026-06-01',
      to: '2026-06-14',
      timeZone: 'UTC',
    } as const
    expect(resolveRange(custom, now)).toEqual({
      from: '2026-06-01',
      to: '2026-06-14',
      timeZone: 'UTC',
    })
  })

  it('is the resolver the core uses (main/metrics/time-range.ts re-exports it)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RANGE_PRESETS),
        fc.constantFrom('UTC', 'America/Detroit', 'Australia/Lord_Howe', 'Asia/Kathmandu'),
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (preset, timeZone, ms) => {
          const spec = { preset, timeZone }
          const core = timeRange.resolveRange(spec, new Date(ms))
          expect(core).toEqual(resolveRange(spec, new Date(ms)))
          // The core's own reading of the local day (cached offsets) agrees with Intl's.
          expect(todayIn(timeZone, new Date(ms))).toBe(timeRange.localDayOf(ms, timeZone))
          expect(timeRange.daysOf(core).at(-1)).toBe(core.to)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('the input domain', () => {
  it('accepts the days of years 2000 to 2100 and nothing else', () => {
    for (const day of ['2000-01-01', '2024-02-29', '2100-12-31']) expect(isDay(day)).toBe(true)
    for (const day of [
      '1999-12-31',
      '2101-01-01',
      '9999-12-31',
      '0001-01-01',
      '+010000-01-01',
      '10000-01-01',
      '2026-02-29',
      '2026-13-01',
    ])
      expect(isDay(day)).toBe(false)
    for (const day of ['2026-1-01', '2026-01-00', '', 'yesterday']) expect(isDay(day)).toBe(false)
  })

  it('refuses a range past 9999 in a sentence instead of looping (it once never ended)', () => {
    expect(rangeProblem({ from: '9999-12-20', to: '9999-12-31' })).toBe(
      '"from": 9999-12-20 is outside the years 2000 to 2100',
    )
    expect(rangeProblem({ from: '2100-12-20', to: '2101-01-01' })).toBe(
      '"to": 2101-01-01 is outside the years 2000 to 2100',
    )
    // The day arithmetic inside stays bounded too, past what may be asked.
    const range = { from: '9999-12-20', to: '9999-12-31', timeZone: 'UTC' }
    expect(timeRange.daysOf(range)).toHaveLength(12)
    expect(() => addDays('9999-12-31', 1)).toThrow('outside the years 1970 to 9999')
    expect(() => timeRange.daysOf({ ...range, to: '+010000-01-01' })).toThrow(RangeError)
    expect(() => daysBetween({ from: '1969-12-31', to: '1970-01-02' })).toThrow(
      '"from": 1969-12-31 is outside the years 1970 to 9999',
    )
  })

  it('allows at most 20 years of days', () => {
    expect(rangeProblem({ from: '2000-01-01', to: '2019-12-31' })).toBeNull()
    expect(rangeProblem({ from: '2000-01-01', to: '2020-01-01' })).toBe(
      'the range may span at most 20 years',
    )
    expect(rangeProblem({ from: '2000-01-02', to: '2000-01-01' })).toBe(
      '"from" must not be after "to"',
    )
    fc.assert(
      fc.property(dayArb, (from) => {
        const last = lastDayFrom(from)
        if (last > Date.UTC(2100, 11, 31) / DAY) return
        const to = new Date(last * DAY).toISOString().slice(0, 10)
        expect(rangeProblem({ from, to })).toBeNull()
        expect(daysBetween({ from, to }).length).toBeLessThanOrEqual(20 * 366)
        if (to < '2100-12-31') expect(rangeProblem({ from, to: addDays(to, 1) })).not.toBeNull()
      }),
      { numRuns: 300 },
    )
  })

  it('is what the contract’s schemas refuse, each with its sentence', () => {
    const problem = (input: unknown) => {
      const parsed = rangeFilterSchema.safeParse(input)
      return parsed.success ? null : parsed.error.issues.map((i) => i.message).join('; ')
    }
    const custom = (from: string, to: string) => ({ preset: 'custom', from, to, timeZone: 'UTC' })
    expect(problem(custom('2026-01-01', '2026-01-31'))).toBeNull()
    expect(problem(custom('2100-12-20', '2100-12-31'))).toBeNull()
    expect(problem(custom('9999-12-20', '9999-12-31'))).toMatch(/calendar day .* of 2000 to 2100/)
    expect(problem(custom('0001-01-01', '0001-01-31'))).toMatch(/calendar day .* of 2000 to 2100/)
    expect(problem(custom('1999-12-31', '2000-01-31'))).toMatch(/calendar day .* of 2000 to 2100/)
    expect(problem(custom('2026-01-31', '2026-01-01'))).toBe('"from" must not be after "to"')
    expect(problem(custom('2000-01-01', '2026-01-01'))).toBe('the range may span at most 20 years')
    expect(
      dateRangeSchema.safeParse({ from: '2026-01-01', to: '2026-02-30', timeZone: 'UTC' }).success,
    ).toBe(false)
    fc.assert(
      fc.property(dayArb, dayArb, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a]
        expect(problem(custom(from, to)) === null).toBe(rangeProblem({ from, to }) === null)
      }),
      { numRuns: 300 },
    )
  })
})

// The page's side of date ranges: the presets it offers, reading a filter at
// a moment of the clock, and the day inputs dragging the other end along.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RANGE_PRESETS, rangeProblem } from '../../../shared/api/index.ts'
import {
  PRESET_BUTTONS,
  PRESET_MENU,
  daysOld,
  firstDayTo,
  presetLabel,
  rangeAt,
  withEnd,
  withZone,
} from '../../../renderer/src/lib/dates.ts'

const DAY = 86_400_000
const dayArb = fc
  .integer({ min: Date.UTC(2000, 0, 1) / DAY, max: Date.UTC(2100, 11, 31) / DAY })
  .map((n) => new Date(n * DAY).toISOString().slice(0, 10))

describe('presets on the page', () => {
  it('offers every preset of the shared vocabulary once, as a button or in the list', () => {
    expect([...PRESET_BUTTONS, ...PRESET_MENU].sort()).toEqual([...RANGE_PRESETS].sort())
    expect(PRESET_BUTTONS.map(presetLabel)).toEqual([
      'Today',
      'Last 7 days',
      'Last 30 days',
      'Last 90 days',
    ])
    expect(PRESET_MENU.map(presetLabel)).toEqual([
      'Yesterday',
      'Month to date',
      'Quarter to date',
      'Year to date',
    ])
  })

  it('reads a preset against the clock, in the filter’s zone', () => {
    const now = Date.parse('2026-11-30T03:00:00Z')
    expect(rangeAt({ preset: 'last7', timeZone: 'UTC' }, now)).toEqual({
      ok: true,
      range: { from: '2026-11-24', to: '2026-11-30', timeZone: 'UTC' },
    })
    // Still the 29th in Detroit.
    expect(rangeAt({ preset: 'today', timeZone: 'America/Detroit' }, now)).toEqual({
      ok: true,
      range: { from: '2026-11-29', to: '2026-11-29', timeZone: 'America/Detroit' },
    })
  })

  it('turns a range it cannot show into a sentence, not an exception', () => {
    const result = rangeAt(
      { preset: 'custom', from: '2000-01-01', to: '2026-01-01', timeZone: 'UTC' },
      Date.now(),
    )
    expect(result).toEqual({ ok: false, problem: 'the range may span at most 20 years' })
  })

  it('puts a choice in a zone as the contract’s range filter', () => {
    expect(withZone({ preset: 'mtd' }, 'UTC')).toEqual({ preset: 'mtd', timeZone: 'UTC' })
    expect(withZone({ preset: 'custom', from: '2026-01-01', to: '2026-01-02' }, 'UTC')).toEqual({
      preset: 'custom',
      from: '2026-01-01',
      to: '2026-01-02',
      timeZone: 'UTC',
    })
  })
})

describe('typing one end of a range', () => {
  const range = { from: '2026-10-01', to: '2026-10-10' }

  it('keeps the other end where it can', () => {
    expect(withEnd(range, 'from', '2026-10-05')).toEqual({
      preset: 'custom',
      from: '2026-10-05',
      to: '2026-10-10',
    })
    expect(withEnd(range, 'to', '2026-10-20')).toEqual({
      preset: 'custom',
      from: '2026-10-01',
      to: '2026-10-20',
    })
  })

  it('drags the other end along past it, and past the longest range', () => {
    expect(withEnd(range, 'from', '2026-10-20')).toMatchObject({
      from: '2026-10-20',
      to: '2026-10-20',
    })
    expect(withEnd(range, 'to', '2026-09-01')).toMatchObject({
      from: '2026-09-01',
      to: '2026-09-01',
    })
    expect(withEnd(range, 'from', '2000-05-01')).toMatchObject({
      from: '2000-05-01',
      to: '2020-04-30',
    })
    expect(withEnd({ from: '2001-01-01', to: '2001-01-02' }, 'to', '2030-01-01')).toMatchObject({
      from: '2010-01-02',
      to: '2030-01-01',
    })
  })

  it('ignores what is not a day a range may name (a half-typed date, 1999, 2101, year 10000)', () => {
    for (const text of ['', '2026-10', '1999-12-31', '2101-01-01', '10000-01-01', '2026-02-30'])
      expect(withEnd(range, 'from', text)).toBeNull()
  })

  it('always gives a range that can be asked for', () => {
    fc.assert(
      fc.property(dayArb, dayArb, dayArb, fc.boolean(), (a, b, typed, isFrom) => {
        const [from, to] = a <= b ? [a, b] : [b, a]
        const start = rangeProblem({ from, to }) === null ? { from, to } : { from, to: from }
        const next = withEnd(start, isFrom ? 'from' : 'to', typed)
        if (next === null || next.preset !== 'custom') throw new Error('expected a custom range')
        expect(rangeProblem(next)).toBeNull()
        expect(isFrom ? next.from : next.to).toBe(typed)
      }),
      { numRuns: 500 },
    )
  })

  it('firstDayTo is the earliest start whose range reaches `to`', () => {
    expect(firstDayTo('2024-02-29')).toBe('2004-03-01')
    expect(firstDayTo('2096-02-29')).toBe('2076-03-01')
    expect(firstDayTo('2010-06-01')).toBe('2000-01-01')
    fc.assert(
      fc.property(dayArb, (to) => {
        const first = firstDayTo(to)
        expect(rangeProblem({ from: first, to })).toBeNull()
        if (first > '2000-01-01') {
          const before = new Date(Date.parse(first) - DAY).toISOString().slice(0, 10)
          expect(rangeProblem({ from: before, to })).toBe('the range may span at most 20 years')
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('daysOld', () => {
  it('counts whole days since the newest data, and says nothing for an empty cache', () => {
    const now = Date.parse('2026-11-30T15:00:00Z')
    expect(daysOld('2026-11-01T12:00:00Z', now)).toBe(29)
    expect(daysOld('2026-11-29T15:00:01Z', now)).toBe(0)
    expect(daysOld('2026-12-01T00:00:00Z', now)).toBe(0)
    expect(daysOld(null, now)).toBeNull()
    expect(daysOld('not a time', now)).toBeNull()
  })
})

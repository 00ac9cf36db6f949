// The page's link: `?view=…&f=…` read into the tab and filters, written back
// from them, and the history step each change takes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  LEAD_STATUSES,
  RANGE_PRESETS,
  TEMPERATURES,
  filtersSchema,
  serializeFilters,
  type Filters,
} from '../../../shared/api/index.ts'
import {
  activeDimensions,
  defaultState,
  historyStep,
  readUrl,
  toFilters,
  writeUrl,
  type PageState,
} from '../../../renderer/src/lib/url-state.ts'
import { VIEW_IDS } from '../../../renderer/src/lib/views.ts'

const label = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' })
const list = <T>(a: fc.Arbitrary<T>) => fc.option(fc.array(a, { maxLength: 3 }), { nil: undefined })
const day = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 86_400_000, max: Date.UTC(2040, 0, 1) / 86_400_000 })
  .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10))
const zone = fc.constantFrom('UTC', 'America/Detroit', 'Asia/Kolkata')
const filtersArb: fc.Arbitrary<Filters> = fc
  .record({
    range: fc.oneof(
      fc.record({ preset: fc.constantFrom(...RANGE_PRESETS), timeZone: zone }),
      fc.tuple(day, fc.integer({ min: 0, max: 4000 }), zone).map(([from, span, timeZone]) => ({
        preset: 'custom' as const,
        from,
        to: new Date(Date.parse(from) + span * 86_400_000).toISOString().slice(0, 10),
        timeZone,
      })),
    ),
    source: list(label),
    segment: list(label),
    city: list(label),
    temperature: list(fc.constantFrom(...TEMPERATURES)),
    status: list(fc.constantFrom(...LEAD_STATUSES)),
    owner: list(label),
  })
  .map((f) => filtersSchema.parse(JSON.parse(JSON.stringify(f))))

describe('readUrl', () => {
  it('opens on the overview and the last 30 days in the viewer’s zone when the link says nothing', () => {
    expect(readUrl('', 'Europe/Berlin')).toEqual({
      state: {
        view: 'overview',
        range: { preset: 'last30', timeZone: 'Europe/Berlin' },
        dimensions: {},
      },
      problems: [],
      // So the page may open on the default preset instead.
      namesFilters: false,
    })
    expect(readUrl('?view=trends', 'UTC').namesFilters).toBe(false)
    expect(readUrl('?f=r-last7.z-UTC', 'UTC').namesFilters).toBe(true)
    // A link with unreadable filters still named some: the notice says so, no preset hides it.
    expect(readUrl('?f=r-never', 'UTC').namesFilters).toBe(true)
  })

  it('reads the tab, the range with its zone, and the ticked values', () => {
    const reading = readUrl(
      '?view=marketing&f=r-20260601_20260614.z-America*2FDetroit.source-Nextdoor_Google*20LSA.city-&token=abc',
      'UTC',
    )
    expect(reading.problems).toEqual([])
    expect(reading.state).toEqual({
      view: 'marketing',
      range: {
        preset: 'custom',
        from: '2026-06-01',
        to: '2026-06-14',
        timeZone: 'America/Detroit',
      },
      // An empty list is no filter at all.
      dimensions: { source: ['Nextdoor', 'Google LSA'] },
    })
  })

  it('says why it ignored an unknown tab, and keeps the rest', () => {
    const reading = readUrl('?view=sales&f=r-last7.z-UTC', 'UTC')
    expect(reading.state.view).toBe('overview')
    expect(reading.state.range).toEqual({ preset: 'last7', timeZone: 'UTC' })
    expect(reading.problems).toEqual(['there is no "sales" dashboard; showing the overview'])
  })

  it('drops filters it cannot read as a whole, naming the field, rather than half-applying them', () => {
    for (const f of [
      'r-last30.z-UTC.colour-red',
      'r-last30.z-Mars*2FOlympus',
      'r-19691231_19700105.z-UTC',
      'r-19900101_20260101.z-UTC',
    ]) {
      const reading = readUrl(`?view=funnel&f=${f}.source-Nextdoor`, 'Asia/Tokyo')
      expect(reading.state).toEqual({ ...defaultState('Asia/Tokyo'), view: 'funnel' })
      expect(reading.problems).toHaveLength(1)
      expect(reading.problems[0]).toMatch(/^the filters in the link could not be read \(.+\)/)
    }
    expect(readUrl('?f=r-last30.z-UTC.colour-red', 'UTC').problems[0]).toContain('colour')
  })
})

describe('writeUrl', () => {
  const state: PageState = {
    view: 'trends',
    range: { preset: 'ytd', timeZone: 'UTC' },
    dimensions: { temperature: ['hot'], owner: [] },
  }

  it('writes the tab and the filters, and keeps any other parameter (the LAN token)', () => {
    const search = writeUrl('?token=s3cret&view=overview', state)
    const params = new URLSearchParams(search)
    expect(params.get('token')).toBe('s3cret')
    expect(params.get('view')).toBe('trends')
    expect(params.get('f')).toBe('r-ytd.z-UTC.temperature-hot')
  })

  it('round-trips every state through the link', () => {
    const stateArb = fc.record({
      view: fc.constantFrom(...VIEW_IDS),
      filters: filtersArb,
    })
    fc.assert(
      fc.property(stateArb, ({ view, filters }) => {
        const { range, ...dimensions } = filters
        const written: PageState = { view, range, dimensions: activeDimensions(dimensions) }
        const reading = readUrl(writeUrl('', written), 'UTC')
        expect(reading.problems).toEqual([])
        expect(reading.state).toEqual(written)
        expect(serializeFilters(toFilters(reading.state.range, reading.state.dimensions))).toBe(
          serializeFilters(toFilters(range, activeDimensions(dimensions))),
        )
      }),
      { numRuns: 200 },
    )
  })
})

describe('historyStep', () => {
  const state = defaultState('UTC')
  const search = writeUrl('', state)

  it('does nothing when the address bar already names the state', () => {
    expect(historyStep(search, state, true)).toEqual({ kind: 'none' })
  })

  it('pushes a new tab, so Back returns to the last one, and replaces for a filter', () => {
    const tab = historyStep(search, { ...state, view: 'health' }, true)
    expect(tab.kind).toBe('push')
    const filter = historyStep(search, { ...state, dimensions: { status: ['won'] } }, false)
    expect(filter.kind).toBe('replace')
    expect(filter.kind === 'none' ? '' : filter.search).toContain('status-won')
  })
})

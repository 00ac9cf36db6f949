// The rules view's units and words (renderer/src/lib/rule-units.ts): thresholds typed as people
// think of them (seconds, %, $) become the values a rule stores, and back, and a rule reads as a
// sentence. The KPI definitions are the registry's as the core answered them (fixtures/
// dashboard-answers.json: kpis.dashboard of a demo cache, whose `kpis` are kpis.definitions').
import { describe, expect, it } from 'vitest'
import type { AlertRule, KpiDefinition } from '../../../shared/api/index.ts'
import {
  conditionWords,
  draftOf,
  filterSetWords,
  forWords,
  fromStored,
  inputOf,
  mayChangeRules,
  metricWords,
  newDraft,
  readEntry,
  toStored,
  valueWords,
} from '../../../renderer/src/lib/rule-units.ts'
import answers from './fixtures/dashboard-answers.json'

const definitions = Object.values(answers.busy.kpis) as KpiDefinition[]

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: 7,
  name: 'Conversion low',
  metric: 'conversionRate',
  comparator: '<',
  warning: 0.25,
  critical: 0.2,
  recovery: 0.26,
  forSeconds: 3600,
  filters: { range: { preset: 'last30', timeZone: 'UTC' }, source: ['Yelp'] },
  message: '{name}: {value}',
  enabled: true,
  builtIn: false,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...over,
})

describe('metric words', () => {
  it('takes a KPI label and unit from the registry, its own words for the system values', () => {
    expect(metricWords('averageResponseSeconds', definitions)).toMatchObject({
      label: 'Average first response',
      unit: 'seconds',
      unitWord: 's',
      takesFilters: true,
    })
    expect(metricWords('conversionRate', definitions).unit).toBe('percent')
    expect(metricWords('revenueBooked', definitions).unit).toBe('dollars')
    expect(metricWords('leads', definitions).unit).toBe('count')
    expect(metricWords('sourceOfflineSeconds', definitions)).toMatchObject({
      label: 'Longest source offline',
      unit: 'seconds',
      takesFilters: false,
    })
    expect(metricWords('unprofitableChannels', definitions).takesFilters).toBe(true)
  })
})

describe('units', () => {
  it('converts percent to a fraction, dollars to cents, and back, without float noise', () => {
    expect(toStored(25, 'percent')).toBe(0.25)
    expect(toStored(7, 'percent')).toBe(0.07)
    expect(fromStored(0.07, 'percent')).toBe(7)
    expect(toStored(12.3, 'percent')).toBe(0.123)
    expect(toStored(1234.56, 'dollars')).toBe(123456)
    expect(fromStored(123456, 'dollars')).toBe(1234.56)
    expect(toStored(480, 'seconds')).toBe(480)
    // The registry's percent unit (25 = 25 %) is stored as typed.
    expect(toStored(25, 'percent', 'percent')).toBe(25)
  })

  it('reads typed text: blank is no threshold, separators and signs are understood', () => {
    expect(readEntry('', 'warning threshold')).toEqual({ ok: true, value: null })
    expect(readEntry(' 1,200 ', 'w')).toEqual({ ok: true, value: 1200 })
    expect(readEntry('$1,200', 'w')).toEqual({ ok: true, value: 1200 })
    expect(readEntry('85 %', 'w')).toEqual({ ok: true, value: 85 })
    expect(readEntry('lots', 'warning threshold')).toEqual({
      ok: false,
      message: 'The warning threshold "lots" is not a number.',
    })
  })
})

describe('words', () => {
  it('writes values as the page does', () => {
    expect(valueWords(480, 'averageResponseSeconds', definitions)).toBe('480 s')
    expect(valueWords(0.85, 'monthProgress', definitions)).toBe('85.0 %')
    expect(valueWords(1234000, 'revenueBooked', definitions)).toBe('$12,340')
    expect(valueWords(600, 'sourceOfflineSeconds', definitions)).toBe('10 min')
    expect(valueWords(3, 'unprofitableChannels', definitions)).toBe('3')
  })

  it('says a rule as a sentence', () => {
    expect(conditionWords(rule(), definitions)).toBe(
      'Warning below 25.0 %, critical below 20.0 %; resolves at or above 26.0 %',
    )
    expect(
      conditionWords(
        rule({
          metric: 'averageResponseSeconds',
          comparator: '>',
          warning: null,
          critical: 960,
          recovery: null,
        }),
        definitions,
      ),
    ).toBe('Critical above 960 s')
    expect(forWords(0)).toBe('at once')
    expect(forWords(900)).toBe('for 15 min')
    expect(filterSetWords(null)).toBe('Last 7 days (no filters)')
    expect(filterSetWords(rule().filters)).toBe('Last 30 days · Source: Yelp')
  })
})

describe('the form', () => {
  it('shows a stored rule in its units and saves it back to the same values', () => {
    const draft = draftOf(rule(), definitions, 'UTC')
    expect(draft).toMatchObject({
      warning: '25',
      critical: '20',
      recovery: '26',
      forMinutes: '60',
      filtered: true,
    })
    const read = inputOf(draft, definitions)
    expect(read).toEqual({
      ok: true,
      input: {
        id: 7,
        name: 'Conversion low',
        metric: 'conversionRate',
        comparator: '<',
        warning: 0.25,
        critical: 0.2,
        recovery: 0.26,
        forSeconds: 3600,
        filters: { range: { preset: 'last30', timeZone: 'UTC' }, source: ['Yelp'] },
        message: '{name}: {value}',
        enabled: true,
      },
    })
  })

  it('converts a new rule typed in dollars and minutes; no filters for a system metric', () => {
    const money = inputOf(
      {
        ...newDraft('UTC'),
        name: 'Revenue',
        metric: 'revenueBooked',
        comparator: '<',
        warning: '5,000',
        forMinutes: '2.5',
      },
      definitions,
    )
    expect(money.ok && money.input).toMatchObject({
      warning: 500000,
      critical: null,
      forSeconds: 150,
      filters: null,
    })
    const sync = inputOf(
      { ...newDraft('UTC'), name: 'Lag', metric: 'syncLagSeconds', warning: '60', filtered: true },
      definitions,
    )
    expect(sync.ok && sync.input.filters).toBeNull()
    expect(inputOf({ ...newDraft('UTC'), critical: 'x' }, definitions)).toEqual({
      ok: false,
      message: 'The critical threshold "x" is not a number.',
    })
  })

  it('keeps a 2 s for-duration through minutes', () => {
    const draft = draftOf(rule({ forSeconds: 2 }), definitions, 'UTC')
    expect(draft.forMinutes).toBe('0.033')
    const read = inputOf(draft, definitions)
    expect(read.ok && read.input.forSeconds).toBe(2)
  })
})

describe('who may change rules', () => {
  it('the desktop app and a page loaded from this machine; not a page over the LAN', () => {
    expect(mayChangeRules('electron', 'anything')).toBe(true)
    expect(mayChangeRules('websocket', '127.0.0.1')).toBe(true)
    expect(mayChangeRules('websocket', 'localhost')).toBe(true)
    expect(mayChangeRules('websocket', '[::1]')).toBe(true)
    expect(mayChangeRules('websocket', '192.168.1.20')).toBe(false)
    expect(mayChangeRules('websocket', 'wall.local')).toBe(false)
  })
})

// The page's words for numbers, durations, ages and money: one English
// locale, units the targets are stated in, never "NaN" or a bare 0 for none.
import { describe, expect, it } from 'vitest'
import {
  formatAge,
  formatBytes,
  formatChange,
  formatDataAge,
  formatDay,
  formatDuration,
  formatIn,
  formatInteger,
  formatMoney,
  formatMoneyShort,
  formatPercent,
  formatPoints,
  formatRatio,
  formatComparison,
  formatKpiValue,
  formatMaturity,
  kpiAxis,
  shownSign,
  shownValue,
  toneAgainst,
  toneInBand,
} from '../../../renderer/src/lib/format.ts'
import type { KpiDefinition } from '../../../shared/api/index.ts'

type Def = Pick<KpiDefinition, 'unit' | 'display' | 'good'>
// As the registry (main/metrics/registry.ts) defines them; the core's tests pin the registry.
const kpis = {
  averageResponseSeconds: { unit: 'seconds', display: 'seconds', good: 'down' },
  medianResponseSeconds: { unit: 'seconds', display: 'seconds', good: 'down' },
  conversionRate: { unit: 'fraction', display: 'percent', good: 'up' },
  roiPercent: { unit: 'percent', display: 'percent', good: 'up' },
  conversions: { unit: 'count', display: 'integer', good: 'up' },
  revenueCents: { unit: 'cents', display: 'money', good: 'up' },
} satisfies Record<string, Def>

const MINUS = '\u2212'

describe('format', () => {
  it('integers and fractions in one English locale', () => {
    expect(formatInteger(1234567)).toBe('1,234,567')
    expect(formatInteger(2.5)).toBe('3')
    expect(formatPercent(0.543)).toBe('54.3 %')
    expect(formatPercent(0)).toBe('0.0 %')
    expect(formatRatio(1.849)).toBe('1.8\u00d7')
  })

  it('durations in the unit the 120 s target is stated in', () => {
    expect(formatDuration(0)).toBe('0 s')
    expect(formatDuration(97.4)).toBe('97 s')
    expect(formatDuration(119.6)).toBe('2 min')
    expect(formatDuration(125)).toBe('2 min 5 s')
    expect(formatDuration(3599)).toBe('59 min 59 s')
    expect(formatDuration(3600)).toBe('1 h')
    expect(formatDuration(5400)).toBe('1 h 30 min')
    expect(formatDuration(86_400 * 2)).toBe('48 h')
  })

  it('ages and waits', () => {
    const now = Date.parse('2026-11-30T12:00:00Z')
    const ago = (ms: number) => new Date(now - ms).toISOString()
    expect(formatAge(ago(59_999), now)).toBe('just now')
    expect(formatAge(ago(-5_000), now)).toBe('just now')
    expect(formatAge(ago(5 * 60_000), now)).toBe('5 min ago')
    expect(formatAge(ago(3 * 3_600_000), now)).toBe('3 h ago')
    expect(formatAge(ago(47 * 3_600_000), now)).toBe('47 h ago')
    expect(formatAge(ago(29 * 86_400_000), now)).toBe('29 days ago')
    expect(formatAge('not a time', now)).toBe('just now')
    expect(formatIn(new Date(now + 40_000).toISOString(), now)).toBe('in 40 s')
    expect(formatIn(new Date(now + 150_000).toISOString(), now)).toBe('in 3 min')
    expect(formatIn(new Date(now - 1).toISOString(), now)).toBe('now')
  })

  it('the data’s age in days, with the day it is from', () => {
    // Noon UTC: the same calendar day in every zone the tests may run in.
    expect(formatDataAge('2026-11-01T12:00:00Z', 29)).toBe('Data as of Nov 1, 2026, 29 days old')
    expect(formatDataAge('2026-11-01T12:00:00Z', 1)).toBe('Data as of Nov 1, 2026, 1 day old')
  })

  it('calendar days as days, whatever the viewer’s zone', () => {
    expect(formatDay('2025-03-05')).toBe('Mar 5, 2025')
    expect(formatDay('1970-01-01')).toBe('Jan 1, 1970')
  })

  it('money from integer cents', () => {
    expect(formatMoney(1_234_000)).toBe('$12,340')
    expect(formatMoney(-99)).toBe('-$1')
    expect(formatMoneyShort(98_000)).toBe('$980')
    expect(formatMoneyShort(64_000_000)).toBe('$640K')
    expect(formatMoneyShort(120_000_000)).toBe('$1.2M')
  })

  it('signed changes with a true minus sign', () => {
    expect(formatChange(0.123)).toBe('+12.3 %')
    expect(formatChange(-0.04)).toBe(`${MINUS}4.0 %`)
    expect(formatChange(0)).toBe('0.0 %')
    expect(formatPoints(0.021)).toBe('+2.1 pt')
    expect(formatPoints(-0.5)).toBe(`${MINUS}50.0 pt`)
  })

  it('bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1024)).toBe('1.0 KB')
    expect(formatBytes(38.4 * 1024 ** 2)).toBe('38.4 MB')
    expect(formatBytes(3 * 1024 ** 5)).toBe('3,072.0 TB')
  })

  it('a change that rounds to zero is shown and judged as none', () => {
    expect(formatChange(-0.0004)).toBe('0.0 %')
    expect(formatPoints(0.00049)).toBe('0.0 pt')
    expect(shownSign(-0.0004)).toBe(0)
    expect(shownSign(0.0005)).toBe(1)
    expect(shownSign(-0.0006)).toBe(-1)
  })

  it('every KPI in its one display unit, from the registry', () => {
    expect(formatKpiValue(kpis.averageResponseSeconds, 480.4)).toBe('480 s')
    expect(formatKpiValue(kpis.medianResponseSeconds, 1234)).toBe('1,234 s')
    expect(formatKpiValue(kpis.conversionRate, 0.0833)).toBe('8.3 %')
    expect(formatKpiValue(kpis.roiPercent, 25.04)).toBe('25.0 %')
    expect(formatKpiValue(kpis.conversions, 399)).toBe('399')
    expect(formatKpiValue(kpis.revenueCents, 120_000_000)).toBe('$1,200,000')
    expect(formatKpiValue(kpis.revenueCents, 120_000_000, { short: true })).toBe('$1.2M')
    expect(formatKpiValue({ unit: 'count', display: 'ratio' }, 0.98)).toBe('1.0\u00d7')
  })

  it('axes and hovers in the same unit as the cards', () => {
    expect(kpiAxis(kpis.averageResponseSeconds)).toMatchObject({
      scale: 1,
      yTickSuffix: ' s',
      hoverValue: '%{y:,.0f} s',
    })
    expect(kpiAxis(kpis.revenueCents)).toMatchObject({ scale: 0.01, yTickPrefix: '$' })
    expect(kpiAxis(kpis.conversionRate)).toMatchObject({ scale: 100, yTickSuffix: ' %' })
    expect(kpiAxis(kpis.roiPercent)).toMatchObject({ scale: 1, yTickSuffix: ' %' })
  })

  it('colours follow the good direction on the SHOWN values', () => {
    const ratio = { unit: 'count', display: 'ratio', good: 'up' } as const
    expect(toneAgainst(ratio, 0.98, 1)).toBe('neutral') // "1.0×" against 1.0×
    expect(toneAgainst(ratio, 1.02, 1)).toBe('neutral')
    expect(toneAgainst(ratio, 0.94, 1)).toBe('bad')
    expect(toneAgainst(ratio, 1.06, 1)).toBe('good')
    expect(toneAgainst(kpis.averageResponseSeconds, 119.6, 120)).toBe('neutral')
    expect(toneAgainst(kpis.averageResponseSeconds, 130, 120)).toBe('bad')
    expect(toneAgainst(kpis.averageResponseSeconds, 90, 120)).toBe('good')
    expect(shownValue(kpis.conversionRate, 0.24996)).toBe(0.25)
    const band = { low: 0.25, high: 0.35 }
    expect(toneInBand(kpis.conversionRate, 0.24996, band)).toBe('good') // shows "25.0 %"
    expect(toneInBand(kpis.conversionRate, 0.2494, band)).toBe('bad') // shows "24.9 %"
    expect(toneInBand(kpis.conversionRate, 0.5, band)).toBe('good')
  })

  it('says what a change is against and why a range is maturing', () => {
    expect(
      formatComparison({
        range: { from: '2025-01-01', to: '2025-03-13', timeZone: 'UTC' },
        kind: 'same days last year',
      }),
    ).toBe('Jan 1, 2025 – Mar 13, 2025, same days last year')
    expect(formatMaturity({ openShare: 0.45, typicalCloseDays: 16 })).toBe(
      '45.0 % of these leads still open; deals typically close in 16 days',
    )
    expect(formatMaturity({ openShare: null, typicalCloseDays: 1 })).toBe(
      'deals typically close in 1 day',
    )
  })
})

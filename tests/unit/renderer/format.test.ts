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
} from '../../../renderer/src/lib/format.ts'

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
})

// KPI values: one unit per measure. The registry says how each KPI is written
// (KpiDefinition.display, main/metrics/registry.ts); cards, chart axes, tooltips and exports all go
// through the functions below, so a measure never reads "8 min" on a card beside an axis in
// seconds (issue 11), nor "$12,340" on screen beside "1234000" in a report (issue 12). Colours are
// judged on the value as SHOWN: "1.0×" against a 1.0× target is neutral, whether it is 0.98 or
// 1.02 underneath.
import type { CardDelta, CohortMaturity, Comparison, KpiDefinition } from '../api/index.ts'
import { formatComparison } from './dates.ts'
import {
  formatChange,
  formatInteger,
  formatMoney,
  formatMoneyShort,
  formatPercent,
  formatPoints,
  formatRatio,
  shownSign,
} from './numbers.ts'

/** What formatting a KPI needs from its definition. */
export type KpiFormat = Pick<KpiDefinition, 'unit' | 'display'>

/** A KPI's value in its one display unit: "1,234", "480 s", "54.3 %", "$12,340", "1.8×". */
export function formatKpiValue(
  kpi: KpiFormat,
  value: number,
  options: { short?: boolean } = {},
): string {
  switch (kpi.display) {
    case 'integer':
      return formatInteger(value)
    case 'seconds':
      return `${formatInteger(value)} s`
    case 'percent':
      return formatPercent(kpi.unit === 'percent' ? value / 100 : value)
    case 'money':
      return options.short ? formatMoneyShort(value) : formatMoney(value)
    case 'ratio':
      return formatRatio(value)
  }
}

/** The value as its display shows it, in the KPI's own unit (0.9849 as a percent → 0.985). */
export function shownValue(kpi: KpiFormat, value: number): number {
  switch (kpi.display) {
    case 'integer':
    case 'seconds':
      return Math.round(value)
    case 'percent':
      return kpi.unit === 'percent' ? Math.round(value * 10) / 10 : Math.round(value * 1000) / 1000
    case 'money':
      return Math.round(value / 100) * 100
    case 'ratio':
      return Math.round(value * 10) / 10
  }
}

/**
 * Good, bad or neutral against a target, in the registry's good direction, on the SHOWN values:
 * a value that displays as its target is neutral.
 */
export function toneAgainst(
  kpi: KpiFormat & Pick<KpiDefinition, 'good'>,
  value: number,
  target: number,
): 'good' | 'bad' | 'neutral' {
  const a = shownValue(kpi, value)
  const b = shownValue(kpi, target)
  if (a === b) return 'neutral'
  return a > b === (kpi.good === 'up') ? 'good' : 'bad'
}

/**
 * Against a band (low ≤ value ≤ high is acceptable), on the shown values: under it is bad, within
 * or beyond it in the good direction is good.
 */
export function toneInBand(
  kpi: KpiFormat & Pick<KpiDefinition, 'good'>,
  value: number,
  band: { readonly low: number; readonly high: number },
): 'good' | 'bad' {
  const v = shownValue(kpi, value)
  const worse = kpi.good === 'up' ? v < shownValue(kpi, band.low) : v > shownValue(kpi, band.high)
  return worse ? 'bad' : 'good'
}

/** "by lead date" / "by close date": what a KPI counts, as its card and chart say it. */
export function basisLabel(kpi: Pick<KpiDefinition, 'basis'>): string {
  return `by ${kpi.basis}`
}

/** Why a range's outcomes still rise: "45.0 % of these leads still open; deals typically close in 16 days". */
export function formatMaturity(m: Pick<CohortMaturity, 'openShare' | 'typicalCloseDays'>): string {
  const days = `${formatInteger(m.typicalCloseDays)} ${m.typicalCloseDays === 1 ? 'day' : 'days'}`
  return m.openShare === null
    ? `deals typically close in ${days}`
    : `${formatPercent(m.openShare)} of these leads still open; deals typically close in ${days}`
}

/** A card's change against the comparison range, in words and with its tone. */
export interface DeltaWords {
  /** "▲ +12.3 % vs Feb 1, 2025 – Mar 13, 2025, same days last year": the whole line. */
  readonly text: string
  readonly tone: 'good' | 'bad' | 'flat' | 'none'
  /** The change as a number (relative or points); null when none is shown. */
  readonly value: number | null
  /** Its parts, where a change is shown: "▲", "+12.3 %" and "Feb 1, 2025 – …, same days last year". */
  readonly arrow: string | null
  readonly change: string | null
  readonly against: string
}

/**
 * How a card states its change (renderer/src/components/delta.tsx draws these words): rates in
 * percentage points, counts and money in percent of the previous value; a change that rounds to
 * "0.0" is flat, and one the core marks not comparable (a maturing range's deals won against a
 * settled one) is not stated as a rise or a collapse at all.
 */
export function deltaWords(
  delta: CardDelta,
  unit: 'relative' | 'points',
  good: 'up' | 'down',
  comparison: Comparison,
): DeltaWords {
  const against = formatComparison(comparison)
  const none = { tone: 'none', value: null, arrow: null, change: null, against } as const
  if (!delta.comparable) return { ...none, text: 'not compared yet: these leads are still closing' }
  const value = unit === 'points' ? delta.change : delta.relative
  if (value === null) return { ...none, text: `no comparison with ${against}` }
  const sign = shownSign(value)
  const tone = sign === 0 ? 'flat' : sign > 0 === (good === 'up') ? 'good' : 'bad'
  const arrow = sign > 0 ? '▲' : sign < 0 ? '▼' : '■'
  const change = unit === 'points' ? formatPoints(value) : formatChange(value)
  return { text: `${arrow} ${change} vs ${against}`, tone, value, arrow, change, against }
}

import type { CardDelta, Comparison } from '../../../shared/api/index.ts'
import { formatChange, formatComparison, formatPoints, shownSign } from '../lib/format.ts'

interface DeltaProps {
  readonly delta: CardDelta | undefined
  /** Rates compare in percentage points, counts and money in percent of the previous value. */
  readonly unit: 'relative' | 'points'
  /** The registry's good direction of the KPI (KpiDefinition.good). */
  readonly good: 'up' | 'down'
  /** What the change is against (Trends.comparison); the text says which days and why those. */
  readonly comparison: Comparison | undefined
}

/**
 * "▲ +12.3 % vs Feb 1 – Mar 13, 2025, same days last year", coloured by whether the change is
 * good news. A change that rounds to "0.0" is flat (grey, no sign), and a change the core marks
 * not comparable (a maturing range's deals won against a settled one) is not drawn as a rise or a
 * collapse at all.
 */
export function Delta({ delta, unit, good, comparison }: DeltaProps) {
  if (delta === undefined || comparison === undefined) return null
  const against = formatComparison(comparison)
  if (!delta.comparable) {
    return (
      <span
        className="delta delta-none"
        data-testid="delta"
        data-value=""
        data-comparable="false"
        title={`vs ${against}`}
      >
        not compared yet: these leads are still closing
      </span>
    )
  }
  const value = unit === 'points' ? delta.change : delta.relative
  if (value === null) {
    return (
      <span className="delta delta-none" data-testid="delta" data-value="">
        no comparison with {against}
      </span>
    )
  }
  const sign = shownSign(value)
  const tone = sign === 0 ? 'flat' : sign > 0 === (good === 'up') ? 'good' : 'bad'
  const arrow = sign > 0 ? '▲' : sign < 0 ? '▼' : '■'
  return (
    <span
      className={`delta delta-${tone}`}
      data-testid="delta"
      data-value={String(value)}
      data-tone={tone}
    >
      <span aria-hidden="true">{arrow}</span>{' '}
      {unit === 'points' ? formatPoints(value) : formatChange(value)}{' '}
      <span className="delta-against">vs {against}</span>
    </span>
  )
}

import type { CardDelta } from '../../../shared/api/index.ts'
import { formatChange, formatPoints } from '../lib/format.ts'

interface DeltaProps {
  readonly delta: CardDelta | undefined
  /** Rates compare in percentage points, counts and money in percent of the previous value. */
  readonly unit: 'relative' | 'points'
  /** Whether a rise is good news (more leads) or bad (slower answers). */
  readonly higherIsBetter: boolean
  readonly previousLabel: string
}

/** "▲ +12.3 % vs Sep 3 – Oct 2", coloured by whether the change is good news. */
export function Delta({ delta, unit, higherIsBetter, previousLabel }: DeltaProps) {
  if (delta === undefined) return null
  const value = unit === 'points' ? delta.change : delta.relative
  if (value === null) {
    return (
      <span className="delta delta-none" data-testid="delta" data-value="">
        no comparison with {previousLabel}
      </span>
    )
  }
  const tone = value === 0 ? 'flat' : value > 0 === higherIsBetter ? 'good' : 'bad'
  const arrow = value > 0 ? '▲' : value < 0 ? '▼' : '■'
  return (
    <span className={`delta delta-${tone}`} data-testid="delta" data-value={String(value)}>
      <span aria-hidden="true">{arrow}</span>{' '}
      {unit === 'points' ? formatPoints(value) : formatChange(value)}{' '}
      <span className="delta-against">vs {previousLabel}</span>
    </span>
  )
}

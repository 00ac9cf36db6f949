import type { CardDelta, Comparison } from '../../../shared/api/index.ts'
import { deltaWords } from '../lib/format.ts'

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
 * collapse at all. The words are shared/format's deltaWords, which exports write too.
 */
export function Delta({ delta, unit, good, comparison }: DeltaProps) {
  if (delta === undefined || comparison === undefined) return null
  const words = deltaWords(delta, unit, good, comparison)
  if (!delta.comparable) {
    return (
      <span
        className="delta delta-none"
        data-testid="delta"
        data-value=""
        data-comparable="false"
        title={`vs ${words.against}`}
      >
        {words.text}
      </span>
    )
  }
  if (words.value === null) {
    return (
      <span className="delta delta-none" data-testid="delta" data-value="">
        {words.text}
      </span>
    )
  }
  return (
    <span
      className={`delta delta-${words.tone}`}
      data-testid="delta"
      data-value={String(words.value)}
      data-tone={words.tone}
    >
      <span aria-hidden="true">{words.arrow}</span> {words.change}{' '}
      <span className="delta-against">vs {words.against}</span>
    </span>
  )
}

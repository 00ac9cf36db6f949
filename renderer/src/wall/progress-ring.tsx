import type { RotationSlot } from './rotation.ts'

const RADIUS = 20
const CIRCUMFERENCE = 2 * Math.PI * RADIUS

/**
 * Time to the next view as a ring that fills up. Drawn by a CSS animation (no render per
 * frame); started part-way through with a negative delay when the page loads mid-slot.
 */
export function ProgressRing({
  slot,
  shownAt,
  nextLabel,
}: {
  slot: RotationSlot
  shownAt: number
  nextLabel: string | null
}) {
  const span = slot.nextAt - slot.startedAt
  const elapsed = Math.min(span, Math.max(0, shownAt - slot.startedAt))
  return (
    <div
      className="wall-ring"
      data-testid="wall-ring"
      data-next-at={new Date(slot.nextAt).toISOString()}
    >
      <svg viewBox="0 0 48 48" aria-hidden="true">
        <circle className="wall-ring-track" cx="24" cy="24" r={RADIUS} />
        <circle
          key={slot.slot}
          className="wall-ring-fill"
          cx="24"
          cy="24"
          r={RADIUS}
          style={{
            strokeDasharray: CIRCUMFERENCE,
            animationDuration: `${span}ms`,
            animationDelay: `-${elapsed}ms`,
          }}
        />
      </svg>
      {nextLabel !== null && (
        <span className="wall-ring-next" data-testid="wall-next">
          Next: {nextLabel}
        </span>
      )}
    </div>
  )
}

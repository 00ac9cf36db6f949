// Which view a wall shows, read from the clock rather than counted by a timer: every wall in
// a room on the same playlist shows the same view, a reloaded wall resumes where it was, and a
// late timer (a busy machine, a sleeping tab) never lets the rotation drift.

export interface RotationSlot {
  /** Whole intervals since the epoch: changes exactly when the view does. */
  readonly slot: number
  /** Index into the playlist. */
  readonly index: number
  /** When this view went up and when the next one does (ms since the epoch). */
  readonly startedAt: number
  readonly nextAt: number
}

export function slotAt(now: number, intervalMs: number, length: number): RotationSlot {
  if (!(intervalMs > 0) || !(length > 0)) throw new RangeError('empty rotation')
  const slot = Math.floor(now / intervalMs)
  const index = ((slot % length) + length) % length
  const startedAt = slot * intervalMs
  return { slot, index, startedAt, nextAt: startedAt + intervalMs }
}

/** How far through its time the view on screen is, 0 to 1. */
export function progressAt(now: number, slot: RotationSlot): number {
  const span = slot.nextAt - slot.startedAt
  return Math.min(1, Math.max(0, (now - slot.startedAt) / span))
}

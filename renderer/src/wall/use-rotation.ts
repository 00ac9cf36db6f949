import { useEffect, useState } from 'react'
import { slotAt, type RotationSlot } from './rotation.ts'

export interface ShownSlot {
  readonly slot: RotationSlot
  /** When the page put this slot up (the progress ring starts from here). */
  readonly shownAt: number
}

/**
 * The slot on screen, moved by one timer armed for the next change. The slot is read from the
 * clock each time the timer fires, so a late or skipped timer lands on the right view.
 */
export function useRotation(intervalMs: number, length: number): ShownSlot {
  const [shown, setShown] = useState<ShownSlot>(() => {
    const now = Date.now()
    return { slot: slotAt(now, intervalMs, length), shownAt: now }
  })
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const arm = (): void => {
      const now = Date.now()
      const current = slotAt(now, intervalMs, length)
      setShown((s) =>
        s.slot.slot === current.slot && s.slot.index === current.index
          ? s
          : { slot: current, shownAt: now },
      )
      // A timer may fire a little early; never spin on a few milliseconds.
      timer = setTimeout(arm, Math.max(50, current.nextAt - Date.now()))
    }
    arm()
    return () => clearTimeout(timer)
  }, [intervalMs, length])
  return shown
}

import { useEffect, useRef, type RefObject } from 'react'

/**
 * While `open`, a press outside `root` or the Escape key closes a popup, as a native menu does.
 * `onDismiss(escape)`: `escape` is true for the key, so the caller can give focus back to the
 * control that opened it.
 */
export function useDismiss(
  open: boolean,
  root: RefObject<HTMLElement | null>,
  onDismiss: (escape: boolean) => void,
): void {
  const latest = useRef(onDismiss)
  useEffect(() => {
    latest.current = onDismiss
  })
  useEffect(() => {
    if (!open) return
    const closeOn = (event: Event): void => {
      const escape = event instanceof KeyboardEvent && event.key === 'Escape'
      const outside = event instanceof PointerEvent && !root.current?.contains(event.target as Node)
      if (escape || outside) latest.current(escape)
    }
    document.addEventListener('pointerdown', closeOn)
    document.addEventListener('keydown', closeOn)
    return () => {
      document.removeEventListener('pointerdown', closeOn)
      document.removeEventListener('keydown', closeOn)
    }
  }, [open, root])
}

import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react'

/** The wall's type never shrinks below this share of its size for the screen. */
const MIN_FIT = 0.55
const FIT_STEP = 0.05
/**
 * The boxes of a view that clip what overflows them, so that the view's own size would not
 * show it: a cut table or KPI value counts as not fitting. Lists (the activity feed) are not
 * here: a feed on a wall shows the newest entries that fit.
 */
const CLIPPING = '.panel, .table-scroll, .kpi-card'

/**
 * Last resort after the wall's CSS (type and charts sized to the viewport): if a view still
 * does not fit its box (a long table, a new panel), shrink the page's root font size, which
 * every rem in the views follows, until it does. Remembered per view, so a rotation back to
 * it does not flash it at full size first; forgotten when the window's size changes.
 */
export function useFitToScreen(box: RefObject<HTMLElement | null>, view: string, settled: string) {
  const fits = useRef(new Map<string, number>())

  useEffect(() => {
    const forget = (): void => fits.current.clear()
    window.addEventListener('resize', forget)
    return () => window.removeEventListener('resize', forget)
  }, [])

  // Before paint: a view comes up at the size that fitted it last time.
  useLayoutEffect(() => {
    setFit(fits.current.get(view) ?? 1)
  }, [view])

  useEffect(() => {
    const element = box.current
    if (element === null) return
    let frame = 0
    const check = (): void => {
      const overflows = [element, ...element.querySelectorAll<HTMLElement>(CLIPPING)].some(
        (e) => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1,
      )
      const fit = fits.current.get(view) ?? 1
      if (!overflows || fit <= MIN_FIT) return
      const smaller = Math.max(MIN_FIT, Math.round((fit - FIT_STEP) * 100) / 100)
      fits.current.set(view, smaller)
      setFit(smaller)
      frame = requestAnimationFrame(check)
    }
    check()
    return () => cancelAnimationFrame(frame)
  }, [box, view, settled])
}

function setFit(fit: number): void {
  document.documentElement.style.setProperty('--wall-fit', String(fit))
}

import { useEffect, useState } from 'react'
import { CHART_FONT_PX } from '../lib/plotly.ts'

/**
 * A wall's chart text as a share of the screen's height: 1.5 % is 16 px at 1080p and 32 px at
 * 4K, read from 5 m (a desk's 13 px would be 1.2 % of a 1080p screen and 0.6 % of a 4K one).
 */
export const WALL_CHART_TEXT_SHARE = 0.015

/** How many times a desk's size the wall draws chart text, never smaller than a desk's. */
export function chartTextScale(viewportHeight: number): number {
  return Math.max(1, (viewportHeight * WALL_CHART_TEXT_SHARE) / CHART_FONT_PX)
}

/** The scale for the window's height now, followed through resizes. */
export function useChartTextScale(): number {
  const [scale, setScale] = useState(() => chartTextScale(window.innerHeight))
  useEffect(() => {
    const follow = (): void => setScale(chartTextScale(window.innerHeight))
    window.addEventListener('resize', follow)
    return () => window.removeEventListener('resize', follow)
  }, [])
  return scale
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last
 * points and, per bucket, the point spanning the largest triangle with its
 * neighbours, so a thinned chart keeps the peaks a reader looks for. Returns
 * the kept indices; nulls (no data) count as 0 for the choice only.
 */
export function lttbIndices(y: readonly (number | null)[], maxPoints: number): number[] {
  const n = y.length
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i)
  const v = (i: number) => y[i] ?? 0
  const kept = [0]
  const every = (n - 2) / (maxPoints - 2)
  let a = 0
  for (let i = 0; i < maxPoints - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n)
    let avgX = 0
    let avgY = 0
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += j
      avgY += v(j)
    }
    const len = Math.max(nextEnd - nextStart, 1)
    avgX /= len
    avgY /= len
    const start = Math.floor(i * every) + 1
    const end = Math.floor((i + 1) * every) + 1
    let best = start
    let bestArea = -1
    for (let j = start; j < end; j++) {
      const area = Math.abs((a - avgX) * (v(j) - v(a)) - (a - j) * (avgY - v(a)))
      if (area > bestArea) {
        bestArea = area
        best = j
      }
    }
    kept.push(best)
    a = best
  }
  kept.push(n - 1)
  return kept
}

export function thin<T>(
  x: readonly T[],
  y: readonly (number | null)[],
  maxPoints: number,
): { x: T[]; y: (number | null)[] } {
  if (y.length <= maxPoints) return { x: [...x], y: [...y] }
  const idx = lttbIndices(y, maxPoints)
  return { x: idx.map((i) => x[i] as T), y: idx.map((i) => y[i] ?? null) }
}

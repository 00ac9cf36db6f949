// Which charts are on the page and what each has drawn: the page's `data-state="ready"` waits
// for every one of them. Charts register themselves when they mount and leave when they
// unmount, so no list of chart ids is kept anywhere (issue 9): a chart added to a view counts
// the moment it is on screen.
//
// "Drawn" is recorded against a token: the answer the page holds when the chart drew (its
// `DashboardData`, compared by identity). The page is ready for an answer once every chart
// on screen has drawn for that very answer, so a chart still showing the previous one keeps
// the page loading, whatever part of the answer the chart reads.

/** What each chart on screen has last drawn for; `NOT_DRAWN` until its first draw. */
export type ChartDraws = ReadonlyMap<symbol, unknown>

export const NOT_DRAWN: unique symbol = Symbol('not drawn')

export interface ChartReadiness {
  /** A chart has mounted: it counts, as not drawn, until `unregister`. */
  readonly register: (chart: symbol) => void
  readonly unregister: (chart: symbol) => void
  /** The chart finished drawing what it was given while the page held `token`. */
  readonly drawn: (chart: symbol, token: unknown) => void
  /** For useSyncExternalStore: a new map after every change, the same one otherwise. */
  readonly snapshot: () => ChartDraws
  readonly subscribe: (listener: () => void) => () => void
}

export function createChartReadiness(): ChartReadiness {
  let draws: ChartDraws = new Map()
  const listeners = new Set<() => void>()
  const change = (next: Map<symbol, unknown>): void => {
    draws = next
    for (const listener of [...listeners]) listener()
  }
  return {
    register: (chart) => {
      if (draws.has(chart)) return
      change(new Map(draws).set(chart, NOT_DRAWN))
    },
    unregister: (chart) => {
      if (!draws.has(chart)) return
      const next = new Map(draws)
      next.delete(chart)
      change(next)
    },
    drawn: (chart, token) => {
      // A chart that already left (its draw finished after unmount) is not brought back.
      if (!draws.has(chart) || draws.get(chart) === token) return
      change(new Map(draws).set(chart, token))
    },
    snapshot: () => draws,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}

/** Whether every chart on screen has drawn for `token` (true when there is none). */
export function allDrawnFor(draws: ChartDraws, token: unknown): boolean {
  for (const drawnFor of draws.values()) if (drawnFor !== token) return false
  return true
}

/** A line of the page's error banner. */
export interface PageError {
  /** What the page was doing, e.g. "Loading lead response". */
  readonly context: string
  readonly message: string
  readonly code?: string
}

/** What the page's `data-state` says: end-to-end tests and wall-screen checks wait on "ready". */
export type Readiness = 'loading' | 'ready' | 'error'

/** One request's state as far as the page's readiness goes. */
export interface RequestState {
  readonly error: { readonly message: string; readonly code: string } | null
  readonly loading: boolean
}

/** A failed request as a line of the error banner, with what the page was doing. */
export function failure(context: string, state: RequestState): PageError[] {
  if (state.error === null) return []
  return [{ context, message: state.error.message, code: state.error.code }]
}

/**
 * "ready" means everything on this tab answers the current filters: every request has its
 * answer and every chart on screen has drawn from it. Any error wins: a page that cannot show
 * what was asked says so rather than passing the old numbers off as ready.
 */
export function readinessOf(
  errors: readonly PageError[],
  requests: readonly RequestState[],
  chartsDrawn: boolean,
): Readiness {
  if (errors.length > 0) return 'error'
  return requests.some((r) => r.loading) || !chartsDrawn ? 'loading' : 'ready'
}

/**
 * The most points a series may carry: one per pixel of a chart, rounded down to a step of 100 so
 * that a small resize does not ask the core again.
 */
export function maxPointsFor(width: number, columns: number): number {
  return Math.max(3, Math.floor(width / columns / 100) * 100)
}

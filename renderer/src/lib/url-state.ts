import {
  DEFAULT_RANGE_PRESET,
  FILTER_FIELDS,
  parseFilters,
  serializeFilters,
  type FilterField,
  type Filters,
  type RangeFilter,
} from '../../../shared/api/index.ts'
import { DEFAULT_VIEW, isViewId, type ViewId } from './views.ts'

/** The multi-select part of the global filters: values OR-ed within a field, fields AND-ed. */
export type Dimensions = { readonly [K in FilterField]?: NonNullable<Filters[K]> }

/** Everything a link reopens: the tab and the filters. */
export interface PageState {
  readonly view: ViewId
  /** A preset (read against the clock when shown) or custom days, in the viewer's zone. */
  readonly range: RangeFilter
  readonly dimensions: Dimensions
}

export interface UrlReading {
  readonly state: PageState
  /** Why part of the link was ignored, in words for the viewer; empty when it was all read. */
  readonly problems: readonly string[]
  /** Whether the link names filters at all; one that does not opens on the default preset. */
  readonly namesFilters: boolean
}

const VIEW_PARAM = 'view'
const FILTER_PARAM = 'f'

export function defaultState(timeZone: string): PageState {
  return {
    view: DEFAULT_VIEW,
    range: { preset: DEFAULT_RANGE_PRESET, timeZone },
    dimensions: {},
  }
}

/** The dimensions that are set, as the contract's fields (empty lists dropped). */
export function activeDimensions(dimensions: Dimensions): Dimensions {
  const out: { [K in FilterField]?: NonNullable<Filters[K]> } = {}
  for (const field of FILTER_FIELDS) {
    const list = dimensions[field]
    if (list !== undefined && list.length > 0) Object.assign(out, { [field]: list })
  }
  return out
}

/** The dimensions without one value of one field (a chip removed). */
export function withoutValue(
  dimensions: Dimensions,
  field: FilterField,
  value: string,
): Dimensions {
  const list = (dimensions[field] ?? []) as readonly string[]
  return activeDimensions({ ...dimensions, [field]: list.filter((v) => v !== value) })
}

export function toFilters(range: RangeFilter, dimensions: Dimensions): Filters {
  return { range, ...activeDimensions(dimensions) }
}

/**
 * Reads `?view=…&f=…`. A link that cannot be read is not half-applied: a bad filter string falls
 * back to the default filters as a whole (a wall screen showing a subset it was not asked for
 * would be worse than one showing everything), and says why.
 */
export function readUrl(search: string, localZone: string): UrlReading {
  const params = new URLSearchParams(search)
  const problems: string[] = []
  let state = defaultState(localZone)
  const view = params.get(VIEW_PARAM)
  if (view !== null) {
    if (isViewId(view)) state = { ...state, view }
    else problems.push(`there is no "${view}" dashboard; showing the overview`)
  }
  const text = params.get(FILTER_PARAM)
  if (text !== null) {
    const parsed = parseFilters(text)
    if (parsed.ok) {
      const { range, ...dimensions } = parsed.filters
      state = { ...state, range, dimensions: activeDimensions(dimensions) }
    } else {
      const why = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')
      problems.push(
        `the filters in the link could not be read (${why}); showing the default filters`,
      )
    }
  }
  return { state, problems, namesFilters: text !== null }
}

/** The page's query string for a state, keeping any other parameter (the LAN `token`). */
export function writeUrl(search: string, state: PageState): string {
  const params = new URLSearchParams(search)
  params.set(VIEW_PARAM, state.view)
  params.set(FILTER_PARAM, serializeFilters(toFilters(state.range, state.dimensions)))
  return `?${params.toString()}`
}

/**
 * How the address bar follows a change of state: nothing when the query string already says
 * it; a new history entry for a change the viewer can go back from (another tab); otherwise
 * the current entry rewritten (a filter, so Back leaves the dashboard rather than undoing
 * ticks one by one).
 */
export function historyStep(
  search: string,
  state: PageState,
  push: boolean,
): { readonly kind: 'none' } | { readonly kind: 'push' | 'replace'; readonly search: string } {
  const next = writeUrl(search, state)
  if (next === search) return { kind: 'none' }
  return { kind: push ? 'push' : 'replace', search: next }
}

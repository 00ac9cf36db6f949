import {
  VIEW_CONTENT,
  VIEW_IDS,
  isViewId,
  type ViewContent,
  type ViewId,
} from '../../../shared/api/index.ts'

export { VIEW_IDS, isViewId, type ViewId }

/** One tab as the page lays it out: its content (shared/api/views.ts) and its columns. */
export interface ViewDefinition extends ViewContent {
  /** Charts side by side: a series is thinned to the pixels of one chart, not of the page. */
  readonly chartColumns: 1 | 2
}

const CHART_COLUMNS: Readonly<Record<ViewId, 1 | 2>> = {
  overview: 1,
  'lead-response': 1,
  conversion: 2,
  marketing: 1,
  markets: 1,
  revenue: 1,
  funnel: 1,
  trends: 2,
  segments: 1,
  journeys: 1,
  scores: 1,
  activity: 1,
  health: 1,
}

export const VIEWS: readonly ViewDefinition[] = VIEW_IDS.map((id) => ({
  ...VIEW_CONTENT[id],
  chartColumns: CHART_COLUMNS[id],
}))

export const DEFAULT_VIEW: ViewId = 'overview'

export function viewOf(id: ViewId): ViewDefinition {
  const view = VIEWS.find((v) => v.id === id)
  if (view === undefined) throw new Error(`unknown view ${id}`)
  return view
}

// The tabs of the ops center, named once: the page draws them, exports are
// asked for one of them (`export.start`, `watchfloor export --dashboard`),
// and a report says which it is. The page's layout of each (columns) stays
// in renderer/src/lib/views.ts.
import type { DashboardName } from './dashboards.ts'

export const VIEW_IDS = [
  'overview',
  'lead-response',
  'conversion',
  'marketing',
  'markets',
  'revenue',
  'funnel',
  'trends',
  'segments',
  'journeys',
  'scores',
  'activity',
  'health',
] as const
export type ViewId = (typeof VIEW_IDS)[number]

/**
 * The customer-intelligence results (issue 16, shared/api/intelligence.ts) a tab can show, each
 * asked of its own `intel.*` method: the PCA segments, the stage journey, the call-first list
 * and the model card of the lead score.
 */
export const INTEL_PARTS = ['segments', 'journeys', 'callFirst', 'modelCard'] as const
export type IntelPart = (typeof INTEL_PARTS)[number]

/** One tab: what it is called and which dashboards of `kpis.dashboard` it shows. */
export interface ViewContent {
  readonly id: ViewId
  readonly label: string
  /** Asked of `kpis.dashboard`, and the only ones whose `data.changed` refetch this tab. */
  readonly dashboards: readonly DashboardName[]
  /** The intelligence results it shows besides (none when absent); a tab may show only these. */
  readonly intelligence?: readonly IntelPart[]
  /**
   * Whether the global filters (range and dimensions) change what this tab shows. The filter
   * bar is shown only where they do: a control that does nothing reads as broken.
   */
  readonly filtered: boolean
}

export const VIEW_CONTENT: Readonly<Record<ViewId, ViewContent>> = {
  overview: {
    id: 'overview',
    label: 'Overview',
    dashboards: ['leadResponse', 'trends', 'conversion'],
    filtered: true,
  },
  'lead-response': {
    id: 'lead-response',
    label: 'Lead response',
    dashboards: ['leadResponse', 'trends'],
    // The head of the call-first list: the leads to answer now, best bets first.
    intelligence: ['callFirst'],
    filtered: true,
  },
  conversion: { id: 'conversion', label: 'Conversion', dashboards: ['conversion'], filtered: true },
  marketing: {
    id: 'marketing',
    label: 'Marketing ROI',
    dashboards: ['marketing'],
    filtered: true,
  },
  markets: { id: 'markets', label: 'Premium markets', dashboards: ['markets'], filtered: true },
  revenue: {
    id: 'revenue',
    label: 'Revenue growth',
    dashboards: ['revenue', 'trends'],
    filtered: true,
  },
  funnel: { id: 'funnel', label: 'Funnel', dashboards: ['funnel'], filtered: true },
  trends: { id: 'trends', label: 'Trends', dashboards: ['trends'], filtered: true },
  // Segments are fitted over every lead of the cache (a model); the filters choose which leads
  // each segment is counted among and which are drawn (intel.segments with filters).
  segments: {
    id: 'segments',
    label: 'Segments',
    dashboards: [],
    intelligence: ['segments'],
    filtered: true,
  },
  journeys: {
    id: 'journeys',
    label: 'Journeys',
    dashboards: [],
    intelligence: ['journeys'],
    filtered: true,
  },
  scores: {
    id: 'scores',
    label: 'Lead scores',
    dashboards: [],
    intelligence: ['callFirst', 'modelCard'],
    filtered: true,
  },
  // The feed is the newest events and health is the machine now: neither reads the filters.
  activity: { id: 'activity', label: 'Activity', dashboards: ['activity'], filtered: false },
  health: { id: 'health', label: 'System health', dashboards: ['health'], filtered: false },
}

export function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value)
}

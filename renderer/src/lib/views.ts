import type { DashboardName } from '../../../shared/api/index.ts'

/** One tab of the ops center: what it is called and which dashboards of `kpis.dashboard` it shows. */
export interface ViewDefinition {
  readonly id: ViewId
  readonly label: string
  /** Asked of `kpis.dashboard`, and the only ones whose `data.changed` refetch this tab. */
  readonly dashboards: readonly DashboardName[]
  /** Charts side by side: a series is thinned to the pixels of one chart, not of the page. */
  readonly chartColumns: 1 | 2
  /**
   * Whether the global filters (range and dimensions) change what this tab shows. The filter
   * bar is shown only where they do: a control that does nothing reads as broken.
   */
  readonly filtered: boolean
}

export const VIEW_IDS = [
  'overview',
  'lead-response',
  'conversion',
  'marketing',
  'markets',
  'revenue',
  'funnel',
  'trends',
  'activity',
  'health',
] as const
export type ViewId = (typeof VIEW_IDS)[number]

export const VIEWS: readonly ViewDefinition[] = [
  {
    id: 'overview',
    label: 'Overview',
    dashboards: ['leadResponse', 'trends', 'conversion'],
    chartColumns: 1,
    filtered: true,
  },
  {
    id: 'lead-response',
    label: 'Lead response',
    dashboards: ['leadResponse', 'trends'],
    chartColumns: 1,
    filtered: true,
  },
  {
    id: 'conversion',
    label: 'Conversion',
    dashboards: ['conversion'],
    chartColumns: 2,
    filtered: true,
  },
  {
    id: 'marketing',
    label: 'Marketing ROI',
    dashboards: ['marketing'],
    chartColumns: 1,
    filtered: true,
  },
  {
    id: 'markets',
    label: 'Premium markets',
    dashboards: ['markets'],
    chartColumns: 1,
    filtered: true,
  },
  {
    id: 'revenue',
    label: 'Revenue growth',
    dashboards: ['revenue', 'trends'],
    chartColumns: 1,
    filtered: true,
  },
  {
    id: 'funnel',
    label: 'Funnel',
    dashboards: ['funnel'],
    chartColumns: 1,
    filtered: true,
  },
  {
    id: 'trends',
    label: 'Trends',
    dashboards: ['trends'],
    chartColumns: 2,
    filtered: true,
  },
  // The feed is the newest events and health is the machine now: neither reads the filters.
  {
    id: 'activity',
    label: 'Activity',
    dashboards: ['activity'],
    chartColumns: 1,
    filtered: false,
  },
  {
    id: 'health',
    label: 'System health',
    dashboards: ['health'],
    chartColumns: 1,
    filtered: false,
  },
]

export const DEFAULT_VIEW: ViewId = 'overview'

export function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value)
}

export function viewOf(id: ViewId): ViewDefinition {
  const view = VIEWS.find((v) => v.id === id)
  if (view === undefined) throw new Error(`unknown view ${id}`)
  return view
}

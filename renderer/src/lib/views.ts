import type { DashboardName } from '../../../shared/api/index.ts'

/** One tab of the ops center: what it is called and which dashboards of `kpis.dashboard` it shows. */
export interface ViewDefinition {
  readonly id: ViewId
  readonly label: string
  /** Asked of `kpis.dashboard`, and the only ones whose `data.changed` refetch this tab. */
  readonly dashboards: readonly DashboardName[]
  /** Charts side by side: a series is thinned to the pixels of one chart, not of the page. */
  readonly chartColumns: 1 | 2
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
  },
  {
    id: 'lead-response',
    label: 'Lead response',
    dashboards: ['leadResponse', 'trends'],
    chartColumns: 1,
  },
  {
    id: 'conversion',
    label: 'Conversion',
    dashboards: ['conversion'],
    chartColumns: 2,
  },
  {
    id: 'marketing',
    label: 'Marketing ROI',
    dashboards: ['marketing'],
    chartColumns: 1,
  },
  {
    id: 'markets',
    label: 'Premium markets',
    dashboards: ['markets'],
    chartColumns: 1,
  },
  {
    id: 'revenue',
    label: 'Revenue growth',
    dashboards: ['revenue', 'trends'],
    chartColumns: 1,
  },
  {
    id: 'funnel',
    label: 'Funnel',
    dashboards: ['funnel'],
    chartColumns: 1,
  },
  {
    id: 'trends',
    label: 'Trends',
    dashboards: ['trends'],
    chartColumns: 2,
  },
  { id: 'activity', label: 'Activity', dashboards: ['activity'], chartColumns: 1 },
  { id: 'health', label: 'System health', dashboards: ['health'], chartColumns: 1 },
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

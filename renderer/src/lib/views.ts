import type { DashboardName } from '../../../shared/api/index.ts'

/** One tab of the ops center: what it is called and which dashboards of `kpis.dashboard` it shows. */
export interface ViewDefinition {
  readonly id: ViewId
  readonly label: string
  /** Asked of `kpis.dashboard`, and the only ones whose `data.changed` refetch this tab. */
  readonly dashboards: readonly DashboardName[]
  /** Test ids of the Plotly charts on the tab: "ready" waits until each drew the current data. */
  readonly charts: readonly string[]
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
    charts: ['chart-leads-per-day'],
    chartColumns: 1,
  },
  {
    id: 'lead-response',
    label: 'Lead response',
    dashboards: ['leadResponse', 'trends'],
    charts: ['chart-response-time'],
    chartColumns: 1,
  },
  {
    id: 'conversion',
    label: 'Conversion',
    dashboards: ['conversion'],
    charts: ['chart-conversion-by-source', 'chart-conversion-by-temperature'],
    chartColumns: 2,
  },
  {
    id: 'marketing',
    label: 'Marketing ROI',
    dashboards: ['marketing'],
    charts: ['chart-marketing-roi'],
    chartColumns: 1,
  },
  {
    id: 'markets',
    label: 'Premium markets',
    dashboards: ['markets'],
    charts: ['chart-markets-deal-size'],
    chartColumns: 1,
  },
  {
    id: 'revenue',
    label: 'Revenue growth',
    dashboards: ['revenue', 'trends'],
    charts: ['chart-revenue'],
    chartColumns: 1,
  },
  {
    id: 'funnel',
    label: 'Funnel',
    dashboards: ['funnel'],
    charts: ['chart-funnel'],
    chartColumns: 1,
  },
  {
    id: 'trends',
    label: 'Trends',
    dashboards: ['trends'],
    charts: [
      'chart-trend-leads',
      'chart-trend-conversions',
      'chart-trend-revenue',
      'chart-trend-response',
      'chart-heatmap',
    ],
    chartColumns: 2,
  },
  { id: 'activity', label: 'Activity', dashboards: ['activity'], charts: [], chartColumns: 1 },
  { id: 'health', label: 'System health', dashboards: ['health'], charts: [], chartColumns: 1 },
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

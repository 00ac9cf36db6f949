// The tables an export can carry (issue 12), apart from exports.ts's schemas so that what
// needs only the names (the CLI's help) loads no zod.
import type { ViewId } from './views.ts'

/** The tables a report can carry: the filtered leads, and each dashboard's breakdown. */
export const EXPORT_DATASETS = [
  'leads',
  'channels',
  'segments',
  'revenueByMonth',
  'funnel',
  // Customer intelligence (issue 16): the segment table, the journey's steps, the call-first list.
  'customerSegments',
  'journeySteps',
  'callFirst',
] as const
export type ExportDataset = (typeof EXPORT_DATASETS)[number]

/** Each dataset's title (PDF heading, dialog) and its sheet name (at most 31 characters, Excel's limit). */
export const EXPORT_DATASET_TEXT: Readonly<
  Record<ExportDataset, { readonly title: string; readonly sheet: string }>
> = {
  leads: { title: 'Leads', sheet: 'Leads' },
  channels: { title: 'Channel ROI', sheet: 'Channel ROI' },
  segments: { title: 'Market segments', sheet: 'Segments' },
  revenueByMonth: { title: 'Revenue by month', sheet: 'Revenue by month' },
  funnel: { title: 'Funnel', sheet: 'Funnel' },
  customerSegments: { title: 'Customer segments', sheet: 'Customer segments' },
  journeySteps: { title: 'Journey steps', sheet: 'Journey steps' },
  callFirst: { title: 'Call first', sheet: 'Call first' },
}

/** The datasets a tab's export holds when the request names none: what that tab shows. */
export const VIEW_EXPORT_DATASETS: Readonly<Record<ViewId, readonly ExportDataset[]>> = {
  overview: ['leads', 'channels', 'funnel'],
  'lead-response': ['leads'],
  conversion: ['leads', 'channels'],
  marketing: ['channels', 'leads'],
  markets: ['segments', 'leads'],
  revenue: ['revenueByMonth', 'leads'],
  funnel: ['funnel', 'leads'],
  trends: ['revenueByMonth', 'leads'],
  segments: ['customerSegments'],
  journeys: ['journeySteps', 'leads'],
  scores: ['callFirst', 'leads'],
  activity: [],
  health: [],
}

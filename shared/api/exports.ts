// Exports (issue 12): CSV, Excel, PDF and JSON reports of exactly what a tab
// shows for a filter set. The vocabulary lives here once: the formats, the
// datasets a report can hold (with their titles and sheet names), paper, the
// CSV options, the job a started export is, and the refusal for a client on
// another machine. The core writes the file (main/export/); the browser host
// serves it as a download and the Electron shell saves it where the native
// save dialog says: the page never names a path.
import { z } from 'zod'
import { filtersSchema } from './filters.ts'
import { RANGE_PRESETS } from './date-range.ts'
import { COMPARISON_KINDS } from './kpis.ts'
import { VIEW_IDS } from './views.ts'
import { EXPORT_DATASETS, EXPORT_DATASET_TEXT, VIEW_EXPORT_DATASETS } from './export-datasets.ts'

export {
  EXPORT_DATASETS,
  EXPORT_DATASET_TEXT,
  VIEW_EXPORT_DATASETS,
  type ExportDataset,
} from './export-datasets.ts'

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** What each format is called in the dialog and the CLI, its file extension and media type. */
export const EXPORT_FORMAT_TEXT: Readonly<
  Record<
    ExportFormat,
    { readonly label: string; readonly extension: string; readonly mime: string }
  >
> = {
  csv: { label: 'CSV', extension: 'csv', mime: 'text/csv; charset=utf-8' },
  xlsx: {
    label: 'Excel workbook',
    extension: 'xlsx',
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  pdf: { label: 'PDF report', extension: 'pdf', mime: 'application/pdf' },
  json: { label: 'JSON', extension: 'json', mime: 'application/json' },
}

export const PAPER_SIZES = ['A4', 'Letter'] as const
export type PaperSize = (typeof PAPER_SIZES)[number]
export const ORIENTATIONS = ['portrait', 'landscape'] as const
export type Orientation = (typeof ORIENTATIONS)[number]

/** Largest chart image the page may hand over for a PDF, in characters of SVG. */
export const MAX_CHART_SVG_CHARS = 2_000_000
/** Most chart images one PDF export carries. */
export const MAX_EXPORT_CHARTS = 16
/**
 * Most rows of one table a PDF report prints (about 190 portrait A4 pages of leads); the rest is left to
 * CSV and Excel, and the PDF says so under the table. Paper is for reading, not for a million rows.
 */
export const PDF_TABLE_ROW_LIMIT = 10_000
/**
 * Largest `export.start` request, in bytes of its serialised form: the one method whose input
 * carries the charts' SVG (every other request stays under MAX_REQUEST_BYTES).
 */
export const MAX_EXPORT_REQUEST_BYTES = 8 * 1024 * 1024

export const csvOptionsSchema = z
  .object({
    /** A byte-order mark first, so Excel opens UTF-8 as UTF-8. */
    bom: z.boolean().default(false),
    /** `;` for Excel in locales whose decimal mark is a comma. */
    separator: z.enum([',', ';']).default(','),
    /** ISO 8601 with the zone's offset, or the local wall-clock form the screen shows. */
    dates: z.enum(['iso', 'local']).default('iso'),
    /**
     * Cells starting with = + - @ tab or CR are prefixed with ' so a spreadsheet does not run
     * them as formulas (OWASP "CSV injection"); on unless turned off.
     */
    neutraliseFormulas: z.boolean().default(true),
  })
  .strict()
export type CsvOptions = z.infer<typeof csvOptionsSchema>

export const chartImageSchema = z
  .object({
    title: z.string().min(1).max(200),
    svg: z.string().min(1).max(MAX_CHART_SVG_CHARS),
  })
  .strict()
export type ChartImage = z.infer<typeof chartImageSchema>

export const exportStartSchema = z
  .object({
    view: z.enum(VIEW_IDS),
    filters: filtersSchema,
    format: z.enum(EXPORT_FORMATS),
    /** The tables to include; by default the tab's (VIEW_EXPORT_DATASETS). */
    datasets: z.array(z.enum(EXPORT_DATASETS)).max(EXPORT_DATASETS.length).optional(),
    /** PDF: draw the charts (the page's SVG, as on screen). */
    charts: z.boolean().default(true),
    /** PDF: the charts as the page drew them, in order. */
    chartImages: z.array(chartImageSchema).max(MAX_EXPORT_CHARTS).default([]),
    paper: z.enum(PAPER_SIZES).default('A4'),
    orientation: z.enum(ORIENTATIONS).default('portrait'),
    csv: csvOptionsSchema.default({
      bom: false,
      separator: ',',
      dates: 'iso',
      neutraliseFormulas: true,
    }),
    /** What the KPI deltas compare with, as on screen. */
    compareWith: z.enum(COMPARISON_KINDS).optional(),
    /**
     * The preset the page read the shown days from (it sends them as custom days, read against
     * its own clock): names the range in the report's words, "Last 30 days: Oct 3 – Nov 1, 2026",
     * as the filter bar does. The days stay the ones sent.
     */
    shownAs: z.enum(RANGE_PRESETS).optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    // A CSV file holds one table: a request for several is refused rather than cut short.
    if (request.format !== 'csv') return
    const datasets = request.datasets ?? VIEW_EXPORT_DATASETS[request.view]
    if (request.datasets !== undefined && new Set(request.datasets).size > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['datasets'],
        message: `A CSV file holds one table; choose one of ${request.datasets.map((d) => EXPORT_DATASET_TEXT[d].title).join(', ')} (or export them all as Excel or JSON).`,
      })
    else if (datasets.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['datasets'],
        message: 'This tab shows no table to write as CSV; name a dataset to export.',
      })
  })
export type ExportStart = z.input<typeof exportStartSchema>
export type ExportRequest = z.output<typeof exportStartSchema>

export const exportIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{8,64}$/, 'an export id is what export.start answered')
export const exportRefSchema = z.object({ id: exportIdSchema }).strict()

export const EXPORT_JOB_STATES = ['running', 'done', 'failed', 'cancelled'] as const
export type ExportJobState = (typeof EXPORT_JOB_STATES)[number]

export const exportJobSchema = z.object({
  id: z.string(),
  view: z.enum(VIEW_IDS),
  format: z.enum(EXPORT_FORMATS),
  state: z.enum(EXPORT_JOB_STATES),
  /** What it is doing now, e.g. "Writing Leads". */
  phase: z.string(),
  rowsDone: z.number(),
  rowsTotal: z.number(),
  /** Seconds left at the rate so far; null until it can be told. */
  secondsLeft: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** The name the file is offered under, e.g. "watchfloor-revenue-2026-11-30.xlsx". */
  fileName: z.string(),
  /** Bytes of the finished file. */
  bytes: z.number().nullable(),
  /** Why it failed, as a sentence a person can act on. */
  error: z.string().nullable(),
})
export type ExportJob = z.infer<typeof exportJobSchema>

// Its refusal sentence lives with every other in roles.ts (one home of who may call what).

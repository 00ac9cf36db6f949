// The in-app export (issue 12): what the dialog asks for, the run it starts, and its delivery.
// The core writes the file (main/export/) and reports its progress; the page only names the tab,
// the filters it shows and the options, adds the charts as drawn (PDF), follows the job, and
// hands the finished file to the person through the bridge (a download, or Electron's native
// save dialog): it never names a path.
import { createContext, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  EXPORT_DATASETS,
  MAX_CHART_SVG_CHARS,
  MAX_EXPORT_CHARTS,
  MAX_EXPORT_REQUEST_BYTES,
  MAX_REQUEST_BYTES,
  VIEW_EXPORT_DATASETS,
  type ChartImage,
  type ComparisonKind,
  type RangePreset,
  type CsvOptions,
  type DateRange,
  type ExportDataset,
  type ExportFormat,
  type ExportJob,
  type ExportStart,
  type Orientation,
  type PaperSize,
  type ViewId,
} from '../../../shared/api/index.ts'
import { toApiError, useApiClient, type ApiClient } from '../api/client.ts'
import { createChartCatalog, type CatalogChart, type ChartCatalog } from '../lib/chart-catalog.ts'
import { toFilters, type Dimensions } from '../lib/url-state.ts'

/** What the page shows now: an export asks for exactly this (see use-dashboard.ts). */
export interface ExportScope {
  readonly view: ViewId
  /** The shown days; null while they are not known (nothing to export yet). */
  readonly range: DateRange | null
  readonly dimensions: Dimensions
  /** What the deltas compare with, as the tab asks `kpis.dashboard`. */
  readonly compareWith?: ComparisonKind
  /** The preset the shown days were read from, so the report names them as the filter bar does. */
  readonly shownAs?: RangePreset | 'custom'
}

/** What the person picked in the dialog. */
export interface ExportChoices {
  readonly format: ExportFormat
  /** The tables, in EXPORT_DATASETS order; CSV holds exactly one (the first). */
  readonly datasets: readonly ExportDataset[]
  /** PDF: draw the charts as on screen. */
  readonly charts: boolean
  readonly paper: PaperSize
  readonly orientation: Orientation
  readonly csv: CsvOptions
}

export const DEFAULT_CSV_OPTIONS: CsvOptions = {
  bom: false,
  separator: ',',
  dates: 'iso',
  neutraliseFormulas: true,
}

/** The dialog's first choices on a tab: the tab's own tables, an Excel workbook, A4 portrait. */
export function defaultChoices(view: ViewId): ExportChoices {
  return {
    format: 'xlsx',
    datasets: VIEW_EXPORT_DATASETS[view],
    charts: true,
    paper: 'A4',
    orientation: 'portrait',
    csv: DEFAULT_CSV_OPTIONS,
  }
}

/**
 * Whether a tab has something to export: tables (VIEW_EXPORT_DATASETS) or cards. The activity
 * feed has neither; system health has its cards.
 */
export function isExportable(view: ViewId): boolean {
  return VIEW_EXPORT_DATASETS[view].length > 0 || view === 'health'
}

/**
 * The datasets a request carries, in EXPORT_DATASETS order. CSV is one table per file: the first
 * of the picked list, which puts the tab's main table first and a CSV pick before the rest.
 */
export function requestedDatasets(choices: ExportChoices): ExportDataset[] {
  if (choices.format === 'csv') return choices.datasets.slice(0, 1)
  return EXPORT_DATASETS.filter((d) => choices.datasets.includes(d))
}

/** Why the choices cannot be exported yet, as a sentence; null when they can. */
export function choicesProblem(choices: ExportChoices): string | null {
  if (choices.format === 'csv' && requestedDatasets(choices).length !== 1)
    return 'A CSV file holds one table: choose which.'
  return null
}

/** The `export.start` request: the tab's filters exactly as it asks `kpis.dashboard`. */
export function exportRequest(
  scope: ExportScope & { readonly range: DateRange },
  choices: ExportChoices,
  chartImages: readonly ChartImage[],
): ExportStart {
  const pdf = choices.format === 'pdf'
  return {
    view: scope.view,
    filters: toFilters({ preset: 'custom', ...scope.range }, scope.dimensions),
    format: choices.format,
    datasets: requestedDatasets(choices),
    charts: pdf && choices.charts,
    chartImages: pdf && choices.charts ? [...chartImages] : [],
    paper: choices.paper,
    orientation: choices.orientation,
    csv: choices.csv,
    ...(scope.compareWith === undefined ? {} : { compareWith: scope.compareWith }),
    ...(scope.shownAs === undefined || scope.shownAs === 'custom'
      ? {}
      : { shownAs: scope.shownAs }),
  }
}

const encoder = new TextEncoder()

/** Bytes a chart takes in the serialised request (its SVG is full of escaped quotes). */
const requestBytes = (image: ChartImage): number => encoder.encode(JSON.stringify(image)).length + 1

export interface CollectedCharts {
  readonly images: readonly ChartImage[]
  /** Charts left out, each with why: too many, too large, or not drawn. */
  readonly skipped: readonly string[]
}

/**
 * The charts as the PDF carries them, in page order, within the request's bounds: at most
 * MAX_EXPORT_CHARTS, each under MAX_CHART_SVG_CHARS, all of them with room left for the rest of
 * the request under MAX_EXPORT_REQUEST_BYTES. One chart at a time, yielding between them, so the
 * page keeps answering while they are drawn.
 */
export async function collectChartImages(
  charts: readonly CatalogChart[],
  signal: AbortSignal,
): Promise<CollectedCharts> {
  const images: ChartImage[] = []
  const skipped: string[] = []
  let budget = MAX_EXPORT_REQUEST_BYTES - MAX_REQUEST_BYTES
  for (const chart of charts) {
    signal.throwIfAborted()
    if (images.length >= MAX_EXPORT_CHARTS) {
      skipped.push(`${chart.title} (a report holds at most ${MAX_EXPORT_CHARTS} charts)`)
      continue
    }
    let svg: string
    try {
      svg = await chart.svg()
    } catch (error) {
      skipped.push(`${chart.title} (${toApiError(error).message})`)
      continue
    }
    const image: ChartImage = { title: chart.title.slice(0, 200), svg }
    const bytes = requestBytes(image)
    if (svg.length > MAX_CHART_SVG_CHARS || bytes > budget) {
      skipped.push(`${chart.title} (too large to send)`)
      continue
    }
    budget -= bytes
    images.push(image)
    // A turn of the event loop between charts: drawing each one off screen takes the page's
    // thread a moment, and input and progress are handled in between.
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  signal.throwIfAborted()
  return { images, skipped }
}

/** Where a run is; the dialog shows each. */
export type ExportRun =
  | { readonly step: 'idle' }
  /** Drawing the charts for a PDF, before the core is asked. */
  | { readonly step: 'preparing'; readonly charts: number }
  | { readonly step: 'starting' }
  | { readonly step: 'running'; readonly job: ExportJob; readonly cancelling: boolean }
  /** Written; being handed to the person (download or save dialog). */
  | { readonly step: 'delivering'; readonly job: ExportJob }
  | { readonly step: 'delivered'; readonly job: ExportJob; readonly message: string }
  /** The person closed the save dialog: nothing was saved. */
  | { readonly step: 'not-saved'; readonly job: ExportJob; readonly message: string }
  | { readonly step: 'failed'; readonly message: string }
  | { readonly step: 'cancelled' }

/** The later of two views of one job: an ended one, or the one with more rows done. */
export function laterJob(a: ExportJob, b: ExportJob): ExportJob {
  if (a.state !== 'running') return a
  if (b.state !== 'running') return b
  return b.rowsDone >= a.rowsDone ? b : a
}

/** How often the job's status is asked while it runs, besides its progress events. */
const STATUS_POLL_MS = 1_000

export interface Exporter {
  readonly scope: ExportScope
  readonly run: ExportRun
  /** Charts drawn on the tab now (PDF charts, chart images). */
  /** Why the last cancel did not go through (the export goes on); null otherwise. */
  readonly cancelProblem: string | null
  readonly catalog: ChartCatalog
  /** What opened the dialog; null while it is closed. */
  readonly opening: ExportOpening | null
  /** Opens the dialog; `from` says what opened it (a chart's menu asks for a PDF report). */
  readonly open: (from?: ExportOpening) => void
  readonly close: () => void
  readonly start: (choices: ExportChoices) => void
  readonly cancel: () => void
  /** Back to the choices after a finished, failed or cancelled run. */
  readonly reset: () => void
}

export interface ExportOpening {
  /** The format the dialog opens on. */
  readonly format?: ExportFormat
}

/** What the chart menu's "Export report…" calls; null where there is no export (the wall). */
export const ExportOpenerContext = createContext<((from?: ExportOpening) => void) | null>(null)

export const isRunning = (run: ExportRun): boolean =>
  run.step === 'preparing' || run.step === 'starting' || run.step === 'running'

/**
 * One export at a time for the page, kept here rather than in the dialog: closing the dialog
 * leaves a long export running, and its file is still delivered when it is done.
 */
export function useExport(scope: ExportScope): Exporter {
  const client = useApiClient()
  const [catalog] = useState(createChartCatalog)
  const [run, setRun] = useState<ExportRun>({ step: 'idle' })
  const [opening, setOpening] = useState<ExportOpening | null>(null)
  const [cancelProblem, setCancelProblem] = useState<string | null>(null)
  // The run as last set, for the callbacks of events and answers that arrive between renders.
  const current = useRef<ExportRun>(run)
  const preparing = useRef<AbortController | null>(null)

  const moveTo = useCallback((next: ExportRun) => {
    current.current = next
    setRun(next)
  }, [])

  /** A newer view of the running job: progress, or its end (then the file is delivered). */
  const heard = useCallback(
    (job: ExportJob) => {
      const r = current.current
      if (r.step !== 'running' || r.job.id !== job.id) return
      const latest = laterJob(r.job, job)
      if (latest.state === 'running') moveTo({ ...r, job: latest })
      else if (latest.state === 'cancelled') moveTo({ step: 'cancelled' })
      else if (latest.state === 'failed')
        moveTo({ step: 'failed', message: latest.error ?? 'The export failed.' })
      else {
        moveTo({ step: 'delivering', job: latest })
        deliver(client, latest).then(moveTo, (error: unknown) =>
          moveTo({ step: 'failed', message: toApiError(error).message }),
        )
      }
    },
    [client, moveTo],
  )

  // Follow the running job: its progress events, and its status now and then in case an event
  // was missed (a reconnect, or an end before the start's answer arrived).
  const jobId = run.step === 'running' ? run.job.id : null
  useEffect(() => {
    if (jobId === null) return
    const stop = client.on('export.progress', heard)
    const timer = setInterval(() => {
      client.call('export.status', { id: jobId }).then(heard, () => undefined)
    }, STATUS_POLL_MS)
    return () => {
      stop()
      clearInterval(timer)
    }
  }, [client, jobId, heard])

  const start = useCallback(
    (choices: ExportChoices) => {
      const { range } = scope
      if (range === null || isRunning(current.current)) return
      const controller = new AbortController()
      preparing.current = controller
      const wantsCharts = choices.format === 'pdf' && choices.charts
      const charts = wantsCharts ? catalog.list() : []
      moveTo(wantsCharts ? { step: 'preparing', charts: charts.length } : { step: 'starting' })
      void (async () => {
        try {
          const { images } = await collectChartImages(charts, controller.signal)
          moveTo({ step: 'starting' })
          const request = exportRequest({ ...scope, range }, choices, images)
          const job = await client.call('export.start', request)
          if (controller.signal.aborted) {
            // Cancelled while the core was starting it: stop it there too.
            await client.call('export.cancel', { id: job.id }).catch(() => undefined)
            moveTo({ step: 'cancelled' })
            return
          }
          moveTo({ step: 'running', job, cancelling: false })
          heard(job)
        } catch (error) {
          if (controller.signal.aborted) moveTo({ step: 'cancelled' })
          else moveTo({ step: 'failed', message: toApiError(error).message })
        } finally {
          if (preparing.current === controller) preparing.current = null
        }
      })()
    },
    [client, catalog, scope, moveTo, heard],
  )

  const cancel = useCallback(() => {
    const r = current.current
    if (r.step === 'preparing' || r.step === 'starting') {
      preparing.current?.abort()
      return
    }
    if (r.step !== 'running' || r.cancelling) return
    moveTo({ ...r, cancelling: true })
    client.call('export.cancel', { id: r.job.id }).then(heard, (error: unknown) => {
      const now = current.current
      if (now.step === 'running' && now.job.id === r.job.id) moveTo({ ...now, cancelling: false })
      // The job goes on: say why it could not be stopped, beside its progress.
      setCancelProblem(`Could not cancel: ${toApiError(error).message}`)
    })
  }, [client, moveTo, heard])

  const reset = useCallback(() => {
    setCancelProblem(null)
    if (!isRunning(current.current)) moveTo({ step: 'idle' })
  }, [moveTo])
  const open = useCallback((from: ExportOpening = {}) => setOpening(from), [])
  const close = useCallback(() => setOpening(null), [])
  // The desktop app's File → Export… (main/electron/app-menu-model.ts) opens the same dialog.
  useEffect(() => client.on('shell.export', () => open()), [client, open])

  return useMemo(
    () => ({
      scope,
      run,
      cancelProblem,
      catalog,
      opening,
      open,
      close,
      start,
      cancel,
      reset,
    }),
    [scope, run, cancelProblem, catalog, opening, open, close, start, cancel, reset],
  )
}

async function deliver(client: ApiClient, job: ExportJob): Promise<ExportRun> {
  const delivery = await client.deliverExport(job)
  const message = delivery.message ?? (delivery.saved ? `Saved ${job.fileName}.` : 'Not saved.')
  return delivery.saved ? { step: 'delivered', job, message } : { step: 'not-saved', job, message }
}

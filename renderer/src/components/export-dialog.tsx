import { useEffect, useId, useRef, useState, useSyncExternalStore, type ReactNode } from 'react'
import {
  EXPORT_DATASETS,
  EXPORT_DATASET_TEXT,
  EXPORT_FORMATS,
  EXPORT_FORMAT_TEXT,
  ORIENTATIONS,
  PAPER_SIZES,
  VIEW_CONTENT,
  type CsvOptions,
  type ExportDataset,
  type ExportFormat,
  type ExportJob,
  type ViewId,
} from '../../../shared/api/index.ts'
import {
  choicesProblem,
  defaultChoices,
  isRunning,
  requestedDatasets,
  type ExportChoices,
  type ExportOpening,
  type ExportRun,
  type Exporter,
} from '../hooks/use-export.ts'
import type { CatalogChart, ChartCatalog, ChartImageFormat } from '../lib/chart-catalog.ts'
import { formatBytes, formatDuration, formatInteger } from '../lib/format.ts'
import '../styles/export.css'

/** What each format is for, under its name in the dialog. */
const FORMAT_HINT: Readonly<Record<ExportFormat, string>> = {
  csv: 'One table, for spreadsheets and scripts',
  xlsx: 'A summary sheet and one sheet per table, with typed cells',
  pdf: 'A report to print or share: cards, charts and tables',
  json: 'The KPI results and tables with their filters, for scripts',
}

/** The run's share done, 0–100; null while it cannot be told (charts, starting, no rows). */
function percentDone(run: ExportRun): number | null {
  if (run.step === 'delivering' || run.step === 'delivered' || run.step === 'not-saved') return 100
  if (run.step !== 'running' || run.job.rowsTotal <= 0) return null
  return Math.min(100, Math.floor((run.job.rowsDone / run.job.rowsTotal) * 100))
}

/** "1,234 of 20,000 rows · about 12 s left" */
function rowsText(job: ExportJob): string {
  const rows = `${formatInteger(job.rowsDone)} of ${formatInteger(job.rowsTotal)} rows`
  return job.secondsLeft === null ? rows : `${rows} · about ${formatDuration(job.secondsLeft)} left`
}

interface ExportButtonProps {
  readonly exporter: Exporter
}

/** "Export…" in the header: opens the dialog; while an export runs it says how far it is. */
export function ExportButton({ exporter }: ExportButtonProps) {
  const percent = percentDone(exporter.run)
  const busy = isRunning(exporter.run) || exporter.run.step === 'delivering'
  return (
    <button
      type="button"
      className="button export-open"
      data-testid="export-open"
      aria-haspopup="dialog"
      onClick={() => exporter.open()}
    >
      {busy ? `Exporting…${percent === null ? '' : ` ${percent} %`}` : 'Export…'}
    </button>
  )
}

interface ExportDialogProps {
  readonly exporter: Exporter
  /** The filters shown, in words (chart-export.ts describeFilters). */
  readonly filtersText: string
}

/**
 * The export dialog (issue 12): format, tables, the format's options, the tab's charts as
 * images, and the run's progress with cancel. A modal <dialog>: focus moves in when it opens and
 * back to what opened it when it closes; Escape closes it. Closing it does not stop an export
 * that is running (the header's button shows its progress, and the file is still delivered).
 */
export function ExportDialog({ exporter, filtersText }: ExportDialogProps) {
  const { scope, run, opening, catalog } = exporter
  const dialog = useRef<HTMLDialogElement>(null)
  const returnFocus = useRef<HTMLElement | null>(null)
  const titleId = useId()
  const scopeId = useId()
  const [picked, setPicked] = useState<Partial<Record<ViewId, ExportChoices>>>({})
  const choices = picked[scope.view] ?? defaultChoices(scope.view)
  const choose = (change: Partial<ExportChoices>): void =>
    setPicked((p) => ({ ...p, [scope.view]: { ...choices, ...change } }))

  // What opened it may ask for a format (a chart's "Export report…" opens on PDF).
  const [seen, setSeen] = useState<ExportOpening | null>(null)
  if (opening !== seen) {
    setSeen(opening)
    if (opening?.format !== undefined && opening.format !== choices.format)
      choose({ format: opening.format })
  }

  const isOpen = opening !== null
  useEffect(() => {
    const d = dialog.current
    if (d === null) return
    if (isOpen && !d.open) {
      returnFocus.current =
        document.activeElement instanceof HTMLElement ? document.activeElement : null
      d.showModal()
    } else if (!isOpen && d.open) d.close()
  }, [isOpen])

  const running = isRunning(run)
  const problem = choicesProblem(choices)
  const title = `Export ${VIEW_CONTENT[scope.view].label}`
  const finished =
    run.step === 'delivered' ||
    run.step === 'not-saved' ||
    run.step === 'failed' ||
    run.step === 'cancelled'

  // The footer's buttons change with the run, and the choices are disabled while it goes: focus
  // follows to the button that is there now (Cancel, then New export, then Export), never lost.
  const cancelButton = useRef<HTMLButtonElement>(null)
  const primaryButton = useRef<HTMLButtonElement>(null)
  const stage = running || run.step === 'delivering' ? 'running' : finished ? 'finished' : 'idle'
  const shownStage = useRef(stage)
  useEffect(() => {
    if (shownStage.current === stage) return
    shownStage.current = stage
    if (isOpen) (stage === 'running' ? cancelButton : primaryButton).current?.focus()
  }, [stage, isOpen])

  return (
    <dialog
      ref={dialog}
      className="export-dialog"
      aria-labelledby={titleId}
      aria-describedby={scopeId}
      data-testid="export-dialog"
      data-step={run.step}
      onClose={() => {
        exporter.close()
        // Back to what opened it (the Export button or the chart's menu button).
        const back = returnFocus.current
        returnFocus.current = null
        if (back?.isConnected) back.focus()
      }}
    >
      <header className="export-head">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="export-close"
          aria-label="Close"
          title="Close (Esc)"
          data-testid="export-close"
          onClick={() => dialog.current?.close()}
        >
          <span aria-hidden="true">×</span>
        </button>
      </header>
      <p id={scopeId} className="export-scope" data-testid="export-scope">
        The file holds what this tab shows, for the filters on screen: {filtersText}
      </p>
      {isOpen && (
        <>
          <fieldset className="export-body" disabled={running || run.step === 'delivering'}>
            <div className="export-column">
              <FormatChoice value={choices.format} onChange={(format) => choose({ format })} />
              <DatasetChoice choices={choices} onChange={(datasets) => choose({ datasets })} />
            </div>
            <div className="export-column">
              {choices.format === 'pdf' && (
                <PdfOptions choices={choices} catalog={catalog} onChange={choose} />
              )}
              {choices.format === 'csv' && (
                <CsvChoice value={choices.csv} onChange={(csv) => choose({ csv })} />
              )}
              {(choices.format === 'xlsx' || choices.format === 'json') && (
                <p className="export-note">
                  {choices.format === 'xlsx'
                    ? 'Numbers stay numbers, money and percentages keep their formats, and dates read as the screen shows them.'
                    : 'Numbers as numbers, times in ISO 8601 with the zone, and the filters the file was made with.'}
                </p>
              )}
              <ChartImages catalog={catalog} />
            </div>
          </fieldset>
          <ExportProgress run={run} cancelProblem={exporter.cancelProblem} />
          <footer className="export-foot">
            {problem !== null && !running && (
              <p className="export-problem" data-testid="export-problem">
                {problem}
              </p>
            )}
            {running ? (
              <button
                ref={cancelButton}
                type="button"
                className="button"
                data-testid="export-cancel"
                // Not `disabled` while cancelling: that would drop the focus to the page.
                aria-disabled={run.step === 'running' && run.cancelling}
                onClick={exporter.cancel}
              >
                {run.step === 'running' && run.cancelling ? 'Cancelling…' : 'Cancel export'}
              </button>
            ) : (
              <button type="button" className="button" onClick={() => dialog.current?.close()}>
                Close
              </button>
            )}
            {finished ? (
              <button
                ref={primaryButton}
                type="button"
                className="button button-primary"
                data-testid="export-again"
                onClick={exporter.reset}
              >
                New export
              </button>
            ) : (
              <button
                ref={primaryButton}
                type="button"
                className="button button-primary"
                data-testid="export-start"
                disabled={
                  running || run.step === 'delivering' || problem !== null || scope.range === null
                }
                onClick={() => exporter.start(choices)}
              >
                Export {EXPORT_FORMAT_TEXT[choices.format].label}
              </button>
            )}
          </footer>
        </>
      )}
    </dialog>
  )
}

function FormatChoice({
  value,
  onChange,
}: {
  value: ExportFormat
  onChange: (format: ExportFormat) => void
}) {
  const name = useId()
  return (
    <fieldset className="export-group export-formats">
      <legend>Format</legend>
      {EXPORT_FORMATS.map((format) => (
        <label key={format} className="export-format" data-testid={`export-format-${format}`}>
          <input
            type="radio"
            name={name}
            value={format}
            checked={value === format}
            onChange={() => onChange(format)}
          />
          <span className="export-format-label">{EXPORT_FORMAT_TEXT[format].label}</span>
          <span className="export-hint">{FORMAT_HINT[format]}</span>
        </label>
      ))}
    </fieldset>
  )
}

function DatasetChoice({
  choices,
  onChange,
}: {
  choices: ExportChoices
  onChange: (datasets: readonly ExportDataset[]) => void
}) {
  const name = useId()
  const one = choices.format === 'csv'
  // CSV keeps the tables picked for the other formats: it shows the first of them as its one.
  const csvPick = requestedDatasets(choices)[0]
  const toggle = (dataset: ExportDataset, on: boolean): void =>
    onChange(on ? [...choices.datasets, dataset] : choices.datasets.filter((d) => d !== dataset))
  return (
    <fieldset className="export-group export-datasets">
      <legend>{one ? 'Table (a CSV file holds one)' : 'Tables'}</legend>
      {EXPORT_DATASETS.map((dataset) => (
        <label key={dataset} className="export-option" data-testid={`export-dataset-${dataset}`}>
          {one ? (
            <input
              type="radio"
              name={name}
              value={dataset}
              checked={csvPick === dataset}
              onChange={() => onChange([dataset, ...choices.datasets.filter((d) => d !== dataset)])}
            />
          ) : (
            <input
              type="checkbox"
              value={dataset}
              checked={choices.datasets.includes(dataset)}
              onChange={(e) => toggle(dataset, e.target.checked)}
            />
          )}
          {EXPORT_DATASET_TEXT[dataset].title}
        </label>
      ))}
      {!one && <p className="export-hint">The KPI cards and the filters are always included.</p>}
    </fieldset>
  )
}

function useCharts(catalog: ChartCatalog): readonly CatalogChart[] {
  return useSyncExternalStore(catalog.subscribe, catalog.list)
}

function PdfOptions({
  choices,
  catalog,
  onChange,
}: {
  choices: ExportChoices
  catalog: ChartCatalog
  onChange: (change: Partial<ExportChoices>) => void
}) {
  const charts = useCharts(catalog).length
  return (
    <fieldset className="export-group">
      <legend>PDF report</legend>
      <Switch
        checked={choices.charts}
        onChange={(on) => onChange({ charts: on })}
        testId="export-pdf-charts"
      >
        Charts as on screen ({charts === 1 ? '1 chart' : `${charts} charts`} on this tab)
      </Switch>
      <Radios
        legend="Paper"
        values={PAPER_SIZES}
        value={choices.paper}
        label={(paper) => paper}
        onChange={(paper) => onChange({ paper })}
        testId="export-paper"
      />
      <Radios
        legend="Orientation"
        values={ORIENTATIONS}
        value={choices.orientation}
        label={(o) => (o === 'portrait' ? 'Portrait' : 'Landscape')}
        onChange={(orientation) => onChange({ orientation })}
        testId="export-orientation"
      />
    </fieldset>
  )
}

function CsvChoice({
  value,
  onChange,
}: {
  value: CsvOptions
  onChange: (csv: CsvOptions) => void
}) {
  const set = (change: Partial<CsvOptions>): void => onChange({ ...value, ...change })
  return (
    <fieldset className="export-group">
      <legend>CSV file</legend>
      <Radios
        legend="Separator"
        values={[',', ';'] as const}
        value={value.separator}
        label={(s) =>
          s === ',' ? 'Comma (,)' : 'Semicolon (;) for Excel in comma-decimal locales'
        }
        onChange={(separator) => set({ separator })}
        testId="export-csv-separator"
      />
      <Radios
        legend="Dates"
        values={['iso', 'local'] as const}
        value={value.dates}
        label={(d) => (d === 'iso' ? 'ISO 8601 with the zone' : 'As the screen shows them')}
        onChange={(dates) => set({ dates })}
        testId="export-csv-dates"
      />
      <Switch checked={value.bom} onChange={(bom) => set({ bom })} testId="export-csv-bom">
        Byte-order mark (so Excel reads UTF-8)
      </Switch>
      <Switch
        checked={value.neutraliseFormulas}
        onChange={(neutraliseFormulas) => set({ neutraliseFormulas })}
        testId="export-csv-formulas"
      >
        Formula protection: a cell starting with = + - @ gets a ' first, so a spreadsheet never runs
        it
      </Switch>
    </fieldset>
  )
}

function Switch({
  checked,
  onChange,
  testId,
  children,
}: {
  checked: boolean
  onChange: (on: boolean) => void
  testId: string
  children: ReactNode
}) {
  return (
    <label className="export-option export-switch">
      <input
        type="checkbox"
        role="switch"
        checked={checked}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>{children}</span>
    </label>
  )
}

function Radios<T extends string>({
  legend,
  values,
  value,
  label,
  onChange,
  testId,
}: {
  legend: string
  values: readonly T[]
  value: T
  label: (value: T) => string
  onChange: (value: T) => void
  testId: string
}) {
  const name = useId()
  return (
    <fieldset className="export-radios" data-testid={testId}>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v} className="export-option">
          <input
            type="radio"
            name={name}
            value={v}
            checked={value === v}
            onChange={() => onChange(v)}
          />
          {label(v)}
        </label>
      ))}
    </fieldset>
  )
}

/** The tab's charts as PNG or SVG files, as each chart's own menu saves them. */
function ChartImages({ catalog }: { catalog: ChartCatalog }) {
  const charts = useCharts(catalog)
  const [problem, setProblem] = useState<string | null>(null)
  const save = (chart: CatalogChart, format: ChartImageFormat): void => {
    setProblem(null)
    chart
      .download(format)
      .catch((error: unknown) =>
        setProblem(
          `Could not save ${chart.title}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
  }
  return (
    <details className="export-group export-images" data-testid="export-images">
      <summary>Chart images ({charts.length})</summary>
      {charts.length === 0 ? (
        <p className="export-hint">No chart is drawn on this tab.</p>
      ) : (
        <ul>
          {charts.map((chart) => (
            <li key={chart.id} data-testid="export-image" data-chart={chart.id}>
              <span className="export-image-title">{chart.title}</span>
              {(['png', 'svg'] as const).map((format) => (
                <button
                  key={format}
                  type="button"
                  className="button button-small"
                  aria-label={`Save ${chart.title} as ${format.toUpperCase()}`}
                  data-testid={`export-image-${format}`}
                  onClick={() => save(chart, format)}
                >
                  {format.toUpperCase()}
                </button>
              ))}
            </li>
          ))}
        </ul>
      )}
      {problem !== null && (
        <p className="export-error" role="alert">
          {problem}
        </p>
      )}
    </details>
  )
}

/** The run: a progress bar with rows done and time left, then the result or why there is none. */
function ExportProgress({ run, cancelProblem }: { run: ExportRun; cancelProblem: string | null }) {
  if (run.step === 'idle') return null
  const percent = percentDone(run)
  const bar = isRunning(run) || run.step === 'delivering'
  const says = (() => {
    switch (run.step) {
      case 'preparing':
        return `Drawing ${run.charts === 1 ? 'the chart' : `${run.charts} charts`} for the report…`
      case 'starting':
        return 'Starting the export…'
      case 'running':
        return run.cancelling
          ? 'Cancelling…'
          : run.job.rowsTotal > 0
            ? `${run.job.phase} · ${rowsText(run.job)}`
            : run.job.phase
      case 'delivering':
        return `Handing over ${run.job.fileName}…`
      default:
        return ''
    }
  })()
  return (
    <div
      className="export-progress"
      data-testid="export-progress"
      data-step={run.step}
      data-job-id={'job' in run ? run.job.id : undefined}
    >
      {bar && (
        <>
          <div
            className={percent === null ? 'export-bar export-bar-waiting' : 'export-bar'}
            role="progressbar"
            aria-label="Export progress"
            aria-valuemin={0}
            aria-valuemax={100}
            {...(percent === null ? {} : { 'aria-valuenow': percent })}
            aria-valuetext={says}
            data-testid="export-progressbar"
            data-rows-done={run.step === 'running' ? run.job.rowsDone : undefined}
            data-rows-total={run.step === 'running' ? run.job.rowsTotal : undefined}
          >
            <span
              className="export-bar-fill"
              style={percent === null ? undefined : { width: `${percent}%` }}
            />
          </div>
          <p className="export-status" role="status" data-testid="export-status">
            {says}
          </p>
        </>
      )}
      {cancelProblem !== null && (
        <p className="export-error" role="alert">
          {cancelProblem}
        </p>
      )}
      {run.step === 'failed' && (
        <p className="export-error" role="alert" data-testid="export-error">
          {/^the export/i.test(run.message) ? run.message : `The export failed. ${run.message}`}
        </p>
      )}
      {run.step === 'cancelled' && (
        <p className="export-status" role="status" data-testid="export-cancelled">
          Export cancelled. No file was written.
        </p>
      )}
      {(run.step === 'delivered' || run.step === 'not-saved') && (
        <p
          className={run.step === 'delivered' ? 'export-done' : 'export-status'}
          role="status"
          data-testid="export-done"
          data-file-name={run.job.fileName}
        >
          {run.message}
          {run.step === 'delivered' &&
            run.job.bytes !== null &&
            ` ${formatBytes(run.job.bytes)}, ${formatInteger(run.job.rowsTotal)} rows.`}
        </p>
      )}
    </div>
  )
}

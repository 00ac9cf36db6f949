// What every export format writes (issue 12): one Report, built from the
// cache for a tab and a filter set by report-data (datasets.ts, summary.ts),
// and written by one writer per format (csv.ts, xlsx.ts, pdf.ts, json.ts).
// A writer never reads the cache or the registry itself: labels, units and
// number formats arrive on the columns and the KPI cards, so a screen and its
// export cannot disagree.
import type { Writable } from 'node:stream'
import type {
  ChartImage,
  CsvOptions,
  ExportDataset,
  KpiBasis,
  Orientation,
  PaperSize,
  ViewId,
} from '../../shared/api/index.ts'

/**
 * How a column's values are typed and shown. The value each kind carries in a row:
 * - `text`: a string (or null)
 * - `id`: a string of digits, kept as text everywhere (a 16-digit id must not become 1.2E+15)
 * - `integer`, `decimal`: a number
 * - `money`: a number in currency units (dollars, not cents), shown with two decimals
 * - `fraction`: a number, 0.543 shown as 54.3 %
 * - `seconds`: a number of seconds (a duration)
 * - `date`: a local calendar day, 'YYYY-MM-DD' (already in the report's zone)
 * - `datetime`: an instant, epoch milliseconds, shown in the report's time zone
 */
export type CellKind =
  'text' | 'id' | 'integer' | 'decimal' | 'money' | 'fraction' | 'seconds' | 'date' | 'datetime'

export type Cell = string | number | null

export interface Column {
  readonly key: string
  /** The header, as the screen labels it (from the registry where the column is a KPI). */
  readonly label: string
  readonly kind: CellKind
  /** A width hint in characters, for XLSX columns and PDF tables. */
  readonly width?: number
}

export interface Dataset {
  readonly id: ExportDataset
  /** The heading (EXPORT_DATASET_TEXT). */
  readonly title: string
  /** The sheet name (at most 31 characters). */
  readonly sheet: string
  readonly columns: readonly Column[]
  /** Rows the iterator yields, counted before writing (progress, sheet splits, PDF page count). */
  readonly rowCount: number
  /**
   * The rows, in order, one array per row in the columns' order. A fresh iterator each call;
   * it reads the report's snapshot of the cache, so it may be slow: writers pull in chunks and
   * yield to the event loop between them.
   */
  rows(): Iterator<readonly Cell[]>
  /** A totals row where the screen shows one (same columns; null where nothing adds up). */
  readonly totals?: readonly Cell[]
}

/** A KPI card as the screen shows it. */
export interface KpiCard {
  readonly id: string
  readonly label: string
  /** The number as computed; null when there is nothing to show ("—" on screen). */
  readonly value: number | null
  readonly kind: CellKind
  /** The value as the screen writes it ("54.3 %", "$12,340", "1 min 52 s"). */
  readonly text: string
  /** The target as the screen writes it, or null. */
  readonly target: string | null
  /** Lead date or close date (the registry's basis). */
  readonly basis: KpiBasis
  /** A note the card carries (maturing, comparison), or null. */
  readonly note: string | null
}

export interface SourceFreshness {
  readonly name: string
  /** live, syncing, stale, offline, error, generated (demo). */
  readonly state: string
  /** ISO time of its last good sync, or null. */
  readonly lastGoodSyncAt: string | null
  readonly lastError: string | null
}

export interface Report {
  /** "Watchfloor — Revenue growth". */
  readonly title: string
  readonly view: ViewId
  readonly generatedAt: Date
  /** ISO time of the newest change in the cache; null when it is empty. */
  readonly dataAsOf: string | null
  /** The zone every date and time of the report is shown in (the filters' zone). */
  readonly timeZone: string
  /** The range in words, "1 Sep – 30 Nov 2026 (last 90 days)". */
  readonly rangeText: string
  /** Every active filter in words, range first: ["Last 90 days: 1 Sep – 30 Nov 2026", "Source: Google LSA"]. */
  readonly filterText: readonly string[]
  readonly sources: readonly SourceFreshness[]
  readonly kpis: readonly KpiCard[]
  readonly datasets: readonly Dataset[]
  /** The charts as the page drew them (PDF); empty from the CLI or with charts off. */
  readonly charts: readonly ChartImage[]
}

export interface WriteOptions {
  readonly signal: AbortSignal
  /** Called with the rows written so far across all datasets (not only the current one). */
  readonly onRows: (done: number) => void
  /** Called when the writer moves to another part ("Writing Leads"). */
  readonly onPhase?: (phase: string) => void
  readonly csv: CsvOptions
  readonly paper: PaperSize
  readonly orientation: Orientation
  /**
   * XLSX: rows a sheet holds, its header included, before a dataset continues on another
   * sheet ("Leads (2)"). Excel's 1,048,576 when absent; tests lower it to see the split.
   */
  readonly xlsxRowLimit?: number
}

/**
 * A format's writer: streams the report into `out` and resolves once everything is written
 * and `out` has finished (or rejects, leaving the caller to delete the file). It yields to the
 * event loop at least every few thousand rows and honours backpressure, so the core's thread
 * keeps answering while a million rows go out; an aborted signal rejects with an AbortError.
 */
export type ExportWriter = (report: Report, out: Writable, options: WriteOptions) => Promise<void>

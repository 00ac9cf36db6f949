// CSV export (issue 12): one table — the report's first dataset — as RFC 4180
// text in UTF-8, streamed a chunk of rows at a time so a million leads never
// sit in memory at once and the core's thread keeps answering.
//
// How a cell is written is decided by its COLUMN's kind (report.ts CellKind),
// never by looking at the value: a number in a number column is a number
// ("-12.5" stays -12.5 for a spreadsheet), a string anywhere is text and is
// neutralised when it could run as a formula ("-1" typed into a name is text,
// written '-1). That is the one rule that keeps formula-injection protection
// (OWASP "CSV Injection") from corrupting real negative numbers.
//
// Numbers are written for machines, not as the screen shows them:
// - integer, decimal, seconds: the plain number (JavaScript's shortest exact form);
// - money: in currency units with exactly two decimals (12340.5 → "12340.50"),
//   no currency sign or thousands separator, so every spreadsheet reads a number;
// - fraction: the fraction itself (54.3 % → 0.543), as the report and the JSON
//   carry it and the XLSX stores it under a percent format: multiplying by 100
//   would print float noise (0.543 * 100 = 54.300000000000004) or lose digits,
//   and the header stays the screen's label;
// - with `;` as separator (chosen for Excel in locales whose decimal mark is a
//   comma) the decimal point is written as a comma, which is what those Excels
//   read as a number ("12,50"); a `.` there makes Excel read text or a date.
// Ids stay exact text ("1234567890123456"), dates are ISO 8601 (with the report
// zone's offset for instants) or the screen's wall-clock form (local).
//
// The shared mechanics (chunked writes with backpressure, abort, ISO times)
// are exported for json.ts, the other streamed text writer.
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Writable } from 'node:stream'
import type { CsvOptions } from '../../shared/api/index.ts'
import { formatDateTime, formatDay } from '../../shared/format/index.ts'
import { localTime } from '../metrics/time-range.ts'
import type { Cell, CellKind, Column, Dataset, ExportWriter, Report } from './report.ts'

/** Rows per `write`: big enough that a write's cost vanishes, small enough to yield often. */
export const CHUNK_ROWS = 2_000
/** A chunk also ends at this many characters, so a table of wide rows still yields often. */
export const CHUNK_CHARS = 1 << 20
/**
 * …and after this many milliseconds of building it, so the thread is never held longer than
 * this whatever the machine's load (a busy laptop is when an export must not freeze the app).
 */
export const CHUNK_MS = 10
/** Rows between two looks at the clock while building a chunk. */
const CLOCK_EVERY_ROWS = 256

const BOM = '\uFEFF'
const ROW_END = '\r\n'
/** The characters RFC 4180 quotes a field for: the separator, a quote, CR and LF. */
const QUOTE_WHEN: Readonly<Record<CsvOptions['separator'], RegExp>> = {
  ',': /[",\r\n]/,
  ';': /[";\r\n]/,
}

/** The rejection of an aborted export: a DOMException named AbortError, as fetch and streams use. */
export function exportAborted(): DOMException {
  return new DOMException('The export was cancelled.', 'AbortError')
}

/**
 * The writing side of a streamed export: writes whole chunks, waits for 'drain' when the
 * stream says its buffer is full, yields to the event loop after every chunk, and turns an
 * aborted signal or a stream error into a rejection wherever the writer is waiting.
 */
export class ChunkedOut {
  private failure: Error | null = null
  /** Set once this writer has ended the stream: from then on an ended stream is expected. */
  private ended = false
  private wake: (() => void) | null = null
  private readonly onError = (error: Error) => {
    this.failure ??= error
    this.wake?.()
  }
  private readonly onAbort = () => this.wake?.()

  constructor(
    private readonly out: Writable,
    private readonly signal: AbortSignal,
  ) {
    out.on('error', this.onError)
    signal.addEventListener('abort', this.onAbort)
  }

  /** Throws if the export was cancelled or the stream failed. */
  check(): void {
    if (this.signal.aborted) throw exportAborted()
    // A destroyed stream's own error (ENOENT, ENOSPC) says more than "closed", even before
    // its 'error' event has been emitted.
    const failure = this.failure ?? this.out.errored
    if (failure) throw failure
    if (!this.ended && (this.out.destroyed || this.out.writableEnded)) {
      throw new Error('The export stream was closed before the export finished.')
    }
  }

  /** Writes one chunk, honours backpressure, then yields so other work gets the thread. */
  async write(chunk: string): Promise<void> {
    this.check()
    if (chunk.length > 0 && !this.out.write(chunk, 'utf8')) {
      await this.until('drain')
    } else {
      await yieldToLoop()
    }
    this.check()
  }

  /** Ends the stream and resolves once everything is flushed ('finish'). */
  async end(): Promise<void> {
    this.check()
    this.ended = true
    this.out.end()
    await this.until('finish')
  }

  /** Stops listening to the stream and the signal (always call, also after a failure). */
  dispose(): void {
    this.out.off('error', this.onError)
    this.signal.removeEventListener('abort', this.onAbort)
  }

  /** Waits for `event`, or rejects as soon as the stream fails, closes early or the export is cancelled. */
  private until(event: 'drain' | 'finish'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        this.out.off(event, onEvent)
        this.out.off('close', onClose)
        this.wake = null
        try {
          this.check()
          resolve()
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      }
      const onEvent = () => settle()
      const onClose = () => {
        // 'finish' comes before 'close'; a close without it means the stream was destroyed.
        if (event === 'finish' && this.out.writableFinished) return settle()
        this.failure ??= new Error('The export stream was closed before the export finished.')
        settle()
      }
      this.wake = settle
      this.out.once(event, onEvent)
      this.out.once('close', onClose)
      if (this.signal.aborted || this.failure) settle()
    })
  }
}

/**
 * Pulls a dataset's rows in chunks: `format` turns one row into text, chunks are handed to
 * `out`, `onChunk` hears the rows written so far. The iterator is closed (its SQLite
 * statement released) however this ends.
 */
export async function writeRowChunks(
  dataset: Dataset,
  out: ChunkedOut,
  format: (row: readonly Cell[]) => string,
  onChunk: (rowsInChunk: number) => void,
  separator = '',
): Promise<void> {
  const rows = dataset.rows()
  let finished = false
  try {
    let first = true
    for (;;) {
      out.check()
      let chunk = ''
      let n = 0
      const deadline = performance.now() + CHUNK_MS
      while (
        n < CHUNK_ROWS &&
        chunk.length < CHUNK_CHARS &&
        (n % CLOCK_EVERY_ROWS !== 0 || n === 0 || performance.now() < deadline)
      ) {
        const next = rows.next()
        if (next.done) {
          finished = true
          break
        }
        chunk += first ? format(next.value) : separator + format(next.value)
        first = false
        n += 1
      }
      if (n > 0) {
        await out.write(chunk)
        onChunk(n)
      }
      if (finished) return
    }
  } finally {
    if (!finished) rows.return?.()
  }
}

const DAY_MS = 86_400_000
/** "00".."59": hours, minutes and seconds without a padStart per cell. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)))
/** ".000"..".999". */
const MILLIS = Array.from({ length: 1000 }, (_, i) => `.${String(i).padStart(3, '0')}`)
/** "YYYY-MM-DDT" of a wall-clock day number; a million leads fall on a few hundred days. */
const dayPrefixes = new Map<number, string>()
/** "+01:00" of an offset in ms. */
const offsetSuffixes = new Map<number, string>()

/**
 * An instant (epoch ms) as ISO 8601 in `timeZone` with that zone's offset at that instant:
 * 2026-03-08T01:59:00-05:00, then 2026-03-08T03:01:00-04:00 across New York's spring change.
 * Milliseconds appear only when there are some. This runs for every time cell of a million
 * rows, so nothing here calls Intl per cell: the offset comes from LocalTime's per-zone cache,
 * the day part and the offset part are cached strings, and the time of day is arithmetic
 * (four times faster than slicing a toISOString per cell, measured on 200k leads).
 */
export function isoDateTime(ms: number, timeZone: string): string {
  const offsetMs = localTime(timeZone).offset(ms)
  const wall = ms + offsetMs
  const day = Math.floor(wall / DAY_MS)
  let prefix = dayPrefixes.get(day)
  if (prefix === undefined) {
    if (dayPrefixes.size > 100_000) dayPrefixes.clear()
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11)
    dayPrefixes.set(day, prefix)
  }
  let suffix = offsetSuffixes.get(offsetMs)
  if (suffix === undefined) {
    const minutes = Math.round(offsetMs / 60_000)
    const abs = Math.abs(minutes)
    suffix = `${minutes < 0 ? '-' : '+'}${TWO_DIGITS[Math.floor(abs / 60)]}:${TWO_DIGITS[abs % 60]}`
    offsetSuffixes.set(offsetMs, suffix)
  }
  let t = Math.round(wall - day * DAY_MS)
  const millis = t % 1000
  t = (t - millis) / 1000
  const seconds = t % 60
  t = (t - seconds) / 60
  const minutes = t % 60
  const hours = (t - minutes) / 60
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}${millis === 0 ? '' : MILLIS[millis]}${suffix}`
}

/**
 * ISO 8601 with the zone's offset for a time the report carries as ISO text (dataAsOf, a
 * source's last sync); text that is not a time is passed through unchanged.
 */
export function isoTextInZone(iso: string | null, timeZone: string): string | null {
  if (iso === null) return null
  const ms = Date.parse(iso)
  return Number.isFinite(ms) ? isoDateTime(ms, timeZone) : iso
}

/** A `YYYY-MM-DD` day as the screen writes it: "Mar 5, 2025"; other text passes unchanged. */
function localDay(day: string): string {
  return Number.isFinite(Date.parse(`${day}T00:00:00Z`)) ? formatDay(day) : day
}

/** An instant as the screen writes it in the report's zone: "Mar 8, 2026, 3:01 AM". */
function localDateTime(ms: number, timeZone: string): string {
  return formatDateTime(new Date(ms).toISOString(), timeZone)
}

/** Kinds whose numbers are written as numbers (never neutralised: "-12.5" is a number). */
const NUMBER_KINDS: ReadonlySet<CellKind> = new Set([
  'integer',
  'decimal',
  'money',
  'fraction',
  'seconds',
])

/**
 * Whether text starts with = + - @ tab or CR: OWASP's list of first characters that make a
 * spreadsheet run a cell as a formula (checked by character code: this runs for every text cell).
 */
function startsLikeFormula(value: string): boolean {
  const c = value.charCodeAt(0)
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13
}

/** The writer of text fields: neutralised (when asked), then quoted only where RFC 4180 needs it. */
export function csvTextField(
  options: Pick<CsvOptions, 'separator' | 'neutraliseFormulas'>,
): (value: string) => string {
  const quote = QUOTE_WHEN[options.separator]
  const neutralise = options.neutraliseFormulas
  return (value) => {
    const text = neutralise && startsLikeFormula(value) ? `'${value}` : value
    return quote.test(text) ? `"${text.replaceAll('"', '""')}"` : text
  }
}

/** How one column's cells become fields, decided once per column. */
function cellWriter(column: Column, options: CsvOptions, timeZone: string): (cell: Cell) => string {
  const text = csvTextField(options)
  // With `;` the decimal mark is a comma (see the top of this file); with `,` it stays a point.
  const decimal = options.separator === ';' ? (s: string) => s.replace('.', ',') : (s: string) => s
  const asText = (cell: Cell) => (cell === null ? '' : text(String(cell)))
  const kind = column.kind
  if (NUMBER_KINDS.has(kind)) {
    const number =
      kind === 'money'
        ? (n: number) => decimal(n.toFixed(2))
        : kind === 'integer'
          ? (n: number) => String(n)
          : (n: number) => decimal(String(n))
    // A non-finite number has no CSV form a spreadsheet reads: an empty cell, as JSON's null.
    return (cell) =>
      typeof cell === 'number' ? (Number.isFinite(cell) ? number(cell) : '') : asText(cell)
  }
  if (kind === 'datetime') {
    const instant =
      options.dates === 'iso'
        ? (ms: number) => isoDateTime(ms, timeZone)
        : (ms: number) => text(localDateTime(ms, timeZone))
    return (cell) =>
      typeof cell === 'number' ? (Number.isFinite(cell) ? instant(cell) : '') : asText(cell)
  }
  if (kind === 'date' && options.dates === 'local') {
    // Days repeat a lot (a million leads fall on a few hundred days): format each once.
    const seen = new Map<string, string>()
    return (cell) => {
      if (typeof cell !== 'string') return asText(cell)
      let field = seen.get(cell)
      if (field === undefined) {
        if (seen.size > 10_000) seen.clear()
        field = text(localDay(cell))
        seen.set(cell, field)
      }
      return field
    }
  }
  // text, id, and ISO dates ('YYYY-MM-DD' as given): exact text.
  return asText
}

/** The whole row writer of a dataset: one function per column, joined by the separator. */
export function csvRowWriter(
  columns: readonly Column[],
  options: CsvOptions,
  timeZone: string,
): (row: readonly Cell[]) => string {
  const writers = columns.map((c) => cellWriter(c, options, timeZone))
  const sep = options.separator
  const width = writers.length
  return (row) => {
    let line = width > 0 ? writers[0]!(row[0] ?? null) : ''
    for (let i = 1; i < width; i++) line += sep + writers[i]!(row[i] ?? null)
    return line + ROW_END
  }
}

/** Said when a CSV is asked of a report with no table (a CSV holds exactly one). */
export const CSV_NO_DATASET_MESSAGE =
  'A CSV file holds one table, and this export has none: choose a dataset (Leads, Channel ROI, …) or another format.'

export const writeCsv: ExportWriter = async (report: Report, out: Writable, options) => {
  const dataset = report.datasets[0]
  if (!dataset) throw new Error(CSV_NO_DATASET_MESSAGE)
  const csv = options.csv
  const sink = new ChunkedOut(out, options.signal)
  try {
    options.onPhase?.(`Writing ${dataset.title}`)
    const header = dataset.columns.map((c) => csvTextField(csv)(c.label)).join(csv.separator)
    await sink.write(`${csv.bom ? BOM : ''}${header}${ROW_END}`)
    // A totals row is left out: anyone summing a column would count it twice (JSON has it apart).
    let done = 0
    await writeRowChunks(
      dataset,
      sink,
      csvRowWriter(dataset.columns, csv, report.timeZone),
      (n) => {
        done += n
        options.onRows(done)
      },
    )
    await sink.end()
  } finally {
    sink.dispose()
  }
}

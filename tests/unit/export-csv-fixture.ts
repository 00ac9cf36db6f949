// Helpers of the CSV and JSON writer tests: a Report made by hand (the
// writers' whole input), a Writable that keeps what it is given, the
// options a writer is called with, and a write cancelled mid-way.
import { Writable } from 'node:stream'
import type { CsvOptions } from '../../shared/api/index.ts'
import type {
  Cell,
  Column,
  Dataset,
  ExportWriter,
  Report,
  WriteOptions,
} from '../../main/export/report.ts'

/** The first columns of a leads dataset: its id (text, exact) and a name. */
export const ID_AND_NAME: readonly Column[] = [
  { key: 'id', label: 'Lead id', kind: 'id' },
  { key: 'name', label: 'Name', kind: 'text' },
]

/** A dataset over fixed rows; `rows()` is a fresh iterator each call, as the real ones are. */
export function handDataset(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  extra: Partial<Pick<Dataset, 'id' | 'title' | 'sheet' | 'totals'>> = {},
): Dataset & { readonly closed: () => number } {
  let closed = 0
  return {
    id: extra.id ?? 'leads',
    title: extra.title ?? 'Leads',
    sheet: extra.sheet ?? 'Leads',
    columns,
    rowCount: rows.length,
    ...(extra.totals ? { totals: extra.totals } : {}),
    rows: () => {
      let i = 0
      return {
        next: () =>
          i < rows.length ? { done: false, value: rows[i++]! } : { done: true, value: undefined },
        // Counts early closes: a writer that stops must release the cache's statement.
        return: () => {
          closed += 1
          return { done: true, value: undefined }
        },
      }
    },
    closed: () => closed,
  }
}

/** A dataset of `n` generated rows (never held in an array: the writer pulls them). */
export function generatedDataset(
  n: number,
  columns: readonly Column[],
  row: (i: number) => readonly Cell[],
): Dataset {
  return {
    id: 'leads',
    title: 'Leads',
    sheet: 'Leads',
    columns,
    rowCount: n,
    rows: () => {
      let i = 0
      return {
        next: () => (i < n ? { done: false, value: row(i++) } : { done: true, value: undefined }),
      }
    },
  }
}

export function handReport(datasets: readonly Dataset[], extra: Partial<Report> = {}): Report {
  return {
    title: 'Watchfloor — Lead response',
    view: 'lead-response',
    generatedAt: new Date('2026-11-30T14:05:06Z'),
    dataAsOf: '2026-11-30T13:59:00.000Z',
    timeZone: 'America/New_York',
    rangeText: '1 Sep – 30 Nov 2026 (last 90 days)',
    filterText: ['Last 90 days: 1 Sep – 30 Nov 2026', 'Source: Google LSA'],
    sources: [
      {
        name: 'Postgres',
        state: 'live',
        lastGoodSyncAt: '2026-11-30T13:59:00.000Z',
        lastError: null,
      },
      { name: 'Redis', state: 'offline', lastGoodSyncAt: null, lastError: 'connection refused' },
    ],
    kpis: [
      {
        id: 'leads',
        label: 'Leads',
        value: 1234,
        kind: 'integer',
        text: '1,234',
        target: null,
        basis: 'lead date',
        note: null,
      },
      {
        id: 'close-rate',
        label: 'Close rate',
        value: 0.543,
        kind: 'fraction',
        text: '54.3 %',
        target: '50.0 %',
        basis: 'lead date',
        note: 'Maturing: 45.0 % of these leads still open',
      },
      {
        id: 'revenue',
        label: 'Revenue',
        value: null,
        kind: 'money',
        text: '—',
        target: null,
        basis: 'close date',
        note: null,
      },
    ],
    datasets,
    charts: [],
    ...extra,
  }
}

export const CSV_DEFAULTS: CsvOptions = {
  bom: false,
  separator: ',',
  dates: 'iso',
  neutraliseFormulas: true,
}

export function writeOptions(
  overrides: Partial<Omit<WriteOptions, 'csv'>> & { csv?: Partial<CsvOptions> } = {},
): WriteOptions & { readonly progress: number[] } {
  const progress: number[] = []
  return {
    signal: new AbortController().signal,
    onRows: (done) => progress.push(done),
    paper: 'A4',
    orientation: 'portrait',
    ...overrides,
    csv: { ...CSV_DEFAULTS, ...overrides.csv },
    progress,
  }
}

/**
 * A Writable that keeps every byte. With `slow`, each write completes only after a timer, and
 * a small highWaterMark makes `write` return false: a consumer that drains slowly.
 */
export function collector(slow?: { highWaterMark: number; delayMs: number }): Writable & {
  readonly bytes: () => Buffer
  readonly text: () => string
  readonly writes: () => number
} {
  const chunks: Buffer[] = []
  let writes = 0
  const sink = new Writable({
    ...(slow ? { highWaterMark: slow.highWaterMark } : {}),
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk)
      writes += 1
      if (slow) setTimeout(done, slow.delayMs)
      else done()
    },
  })
  return Object.assign(sink, {
    bytes: () => Buffer.concat(chunks),
    text: () => Buffer.concat(chunks).toString('utf8'),
    writes: () => writes,
  })
}

/**
 * Starts `write` on a report of `dataset` into `out` and aborts it once the writer has reported
 * `atRows` rows; `progress` holds every count it reported.
 */
export function cancelledAt(
  write: ExportWriter,
  dataset: Dataset,
  atRows: number,
  out: Writable = collector(),
): { readonly writing: Promise<void>; readonly progress: number[] } {
  const controller = new AbortController()
  const progress: number[] = []
  const writing = write(handReport([dataset]), out, {
    ...writeOptions({ signal: controller.signal }),
    onRows: (done) => {
      progress.push(done)
      if (done >= atRows) controller.abort()
    },
  })
  return { writing, progress }
}

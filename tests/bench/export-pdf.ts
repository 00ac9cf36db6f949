// PDF export benchmark (issue 12): the Overview report of a big cache written by writePdf — the
// header, filters, KPI cards, the page's charts (a real Plotly SVG, four times, as the Overview
// shows four charts) and its tables, the Leads capped at PDF_TABLE_ROW_LIMIT (10,000 rows) —
// beside two baselines measured in the same run: the same document without its tables (what the
// rows cost), and PDFKit writing the same 10,000 rows as plain lines in its built-in Helvetica
// (what a bare writer of those rows costs). Alternated, median of `runs`, in this process: a
// report is a few seconds of work and a few tens of MB, not a memory question.
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { finished } from 'node:stream/promises'
import PDFDocument from 'pdfkit'
import { writePdf } from '../../main/export/pdf.ts'
import type { Report } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { openStore } from '../../main/store/index.ts'
import { DEFAULT_ORG_TIME_ZONE } from '../../main/metrics/rollups.ts'
import { PDF_TABLE_ROW_LIMIT, exportStartSchema } from '../../shared/api/index.ts'

const CHART_SVG = readFileSync(
  join(import.meta.dirname, '..', 'unit', 'export-pdf-plotly-chart.svg'),
  'utf8',
)

export interface PdfRun {
  seconds: number
  pages: number
  bytes: number
  loopP99Ms: number
  loopMaxMs: number
}

export interface ExportPdfFigures {
  /** Rows of the Leads table in the cache for the filters, and how many the PDF printed. */
  leadRows: number
  printedRows: number
  full: PdfRun
  withoutTables: PdfRun
  plainLines: PdfRun
  fullRuns: number[]
}

const pageCount = (file: string): number => {
  // Each page object is "/Type /Page" (the tree's root is "/Type /Pages").
  const text = readFileSync(file).toString('latin1')
  return text.match(/\/Type \/Page\b(?!s)/g)?.length ?? 0
}

async function timed(file: string, write: () => Promise<void>): Promise<PdfRun> {
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const start = performance.now()
  await write()
  const seconds = (performance.now() - start) / 1000
  loop.disable()
  const run = {
    seconds,
    pages: pageCount(file),
    bytes: statSync(file).size,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
  }
  rmSync(file, { force: true })
  return run
}

const options = {
  signal: new AbortController().signal,
  onRows: () => {},
  csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
  paper: 'A4',
  orientation: 'portrait',
} as const

/** The same rows as the report's Leads table, one plain line each, in PDFKit's Helvetica. */
async function plainLines(report: Report, file: string): Promise<void> {
  const leads = report.datasets.find((d) => d.id === 'leads')
  const doc = new PDFDocument({ size: 'A4', margin: 42 })
  const out = createWriteStream(file)
  doc.pipe(out)
  doc.font('Helvetica').fontSize(7.5)
  const rows = leads?.rows()
  let n = 0
  for (
    let next = rows?.next();
    next && next.done !== true && n < PDF_TABLE_ROW_LIMIT;
    next = rows?.next()
  ) {
    // Helvetica is WinAnsi only: the line is what it can print, as a bare writer would do.
    doc.text(next.value.map((c) => (c === null ? '' : String(c))).join('  '))
    n += 1
  }
  rows?.return?.()
  doc.end()
  await finished(out)
}

/** Writes the Overview report of the cache at `dbPath` (filled up to `endAt`), `runs` times. */
export async function benchExportPdf(
  dbPath: string,
  endAt: number,
  dir: string,
  runs = 3,
): Promise<ExportPdfFigures> {
  const db = openStore(dbPath)
  try {
    const request = exportStartSchema.parse({
      view: 'overview',
      format: 'pdf',
      filters: { range: { preset: 'last90', timeZone: DEFAULT_ORG_TIME_ZONE } },
      chartImages: [1, 2, 3, 4].map((i) => ({ title: `Chart ${i}`, svg: CHART_SVG })),
    })
    db.exec('BEGIN')
    try {
      const built = buildReport(
        db,
        request,
        () => new Date(endAt),
        () => [],
      )
      const report: Report = { ...built, charts: request.chartImages }
      const leadRows = report.datasets.find((d) => d.id === 'leads')?.rowCount ?? 0
      const full: PdfRun[] = []
      const withoutTables: PdfRun[] = []
      const lines: PdfRun[] = []
      for (let i = 0; i < runs; i++) {
        full.push(
          await timed(join(dir, `report-${i}.pdf`), () =>
            writePdf(report, createWriteStream(join(dir, `report-${i}.pdf`)), options),
          ),
        )
        withoutTables.push(
          await timed(join(dir, `no-tables-${i}.pdf`), () =>
            writePdf(
              { ...report, datasets: [] },
              createWriteStream(join(dir, `no-tables-${i}.pdf`)),
              options,
            ),
          ),
        )
        lines.push(
          await timed(join(dir, `lines-${i}.pdf`), () =>
            plainLines(report, join(dir, `lines-${i}.pdf`)),
          ),
        )
      }
      const median = (xs: PdfRun[]): PdfRun =>
        [...xs].sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)] ?? xs[0]!
      return {
        leadRows,
        printedRows: Math.min(leadRows, PDF_TABLE_ROW_LIMIT),
        full: median(full),
        withoutTables: median(withoutTables),
        plainLines: median(lines),
        fullRuns: full.map((r) => r.seconds),
      }
    } finally {
      db.exec('COMMIT')
    }
  } finally {
    db.close()
  }
}

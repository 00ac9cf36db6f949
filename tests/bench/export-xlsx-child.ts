// Child process of benchExportXlsx (export-xlsx.ts): one measurement per
// process, so each peak RSS is that writer's own (the kernel's high-water
// mark never goes down, so two writers in one process would share one).
// Both kinds do the same setup — open the cache read-only, BEGIN, buildReport
// for the leads — and differ only in what writes the leads dataset's rows:
// writeXlsx (Summary sheet, typed and styled cells, frozen header, autofilter),
// or exceljs's streamed WorkbookWriter with no styling (its defaults: no
// styles, no shared strings), each row handed over as the dataset yields it.
// The job comes as JSON in argv[2]; the result goes back over IPC.
import { createWriteStream, statSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import ExcelJS from 'exceljs'
import { writeXlsx } from '../../main/export/xlsx.ts'
import type { Dataset } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { openStore } from '../../main/store/index.ts'
import { exportStartSchema } from '../../shared/api/index.ts'

export interface ExportXlsxJob {
  readonly kind: 'xlsx' | 'exceljs'
  readonly dbPath: string
  readonly outPath: string
  /** The custom range that holds every lead of the cache, in its zone. */
  readonly from: string
  readonly to: string
  readonly timeZone: string
  /** The clock the report is built at (the cache's end). */
  readonly now: number
}

export type ExportXlsxChildMessage =
  | {
      type: 'result'
      rows: number
      /** From the first row pulled to the file's 'finish'. */
      seconds: number
      /** buildReport (cards, row count) before writing. */
      buildSeconds: number
      bytes: number
      maxRssMb: number
      loopP99Ms: number
      loopMaxMs: number
    }
  | { type: 'error'; message: string }

/** exceljs's streamed writer, unstyled, as its README shows it: addRow(…).commit() per row. */
async function excelJsWrite(leads: Dataset, outPath: string): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: outPath,
    useStyles: false,
    useSharedStrings: false,
  })
  const sheet = workbook.addWorksheet(leads.sheet)
  sheet.addRow(leads.columns.map((c) => c.label)).commit()
  const rows = leads.rows()
  let n = 0
  for (let next = rows.next(); !next.done; next = rows.next()) {
    sheet.addRow([...next.value]).commit()
    n++
  }
  sheet.commit()
  await workbook.commit()
  return n
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ExportXlsxJob
  const db = openStore(job.dbPath, { readonly: true })
  const request = exportStartSchema.parse({
    view: 'lead-response',
    format: 'xlsx',
    datasets: ['leads'],
    filters: {
      range: { preset: 'custom', from: job.from, to: job.to, timeZone: job.timeZone },
    },
  })
  const buildStart = performance.now()
  db.exec('BEGIN')
  const report = buildReport(
    db,
    request,
    () => new Date(job.now),
    () => [],
  )
  const buildSeconds = (performance.now() - buildStart) / 1000
  const leads = report.datasets[0]
  if (!leads) throw new Error('the report has no leads dataset')

  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const start = performance.now()
  let rows = 0
  if (job.kind === 'xlsx') {
    await writeXlsx(report, createWriteStream(job.outPath), {
      signal: new AbortController().signal,
      onRows: (done) => (rows = done),
      csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
      paper: 'A4',
      orientation: 'portrait',
    })
  } else {
    rows = await excelJsWrite(leads, job.outPath)
  }
  const seconds = (performance.now() - start) / 1000
  loop.disable()
  db.exec('COMMIT')
  db.close()
  const result: ExportXlsxChildMessage = {
    type: 'result',
    rows,
    seconds,
    buildSeconds,
    bytes: statSync(job.outPath).size,
    // resourceUsage().maxRSS is the kernel's high-water mark, in KiB.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
  }
  process.send?.(result)
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    const message: ExportXlsxChildMessage = {
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }
    process.send?.(message, () => process.exit(1))
  },
)

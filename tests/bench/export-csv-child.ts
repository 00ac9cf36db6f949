// Child process of benchExportCsv (export-csv.ts): one measurement per
// process, so each peak RSS is that writer's own (the kernel's high-water
// mark never goes down, so two writers in one process would share one).
// Both kinds do the same setup — open the cache read-only, BEGIN, buildReport
// for the leads — and differ only in how the leads dataset's rows reach the
// file: writeCsv, or the bare writer (rows joined with minimal quoting, in
// chunks, straight to a file stream, waiting for 'drain' as any correct
// writer must). The job comes as JSON in argv[2]; the result goes back over IPC.
import { createWriteStream, statSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { once } from 'node:events'
import { exportStartSchema } from '../../shared/api/index.ts'
import { writeCsv } from '../../main/export/csv.ts'
import type { Cell } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { openStore } from '../../main/store/index.ts'

export interface ExportCsvJob {
  readonly kind: 'csv' | 'bare'
  readonly dbPath: string
  readonly outPath: string
  /** The custom range that holds every lead of the cache, in its zone. */
  readonly from: string
  readonly to: string
  readonly timeZone: string
  /** The clock the report is built at (the cache's end). */
  readonly now: number
}

export type ExportCsvChildMessage =
  | {
      type: 'result'
      rows: number
      /** From the first row pulled to the stream's 'finish'. */
      seconds: number
      /** buildReport (cards, row count) before writing. */
      buildSeconds: number
      bytes: number
      maxRssMb: number
      loopP99Ms: number
      loopMaxMs: number
    }
  | { type: 'error'; message: string }

/** Rows per write of the bare writer (as writeCsv's CHUNK_ROWS: the same number of writes). */
const BARE_CHUNK_ROWS = 2_000

/** The least a CSV writer does: null → empty, numbers as String, quotes only where RFC 4180 must. */
function bareField(cell: Cell): string {
  if (cell === null) return ''
  const s = typeof cell === 'number' ? String(cell) : cell
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

async function bareWrite(rows: Iterator<readonly Cell[]>, outPath: string): Promise<number> {
  const out = createWriteStream(outPath)
  let n = 0
  for (;;) {
    let chunk = ''
    let inChunk = 0
    let next = rows.next()
    while (!next.done) {
      chunk += `${next.value.map(bareField).join(',')}\r\n`
      inChunk += 1
      if (inChunk === BARE_CHUNK_ROWS) break
      next = rows.next()
    }
    n += inChunk
    if (chunk !== '' && !out.write(chunk)) await once(out, 'drain')
    if (next.done) break
  }
  out.end()
  await once(out, 'finish')
  return n
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ExportCsvJob
  const db = openStore(job.dbPath, { readonly: true })
  const request = exportStartSchema.parse({
    view: 'lead-response',
    format: 'csv',
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
  if (job.kind === 'csv') {
    await writeCsv(report, createWriteStream(job.outPath), {
      signal: new AbortController().signal,
      onRows: (done) => (rows = done),
      csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
      paper: 'A4',
      orientation: 'portrait',
    })
  } else {
    rows = await bareWrite(leads.rows(), job.outPath)
  }
  const seconds = (performance.now() - start) / 1000
  loop.disable()
  db.exec('COMMIT')
  db.close()
  const result: ExportCsvChildMessage = {
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
    const message: ExportCsvChildMessage = {
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }
    process.send?.(message, () => process.exit(1))
  },
)

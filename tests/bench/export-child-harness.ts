// The measuring harness shared by the export benchmarks that run one
// measurement per child process (export-csv.ts, export-xlsx.ts), so each peak
// RSS is that writer's own (the kernel's high-water mark never goes down, so
// two writers in one process would share one).
//
// Child side (runExportBenchChild): open the cache read-only, BEGIN,
// buildReport for the leads, then time one writer of the leads dataset's rows
// while watching the event loop; the job comes as JSON in argv[2], the result
// goes back over IPC. Parent side (runExportBench): fork the child for each
// kind, alternating, `runs` times each, and collect the results.
import { fork } from 'node:child_process'
import { createWriteStream, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { DEFAULT_DEMO_DAYS } from '../../main/demo/generator.ts'
import type { Dataset, ExportWriter, Report } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { DEFAULT_ORG_TIME_ZONE } from '../../main/metrics/rollups.ts'
import { localDayOf } from '../../main/metrics/time-range.ts'
import { openStore } from '../../main/store/index.ts'
import { exportStartSchema } from '../../shared/api/index.ts'

const TSX = import.meta.resolve('tsx')
const DAY_MS = 86_400_000

export interface ExportBenchJob<Kind extends string = string> {
  readonly kind: Kind
  readonly dbPath: string
  readonly outPath: string
  /** The custom range that holds every lead of the cache, in its zone. */
  readonly from: string
  readonly to: string
  readonly timeZone: string
  /** The clock the report is built at (the cache's end). */
  readonly now: number
}

export interface ExportBenchResult {
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

export type ExportBenchChildMessage = ExportBenchResult | { type: 'error'; message: string }

/** One way of writing the leads to `outPath`; resolves to the rows written. */
export type LeadsWriter = (report: Report, leads: Dataset, outPath: string) => Promise<number>

/** The app's own writer (writeCsv, writeXlsx) as a LeadsWriter, counting rows by its onRows. */
export function appWriter(write: ExportWriter): LeadsWriter {
  return async (report, _leads, outPath) => {
    let rows = 0
    await write(report, createWriteStream(outPath), {
      signal: new AbortController().signal,
      onRows: (done) => (rows = done),
      csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
      paper: 'A4',
      orientation: 'portrait',
    })
    return rows
  }
}

async function measure(
  format: 'csv' | 'xlsx',
  writers: Readonly<Record<string, LeadsWriter>>,
): Promise<ExportBenchResult> {
  const job = JSON.parse(process.argv[2] ?? '') as ExportBenchJob
  const write = writers[job.kind]
  if (!write) throw new Error(`no writer for kind ${job.kind}`)
  const db = openStore(job.dbPath, { readonly: true })
  const request = exportStartSchema.parse({
    view: 'lead-response',
    format,
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
  const rows = await write(report, leads, job.outPath)
  const seconds = (performance.now() - start) / 1000
  loop.disable()
  db.exec('COMMIT')
  db.close()
  return {
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
}

/**
 * The body of a bench child: measures the writer of the job's kind and sends
 * the result (or the error) to the parent.
 */
export function runExportBenchChild(
  format: 'csv' | 'xlsx',
  writers: Readonly<Record<string, LeadsWriter>>,
): void {
  measure(format, writers).then(
    (result: ExportBenchChildMessage) => {
      process.send?.(result)
      process.disconnect?.()
    },
    (error: unknown) => {
      const message: ExportBenchChildMessage = {
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }
      process.send?.(message, () => process.exit(1))
    },
  )
}

function runChild(name: string, child: string, job: ExportBenchJob): Promise<ExportBenchResult> {
  return new Promise((resolve, reject) => {
    const proc = fork(child, [JSON.stringify(job)], {
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let settled = false
    proc.on('message', (message: ExportBenchChildMessage) => {
      settled = true
      if (message.type === 'result') resolve(message)
      else reject(new Error(`${name} bench child (${job.kind}) failed: ${message.message}`))
    })
    proc.on('error', reject)
    proc.on('exit', (code, signal) => {
      if (!settled) {
        reject(
          new Error(
            `${name} bench child (${job.kind}) exited (${signal ?? code}) without a result`,
          ),
        )
      }
    })
  })
}

/** The run of median seconds. */
export const medianBy = (results: ExportBenchResult[]): ExportBenchResult =>
  [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor(results.length / 2)]!

export interface ExportBenchOptions<Kind extends string> {
  /** For the log and errors: 'export-csv'. */
  readonly name: string
  /** The child module (it calls runExportBenchChild). */
  readonly child: URL
  /** The kinds, in the order each round runs them. */
  readonly kinds: readonly Kind[]
  /** The output file's extension, without the dot. */
  readonly extension: string
  /** Whether each run's log line gives the file's size. */
  readonly logBytes?: boolean
  readonly dbPath: string
  /** The cache's end (demo data fills the DEFAULT_DEMO_DAYS before it). */
  readonly endAt: number
  /** Where the files go; each is removed after its run. */
  readonly dir: string
  readonly runs: number
}

/**
 * Writes the leads of the cache at `dbPath` (filled up to `endAt`), `runs` times each kind,
 * alternating, each run in its own child process; resolves to each kind's results in run order.
 */
export async function runExportBench<Kind extends string>(
  options: ExportBenchOptions<Kind>,
): Promise<Record<Kind, ExportBenchResult[]>> {
  const { name, kinds, dbPath, endAt, dir } = options
  const child = fileURLToPath(options.child)
  const timeZone = DEFAULT_ORG_TIME_ZONE
  const job = (kind: Kind, i: number): ExportBenchJob<Kind> => ({
    kind,
    dbPath,
    outPath: join(dir, `export-${kind}-${i}.${options.extension}`),
    // Every lead of the demo: its span, with a day's margin either side.
    from: localDayOf(endAt - (DEFAULT_DEMO_DAYS + 1) * DAY_MS, timeZone),
    to: localDayOf(endAt + DAY_MS, timeZone),
    timeZone,
    now: endAt + DAY_MS,
  })
  const results = Object.fromEntries(kinds.map((kind) => [kind, []])) as unknown as Record<
    Kind,
    ExportBenchResult[]
  >
  for (let i = 0; i < options.runs; i++) {
    for (const kind of kinds) {
      const j = job(kind, i)
      const result = await runChild(name, child, j)
      rmSync(j.outPath, { force: true })
      results[kind].push(result)
      const size = options.logBytes ? `, ${(result.bytes / 1024 / 1024).toFixed(1)} MB` : ''
      process.stderr.write(
        `  ${name}: ${kind} run ${i + 1}: ${result.rows} rows in ${result.seconds.toFixed(2)} s${size}, peak RSS ${result.maxRssMb.toFixed(0)} MB\n`,
      )
    }
  }
  return results
}

// CSV export benchmark (issue 12): the leads of a big cache written by
// writeCsv, beside a bare writer of the same rows in the same run (rows
// joined with minimal quoting, straight to a file stream). Target: writeCsv
// at ≥ 0.7 of the bare writer's rows/s.
//
// Each measurement runs in its own child process (export-csv-child.ts), so
// its peak RSS is its own; the two kinds alternate, `runs` times each, and
// the median run of each kind is reported (the machine is shared and noisy).
// Both read the rows through the same dataset iterator (the report's leads,
// from SQLite), so the ratio is the cost of what writeCsv adds: kinds,
// ISO times with offsets, neutralising, chunking, yielding.
import { fork } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_DEMO_DAYS } from '../../main/demo/generator.ts'
import { DEFAULT_ORG_TIME_ZONE } from '../../main/metrics/rollups.ts'
import { localDayOf } from '../../main/metrics/time-range.ts'
import type { ExportCsvChildMessage, ExportCsvJob } from './export-csv-child.ts'

const CHILD = fileURLToPath(new URL('./export-csv-child.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')
const DAY_MS = 86_400_000

type Result = Extract<ExportCsvChildMessage, { type: 'result' }>

export interface ExportCsvFigures {
  rows: number
  csv: Result
  bare: Result
  csvRuns: number[]
  bareRuns: number[]
  /** csv rows/s ÷ bare rows/s, of the median runs (target ≥ 0.7). */
  ratio: number
}

function runChild(job: ExportCsvJob): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [JSON.stringify(job)], {
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let settled = false
    child.on('message', (message: ExportCsvChildMessage) => {
      settled = true
      if (message.type === 'result') resolve(message)
      else reject(new Error(`export-csv bench child (${job.kind}) failed: ${message.message}`))
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (!settled) {
        reject(
          new Error(
            `export-csv bench child (${job.kind}) exited (${signal ?? code}) without a result`,
          ),
        )
      }
    })
  })
}

const medianBy = (results: Result[]): Result =>
  [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor(results.length / 2)]!

/**
 * Writes the leads of the cache at `dbPath` (filled up to `endAt`) as CSV, `runs` times each
 * kind, alternating; files go under `dir` and are removed after each run.
 */
export async function benchExportCsv(
  dbPath: string,
  endAt: number,
  dir: string,
  runs = 3,
): Promise<ExportCsvFigures> {
  const timeZone = DEFAULT_ORG_TIME_ZONE
  const job = (kind: ExportCsvJob['kind'], i: number): ExportCsvJob => ({
    kind,
    dbPath,
    outPath: join(dir, `export-${kind}-${i}.csv`),
    // Every lead of the demo: its span, with a day's margin either side.
    from: localDayOf(endAt - (DEFAULT_DEMO_DAYS + 1) * DAY_MS, timeZone),
    to: localDayOf(endAt + DAY_MS, timeZone),
    timeZone,
    now: endAt + DAY_MS,
  })
  const csv: Result[] = []
  const bare: Result[] = []
  for (let i = 0; i < runs; i++) {
    for (const kind of ['bare', 'csv'] as const) {
      const j = job(kind, i)
      const result = await runChild(j)
      rmSync(j.outPath, { force: true })
      ;(kind === 'csv' ? csv : bare).push(result)
      process.stderr.write(
        `  export-csv: ${kind} run ${i + 1}: ${result.rows} rows in ${result.seconds.toFixed(2)} s, peak RSS ${result.maxRssMb.toFixed(0)} MB\n`,
      )
    }
  }
  const c = medianBy(csv)
  const b = medianBy(bare)
  if (c.rows !== b.rows) throw new Error(`export-csv: csv wrote ${c.rows} rows, bare ${b.rows}`)
  return {
    rows: c.rows,
    csv: c,
    bare: b,
    csvRuns: csv.map((r) => r.seconds),
    bareRuns: bare.map((r) => r.seconds),
    ratio: c.rows / c.seconds / (b.rows / b.seconds),
  }
}

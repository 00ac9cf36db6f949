// XLSX export benchmark (issue 12): the leads of a big cache written by
// writeXlsx, beside exceljs's streamed WorkbookWriter writing the same rows
// with no styling, in the same run. Targets: writeXlsx at ≥ 1.0× exceljs's
// rows/s, with peak RSS under 400 MB.
//
// Each measurement runs in its own child process (export-xlsx-child.ts), so
// its peak RSS is its own; the two kinds alternate, `runs` times each, and
// the median run of each kind is reported (the machine is shared and noisy).
// Both read the rows through the same dataset iterator (the report's leads,
// from SQLite). writeXlsx does more than the baseline (a Summary sheet, a
// style per cell, wall-clock date serials, the frozen header, the filter).
import { fork } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_DEMO_DAYS } from '../../main/demo/generator.ts'
import { DEFAULT_ORG_TIME_ZONE } from '../../main/metrics/rollups.ts'
import { localDayOf } from '../../main/metrics/time-range.ts'
import type { ExportXlsxChildMessage, ExportXlsxJob } from './export-xlsx-child.ts'

const CHILD = fileURLToPath(new URL('./export-xlsx-child.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')
const DAY_MS = 86_400_000

type Result = Extract<ExportXlsxChildMessage, { type: 'result' }>

export interface ExportXlsxFigures {
  rows: number
  xlsx: Result
  exceljs: Result
  xlsxRuns: number[]
  exceljsRuns: number[]
  /** writeXlsx rows/s ÷ exceljs rows/s, of the median runs (target ≥ 1.0). */
  ratio: number
}

function runChild(job: ExportXlsxJob): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [JSON.stringify(job)], {
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let settled = false
    child.on('message', (message: ExportXlsxChildMessage) => {
      settled = true
      if (message.type === 'result') resolve(message)
      else reject(new Error(`export-xlsx bench child (${job.kind}) failed: ${message.message}`))
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (!settled) {
        reject(
          new Error(
            `export-xlsx bench child (${job.kind}) exited (${signal ?? code}) without a result`,
          ),
        )
      }
    })
  })
}

const medianBy = (results: Result[]): Result =>
  [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor(results.length / 2)]!

/**
 * Writes the leads of the cache at `dbPath` (filled up to `endAt`) as XLSX, `runs` times each
 * kind, alternating; files go under `dir` and are removed after each run.
 */
export async function benchExportXlsx(
  dbPath: string,
  endAt: number,
  dir: string,
  runs = 3,
): Promise<ExportXlsxFigures> {
  const timeZone = DEFAULT_ORG_TIME_ZONE
  const job = (kind: ExportXlsxJob['kind'], i: number): ExportXlsxJob => ({
    kind,
    dbPath,
    outPath: join(dir, `export-${kind}-${i}.xlsx`),
    // Every lead of the demo: its span, with a day's margin either side.
    from: localDayOf(endAt - (DEFAULT_DEMO_DAYS + 1) * DAY_MS, timeZone),
    to: localDayOf(endAt + DAY_MS, timeZone),
    timeZone,
    now: endAt + DAY_MS,
  })
  const xlsx: Result[] = []
  const exceljs: Result[] = []
  for (let i = 0; i < runs; i++) {
    for (const kind of ['exceljs', 'xlsx'] as const) {
      const j = job(kind, i)
      const result = await runChild(j)
      rmSync(j.outPath, { force: true })
      ;(kind === 'xlsx' ? xlsx : exceljs).push(result)
      process.stderr.write(
        `  export-xlsx: ${kind} run ${i + 1}: ${result.rows} rows in ${result.seconds.toFixed(2)} s, ${(result.bytes / 1024 / 1024).toFixed(1)} MB, peak RSS ${result.maxRssMb.toFixed(0)} MB\n`,
      )
    }
  }
  const x = medianBy(xlsx)
  const e = medianBy(exceljs)
  if (x.rows !== e.rows)
    throw new Error(`export-xlsx: writeXlsx wrote ${x.rows} rows, exceljs ${e.rows}`)
  return {
    rows: x.rows,
    xlsx: x,
    exceljs: e,
    xlsxRuns: xlsx.map((r) => r.seconds),
    exceljsRuns: exceljs.map((r) => r.seconds),
    ratio: x.rows / x.seconds / (e.rows / e.seconds),
  }
}

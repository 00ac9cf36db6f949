// XLSX export benchmark (issue 12): the leads of a big cache written by
// writeXlsx, beside exceljs's streamed WorkbookWriter writing the same rows
// with no styling, in the same run. Targets: writeXlsx at ≥ 1.0× exceljs's
// rows/s, with peak RSS under 400 MB.
//
// Each measurement runs in its own child process (export-xlsx-child.ts, by
// export-child-harness.ts), so its peak RSS is its own; the two kinds
// alternate, `runs` times each, and the median run of each kind is reported
// (the machine is shared and noisy).
// Both read the rows through the same dataset iterator (the report's leads,
// from SQLite). writeXlsx does more than the baseline (a Summary sheet, a
// style per cell, wall-clock date serials, the frozen header, the filter).
import { medianBy, runExportBench, type ExportBenchResult } from './export-child-harness.ts'

export interface ExportXlsxFigures {
  rows: number
  xlsx: ExportBenchResult
  exceljs: ExportBenchResult
  xlsxRuns: number[]
  exceljsRuns: number[]
  /** writeXlsx rows/s ÷ exceljs rows/s, of the median runs (target ≥ 1.0). */
  ratio: number
}

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
  const { xlsx, exceljs } = await runExportBench({
    name: 'export-xlsx',
    child: new URL('./export-xlsx-child.ts', import.meta.url),
    kinds: ['exceljs', 'xlsx'],
    extension: 'xlsx',
    logBytes: true,
    dbPath,
    endAt,
    dir,
    runs,
  })
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

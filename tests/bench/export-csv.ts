// CSV export benchmark (issue 12): the leads of a big cache written by
// writeCsv, beside a bare writer of the same rows in the same run (rows
// joined with minimal quoting, straight to a file stream). Target: writeCsv
// at ≥ 0.7 of the bare writer's rows/s.
//
// Each measurement runs in its own child process (export-csv-child.ts, by
// export-child-harness.ts), so its peak RSS is its own; the two kinds
// alternate, `runs` times each, and the median run of each kind is reported
// (the machine is shared and noisy).
// Both read the rows through the same dataset iterator (the report's leads,
// from SQLite), so the ratio is the cost of what writeCsv adds: kinds,
// ISO times with offsets, neutralising, chunking, yielding.
import { medianBy, runExportBench, type ExportBenchResult } from './export-child-harness.ts'

export interface ExportCsvFigures {
  rows: number
  csv: ExportBenchResult
  bare: ExportBenchResult
  csvRuns: number[]
  bareRuns: number[]
  /** csv rows/s ÷ bare rows/s, of the median runs (target ≥ 0.7). */
  ratio: number
}

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
  const { csv, bare } = await runExportBench({
    name: 'export-csv',
    child: new URL('./export-csv-child.ts', import.meta.url),
    kinds: ['bare', 'csv'],
    extension: 'csv',
    dbPath,
    endAt,
    dir,
    runs,
  })
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

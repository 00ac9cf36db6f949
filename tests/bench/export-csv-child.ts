// Child process of benchExportCsv (export-csv.ts), measured by
// export-child-harness.ts. Both kinds differ only in how the leads dataset's
// rows reach the file: writeCsv, or the bare writer (rows joined with minimal
// quoting, in chunks, straight to a file stream, waiting for 'drain' as any
// correct writer must).
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { writeCsv } from '../../main/export/csv.ts'
import type { Cell } from '../../main/export/report.ts'
import { appWriter, runExportBenchChild } from './export-child-harness.ts'

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

runExportBenchChild('csv', {
  csv: appWriter(writeCsv),
  bare: (_report, leads, outPath) => bareWrite(leads.rows(), outPath),
})

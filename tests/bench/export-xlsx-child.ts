// Child process of benchExportXlsx (export-xlsx.ts), measured by
// export-child-harness.ts. Both kinds differ only in what writes the leads
// dataset's rows: writeXlsx (Summary sheet, typed and styled cells, frozen
// header, autofilter), or exceljs's streamed WorkbookWriter with no styling
// (its defaults: no styles, no shared strings), each row handed over as the
// dataset yields it.
import ExcelJS from 'exceljs'
import { writeXlsx } from '../../main/export/xlsx.ts'
import type { Dataset } from '../../main/export/report.ts'
import { appWriter, runExportBenchChild } from './export-child-harness.ts'

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

runExportBenchChild('xlsx', {
  xlsx: appWriter(writeXlsx),
  exceljs: (_report, leads, outPath) => excelJsWrite(leads, outPath),
})

// The Excel writer (issue 12): a Summary sheet, then one sheet per dataset
// with typed cells, a bold frozen header, an autofilter and column widths,
// streamed: rows are pulled in chunks, turned into sheet XML, deflated into
// the zip and handed to the output as they go, so memory stays flat for a
// million rows. Our own small writer rather than exceljs's WorkbookWriter:
// that one keeps a shared-strings table of every distinct text (hundreds of
// MB for a million leads) and styles every cell through an object model; here
// text is written inline and a style is one index per column.
import type { Cell, Column, Dataset, ExportWriter } from './report.ts'
import { CellWriter, zoneFor } from './xlsx-cells.ts'
import { summarySheetXml, type SheetPart } from './xlsx-summary.ts'
import {
  EXCEL_COLUMN_LIMIT,
  EXCEL_ROW_LIMIT,
  STYLE_HEADER,
  SheetNames,
  columnLetters,
  contentTypesXml,
  corePropertiesXml,
  rootRelsXml,
  sheetPath,
  stylesXml,
  workbookRelsXml,
  workbookXml,
  worksheetEnd,
  worksheetStart,
  type SheetEntry,
} from './xlsx-xml.ts'
import { ZipSink, abortError } from './xlsx-zip.ts'

/**
 * Rows pulled and written between two turns of the event loop: about 1 to 3 ms of work for a
 * lead row, so the core's other requests wait no longer than that.
 */
const CHUNK_ROWS = 500
/** Sheet XML handed to the zip at once; also when the output is asked whether it keeps up. */
const FLUSH_CHARS = 1 << 20

/** Column widths (characters) by kind when the column gives none and the rows say nothing. */
const KIND_WIDTHS = {
  text: 14,
  id: 18,
  integer: 12,
  decimal: 14,
  money: 16,
  fraction: 10,
  seconds: 10,
  date: 12,
  datetime: 20,
} as const
const MIN_WIDTH = 6
const MAX_WIDTH = 60
/** The autofilter's drop-down button sits over the end of a header: room for it. */
const FILTER_BUTTON_CHARS = 3

export const writeXlsx: ExportWriter = async (report, out, options) => {
  const { signal } = options
  if (signal.aborted) throw abortError()
  const rowLimit = options.xlsxRowLimit ?? EXCEL_ROW_LIMIT
  if (!Number.isInteger(rowLimit) || rowLimit < 2 || rowLimit > EXCEL_ROW_LIMIT) {
    throw new RangeError(
      `xlsxRowLimit must be a whole number from 2 to ${EXCEL_ROW_LIMIT} (a header and at least one row), not ${rowLimit}.`,
    )
  }
  const cells = new CellWriter(zoneFor(report.timeZone))
  const sink = new ZipSink(out)
  const mtime = report.generatedAt
  const names = new SheetNames()
  const sheets: SheetEntry[] = [
    { name: names.take('Summary'), path: sheetPath(1), filterRef: null },
  ]
  const parts: SheetPart[] = []
  let rowsDone = 0

  for (const dataset of report.datasets) {
    options.onPhase?.(`Writing ${dataset.title}`)
    await writeDataset(dataset, {
      sink,
      cells,
      names,
      rowLimit,
      signal,
      mtime,
      sheetCount: () => sheets.length,
      onSheet: (sheet, part) => {
        sheets.push(sheet)
        parts.push(part)
      },
      onRows: (n) => {
        rowsDone += n
        options.onRows(rowsDone)
      },
    })
  }

  options.onPhase?.('Writing Summary')
  const files: [string, string][] = [
    [sheetPath(1), summarySheetXml(report, parts, cells, rowLimit)],
    ['xl/styles.xml', stylesXml()],
    ['xl/workbook.xml', workbookXml(sheets)],
    ['xl/_rels/workbook.xml.rels', workbookRelsXml(sheets)],
    ['docProps/core.xml', corePropertiesXml(report.title, report.generatedAt)],
    ['_rels/.rels', rootRelsXml()],
    ['[Content_Types].xml', contentTypesXml(sheets)],
  ]
  for (const [name, xml] of files) await sink.file(name, xml, mtime, signal)
  await sink.end(signal)
}

interface DatasetContext {
  readonly sink: ZipSink
  readonly cells: CellWriter
  readonly names: SheetNames
  readonly rowLimit: number
  readonly signal: AbortSignal
  readonly mtime: Date
  /** Sheets so far, the Summary included: the next one is sheet{n + 1}.xml. */
  readonly sheetCount: () => number
  readonly onSheet: (sheet: SheetEntry, part: SheetPart) => void
  /** Rows written since the last call. */
  readonly onRows: (rows: number) => void
}

/**
 * One dataset on as many sheets as its rows need: each holds the header and at most
 * `rowLimit - 1` rows; the totals row, where there is one, comes last.
 */
async function writeDataset(dataset: Dataset, ctx: DatasetContext): Promise<void> {
  const { sink, cells, signal } = ctx
  const columns = dataset.columns
  if (columns.length > EXCEL_COLUMN_LIMIT) {
    throw new RangeError(
      `${dataset.title} has ${columns.length} columns; an Excel sheet holds at most ${EXCEL_COLUMN_LIMIT}.`,
    )
  }
  const letters = columns.map((_, i) => columnLetters(i))
  const kinds = columns.map((c) => c.kind)
  const lastLetter = letters.at(-1) ?? 'A'
  const header = columns.map((c, i) => cells.text(`${letters[i]}1`, c.label, STYLE_HEADER)).join('')

  const rowXml = (r: number, row: readonly Cell[], bold: boolean) => {
    let xml = `<row r="${r}">`
    for (let i = 0; i < kinds.length; i++) {
      xml += cells.cell(`${letters[i]}${r}`, kinds[i]!, row[i] ?? null, bold)
    }
    return `${xml}</row>`
  }

  const iterator = dataset.rows()
  try {
    let chunk = pull(iterator, CHUNK_ROWS)
    // Widths come from the first rows: the <cols> element precedes the rows it sizes.
    const widths = columnWidths(columns, chunk)

    let partNo = 0
    let sheetRow = 0 // rows on the open sheet, its header included
    let firstRow = 1 // the open sheet's first data row, counted over the whole dataset
    let written = 0 // data rows of the dataset written so far
    let sheet: { name: string; path: string } | null = null

    const open = () => {
      partNo++
      sheet = { name: ctx.names.take(dataset.sheet, partNo), path: sheetPath(ctx.sheetCount() + 1) }
      sink.open(sheet.path, ctx.mtime)
      sink.write(`${worksheetStart(widths, true)}<row r="1">${header}</row>`)
      sheetRow = 1
      firstRow = written + 1
    }
    const close = async (totals: boolean) => {
      if (!sheet) return
      // The filter covers the header and the data rows, not a totals row: sorting must not
      // move the totals into the data.
      const lastFiltered = totals ? sheetRow - 1 : sheetRow
      const filterRef = `A1:${lastLetter}${Math.max(lastFiltered, 1)}`
      const closing = sheet
      await sink.close(signal, worksheetEnd(filterRef))
      ctx.onSheet(
        { name: closing.name, path: closing.path, filterRef },
        {
          datasetId: dataset.id,
          datasetTitle: dataset.title,
          sheet: closing.name,
          firstRow,
          lastRow: written,
          totals,
          part: partNo,
        },
      )
      sheet = null
    }

    open()
    let xml = ''
    for (;;) {
      for (const row of chunk) {
        if (sheetRow >= ctx.rowLimit) {
          sink.write(xml)
          xml = ''
          await close(false)
          open()
        }
        sheetRow++
        written++
        xml += rowXml(sheetRow, row, false)
        if (xml.length > FLUSH_CHARS) {
          sink.write(xml)
          xml = ''
          await sink.settle(signal)
        }
      }
      sink.write(xml)
      xml = ''
      ctx.onRows(chunk.length)
      await sink.settle(signal)
      if (chunk.length < CHUNK_ROWS) break
      chunk = pull(iterator, CHUNK_ROWS)
    }
    if (dataset.totals) {
      if (sheetRow >= ctx.rowLimit) {
        await close(false)
        open()
      }
      sheetRow++
      sink.write(rowXml(sheetRow, dataset.totals, true))
    }
    await close(dataset.totals !== undefined)
  } finally {
    // Lets a database iterator release its statement when the export stops early.
    iterator.return?.()
  }
}

function pull(iterator: Iterator<readonly Cell[]>, max: number): (readonly Cell[])[] {
  const rows: (readonly Cell[])[] = []
  while (rows.length < max) {
    const next = iterator.next()
    if (next.done) break
    rows.push(next.value)
  }
  return rows
}

function columnWidths(columns: readonly Column[], sample: readonly (readonly Cell[])[]): number[] {
  return columns.map((column, i) => {
    let content: number = column.width ?? KIND_WIDTHS[column.kind]
    if (column.width === undefined && (column.kind === 'text' || column.kind === 'id')) {
      let longest = 0
      for (const row of sample) {
        const value = row[i]
        if (value === null || value === undefined) continue
        for (const line of String(value).split('\n')) longest = Math.max(longest, line.length)
      }
      if (longest > 0) content = longest + 1
    }
    const width = Math.max(content, column.label.length + FILTER_BUTTON_CHARS, MIN_WIDTH)
    return Math.min(width, MAX_WIDTH)
  })
}

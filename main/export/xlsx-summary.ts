// The Summary sheet, the workbook's first: what the report is (title, when it
// was made, how fresh its data is), the filters in words, the KPI cards as the
// screen shows them, and which sheet holds which rows (a dataset too long for
// one sheet says where it continues). Written last, once the row counts are
// known, though it is listed first.
import type { Cell, CellKind, Report } from './report.ts'
import type { CellWriter } from './xlsx-cells.ts'
import {
  EXCEL_ROW_LIMIT,
  MAX_CELL_CHARS,
  STYLE_HEADER,
  STYLE_TITLE,
  columnLetters,
  worksheetEnd,
  worksheetStart,
} from './xlsx-xml.ts'

/** One sheet's share of a dataset. */
export interface SheetPart {
  readonly datasetId: string
  readonly datasetTitle: string
  readonly sheet: string
  /** 1-based numbers of its first and last data rows within the dataset; last < first when empty. */
  readonly firstRow: number
  readonly lastRow: number
  /** Carries the dataset's totals row. */
  readonly totals: boolean
  /** Its part number, 1 for the dataset's first sheet. */
  readonly part: number
}

type SummaryCell =
  string | null | { readonly kind: CellKind; readonly value: Cell } | { readonly heading: string }

const SUMMARY_WIDTHS = [24, 44, 22, 22, 12, 60]
const count = (n: number) => n.toLocaleString('en-US')

export function summarySheetXml(
  report: Report,
  parts: readonly SheetPart[],
  cells: CellWriter,
  rowLimit: number,
): string {
  const rows: SummaryCell[][] = []
  const heading = (...labels: string[]) => rows.push(labels.map((l) => ({ heading: l })))
  const blank = () => rows.push([])
  const datetime = (iso: string | null): SummaryCell =>
    iso === null || Number.isNaN(Date.parse(iso))
      ? (iso ?? 'never')
      : { kind: 'datetime', value: Date.parse(iso) }

  rows.push([report.title])
  blank()
  rows.push(['Generated at', { kind: 'datetime', value: report.generatedAt.getTime() }])
  rows.push(['Data as of', report.dataAsOf === null ? 'No data yet' : datetime(report.dataAsOf)])
  rows.push(['Time zone', `${report.timeZone} (every date and time in this workbook)`])
  rows.push(['Range', report.rangeText])
  blank()

  heading('Filters')
  if (report.filterText.length === 0) rows.push(['None: all data'])
  for (const line of report.filterText) rows.push([line])
  blank()

  heading('Data source', 'State', 'Last good sync', 'Last error')
  if (report.sources.length === 0) rows.push(['None'])
  for (const s of report.sources) {
    rows.push([s.name, s.state, datetime(s.lastGoodSyncAt), s.lastError])
  }
  blank()

  heading('KPI', 'Value', 'As on screen', 'Target', 'Basis', 'Note')
  if (report.kpis.length === 0) rows.push(['None on this tab'])
  for (const k of report.kpis) {
    rows.push([k.label, { kind: k.kind, value: k.value }, k.text, k.target, k.basis, k.note])
  }
  blank()

  heading('Sheet', 'Dataset', 'Rows', 'Note')
  if (parts.length === 0) rows.push(['None: this report holds no table'])
  for (const [i, p] of parts.entries()) {
    const rowsInPart = Math.max(0, p.lastRow - p.firstRow + 1)
    const next = parts[i + 1]
    const continues = next !== undefined && next.datasetId === p.datasetId && next.part > 1
    const split = p.part > 1 || continues
    const ofAll = split ? datasetRows(parts, p.datasetId) : rowsInPart
    const notes: string[] = []
    if (split) notes.push(`Rows ${count(p.firstRow)}–${count(p.lastRow)} of ${count(ofAll)}.`)
    if (p.part > 1) notes.push(`Continued from ${parts[i - 1]?.sheet ?? 'the sheet before'}.`)
    if (continues) {
      notes.push(
        `Excel holds at most ${count(rowLimit)} rows a sheet (the header included): continues on ${next.sheet}.`,
      )
    }
    if (p.totals) notes.push('Its last row holds the totals.')
    rows.push([p.sheet, p.datasetTitle, { kind: 'integer', value: rowsInPart }, notes.join(' ')])
  }
  if (rowLimit !== EXCEL_ROW_LIMIT) {
    rows.push([`Sheets were split at ${count(rowLimit)} rows (a test's limit, not Excel's).`])
  }

  if (cells.truncatedCells > 0) {
    blank()
    heading('Note')
    rows.push([
      `${count(cells.truncatedCells)} ${cells.truncatedCells === 1 ? 'text was' : 'texts were'} longer than Excel's ${count(MAX_CELL_CHARS)} characters a cell and ${cells.truncatedCells === 1 ? 'is' : 'are'} cut there; the CSV and JSON exports carry them whole.`,
    ])
  }

  let xml = worksheetStart(SUMMARY_WIDTHS, false)
  for (const [i, row] of rows.entries()) {
    const r = i + 1
    xml += `<row r="${r}">`
    for (const [c, value] of row.entries()) {
      const ref = `${columnLetters(c)}${r}`
      if (value === null) continue
      if (typeof value === 'string') xml += cells.text(ref, value, r === 1 ? STYLE_TITLE : 0)
      else if ('heading' in value) xml += cells.text(ref, value.heading, STYLE_HEADER)
      else if (value.value === null) continue
      else xml += cells.cell(ref, value.kind, value.value)
    }
    xml += '</row>'
  }
  return xml + worksheetEnd(null)
}

function datasetRows(parts: readonly SheetPart[], datasetId: string): number {
  let rows = 0
  for (const p of parts)
    if (p.datasetId === datasetId) rows += Math.max(0, p.lastRow - p.firstRow + 1)
  return rows
}

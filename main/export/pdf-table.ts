// A dataset as a table in the PDF report: paginated, its header repeated on every page, numbers
// right-aligned so digits line up, zebra rows, a totals row where the screen has one, and at most
// PDF_TABLE_ROW_LIMIT rows (a note under the table says how many were left out and where to get
// them). Rows are pulled from the dataset's iterator in chunks with a turn of the event loop
// between chunks, so the core keeps answering while thousands of rows are drawn.
import { PDF_TABLE_ROW_LIMIT } from '../../shared/api/index.ts'
import { NUMERIC_KINDS, type CellFormatter } from './pdf-cells.ts'
import { PDF_FONT } from './pdf-fonts.ts'
import { PDF_COLOR, type PageFlow } from './pdf-page.ts'
import type { Cell, CellKind, Column, Dataset } from './report.ts'

/** Rows drawn between two turns of the event loop (about 20–30 ms of drawing on a busy machine). */
export const PDF_ROWS_PER_CHUNK = 100

const FONT_SIZE = 7.5
const MIN_FONT_SIZE = 6
const ROW_HEIGHT = 13
const PAD = 4
/** A header label may take two lines; longer ones end in "…". */
const HEADER_LINES = 2

/** A column's share of the width when the column gives no hint, in characters. */
const DEFAULT_WIDTH: Readonly<Record<CellKind, number>> = {
  text: 16,
  id: 12,
  integer: 8,
  decimal: 9,
  money: 12,
  fraction: 8,
  seconds: 9,
  date: 11,
  datetime: 21,
}

interface PlacedColumn {
  readonly column: Column
  readonly x: number
  readonly width: number
  readonly right: boolean
}

/**
 * Columns side by side across the content width. Each column would like its width hint (or its
 * kind's usual width) in characters, and needs at least its header's longest word (a header never
 * breaks inside a word). With room to spare every column grows alike; short of room, columns give
 * up what they would like beyond what they need, and cells end in "…". Measured in the table's
 * bold font, which must be current.
 */
export function placeColumns(
  doc: PDFKit.PDFDocument,
  columns: readonly Column[],
  left: number,
  width: number,
  /** The widest value of each column among the first rows, in points, when known. */
  seen?: readonly number[],
): { placed: PlacedColumn[]; crowding: number; width: number } {
  const digit = doc.widthOfString('0')
  const need = columns.map(
    (c) => Math.max(...c.label.split(/\s+/).map((word) => doc.widthOfString(word))) + 2 * PAD,
  )
  const like = columns.map((c, i) => {
    const hinted = Math.max(3, Math.min(48, c.width ?? DEFAULT_WIDTH[c.kind])) * digit
    // What the rows hold beats the hint (a hint is sized for a spreadsheet's longest id), but no
    // column may ask for more than a third of the line.
    const wanted = seen?.[i] === undefined ? hinted : Math.min(seen[i] ?? 0, width / 3)
    return Math.max(need[i] ?? 0, wanted + 2 * PAD)
  })
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
  const needed = sum(need)
  const liked = sum(like)
  // Short of room, text gives way first (a cut name still reads; a cut number misleads), then
  // the rest; below every header's longest word, all shrink alike.
  const giveWay = (shrinking: (i: number) => boolean, from: readonly number[], over: number) => {
    const slack = sum(from.map((w, i) => (shrinking(i) ? w - (need[i] ?? 0) : 0)))
    const share = slack > 0 ? Math.min(1, over / slack) : 0
    return {
      widths: from.map((w, i) => (shrinking(i) ? w - (w - (need[i] ?? 0)) * share : w)),
      left: Math.max(0, over - slack),
    }
  }
  let widths: number[]
  if (liked <= width) {
    // A narrow table (the funnel's three columns) grows by half at most, not across the page:
    // a number far from its label reads badly.
    const grow = Math.min(width / liked, 1.5)
    widths = like.map((w) => w * grow)
  } else if (needed < width) {
    const text = giveWay((i) => columns[i]?.kind === 'text', like, liked - width)
    widths = giveWay(() => true, text.widths, text.left).widths
  } else {
    widths = need.map((w) => (w * width) / needed)
  }
  let x = left
  const placed = columns.map((column, i) => {
    const w = widths[i] ?? 0
    const one = { column, x, width: w, right: NUMERIC_KINDS.has(column.kind) }
    x += w
    return one
  })
  return { placed, crowding: liked / width, width: sum(widths) }
}

/** Rows read to size the columns: enough to see the usual values, quick to read twice. */
const SAMPLE_ROWS = 200

/** The widest shown value of each column in the first SAMPLE_ROWS rows (and the totals). */
function widestValues(
  doc: PDFKit.PDFDocument,
  dataset: Dataset,
  format: CellFormatter,
): number[] | undefined {
  if (dataset.rowCount === 0) return undefined
  doc.font(PDF_FONT.table).fontSize(FONT_SIZE)
  const widest = dataset.columns.map(() => 0)
  const measure = (cells: readonly Cell[]): void => {
    dataset.columns.forEach((column, i) => {
      const text = oneLine(format.cell(cells[i] ?? null, column.kind))
      widest[i] = Math.max(widest[i] ?? 0, doc.widthOfString(text))
    })
  }
  const rows = dataset.rows()
  let n = 0
  try {
    for (let next = rows.next(); next.done !== true && n < SAMPLE_ROWS; next = rows.next()) {
      measure(next.value)
      n += 1
    }
  } finally {
    rows.return?.()
  }
  if (dataset.totals !== undefined) measure(dataset.totals)
  return widest
}

/** Text cut to fit `width` at the current font, ending in "…" when cut. */
function fit(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text
  // Binary search on the length: a cell is cut at most ~log2(n) measurements.
  let lo = 0
  let hi = text.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) lo = mid
    else hi = mid - 1
  }
  return `${text.slice(0, lo).trimEnd()}…`
}

/** Text in lines that fit on one line: no tab or line break breaks the row. */
const oneLine = (text: string): string => text.replace(/[\r\n\t\u2028\u2029]+/g, ' ')

export interface TableProgress {
  readonly signal: AbortSignal
  /** Rows of this table drawn so far (or passed over because of the row limit). */
  readonly onRows: (rowsOfThisTable: number) => void
  /** Throws if the output failed or the export was cancelled. */
  readonly check: () => void
}

export interface TableResult {
  readonly drawn: number
  /** Rows the dataset has beyond the ones drawn (the row limit). */
  readonly left: number
}

/** Draws the dataset from the flow's current position, adding pages as it goes. */
export async function drawTable(
  flow: PageFlow,
  dataset: Dataset,
  format: CellFormatter,
  progress: TableProgress,
  limit: number = PDF_TABLE_ROW_LIMIT,
): Promise<TableResult> {
  const doc = flow.doc
  const seen = widestValues(doc, dataset, format)
  doc.font(PDF_FONT.tableBold).fontSize(FONT_SIZE)
  const first = placeColumns(doc, dataset.columns, flow.left, flow.width, seen)
  // A wide table on narrow paper is set smaller (down to MIN_FONT_SIZE) before values are cut.
  const fontSize = Math.max(MIN_FONT_SIZE, FONT_SIZE / Math.max(1, first.crowding))
  doc.fontSize(fontSize)
  const { placed, width: tableWidth } =
    fontSize < FONT_SIZE
      ? placeColumns(
          doc,
          dataset.columns,
          flow.left,
          flow.width,
          seen?.map((w) => (w * fontSize) / FONT_SIZE),
        )
      : first
  // One line of header, or two when a label needs them (then longer ones end in "…").
  const headerLines = placed.some((p) => doc.widthOfString(p.column.label) > p.width - 2 * PAD)
    ? HEADER_LINES
    : 1
  const headerHeight = headerLines * fontSize * 1.25 + 2 * PAD

  const drawHeader = (): void => {
    const y = doc.y
    doc.rect(flow.left, y, tableWidth, headerHeight).fill(PDF_COLOR.tableHeader)
    doc.font(PDF_FONT.tableBold).fontSize(fontSize).fillColor(PDF_COLOR.text)
    for (const p of placed) {
      doc.text(p.column.label, p.x + PAD, y + PAD, {
        width: p.width - 2 * PAD,
        height: headerHeight - 2 * PAD,
        align: p.right ? 'right' : 'left',
        ellipsis: true,
      })
    }
    doc
      .moveTo(flow.left, y + headerHeight)
      .lineTo(flow.left + tableWidth, y + headerHeight)
      .lineWidth(0.75)
      .strokeColor(PDF_COLOR.rule)
      .stroke()
    doc.x = flow.left
    doc.y = y + headerHeight
    doc.font(PDF_FONT.table).fillColor(PDF_COLOR.text)
  }

  const drawRow = (cells: readonly Cell[], index: number, bold: boolean): void => {
    const y = doc.y
    if (index % 2 === 1) doc.rect(flow.left, y, tableWidth, ROW_HEIGHT).fill(PDF_COLOR.zebra)
    doc.font(bold ? PDF_FONT.tableBold : PDF_FONT.table).fillColor(PDF_COLOR.text)
    const baseline = y + (ROW_HEIGHT - fontSize) / 2 - 0.5
    placed.forEach((p, i) => {
      const text = fit(
        doc,
        oneLine(format.cell(cells[i] ?? null, p.column.kind)),
        p.width - 2 * PAD,
      )
      const x = p.right ? p.x + p.width - PAD - doc.widthOfString(text) : p.x + PAD
      // No width: no line wrapping work and no page added by PDFKit; the row is placed by hand.
      doc.text(text, x, baseline, { lineBreak: false })
    })
    doc.x = flow.left
    doc.y = y + ROW_HEIGHT
  }

  // The heading stays with the header and the first rows: never alone at the foot of a page.
  const firstRows = Math.min(Math.max(dataset.rowCount, 1), 4)
  flow.ensure(24 + headerHeight + firstRows * ROW_HEIGHT)
  flow.heading(
    dataset.title,
    `${dataset.rowCount.toLocaleString('en-US')} ${dataset.rowCount === 1 ? 'row' : 'rows'}`,
  )
  if (dataset.columns.length === 0) {
    flow.note('This table has no columns.')
    return { drawn: 0, left: dataset.rowCount }
  }
  drawHeader()
  doc.fontSize(fontSize)

  let drawn = 0
  const rows = dataset.rows()
  let finishedRows = false
  try {
    for (;;) {
      if (drawn >= limit) break
      const next = rows.next()
      if (next.done === true) {
        finishedRows = true
        break
      }
      if (doc.y + ROW_HEIGHT > flow.bottom) {
        flow.newPage()
        flow.caption(`${dataset.title} (continued)`)
        drawHeader()
        doc.fontSize(fontSize)
      }
      drawRow(next.value, drawn, false)
      drawn += 1
      if (drawn % PDF_ROWS_PER_CHUNK === 0) {
        progress.onRows(drawn)
        await turn()
        progress.check()
        doc.font(PDF_FONT.table).fontSize(fontSize)
      }
    }
  } finally {
    // Stopped early (the row limit, a cancel, a failure): the iterator holds a statement over
    // the cache's snapshot, released by return().
    if (!finishedRows) rows.return?.()
  }
  const left = Math.max(0, dataset.rowCount - drawn)
  if (dataset.totals !== undefined && drawn > 0) {
    if (doc.y + ROW_HEIGHT > flow.bottom) {
      flow.newPage()
      flow.caption(`${dataset.title} (continued)`)
      drawHeader()
      doc.fontSize(fontSize)
    }
    doc
      .moveTo(flow.left, doc.y)
      .lineTo(flow.left + tableWidth, doc.y)
      .lineWidth(0.75)
      .strokeColor(PDF_COLOR.rule)
      .stroke()
    drawRow(dataset.totals, 0, true)
  }
  progress.onRows(drawn + left)
  doc.y += 4
  if (drawn === 0) {
    flow.note('No rows for these filters.')
  } else if (left > 0) {
    flow.note(
      `First ${drawn.toLocaleString('en-US')} of ${dataset.rowCount.toLocaleString('en-US')} rows — export CSV or Excel for all.`,
    )
  }
  return { drawn, left }
}

/** One turn of the event loop: lets the core answer calls between chunks of rows. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

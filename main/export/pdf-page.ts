// The PDF report's page furniture and flow: colours, margins, the header band of the first page,
// the running head and "Page 3 of 12" of every page (drawn at the end, when the count is known:
// the document buffers its pages), and a small cursor that adds a page when a block would not fit.
import { PDF_FONT } from './pdf-fonts.ts'

export const PDF_COLOR = {
  band: '#1f2a44',
  bandText: '#ffffff',
  bandMuted: '#c5cee0',
  text: '#1b2333',
  muted: '#5b6780',
  rule: '#c3ccda',
  card: '#f4f6fa',
  cardBorder: '#d5dce7',
  tableHeader: '#e6ebf3',
  zebra: '#f5f7fa',
  accent: '#2f7ae5',
} as const

export const PDF_MARGIN = { top: 50, bottom: 46, left: 42, right: 42 } as const
/** The first page's band, edge to edge. */
export const BAND_HEIGHT = 74

/** Where the next block goes, and a new page when it would not fit. */
export class PageFlow {
  readonly left: number
  readonly width: number
  constructor(readonly doc: PDFKit.PDFDocument) {
    this.left = PDF_MARGIN.left
    this.width = doc.page.width - PDF_MARGIN.left - PDF_MARGIN.right
  }

  /** The lowest y a block may reach on this page. */
  get bottom(): number {
    return this.doc.page.height - PDF_MARGIN.bottom
  }

  /** The height a block may have on a fresh page. */
  get pageSpace(): number {
    return this.doc.page.height - PDF_MARGIN.top - PDF_MARGIN.bottom
  }

  get space(): number {
    return this.bottom - this.doc.y
  }

  newPage(): void {
    this.doc.addPage()
    this.doc.x = this.left
    this.doc.y = PDF_MARGIN.top
  }

  /** A new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.newPage()
  }

  /** A section's small capital label ("KEY FIGURES"). */
  label(text: string): void {
    this.ensure(40)
    this.doc.y += 6
    this.doc
      .font(PDF_FONT.bold)
      .fontSize(7.5)
      .fillColor(PDF_COLOR.muted)
      .text(text.toUpperCase(), this.left, this.doc.y, { characterSpacing: 0.8, width: this.width })
    this.doc.y += 3
    this.doc.font(PDF_FONT.regular).fillColor(PDF_COLOR.text)
  }

  /** A table's or chart's heading, with a quieter aside ("1,234 rows"). */
  heading(text: string, aside?: string): void {
    this.doc.y += 8
    const y = this.doc.y
    this.doc.font(PDF_FONT.bold).fontSize(12).fillColor(PDF_COLOR.text)
    this.doc.text(text, this.left, y, { lineBreak: false })
    if (aside !== undefined) {
      const x = this.left + this.doc.widthOfString(text) + 8
      this.doc
        .font(PDF_FONT.regular)
        .fontSize(9)
        .fillColor(PDF_COLOR.muted)
        .text(aside, x, y + 2.5, { lineBreak: false })
    }
    this.doc.x = this.left
    this.doc.y = y + 19
    this.doc.font(PDF_FONT.regular).fillColor(PDF_COLOR.text)
  }

  /** A quiet line at the top of a continued table. */
  caption(text: string): void {
    this.doc
      .font(PDF_FONT.regular)
      .fontSize(8)
      .fillColor(PDF_COLOR.muted)
      .text(text, this.left, this.doc.y, { lineBreak: false })
    this.doc.x = this.left
    this.doc.y += 13
    this.doc.fillColor(PDF_COLOR.text)
  }

  /** A line of explanation in muted italics-free text, wrapped to the content width. */
  note(text: string): void {
    this.doc.font(PDF_FONT.regular).fontSize(8.5)
    this.ensure(this.doc.heightOfString(text, { width: this.width }) + 4)
    this.doc.fillColor(PDF_COLOR.muted).text(text, this.left, this.doc.y, { width: this.width })
    this.doc.y += 4
    this.doc.fillColor(PDF_COLOR.text)
  }
}

/** The first page's band: the title, and when it was made and of which data. */
export function drawBand(doc: PDFKit.PDFDocument, title: string, subtitle: string): void {
  const width = doc.page.width
  doc.rect(0, 0, width, BAND_HEIGHT).fill(PDF_COLOR.band)
  doc.rect(0, BAND_HEIGHT, width, 3).fill(PDF_COLOR.accent)
  const textWidth = width - PDF_MARGIN.left - PDF_MARGIN.right
  doc
    .font(PDF_FONT.bold)
    .fontSize(19)
    .fillColor(PDF_COLOR.bandText)
    .text(title, PDF_MARGIN.left, 18, {
      width: textWidth,
      height: 26,
      ellipsis: true,
      lineBreak: false,
    })
  doc
    .font(PDF_FONT.regular)
    .fontSize(8.5)
    .fillColor(PDF_COLOR.bandMuted)
    .text(subtitle, PDF_MARGIN.left, 46, { width: textWidth, height: 22, ellipsis: true })
  doc.x = PDF_MARGIN.left
  doc.y = BAND_HEIGHT + 16
  doc.font(PDF_FONT.regular).fillColor(PDF_COLOR.text)
}

/**
 * On every buffered page: "Page n of N" and the report's title at the foot, and on pages after
 * the first a running head. Drawn in the margins, which PDFKit would otherwise treat as the place
 * to start a new page: the text is placed without wrapping, so no page is added.
 */
export async function drawPageFurniture(
  doc: PDFKit.PDFDocument,
  title: string,
  footnote: string,
  between: () => Promise<void>,
): Promise<void> {
  const range = doc.bufferedPageRange()
  const total = range.count
  for (let i = range.start; i < range.start + total; i++) {
    // A few hundred pages take a while: the core answers in between.
    if ((i - range.start) % 25 === 24) await between()
    doc.switchToPage(i)
    const { width, height } = doc.page
    const right = width - PDF_MARGIN.right
    const footY = height - PDF_MARGIN.bottom + 16
    doc
      .moveTo(PDF_MARGIN.left, footY - 6)
      .lineTo(right, footY - 6)
      .lineWidth(0.5)
      .strokeColor(PDF_COLOR.rule)
      .stroke()
    doc.font(PDF_FONT.regular).fontSize(7.5).fillColor(PDF_COLOR.muted)
    const pageText = `Page ${(i - range.start + 1).toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`
    const pageWidth = doc.widthOfString(pageText)
    doc.text(pageText, right - pageWidth, footY, { lineBreak: false })
    doc.text(
      fitLine(doc, footnote, right - PDF_MARGIN.left - pageWidth - 16),
      PDF_MARGIN.left,
      footY,
      {
        lineBreak: false,
      },
    )
    if (i > range.start) {
      doc
        .font(PDF_FONT.bold)
        .fontSize(7.5)
        .fillColor(PDF_COLOR.muted)
        .text(fitLine(doc, title, right - PDF_MARGIN.left), PDF_MARGIN.left, 24, {
          lineBreak: false,
        })
      doc
        .moveTo(PDF_MARGIN.left, 36)
        .lineTo(right, 36)
        .lineWidth(0.5)
        .strokeColor(PDF_COLOR.rule)
        .stroke()
    }
  }
}

/** A line cut to `width` with "…" (titles and footnotes are one line). */
export function fitLine(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text
  let cut = text
  while (cut.length > 1 && doc.widthOfString(`${cut}…`) > width)
    cut = cut.slice(0, Math.floor(cut.length * 0.9))
  return `${cut.trimEnd()}…`
}

// The PDF report (issue 12): what a tab shows for a filter set, on paper. A header band with the
// title, when it was made and of which data; the filters in words and each source's freshness;
// the KPI cards in a grid; each chart as the page drew it (vector, its text still text); then the
// tables, paginated with their header on every page; "Page n of N" at every foot. All text is real
// text in an embedded Unicode font (pdf-fonts.ts), so a report is searchable and copyable in any
// script the font covers. A4 or Letter, portrait or landscape (WriteOptions).
//
// Pages are buffered (the page count is known only at the end, for "of N"); PDF_TABLE_ROW_LIMIT
// bounds the rows per table, so the buffer is bounded too (~200 pages a table).
import { finished } from 'node:stream/promises'
import PDFDocument from 'pdfkit'
import { PDF_TABLE_ROW_LIMIT } from '../../shared/api/index.ts'
import { checkChart, drawChart, svgSize } from './pdf-chart.ts'
import { cellFormatter, usableTimeZone } from './pdf-cells.ts'
import { PDF_FONT, registerReportFonts } from './pdf-fonts.ts'
import {
  PDF_COLOR,
  PDF_MARGIN,
  PageFlow,
  drawBand,
  drawPageFurniture,
  fitLine,
} from './pdf-page.ts'
import { drawTable, turn } from './pdf-table.ts'
import type { ExportWriter, KpiCard, Report, WriteOptions } from './report.ts'

/** Said under the cards when the report carries no chart images. */
export const NO_CHARTS_TEXT =
  'No charts: this report was made without a screen to draw them (from the command line, or with charts off).'

export const writePdf: ExportWriter = async (report, out, options) => {
  const cancelled = (): DOMException => new DOMException('The export was cancelled.', 'AbortError')
  if (options.signal.aborted) throw cancelled()

  let outputError: Error | null = null
  const onOutputError = (error: Error): void => {
    outputError ??= error
  }
  out.on('error', onOutputError)
  const outputDone = finished(out)
  // Observed here; awaited (and so reported) at the end, or left behind on failure.
  outputDone.catch(() => undefined)
  const check = (): void => {
    if (outputError !== null) throw outputError
    if (options.signal.aborted) throw cancelled()
  }

  const doc = new PDFDocument({
    size: options.paper,
    layout: options.orientation,
    margins: PDF_MARGIN,
    bufferPages: true,
    autoFirstPage: false,
    displayTitle: true,
    lang: 'en',
    info: {
      Title: report.title,
      Author: 'Watchfloor',
      Subject: report.filterText.join('; '),
      CreationDate: report.generatedAt,
    },
  })
  doc.pipe(out)
  try {
    registerReportFonts(doc)
    doc.addPage()
    await writeReport(doc, report, options, check)
    check()
    options.onPhase?.('Numbering pages')
    const format = cellFormatter(report.timeZone)
    await drawPageFurniture(
      doc,
      report.title,
      `Watchfloor · generated ${format.instant(report.generatedAt)}`,
      async () => {
        await turn()
        check()
      },
    )
    doc.end()
    await outputDone
    check()
  } catch (error) {
    // The caller deletes the file: stop feeding it, and leave `out` to the caller.
    doc.unpipe(out)
    throw error
  } finally {
    out.off('error', onOutputError)
  }
}

async function writeReport(
  doc: PDFKit.PDFDocument,
  report: Report,
  options: WriteOptions,
  check: () => void,
): Promise<void> {
  const format = cellFormatter(report.timeZone)
  const flow = new PageFlow(doc)
  options.onPhase?.('Writing the summary')

  const zone = usableTimeZone(report.timeZone)
  drawBand(
    doc,
    report.title,
    [
      `Generated ${format.instant(report.generatedAt)}`,
      report.dataAsOf === null ? 'No data yet' : `Data as of ${format.instant(report.dataAsOf)}`,
      `Times in ${zone}`,
    ].join('   ·   '),
  )

  flow.label('Filters')
  paragraph(
    doc,
    flow,
    report.filterText.length === 0 ? 'None: all leads.' : report.filterText.join('   ·   '),
  )
  if (report.sources.length > 0) {
    flow.label('Sources')
    paragraph(
      doc,
      flow,
      report.sources
        .map((s) => {
          const synced =
            s.lastGoodSyncAt === null
              ? 'never synced'
              : `last synced ${format.instant(s.lastGoodSyncAt)}`
          return `${s.name}: ${s.state}, ${synced}${s.lastError === null ? '' : ` (${s.lastError})`}`
        })
        .join('   ·   '),
    )
  }

  if (report.kpis.length > 0) {
    flow.label('Key figures')
    drawCards(doc, flow, report.kpis)
  }

  // The fonts were read and the summary drawn: the core answers before the charts.
  await turn()
  check()
  if (report.charts.length === 0) {
    flow.note(NO_CHARTS_TEXT)
  } else {
    options.onPhase?.('Drawing the charts')
    for (const chart of report.charts) {
      drawChartBlock(doc, flow, chart.title, chart.svg)
      check()
      await turn()
      check()
    }
  }

  let before = 0
  for (const dataset of report.datasets) {
    options.onPhase?.(`Writing ${dataset.title}`)
    const result = await drawTable(
      flow,
      dataset,
      format,
      {
        signal: options.signal,
        check,
        onRows: (rows) => options.onRows(before + rows),
      },
      PDF_TABLE_ROW_LIMIT,
    )
    before += result.drawn + result.left
    check()
  }
}

/** A wrapped paragraph of body text at the flow's position. */
function paragraph(doc: PDFKit.PDFDocument, flow: PageFlow, text: string): void {
  doc.font(PDF_FONT.regular).fontSize(9.5)
  flow.ensure(doc.heightOfString(text, { width: flow.width }))
  doc.fillColor(PDF_COLOR.text).text(text, flow.left, doc.y, { width: flow.width, lineGap: 1.5 })
  doc.y += 4
}

const CARD_HEIGHT = 78
const CARD_GAP = 8

/** The KPI cards in a grid: three across on portrait paper, four on landscape. */
function drawCards(doc: PDFKit.PDFDocument, flow: PageFlow, cards: readonly KpiCard[]): void {
  const across = doc.page.width > doc.page.height ? 4 : 3
  const width = (flow.width - CARD_GAP * (across - 1)) / across
  const inner = width - 20
  for (let i = 0; i < cards.length; i += across) {
    flow.ensure(CARD_HEIGHT)
    const y = doc.y
    cards.slice(i, i + across).forEach((card, j) => {
      const x = flow.left + j * (width + CARD_GAP)
      doc
        .roundedRect(x, y, width, CARD_HEIGHT, 5)
        .fillAndStroke(PDF_COLOR.card, PDF_COLOR.cardBorder)
      doc.rect(x, y + 5, 2.5, CARD_HEIGHT - 10).fill(PDF_COLOR.accent)
      doc.font(PDF_FONT.regular).fontSize(8).fillColor(PDF_COLOR.muted)
      doc.text(fitLine(doc, card.label, inner), x + 10, y + 9, { lineBreak: false })
      doc.font(PDF_FONT.bold).fontSize(17).fillColor(PDF_COLOR.text)
      doc.text(fitLine(doc, card.text, inner), x + 10, y + 21, { lineBreak: false })
      doc.font(PDF_FONT.regular).fontSize(7.5).fillColor(PDF_COLOR.text)
      doc.text(
        fitLine(doc, card.target === null ? 'No target' : `Target: ${card.target}`, inner),
        x + 10,
        y + 44,
        {
          lineBreak: false,
        },
      )
      const basis = `By ${card.basis}${card.note === null ? '' : ` · ${card.note}`}`
      doc.fillColor(PDF_COLOR.muted).text(basis, x + 10, y + 55, {
        width: inner,
        height: CARD_HEIGHT - 58,
        ellipsis: true,
      })
    })
    doc.x = flow.left
    doc.y = y + CARD_HEIGHT + CARD_GAP
  }
  doc.fillColor(PDF_COLOR.text)
}

/** A chart with its title: fitted to the width (or the page's height), or a note in its place. */
function drawChartBlock(doc: PDFKit.PDFDocument, flow: PageFlow, title: string, svg: string): void {
  const size = svgSize(svg)
  // The page's export figure draws the chart's title and filters into the image
  // (renderer/src/lib/chart-export.ts), so the report adds no heading of its own above it.
  const titleHeight = 10
  const maxHeight = flow.pageSpace - titleHeight - 8
  let width = flow.width
  let height = (width * size.height) / size.width
  if (height > maxHeight) {
    height = maxHeight
    width = (height * size.width) / size.height
  }
  const checked = checkChart(svg, width, height)
  if (!checked.ok) {
    flow.ensure(50)
    flow.heading(title)
    flow.note(`This chart could not be drawn: ${checked.reason}. Its numbers are in the tables.`)
    return
  }
  flow.ensure(titleHeight + height)
  doc.y += titleHeight
  const y = doc.y
  const x = flow.left + (flow.width - width) / 2
  try {
    drawChart(doc, svg, { x, y, width, height })
    // The frame after the chart: Plotly paints its background over anything below it.
    doc.rect(x, y, width, height).lineWidth(0.5).strokeColor(PDF_COLOR.cardBorder).stroke()
  } catch {
    // The probe drew it without fault; should the real page still fail, the report goes on.
    doc.y = y
    flow.note('This chart could not be drawn. Its numbers are in the tables.')
  }
  doc.x = flow.left
  doc.y = y + height + 8
}

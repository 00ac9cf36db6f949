// A chart in the PDF report: the SVG the page's Plotly drew (report.charts), drawn as vectors by
// svg-to-pdfkit, so its titles and tick labels stay text. The SVG comes from a page, so it is
// treated as hostile: it may be huge, malformed, reference files or URLs, or carry scripts.
// - Nothing runs: svg-to-pdfkit only draws shapes and text; <script>, event attributes and
//   <foreignObject> are ignored.
// - Nothing is fetched or read: `<image>` may only be an inline PNG or JPEG (`data:`); any other
//   href (a path, file:, http:) becomes an empty image that fails to open (by default the library
//   would read a path from DISK). `<use>` of another document is off (no documentCallback), and
//   links (`<a href>`) are dropped from the page.
// - Bounded work: at most CHART_BOUNDS.maxChars characters and maxElements elements, PNGs of at
//   most maxImagePixels, and at most maxContentBytes of drawing operators — the last catches a
//   small file that expands ("billion laughs"); the probe also stops after maxProbeMs. `<use>`
//   is refused outright (see checkChart).
// - A chart that fails any of this, or that the library cannot parse or throws on, is drawn first
//   into a throwaway document (a probe), so a failure halfway leaves nothing on the real page: the
//   report shows a one-line note in its place and goes on.
import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import { MAX_CHART_SVG_CHARS } from '../../shared/api/index.ts'
import { PDF_FONT, registerReportFonts } from './pdf-fonts.ts'

export const CHART_BOUNDS = {
  maxChars: MAX_CHART_SVG_CHARS,
  /** Plotly draws a chart in hundreds to a few thousand elements; a 10k-point scatter ~10k. */
  maxElements: 100_000,
  /** Decoded size of one embedded PNG (a heat map's raster): 4,000 × 4,000. */
  maxImagePixels: 16_000_000,
  /** Drawing operators one chart may produce (a busy Plotly chart makes well under 1 MB). */
  maxContentBytes: 16 * 1024 * 1024,
  /** Time the probe may draw for (the core's thread is busy meanwhile): a Plotly chart takes ~50 ms. */
  maxProbeMs: 5_000,
} as const

/** The chart's own size in SVG units, from its width/height or viewBox (Plotly's 1200 × 700 otherwise). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/i.exec(svg.slice(0, 4096))?.[0] ?? ''
  const attr = (name: string): number => {
    const value = new RegExp(`\\s${name}\\s*=\\s*["']\\s*([0-9.]+)(?:px)?\\s*["']`, 'i').exec(root)
    return value?.[1] === undefined ? NaN : Number(value[1])
  }
  let width = attr('width')
  let height = attr('height')
  const viewBox = /\sviewBox\s*=\s*["']([^"']*)["']/i
    .exec(root)?.[1]
    ?.trim()
    .split(/[\s,]+/)
  if (!(width > 0 && height > 0) && viewBox?.length === 4) {
    width = Number(viewBox[2])
    height = Number(viewBox[3])
  }
  return width > 0 && height > 0 && Number.isFinite(width / height)
    ? { width, height }
    : { width: 1200, height: 700 }
}

const EMPTY_IMAGE = 'data:image/png;base64,'

/** An inline PNG or JPEG within bounds, or an href that opens nothing. */
export function safeImageHref(href: string): string {
  const link = href.replace(/\s+/g, '')
  const match = /^data:image\/(png|jpeg|jpg);base64,([A-Za-z0-9+/=]+)$/i.exec(link)
  if (match === null) return EMPTY_IMAGE
  if (match[1]?.toLowerCase() === 'png') {
    // PDFKit decodes a PNG with transparency in full: read its size from the header (IHDR) first.
    const head = Buffer.from((match[2] ?? '').slice(0, 44), 'base64')
    if (head.length < 24) return EMPTY_IMAGE
    const pixels = head.readUInt32BE(16) * head.readUInt32BE(20)
    if (!(pixels > 0 && pixels <= CHART_BOUNDS.maxImagePixels)) return EMPTY_IMAGE
  }
  // A JPEG is embedded as it is (DCTDecode): PDFKit never decodes it.
  return link
}

/**
 * Warnings that mean the SVG was not read as written: a parse error, or tags that do not close
 * (the library would draw what it guessed, often nothing). A duplicate attribute or text after
 * the end is harmless.
 */
const UNREADABLE =
  /parseXml: (?!duplicate attribute|data after document end)|does not look like a valid SVG|can't be rendered directly/

function drawOptions(width: number, height: number, warnings: string[]): SVGtoPDF.Options {
  return {
    width,
    height,
    preserveAspectRatio: 'xMidYMid meet',
    warningCallback: (message) => {
      if (warnings.length < 20) warnings.push(message)
    },
    // Every family is the report's font: chart text of any script reads, and no font is opened
    // by a name the SVG chose.
    fontCallback: (_family, bold) => (bold ? PDF_FONT.bold : PDF_FONT.regular),
    imageCallback: safeImageHref,
  }
}

export type ChartCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** Why this SVG will not be drawn, or ok: the bounds, then a draw into a throwaway document. */
export function checkChart(svg: string, width: number, height: number): ChartCheck {
  if (svg.length > CHART_BOUNDS.maxChars) {
    return {
      ok: false,
      reason: `it is larger than ${CHART_BOUNDS.maxChars.toLocaleString('en-US')} characters`,
    }
  }
  if (!/<svg[\s>]/i.test(svg)) return { ok: false, reason: 'it is not an SVG image' }
  let elements = 0
  for (let i = svg.indexOf('<'); i !== -1; i = svg.indexOf('<', i + 1)) {
    if (++elements > CHART_BOUNDS.maxElements) {
      return {
        ok: false,
        reason: `it has more than ${CHART_BOUNDS.maxElements.toLocaleString('en-US')} elements`,
      }
    }
  }
  // svg-to-pdfkit builds what a <use> points to when it reads it, before drawing anything, so
  // nested <use> grows exponentially where no drawing budget can see it. Plotly never writes one.
  if (/<(?:[\w-]+:)?use[\s/>]/i.test(svg)) {
    return { ok: false, reason: 'it has <use> references, which the report does not expand' }
  }
  const probe = new PDFDocument({ autoFirstPage: true, compress: false })
  registerReportFonts(probe)
  let budget = CHART_BOUNDS.maxContentBytes
  const addContent = probe.addContent.bind(probe)
  const deadline = performance.now() + CHART_BOUNDS.maxProbeMs
  probe.addContent = (data: unknown) => {
    budget -= typeof data === 'string' ? data.length : 64
    if (budget < 0 || performance.now() > deadline) throw new ChartTooComplex()
    return addContent(data)
  }
  const warnings: string[] = []
  try {
    SVGtoPDF(probe, svg, 0, 0, drawOptions(width, height, warnings))
  } catch (error) {
    return {
      ok: false,
      reason:
        error instanceof ChartTooComplex
          ? 'it is too complex to draw (over 16 MB of drawing or 5 s)'
          : error instanceof RangeError
            ? 'it is nested too deeply to read'
            : 'the drawing library could not draw it',
    }
  }
  if (warnings.some((w) => UNREADABLE.test(w))) {
    return { ok: false, reason: 'it is not a well-formed SVG image' }
  }
  return { ok: true }
}

class ChartTooComplex extends Error {}

/**
 * Draws a checked chart at (x, y) fitted into width × height points. Returns the library's
 * warnings (elements it skipped), for tests and logs; they never stop the report.
 */
export function drawChart(
  doc: PDFKit.PDFDocument,
  svg: string,
  box: { x: number; y: number; width: number; height: number },
): string[] {
  const warnings: string[] = []
  // A link in a chart would take the reader to wherever the SVG said: a report has none. The
  // library writes a link's object at once and adds it to the page at the end, so the link's
  // action is dropped as it is made (no URL reaches the file) and the page does not keep it.
  const annotations = doc.page.annotations as unknown[]
  const linksBefore = annotations.length
  const ref = doc.ref.bind(doc)
  doc.ref = (data?: Record<string, unknown>) => {
    if (data?.Subtype === 'Link') {
      return ref(Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'A')))
    }
    return ref(data ?? {})
  }
  try {
    SVGtoPDF(doc, svg, box.x, box.y, drawOptions(box.width, box.height, warnings))
  } finally {
    doc.ref = ref
    annotations.splice(linksBefore)
  }
  doc.font(PDF_FONT.regular)
  return warnings
}

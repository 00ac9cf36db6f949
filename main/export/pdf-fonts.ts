// The PDF report's fonts. PDFKit's built-in Helvetica covers WinAnsi only: a lead named "Łódź",
// "Ελένη" or "דוד" would come out as wrong glyphs and wrong copied text. DejaVu (the
// `dejavu-fonts-ttf` package, a runtime dependency for this reason alone) covers Latin, Greek,
// Cyrillic, Hebrew, Arabic, Armenian, Georgian and many symbols; PDFKit embeds only the glyphs a
// report uses (a subset), so a report grows by tens of kilobytes, not megabytes. It is read from
// node_modules, never from the system's fonts, which the app's users may not have.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** The names the report's fonts are registered under in a document. */
export const PDF_FONT = {
  regular: 'Report',
  bold: 'Report-Bold',
  /** Tables: condensed, so more columns fit on a line and values are cut less often. */
  table: 'Report-Condensed',
  tableBold: 'Report-Condensed-Bold',
} as const

const FILES: Readonly<Record<keyof typeof PDF_FONT, string>> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  table: 'DejaVuSansCondensed.ttf',
  tableBold: 'DejaVuSansCondensed-Bold.ttf',
}

let loaded: Readonly<Record<keyof typeof PDF_FONT, Buffer>> | null = null

/** The font files, read once per process (about 2.8 MB; each report embeds a subset). */
function fontFiles(): Readonly<Record<keyof typeof PDF_FONT, Buffer>> {
  if (loaded === null) {
    const require = createRequire(import.meta.url)
    const read = (file: string): Buffer =>
      readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`))
    loaded = {
      regular: read(FILES.regular),
      bold: read(FILES.bold),
      table: read(FILES.table),
      tableBold: read(FILES.tableBold),
    }
  }
  return loaded
}

/** Registers the report's fonts in `doc` and makes the regular one current. */
export function registerReportFonts(doc: PDFKit.PDFDocument): void {
  const files = fontFiles()
  for (const key of Object.keys(PDF_FONT) as (keyof typeof PDF_FONT)[]) {
    doc.registerFont(PDF_FONT[key], files[key])
  }
  doc.font(PDF_FONT.regular)
}

// svg-to-pdfkit ships no types: the part of its API the PDF report uses (main/export/pdf-chart.ts),
// as its source.js (0.1.8) reads its options.
declare module 'svg-to-pdfkit' {
  namespace SVGtoPDF {
    interface FontOptions {
      fauxBold: boolean
      fauxItalic: boolean
    }

    interface Options {
      /** The drawn size in points; the SVG's viewBox is fitted into it. */
      width?: number
      height?: number
      preserveAspectRatio?: string
      /** SVG sizes are points rather than CSS pixels (1 px = 0.75 pt). */
      assumePt?: boolean
      precision?: number
      /** Told of every element it cannot draw or parse; by default it logs with console.warn. */
      warningCallback?: (message: string) => void
      /** Maps a CSS font family to a font registered in the document (or a standard font's name). */
      fontCallback?: (
        family: string,
        bold: boolean,
        italic: boolean,
        options: FontOptions,
      ) => string
      /**
       * Maps an `<image>` href to what PDFKit's openImage receives. By default the href as it is:
       * a file path is READ FROM DISK, so a writer must always pass its own.
       */
      imageCallback?: (href: string) => string
      /** Loads another SVG document for `<use href="other.svg#id">`; none when absent. */
      documentCallback?: (file: string) => unknown
      colorCallback?: (
        color: [[number, number, number], number],
        raw: string,
      ) => [[number, number, number], number]
    }
  }

  function SVGtoPDF(
    doc: PDFKit.PDFDocument,
    svg: string,
    x?: number,
    y?: number,
    options?: SVGtoPDF.Options,
  ): void

  export = SVGtoPDF
}

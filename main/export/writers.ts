// Each export format's writer, named once: the job (job.ts) asks here for the
// writer of a request's format and knows nothing of how any format is written.
import type { ExportFormat } from '../../shared/api/index.ts'
import { writeCsv } from './csv.ts'
import { writeJson } from './json.ts'
import { writePdf } from './pdf.ts'
import type { ExportWriter } from './report.ts'
import { writeXlsx } from './xlsx.ts'

/** Every format's writer: a format added to EXPORT_FORMATS without one does not compile. */
export const EXPORT_WRITERS: Readonly<Record<ExportFormat, ExportWriter>> = {
  csv: writeCsv,
  json: writeJson,
  xlsx: writeXlsx,
  pdf: writePdf,
}

export const writerFor = (format: ExportFormat): ExportWriter => EXPORT_WRITERS[format]

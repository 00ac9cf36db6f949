// Each export format's writer, named once: the job (job.ts) asks here for the
// writer of a request's format and knows nothing of how any format is written.
import { EXPORT_FORMAT_TEXT, type ExportFormat } from '../../shared/api/index.ts'
import { writeCsv } from './csv.ts'
import { writeJson } from './json.ts'
import type { ExportWriter } from './report.ts'
import { writeXlsx } from './xlsx.ts'

/** The formats whose writers have landed; the rest are refused with a sentence. */
export const EXPORT_WRITERS: Readonly<Partial<Record<ExportFormat, ExportWriter>>> = {
  csv: writeCsv,
  json: writeJson,
  xlsx: writeXlsx,
}

/** The writer of `format`; throws a sentence when this build has none. */
export function writerFor(format: ExportFormat): ExportWriter {
  const writer = EXPORT_WRITERS[format]
  if (!writer)
    throw new Error(`${EXPORT_FORMAT_TEXT[format].label} exports are not available in this build.`)
  return writer
}

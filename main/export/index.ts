// The export folder's public face (issue 12): the core's export service, the
// runner the CLI calls, and what the hosts need to find a finished download.
export {
  EXPORT_KEEP_MS,
  MAX_RUNNING_EXPORTS,
  ExportCancelled,
  ExportFailed,
  createExportService,
  createJobProgress,
  exportFileName,
  failureSentence,
  runExport,
  writeExportFile,
  type ExportProgress,
  type ExportResult,
  type ExportService,
  type RunExportOptions,
} from './job.ts'
export { attachmentDisposition, defaultExportsDir, downloadPath } from './downloads.ts'
export { EXPORT_WRITERS, writerFor } from './writers.ts'
export type { Report, ExportWriter } from './report.ts'

// Where a core keeps finished exports until they are downloaded (browser
// host) or saved (Electron): named once, for the core that writes them and
// the host and shell that hand them over. Kept free of the store and the
// writers, so the Electron main process and the host import only this.
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { EXPORT_FORMAT_TEXT, type ExportJob } from '../../shared/api/exports.ts'

/** `<dir>/<id>.<ext>`: an id is [a-z0-9-] only (exportIdSchema), so it cannot leave the folder. */
export function downloadPath(dir: string, job: Pick<ExportJob, 'id' | 'format'>): string {
  return join(dir, `${job.id}.${EXPORT_FORMAT_TEXT[job.format].extension}`)
}

/**
 * The folder a core keeps finished downloads in when none is configured: beside the cache file
 * (`cache.sqlite-exports`), on the same disk as the data it reports; an in-memory cache's in
 * the temporary folder, per process.
 */
export function defaultExportsDir(dbPath: string): string {
  if (dbPath === ':memory:' || dbPath === '')
    return join(tmpdir(), `watchfloor-exports-${process.pid}`)
  return `${resolve(dbPath)}-exports`
}

/** `Content-Disposition: attachment` for `fileName`, with an ASCII fallback (RFC 6266). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}

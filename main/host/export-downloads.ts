// GET /exports/<id> (issue 12): the browser host hands a finished export to
// the page that asked for it, as a download. The page never names a path:
// the id is the job's (a random UUID), the core says whether it is done and
// what it is called, and the file is read from the core's downloads folder.
// Guarded like the api (Host, Origin, the session cookie) and, like
// export.start, only for an admin (shared/api/roles.ts): a viewer's wall
// screen gets the admin sentence. A file that was downloaded whole is deleted; an interrupted
// download keeps it for another try until the core's retention ends.
import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { SECURITY_HEADERS } from '../../shared/api/content-security.ts'
import { EXPORT_FORMAT_TEXT, exportIdSchema, exportJobSchema } from '../../shared/api/exports.ts'
import type { ApiResult } from '../../shared/api/errors.ts'
import { EXPORT_ADMIN_ONLY_MESSAGE, METHOD_ROLES, roleAllows } from '../../shared/api/roles.ts'
import { attachmentDisposition, downloadPath } from '../export/downloads.ts'
import type { Access } from './access.ts'

/** The path a finished export is served at; the rest of the path is its id. */
export const EXPORTS_PATH = '/exports/'

export interface ExportDownloads {
  /** The core's downloads folder (CoreConfig.exportsDir); without it nothing is served. */
  readonly dir: string | undefined
  /** A call into the core as `caller` (the download's session: the core checks it again). */
  readonly invoke: (method: unknown, input: unknown, caller: unknown) => Promise<ApiResult<unknown>>
  readonly log: (line: string) => void
}

function answer(res: ServerResponse, status: number, reason: string): void {
  res
    .writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    })
    .end(`${reason}\n`)
}

/** Serves GET (or HEAD) /exports/<id>; every refusal is a status and a sentence. */
export async function serveExportDownload(
  req: IncomingMessage,
  res: ServerResponse,
  access: Access,
  downloads: ExportDownloads,
): Promise<void> {
  const admitted = access.checkDownload(req)
  if (admitted.kind === 'refuse') return answer(res, admitted.status, admitted.reason)
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (!roleAllows(admitted.caller.role, METHOD_ROLES['export.status'])) {
    // Asked of the core all the same: it refuses too, and writes the refusal to the audit log.
    const refused = await downloads.invoke(
      'export.status',
      { id: url.pathname.slice(EXPORTS_PATH.length, EXPORTS_PATH.length + 80) },
      admitted.caller,
    )
    return answer(res, 403, refused.ok ? EXPORT_ADMIN_ONLY_MESSAGE : refused.error.message)
  }
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return answer(res, 405, 'Exports are fetched with GET.')
  const id = exportIdSchema.safeParse(decodeURIComponent(url.pathname.slice(EXPORTS_PATH.length)))
  if (!id.success || downloads.dir === undefined)
    return answer(res, 404, 'There is no such export.')
  const result = await downloads.invoke('export.status', { id: id.data }, admitted.caller)
  const job = result.ok ? exportJobSchema.safeParse(result.value) : null
  if (!job?.success)
    return answer(res, 404, result.ok ? 'There is no such export.' : result.error.message)
  if (job.data.state !== 'done')
    return answer(
      res,
      409,
      `The export is ${job.data.state}, not finished; there is nothing to download.`,
    )
  const file = downloadPath(downloads.dir, job.data)
  let bytes: number
  try {
    bytes = (await stat(file)).size
  } catch {
    return answer(
      res,
      410,
      'This export was already downloaded, or kept past its time and deleted; export it again.',
    )
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': EXPORT_FORMAT_TEXT[job.data.format].mime,
    'content-length': String(bytes),
    'content-disposition': attachmentDisposition(job.data.fileName),
    'cache-control': 'no-store',
  })
  if (req.method === 'HEAD') return void res.end()
  try {
    await pipeline(createReadStream(file), res)
  } catch (error) {
    // The browser went away mid-download: the file stays for another try.
    downloads.log(`export ${id.data}: download interrupted (${(error as Error).message})`)
    return
  }
  // Downloaded whole: the copy in the downloads folder has done its job.
  await rm(file, { force: true })
}

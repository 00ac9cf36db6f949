// Saving a finished export in the desktop app (issue 12). The page asks with
// the job's id only; this main-process handler asks the core for the job,
// shows the native save dialog, and moves the core's finished file where the
// person chose: copied under a temporary name in that folder (the core's
// downloads folder may be on another disk, where a rename cannot go), then
// renamed, so the chosen name never holds a partial file and a file already
// there is replaced only by a whole one. The renderer never names a path.
//
// Written against structural stand-ins for ipcMain and the dialog (STYLE.md,
// "Inject the platform"), so it is tested without Electron.
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { ExportDelivery } from '../../shared/api/contract.ts'
import type { ApiResult } from '../../shared/api/errors.ts'
import {
  EXPORT_FORMAT_TEXT,
  exportIdSchema,
  exportJobSchema,
  type ExportJob,
} from '../../shared/api/exports.ts'
import { IPC_SAVE_EXPORT } from '../../shared/api/ipc-channels.ts'
import { downloadPath } from '../export/downloads.ts'
import { fileProblem } from '../export/file-problems.ts'
import type { IpcMainLike } from './ipc.ts'
import { isTrustedSender } from './security-policy.ts'

/** What the save dialog is asked: Electron's SaveDialogOptions, the part we use. */
export interface SaveDialogRequest {
  readonly title: string
  readonly defaultPath: string
  readonly filters: readonly { readonly name: string; readonly extensions: string[] }[]
}

export interface ExportSaveDeps {
  readonly invoke: (method: unknown, input: unknown) => Promise<ApiResult<unknown>>
  /** The core's downloads folder (CoreConfig.exportsDir). */
  readonly exportsDir: string
  /** Our own pages (security-policy.ts ownPageCheck); the sender must be one's top frame. */
  readonly isTrustedUrl: (url: string) => boolean
  /** The native save dialog, modal to the window: the chosen path, or null when cancelled. */
  readonly showSaveDialog: (request: SaveDialogRequest) => Promise<string | null>
  /** Where the dialog opens: the user's Downloads folder. */
  readonly defaultFolder: () => string
  readonly log?: (line: string) => void
}

/**
 * Copies `source` to `target` through a temporary file beside `target`, then removes `source`.
 * Resolves with a sentence on failure (nothing left behind), null on success.
 */
export async function placeFinishedFile(source: string, target: string): Promise<string | null> {
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(6).toString('hex')}.part`,
  )
  try {
    if ((await stat(target).catch(() => null))?.isDirectory())
      return fileProblem({ code: 'EISDIR' }, target)
    await copyFile(source, temporary, constants.COPYFILE_EXCL)
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {})
    return fileProblem(error, target) ?? `Cannot save ${target}: ${(error as Error).message}`
  }
  // Saved: the core's copy has done its job (its retention would delete it later anyway).
  await rm(source, { force: true }).catch(() => {})
  return null
}

async function finishedJob(deps: ExportSaveDeps, id: unknown): Promise<ExportJob | ExportDelivery> {
  const parsed = exportIdSchema.safeParse(id)
  if (!parsed.success) return { saved: false, message: 'There is no such export.' }
  const result = await deps.invoke('export.status', { id: parsed.data })
  if (!result.ok) return { saved: false, message: result.error.message }
  const job = exportJobSchema.safeParse(result.value)
  if (!job.success) return { saved: false, message: 'There is no such export.' }
  if (job.data.state !== 'done')
    return { saved: false, message: 'The export has not finished; there is nothing to save yet.' }
  return job.data
}

/** Serves the page's deliverExport: the native save dialog, then the file where it said. */
export async function saveExport(deps: ExportSaveDeps, id: unknown): Promise<ExportDelivery> {
  const job = await finishedJob(deps, id)
  if ('saved' in job) return job
  const source = downloadPath(deps.exportsDir, job)
  if (!(await stat(source).catch(() => null)))
    return {
      saved: false,
      message: 'This export was already saved, or kept past its time and deleted; export it again.',
    }
  const format = EXPORT_FORMAT_TEXT[job.format]
  const target = await deps.showSaveDialog({
    title: 'Save the export',
    defaultPath: join(deps.defaultFolder(), job.fileName),
    filters: [{ name: format.label, extensions: [format.extension] }],
  })
  if (target === null) return { saved: false }
  const problem = await placeFinishedFile(source, target)
  if (problem) {
    deps.log?.(`export ${job.id}: not saved: ${problem}`)
    return { saved: false, message: problem }
  }
  return { saved: true, message: `Saved to ${target}.` }
}

/** Wires IPC_SAVE_EXPORT; calls from any frame but our own page are refused. */
export function registerExportSave(ipcMain: IpcMainLike, deps: ExportSaveDeps): () => void {
  ipcMain.handle(IPC_SAVE_EXPORT, async (event, id): Promise<ExportDelivery> => {
    if (!isTrustedSender(event.senderFrame, deps.isTrustedUrl))
      return { saved: false, message: 'Saves are accepted only from the Watchfloor window.' }
    return saveExport(deps, id)
  })
  return () => ipcMain.removeHandler(IPC_SAVE_EXPORT)
}

// The desktop app's save of a finished export (main/electron/export-save.ts)
// against a real core process: registered on a structural ipcMain (no
// Electron here), the page's call carries only the job id, the save dialog
// (the one platform stand-in: Electron's, modal in the real app) names the
// path, and the core's file lands there whole — or, on a refusal, a cancel
// or an unwritable folder, nowhere, with the core's copy kept.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import type { IpcEventLike, IpcMainLike } from '../../main/electron/ipc.ts'
import { registerExportSave, type SaveDialogRequest } from '../../main/electron/export-save.ts'
import { IPC_SAVE_EXPORT } from '../../shared/api/ipc-channels.ts'
import type { ExportDelivery, ExportJob, ExportStart } from '../../shared/api/index.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const temp = tempDir('watchfloor-export-save-')
const dbPath = join(temp.dir, 'cache.sqlite')
const exportsDir = join(temp.dir, 'core-exports')
const downloads = join(temp.dir, 'Downloads')
const PAGE = 'file:///app/out/renderer/index.html'
let core: CoreClient
const jobs: ExportJob[] = []

/** What the dialog will answer next, and what it was asked. */
let choose: (request: SaveDialogRequest) => string | null = () => null
const asked: SaveDialogRequest[] = []

/** ipcMain as the shell uses it: one handler per channel, called with the sender's frame. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>()
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  }
  const invoke = (url: string, ...args: unknown[]) =>
    handlers.get(IPC_SAVE_EXPORT)?.({ senderFrame: { url } }, ...args) as Promise<ExportDelivery>
  return { ipcMain, invoke, handlers }
}

const ipc = fakeIpcMain()

async function finishedExport(): Promise<ExportJob> {
  const request: ExportStart = {
    view: 'funnel',
    format: 'csv',
    filters: { range: { preset: 'last90', timeZone: 'Europe/London' } },
  }
  const started = await core.invoke('export.start', request)
  if (!started.ok) throw new Error(started.error.message)
  const { id } = started.value as ExportJob
  return until(`export ${id}`, () => jobs.find((j) => j.id === id && j.state === 'done'))
}

beforeAll(async () => {
  mkdirSync(downloads)
  core = await spawnCore({
    dbPath,
    demo: { leads: 2_000, seed: 3 },
    version: 'test',
    exportsDir,
    watchIntervalMs: 60_000,
  })
  core.onEvent((name, payload) => {
    if (name === 'export.progress') jobs.push(payload as ExportJob)
  })
  registerExportSave(ipc.ipcMain, {
    invoke: (method, input) => core.invoke(method, input),
    exportsDir,
    isTrustedUrl: (url) => url === PAGE,
    showSaveDialog: (request) => {
      asked.push(request)
      return Promise.resolve(choose(request))
    },
    defaultFolder: () => downloads,
  })
}, 120_000)

afterAll(async () => {
  await core?.close()
  temp.cleanup()
})

describe('saving an export in the desktop app', () => {
  it('asks the native dialog with the job’s name and moves the whole file where it says', async () => {
    const job = await finishedExport()
    const written = readFileSync(join(exportsDir, `${job.id}.csv`), 'utf8')
    const target = join(downloads, 'my funnel.csv')
    writeFileSync(target, 'an older report')
    choose = () => target
    expect(await ipc.invoke(PAGE, job.id)).toEqual({ saved: true, message: `Saved to ${target}.` })
    expect(asked.at(-1)).toEqual({
      title: 'Save the export',
      defaultPath: join(downloads, job.fileName),
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    })
    expect(readFileSync(target, 'utf8')).toBe(written)
    expect(readdirSync(downloads).sort()).toEqual(['my funnel.csv'])
    // Saved: the core's copy is gone, and a second save says why there is nothing to save.
    expect(readdirSync(exportsDir)).toEqual([])
    const again = await ipc.invoke(PAGE, job.id)
    expect(again.saved).toBe(false)
    expect(again.message).toMatch(/already saved/)
  })

  it('keeps the core’s copy when the dialog is cancelled or the folder cannot be written', async () => {
    const job = await finishedExport()
    choose = () => null
    expect(await ipc.invoke(PAGE, job.id)).toEqual({ saved: false })
    const missing = join(temp.dir, 'gone', 'r.csv')
    choose = () => missing
    const refused = await ipc.invoke(PAGE, job.id)
    expect(refused.saved).toBe(false)
    expect(refused.message).toMatch(/Cannot write .*gone\/r\.csv: the folder .*gone does not exist/)
    const aFolder = join(downloads, 'a-folder.csv')
    mkdirSync(aFolder)
    choose = () => aFolder
    expect((await ipc.invoke(PAGE, job.id)).message).toMatch(/it is a folder/)
    expect(readdirSync(aFolder)).toEqual([])
    expect(readdirSync(exportsDir)).toEqual([`${job.id}.csv`])
  })

  it('refuses another frame, a malformed id and an unknown one without a dialog', async () => {
    const job = await finishedExport()
    const before = asked.length
    expect(await ipc.invoke('https://evil.example/', job.id)).toEqual({
      saved: false,
      message: 'Saves are accepted only from the Watchfloor window.',
    })
    expect(await ipc.invoke(PAGE, '../../etc/passwd')).toEqual({
      saved: false,
      message: 'There is no such export.',
    })
    const unknown = await ipc.invoke(PAGE, '00000000-0000-4000-8000-000000000000')
    expect(unknown.saved).toBe(false)
    expect(unknown.message).toMatch(/^There is no export 00000000-/)
    expect(asked.length).toBe(before)
    expect([...ipc.handlers.keys()]).toEqual([IPC_SAVE_EXPORT])
  })
})

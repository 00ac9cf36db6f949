// The Electron shell: windows, IPC wiring and the core's utilityProcess.
// Everything else lives in the plain-Node core under main/.
import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { IPC_EVENT } from '../shared/api/ipc-channels.ts'
import { eventSchemas, type AppStatus, type MethodOutput } from '../shared/api/contract.ts'
import { unwrap, type ApiResult } from '../shared/api/errors.ts'
import { defaultExportsDir } from './export/downloads.ts'
import { forkCore } from './electron/core-utility.ts'
import { registerExportSave } from './electron/export-save.ts'
import { loadAppProfile } from './electron/credentials.ts'
import { registerApiIpc, trustedUrlCheck } from './electron/ipc.ts'
import { createMainWindow, rendererFileFrom } from './electron/window.ts'
import { createAlertNotifier } from './electron/notifications.ts'
import { createAlertTray } from './electron/tray.ts'
import { urlWithView } from './electron/tray-model.ts'

const outMain = import.meta.dirname
const devServerUrl = process.env.ELECTRON_RENDERER_URL

// better-sqlite3 for Electron's ABI is built apart from the Node one (README,
// "Two ABIs"); the core loads it through nativeBinding when present.
const electronBinding = join(outMain, '..', 'native', 'better_sqlite3.node')

async function main(): Promise<void> {
  await app.whenReady()
  const log = (line: string) => console.log(line)
  // Credentials stay in the main process and the core, encrypted at rest.
  const upstream = loadAppProfile(
    safeStorage,
    join(app.getPath('userData'), 'profile.enc'),
    process.env.WATCHFLOOR_PROFILE,
    log,
  )
  const dbPath = process.env.WATCHFLOOR_DB ?? join(app.getPath('userData'), 'cache.sqlite')
  // The core writes finished exports here; the save dialog's handler moves them out.
  const exportsDir = defaultExportsDir(dbPath)
  const core = await forkCore(
    join(outMain, 'core.js'),
    {
      dbPath,
      exportsDir,
      demo: upstream ? null : { leads: 100_000, seed: 42 },
      ...(upstream ? { upstream } : {}),
      version: app.getVersion(),
      ...(existsSync(electronBinding) ? { nativeBinding: electronBinding } : {}),
    },
    log,
  )
  const rendererFile = rendererFileFrom(outMain)
  registerApiIpc(
    ipcMain,
    (method, input) => core.invoke(method, input),
    trustedUrlCheck(rendererFile, devServerUrl),
  )
  const win = createMainWindow({
    preload: join(outMain, '..', 'preload', 'index.cjs'),
    rendererFile,
    ...(devServerUrl ? { devServerUrl } : {}),
  })
  registerExportSave(ipcMain, {
    invoke: (method, input) => core.invoke(method, input),
    exportsDir,
    isTrustedUrl: trustedUrlCheck(rendererFile, devServerUrl),
    showSaveDialog: async (request) => {
      const chosen = await dialog.showSaveDialog(win, {
        ...request,
        filters: [...request.filters],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      })
      return chosen.canceled || !chosen.filePath ? null : chosen.filePath
    },
    defaultFolder: () => app.getPath('downloads'),
    log,
  })
  core.onEvent((name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload)
  })
  // Alerts reach people through the tray and OS notifications (issue 13); both show only what
  // the core answers. A click shows the window, on the alert's tab when it names one.
  const showWindow = (view: string | null) => {
    if (win.isDestroyed()) return
    if (view !== null) void win.loadURL(urlWithView(win.webContents.getURL(), view))
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }
  const notifier = createAlertNotifier({ open: showWindow, log })
  const tray = createAlertTray(
    join(app.getAppPath(), 'resources'),
    {
      activeAlerts: async () => {
        const active = unwrap(
          (await core.invoke('alerts.active', {})) as ApiResult<MethodOutput<'alerts.active'>>,
        )
        notifier.update(active.alerts)
        return active
      },
      sources: async () =>
        unwrap((await core.invoke('app.status', {})) as ApiResult<AppStatus>).sources,
      acknowledgeAll: async () => {
        unwrap(await core.invoke('alerts.acknowledgeAll', {}))
      },
    },
    { open: showWindow, quit: () => void core.close().finally(() => app.quit()) },
    log,
  )
  core.onEvent((name, payload) => {
    if (name === 'alerts.changed') {
      const active = eventSchemas['alerts.changed'].safeParse(payload)
      if (active.success) notifier.update(active.data.alerts)
      void tray.refresh()
    } else if (name === 'data.changed') void tray.refresh() // a source may have gone offline
  })
  void tray.refresh()
  app.on('window-all-closed', () => {
    void core.close().finally(() => app.quit())
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) app.relaunch()
  })
}

main().catch((error: unknown) => {
  console.error(`Watchfloor could not start: ${(error as Error).message}`)
  app.exit(1)
})

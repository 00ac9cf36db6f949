// The Electron shell: the app's protocol and security policy, windows, menu, tray, IPC wiring
// and the core's utilityProcess. Every decision lives in a pure module of main/electron/
// (tested under Node); this file hands Electron's objects to them. Everything else lives in
// the plain-Node core under main/.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  nativeTheme,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { IPC_EVENT } from '../shared/api/ipc-channels.ts'
import {
  eventSchemas,
  type AppStatus,
  type EventName,
  type MethodOutput,
} from '../shared/api/contract.ts'
import { unwrap, type ApiResult } from '../shared/api/errors.ts'
import { defaultExportsDir } from './export/downloads.ts'
import { serveAppRequest } from './electron/app-files.ts'
import { aboutText, type MenuCommand } from './electron/app-menu-model.ts'
import { setAppMenu } from './electron/app-menu.ts'
import { forkCore } from './electron/core-utility.ts'
import { ALLOW_BASIC_TEXT_ENV, keychainState, loadAppProfile } from './electron/credentials.ts'
import { registerExportSave } from './electron/export-save.ts'
import { registerApiIpc } from './electron/ipc.ts'
import { createAlertNotifier } from './electron/notifications.ts'
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  devServerUrlFor,
  openExternal,
  ownPageCheck,
} from './electron/security-policy.ts'
import { applyLinuxAutostart, autostartProgram } from './electron/login-item.ts'
import { handedOverArgs, parseShellArgs, type ShellArgs } from './electron/shell-args.ts'
import {
  loginItemSettings,
  readShellSettings,
  wallRequestOf,
  writeShellSettings,
  type ShellSettings,
} from './electron/shell-settings.ts'
import { createAlertTray } from './electron/tray.ts'
import { urlWithView } from './electron/tray-model.ts'
import { applyContentsPolicy, applySessionPolicy } from './electron/web-contents-policy.ts'
import type { WallRequest } from './electron/wall-window.ts'
import {
  createDeskWindow,
  createWallWindow,
  rendererDirFrom,
  wallPageUrl,
} from './electron/window.ts'

const outMain = import.meta.dirname
const log = (line: string) => console.log(line)

// A dev server's page is loaded and trusted only in an app that is not packaged.
const devServerUrl = devServerUrlFor(process.env.ELECTRON_RENDERER_URL, app.isPackaged)
const isOwnPage = ownPageCheck(devServerUrl)
const openOutside = (url: unknown) => openExternal(url, (u) => shell.openExternal(u), log)

// Before `ready`: the app's scheme, privileged (its own origin, secure, standard).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])

// An unpackaged app (tests, development) may run apart with a data folder of its own; the
// single-instance lock lives there too, so each such instance is its own.
const TEST_HOOKS = !app.isPackaged && process.env.WATCHFLOOR_TEST_HOOKS === '1'
if (!app.isPackaged && process.env.WATCHFLOOR_USER_DATA)
  app.setPath('userData', process.env.WATCHFLOOR_USER_DATA)

// Every webContents the app ever creates gets the navigation, window and webview policy.
// A page's request for a window on one of our own pages; the shell's handler once it runs.
let openOwnPage = (_url: string): void => {}
app.on('web-contents-created', (_event, contents) =>
  applyContentsPolicy(contents, {
    isOwnPage,
    openExternal: openOutside,
    openOwnPage: (url) => openOwnPage(url),
    log,
  }),
)

// A second launch focuses this one; with `--wall…` it opens the wall. Its arguments come as
// the lock's additionalData (Chromium may reorder or add to argv), else as argv. Listened for
// from the start: one that comes while the core is still filling its cache waits, not lost.
const earlyLaunches: ShellArgs[] = []
let onSecondLaunch = (args: ShellArgs): void => void earlyLaunches.push(args)
app.on('second-instance', (_event, argv, _cwd, additionalData) =>
  onSecondLaunch(parseShellArgs(handedOverArgs(additionalData, argv))),
)

// better-sqlite3 for Electron's ABI is built apart from the Node one (README,
// "Two ABIs"); the core loads it through nativeBinding when present.
const electronBinding = join(outMain, '..', 'native', 'better_sqlite3.node')

async function main(): Promise<void> {
  await app.whenReady()
  const rendererDir = rendererDirFrom(outMain)
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request))
  applySessionPolicy(session.defaultSession, isOwnPage)

  const userData = app.getPath('userData')
  const settingsFile = join(userData, 'shell-settings.json')
  const read = readShellSettings(settingsFile)
  if (read.problem) log(read.problem)
  let settings: ShellSettings = read.settings
  const saveSettings = (next: ShellSettings) => {
    settings = next
    try {
      writeShellSettings(settingsFile, next)
    } catch (error) {
      log(`settings: not saved: ${(error as Error).message}`)
    }
  }
  nativeTheme.themeSource = settings.theme
  // Start at login: the OS's login items on macOS and Windows, an XDG autostart entry on
  // Linux. Registered by the installed app only: an unpackaged one would start bare Electron.
  const applyLoginItem = () => {
    if (!app.isPackaged) return
    if (process.platform !== 'linux') app.setLoginItemSettings(loginItemSettings(settings))
    else {
      try {
        applyLinuxAutostart(
          join(app.getPath('appData'), 'autostart'),
          settings,
          autostartProgram(process.execPath, process.env.APPIMAGE),
        )
      } catch (error) {
        log(`start at login: not set: ${(error as Error).message}`)
      }
    }
  }
  applyLoginItem()

  // Credentials stay in the main process and the core, encrypted at rest; they reach the core
  // over its message port (utility-launcher.ts).
  const allowBasicText = settings.allowBasicTextSecrets || process.env[ALLOW_BASIC_TEXT_ENV] === '1'
  const importFrom = process.env.WATCHFLOOR_PROFILE
  const upstream = loadAppProfile({
    safeStorage,
    platform: process.platform,
    allowBasicText,
    encryptedFile: join(userData, 'profile.enc'),
    importFrom,
    log,
  })
  // Importing secrets where the OS keeps them badly (or not at all) is said on screen too.
  const keychain = keychainState(safeStorage, process.platform, allowBasicText)
  const keychainWarning = keychain.usable ? keychain.warning : keychain.reason
  const dbPath = process.env.WATCHFLOOR_DB ?? join(userData, 'cache.sqlite')
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
  registerApiIpc(ipcMain, (method, input) => core.invoke(method, input), isOwnPage)

  const preload = join(outMain, '..', 'preload', 'index.cjs')
  const deskUrl = devServerUrl ?? APP_ENTRY_URL
  let desk: BrowserWindow | null = null
  let wall: BrowserWindow | null = null
  const windows = () =>
    [desk, wall].filter((w): w is BrowserWindow => w !== null && !w.isDestroyed())

  const openDesk = (): BrowserWindow => {
    if (desk !== null && !desk.isDestroyed()) return desk
    const win = createDeskWindow({
      preload,
      url: deskUrl,
      stateFile: join(userData, 'window-state.json'),
      log,
    })
    win.on('closed', () => {
      if (desk === win) desk = null
    })
    desk = win
    return win
  }
  const showDesk = (view: string | null) => {
    const win = openDesk()
    if (view !== null) void win.loadURL(urlWithView(win.webContents.getURL() || deskUrl, view))
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }
  /** The wall window on `url` (our own page in wall mode), or the open one shown again. */
  const openWallAt = (url: string, display: string | null) => {
    if (wall !== null && !wall.isDestroyed()) {
      void wall.loadURL(url)
      wall.focus()
      return
    }
    const win = createWallWindow({ preload, url, display, log })
    win.on('closed', () => {
      if (wall === win) wall = null
      refreshMenu()
    })
    wall = win
    refreshMenu()
  }
  const openWall = (request: WallRequest) =>
    openWallAt(wallPageUrl(request, devServerUrl), request.display)
  // The page's own "Wall mode" link (a new window on our page, refused as such by the policy).
  openOwnPage = (url) => {
    if (new URL(url).searchParams.get('mode') === 'wall') openWallAt(url, settings.wall.display)
    else showDesk(null)
  }

  registerExportSave(ipcMain, {
    invoke: (method, input) => core.invoke(method, input),
    exportsDir,
    isTrustedUrl: isOwnPage,
    showSaveDialog: async (request) => {
      const options = {
        ...request,
        filters: [...request.filters],
        properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<
          'createDirectory' | 'showOverwriteConfirmation'
        >,
      }
      const parent = BrowserWindow.getFocusedWindow() ?? desk
      const chosen = await (parent
        ? dialog.showSaveDialog(parent, options)
        : dialog.showSaveDialog(options))
      return chosen.canceled || !chosen.filePath ? null : chosen.filePath
    },
    defaultFolder: () => app.getPath('downloads'),
    log,
  })
  // The core's events reach every window (a restarted core's `data.changed` makes them refetch).
  core.onEvent((name, payload) => {
    for (const win of windows()) win.webContents.send(IPC_EVENT, name, payload)
  })

  const about = () => {
    const text = aboutText({
      appName: app.getName(),
      versions: {
        app: app.getVersion(),
        electron: process.versions.electron ?? '',
        chrome: process.versions.chrome ?? '',
        node: process.versions.node,
      },
      paths: { userData, cache: dbPath, exports: exportsDir, settings: settingsFile },
    })
    void dialog.showMessageBox({ type: 'info', title: `About ${app.getName()}`, ...text })
  }
  const run = (command: MenuCommand) => {
    switch (command.kind) {
      case 'export':
        // The page opens its export dialog on this shell event (File → Export).
        openDesk().webContents.send(IPC_EVENT, 'shell.export' satisfies EventName, {})
        showDesk(null)
        return
      case 'wall-toggle':
        if (wall !== null && !wall.isDestroyed()) wall.close()
        else openWall(wallRequestOf(settings))
        return
      case 'theme':
        nativeTheme.themeSource = command.theme
        saveSettings({ ...settings, theme: command.theme })
        refreshMenu()
        return
      case 'open-at-login-toggle':
        saveSettings({ ...settings, openAtLogin: !settings.openAtLogin })
        applyLoginItem()
        refreshMenu()
        return
      case 'about':
        about()
        return
    }
  }
  function refreshMenu() {
    setAppMenu(
      {
        platform: process.platform,
        appName: app.getName(),
        isPackaged: app.isPackaged,
        wallOpen: wall !== null && !wall.isDestroyed(),
        theme: settings.theme,
        openAtLogin: settings.openAtLogin,
      },
      run,
    )
  }

  // Second launches, those that came while the core started included.
  onSecondLaunch = (args) => {
    args.problems.forEach(log)
    if (args.wall !== null) openWall(args.wall)
    else showDesk(null)
  }

  const firstArgs = parseShellArgs(process.argv)
  firstArgs.problems.forEach(log)
  const firstDesk = openDesk()
  if (importFrom && keychainWarning !== null) {
    void dialog.showMessageBox(firstDesk, {
      type: 'warning',
      message: keychain.usable
        ? 'The connection profile is stored with weak protection.'
        : 'The connection profile was used for this run only and not saved.',
      detail: keychainWarning,
    })
  }
  if (firstArgs.wall !== null) openWall(firstArgs.wall)
  else if (settings.wallAtStart) openWall(wallRequestOf(settings))
  refreshMenu()
  earlyLaunches.splice(0).forEach(onSecondLaunch)

  // Alerts reach people through the tray and OS notifications (issue 13); both show only what
  // the core answers. A click shows the window, on the alert's tab when it names one.
  const notifier = createAlertNotifier({ open: showDesk, log })
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
    { open: showDesk, quit: () => void core.close().finally(() => app.quit()) },
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
  // What the _electron suite reads from the main process (unpackaged, on request only): the
  // tray's menu as the model it was drawn from.
  if (TEST_HOOKS)
    Object.assign(globalThis, {
      watchfloorShell: { trayMenu: () => tray.current()?.menu ?? null },
    })
  app.on('window-all-closed', () => {
    void core.close().finally(() => app.quit())
  })
  app.on('activate', () => showDesk(null))
}

// One instance: a second launch hands its arguments to this one (`second-instance`) and ends.
if (!app.requestSingleInstanceLock({ args: process.argv.slice(1) })) {
  app.quit()
} else {
  main().catch((error: unknown) => {
    console.error(`Watchfloor could not start: ${(error as Error).message}`)
    app.exit(1)
  })
}

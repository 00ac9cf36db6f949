// The app's two windows, thin over the pure parts: the desk window (bounds remembered per
// display, window-bounds.ts) and the wall window (kiosk on a chosen display, wall-window.ts,
// the display kept awake while it is open). Both get secureWebPreferences and load our own
// page only; the policy for what the page may do is applied to every webContents in
// main/index.ts (`web-contents-created`, web-contents-policy.ts).
import { BrowserWindow, dialog, powerSaveBlocker, screen } from 'electron'
import { join } from 'node:path'
import { RendererRecovery, UNRESPONSIVE_GRACE_MS } from './renderer-recovery.ts'
import { secureWebPreferences } from './security-policy.ts'
import { chooseWallDisplay, isWallExitKey, wallUrl, type WallRequest } from './wall-window.ts'
import {
  MIN_WINDOW_SIZE,
  readWindowState,
  rememberBounds,
  restoreBounds,
  writeWindowState,
} from './window-bounds.ts'

const BACKGROUND = '#0f1420'
/** How long moves and resizes settle before the bounds are written. */
const SAVE_BOUNDS_AFTER_MS = 500

/** The built renderer beside the built shell: out/renderer. */
export const rendererDirFrom = (outMainDir: string): string => join(outMainDir, '..', 'renderer')

/**
 * Reloads a window whose page died or hung, as renderer-recovery.ts plans: an `unresponsive`
 * page gets UNRESPONSIVE_GRACE_MS to answer again (a large chart on a loaded machine) before
 * its renderer is ended and the page reloaded.
 */
function recoverRenderer(
  win: BrowserWindow,
  recovery: RendererRecovery,
  log: (line: string) => void,
  giveUp: () => void,
): void {
  const act = (reason: string) => {
    const plan = recovery.plan(reason)
    if (plan === null || win.isDestroyed()) return
    if (plan.action === 'give-up') {
      log(`window: the page failed again (${reason}); not reloaded`)
      giveUp()
      return
    }
    log(`window: the page failed (${reason}); reloading in ${plan.delayMs} ms`)
    setTimeout(() => {
      if (!win.isDestroyed()) win.webContents.reload()
    }, plan.delayMs)
  }
  win.webContents.on('render-process-gone', (_event, details) => act(details.reason))
  let hung: ReturnType<typeof setTimeout> | undefined
  win.on('unresponsive', () => {
    clearTimeout(hung)
    hung = setTimeout(() => {
      if (win.isDestroyed()) return
      // Ends the hung renderer; its render-process-gone ('killed' or 'crashed') reloads it.
      win.webContents.forcefullyCrashRenderer()
    }, UNRESPONSIVE_GRACE_MS)
  })
  win.on('responsive', () => clearTimeout(hung))
  win.on('closed', () => clearTimeout(hung))
}

export interface DeskWindowOptions {
  readonly preload: string
  /** Our page: APP_ENTRY_URL, or the dev server's in an unpackaged app. */
  readonly url: string
  /** userData/window-state.json. */
  readonly stateFile: string
  readonly log: (line: string) => void
}

/** The desk window, where it was last on the display it was last on. */
export function createDeskWindow(options: DeskWindowOptions): BrowserWindow {
  const restored = restoreBounds(
    readWindowState(options.stateFile),
    screen.getAllDisplays(),
    screen.getPrimaryDisplay(),
  )
  const win = new BrowserWindow({
    ...restored.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'Watchfloor',
    backgroundColor: BACKGROUND,
    webPreferences: secureWebPreferences(options.preload),
  })
  if (restored.maximized) win.maximize()

  let timer: ReturnType<typeof setTimeout> | undefined
  const save = () => {
    clearTimeout(timer)
    if (win.isDestroyed() || win.isFullScreen()) return
    try {
      writeWindowState(
        options.stateFile,
        rememberBounds(
          readWindowState(options.stateFile),
          win.getNormalBounds(),
          win.isMaximized(),
          screen.getAllDisplays(),
          screen.getPrimaryDisplay(),
        ),
      )
    } catch (error) {
      options.log(`window: its size and place were not saved: ${(error as Error).message}`)
    }
  }
  const later = () => {
    clearTimeout(timer)
    timer = setTimeout(save, SAVE_BOUNDS_AFTER_MS)
  }
  win.on('resize', later)
  win.on('move', later)
  win.on('maximize', later)
  win.on('unmaximize', later)
  win.on('close', save)

  recoverRenderer(win, new RendererRecovery(false), options.log, () => {
    void dialog
      .showMessageBox(win, {
        type: 'error',
        message: 'The Watchfloor window stopped working several times.',
        detail: 'Reload it, or quit and start Watchfloor again.',
        buttons: ['Reload', 'Close the window'],
        defaultId: 0,
      })
      .then(({ response }) => {
        if (win.isDestroyed()) return
        if (response === 0) win.webContents.reload()
        else win.close()
      })
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(options.url)
  return win
}

export interface WallWindowOptions {
  readonly preload: string
  /** Our own page in wall mode (wallPageUrl, or the page's own "Wall mode" link). */
  readonly url: string
  /** A display id or position (wall-window.ts chooseWallDisplay); null: the first secondary. */
  readonly display: string | null
  readonly log: (line: string) => void
}

/** The wall's page: wallUrl over the app's origin, or the same query on the dev server. */
export function wallPageUrl(request: WallRequest, devServerUrl: string | null): string {
  const url = wallUrl(request)
  if (devServerUrl === null) return url
  const dev = new URL(devServerUrl)
  dev.search = new URL(url).search
  return dev.href
}

/**
 * The wall window: a kiosk on the chosen display, no menu, the display kept awake while it is
 * open (powerSaveBlocker), and its page reloaded for ever if it keeps failing (nobody is there
 * to press a button).
 */
export function createWallWindow(options: WallWindowOptions): BrowserWindow {
  const display = chooseWallDisplay(
    screen.getAllDisplays(),
    screen.getPrimaryDisplay(),
    options.display,
  )
  const win = new BrowserWindow({
    ...display.bounds,
    show: false,
    frame: false,
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    title: 'Watchfloor wall',
    backgroundColor: BACKGROUND,
    webPreferences: secureWebPreferences(options.preload),
  })
  win.setMenuBarVisibility(false)
  win.webContents.on('before-input-event', (event, input) => {
    if (!isWallExitKey(input, process.platform)) return
    event.preventDefault()
    win.close()
  })
  const blocker = powerSaveBlocker.start('prevent-display-sleep')
  win.on('closed', () => {
    if (powerSaveBlocker.isStarted(blocker)) powerSaveBlocker.stop(blocker)
  })
  recoverRenderer(win, new RendererRecovery(true), options.log, () => {})
  win.once('ready-to-show', () => win.show())
  void win.loadURL(options.url)
  return win
}

import { BrowserWindow, session, shell } from 'electron'
import { join } from 'node:path'

import { contentSecurityPolicy } from '../../shared/api/content-security.ts'

/** The page's one policy (shared/api/content-security.ts); the app's page opens no socket. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()

/**
 * The one window: isolated, sandboxed, no Node in the page, a strict CSP on
 * every response, and no navigation or new windows.
 */
export function createMainWindow(options: {
  preload: string
  rendererFile: string
  devServerUrl?: string
}): BrowserWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  )
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'Watchfloor',
    backgroundColor: '#0f1420',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.once('ready-to-show', () => win.show())
  void shell // shell.openExternal is deliberately never reachable from the page
  if (options.devServerUrl) void win.loadURL(options.devServerUrl)
  else void win.loadFile(options.rendererFile)
  return win
}

export const rendererFileFrom = (outMainDir: string): string =>
  join(outMainDir, '..', 'renderer', 'index.html')

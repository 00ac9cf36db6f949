// Pins on the shell's thin Electron wiring (main/index.ts, main/electron/window.ts), which
// cannot run under Node: each security decision made by a tested pure module must stay wired
// where Electron needs it, and the dangerous forms must not come back. The _electron suite
// checks the same things in a live app wherever a binary exists.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const index = read('main/index.ts')
const windowTs = read('main/electron/window.ts')
const shellFiles = [
  'main/index.ts',
  ...readdirSync(new URL('../../main/electron/', import.meta.url)).map((f) => `main/electron/${f}`),
  'preload/index.ts',
  'preload/bridge.ts',
]

describe('the shell wiring', () => {
  it('registers the app scheme before ready and serves it only through serveAppRequest', () => {
    const privileged = index.indexOf(
      'protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])',
    )
    expect(privileged).toBeGreaterThan(0)
    expect(privileged).toBeLessThan(index.indexOf('await app.whenReady()'))
    expect(index).toContain(
      'protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request))',
    )
  })

  it('applies the contents policy to every webContents and the permission policy to the session', () => {
    expect(index).toMatch(
      /app\.on\('web-contents-created', \(_event, contents\) =>\s+applyContentsPolicy\(contents,/,
    )
    expect(index).toContain('applySessionPolicy(session.defaultSession, isOwnPage)')
  })

  it('trusts the dev server only through devServerUrlFor, and IPC only from our own page', () => {
    expect(index).toContain('devServerUrlFor(process.env.ELECTRON_RENDERER_URL, app.isPackaged)')
    expect(index.match(/ELECTRON_RENDERER_URL/g)).toHaveLength(1)
    expect(index).toContain(
      'registerApiIpc(ipcMain, (method, input) => core.invoke(method, input), isOwnPage)',
    )
    expect(index).toContain('isTrustedUrl: isOwnPage')
  })

  it('opens links outside only through the validated openExternal', () => {
    for (const file of shellFiles) {
      const source = read(file)
      const raw = source.match(/shell\.openExternal\(/g) ?? []
      if (file === 'main/index.ts') {
        expect(raw).toHaveLength(1)
        expect(source).toContain('openExternal(url, (u) => shell.openExternal(u), log)')
      } else expect(raw, file).toHaveLength(0)
    }
  })

  it('loads no file:// page, and makes every window with secureWebPreferences', () => {
    for (const file of shellFiles) {
      const source = read(file)
      expect(source, file).not.toMatch(
        /\.loadFile\(|nodeIntegration: true|sandbox: false|contextIsolation: false|webviewTag: true|webSecurity: false/,
      )
    }
    expect(index).not.toMatch(/new BrowserWindow/)
    const windows = windowTs.match(/new BrowserWindow\(/g) ?? []
    const prefs = windowTs.match(/webPreferences: secureWebPreferences\(options\.preload\)/g) ?? []
    expect(windows.length).toBe(2)
    expect(prefs.length).toBe(windows.length)
  })

  it('keeps one instance, and the test hooks out of a packaged app', () => {
    expect(index).toMatch(/if \(!app\.requestSingleInstanceLock\(/)
    // A second launch during the core's start is heard (and queued), not lost.
    expect(index.indexOf("app.on('second-instance'")).toBeGreaterThan(0)
    expect(index.indexOf("app.on('second-instance'")).toBeLessThan(
      index.indexOf('await app.whenReady()'),
    )
    expect(index).toContain('earlyLaunches.splice(0).forEach(onSecondLaunch)')
    expect(index).toContain(
      "const TEST_HOOKS = !app.isPackaged && process.env.WATCHFLOOR_TEST_HOOKS === '1'",
    )
    expect(index).toMatch(/if \(!app\.isPackaged && process\.env\.WATCHFLOOR_USER_DATA\)/)
  })

  it('hands the core its configuration through the utility launcher, never its environment', () => {
    const launcher = read('main/electron/utility-launcher.ts')
    expect(launcher).toContain('env: coreEnvironment()')
    expect(launcher).not.toMatch(/JSON\.stringify\(config\)/)
    expect(index).not.toMatch(/process\.env\.[A-Z_]+ = /)
  })
})

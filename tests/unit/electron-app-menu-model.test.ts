// The application menu's model (main/electron/app-menu-model.ts): File → Export, View → Wall
// mode / Theme, Help → About with versions and data paths; items found by id, never by label.
import { describe, expect, it } from 'vitest'
import {
  aboutText,
  appMenuModel,
  menuItems,
  type MenuState,
} from '../../main/electron/app-menu-model.ts'

const state: MenuState = {
  platform: 'linux',
  appName: 'Watchfloor',
  isPackaged: true,
  wallOpen: false,
  theme: 'system',
  openAtLogin: false,
}
const byId = (s: MenuState, id: string) => menuItems(appMenuModel(s)).find((i) => i.id === id)

describe('the application menu', () => {
  it('has File, Edit, View, Window and Help (and the app menu first on macOS)', () => {
    expect(appMenuModel(state).map((m) => m.id)).toEqual(['file', 'edit', 'view', 'window', 'help'])
    expect(appMenuModel({ ...state, platform: 'darwin' }).map((m) => m.id)).toEqual([
      'app',
      'file',
      'edit',
      'view',
      'window',
      'help',
    ])
  })

  it('exports from File, toggles the wall and picks the theme from View, tells about from Help', () => {
    expect(byId(state, 'file.export')?.command).toEqual({ kind: 'export' })
    expect(byId(state, 'view.wall')).toMatchObject({
      type: 'checkbox',
      checked: false,
      command: { kind: 'wall-toggle' },
    })
    expect(byId({ ...state, wallOpen: true }, 'view.wall')?.checked).toBe(true)
    const themes = byId({ ...state, theme: 'dark' }, 'view.theme')?.submenu ?? []
    expect(themes.map((t) => [t.id, t.type, t.checked])).toEqual([
      ['view.theme.system', 'radio', false],
      ['view.theme.light', 'radio', false],
      ['view.theme.dark', 'radio', true],
    ])
    expect(byId(state, 'help.about')?.command).toEqual({ kind: 'about' })
    expect(byId({ ...state, openAtLogin: true }, 'file.open-at-login')).toMatchObject({
      type: 'checkbox',
      checked: true,
      command: { kind: 'open-at-login-toggle' },
    })
  })

  it('offers reload and developer tools only in an unpackaged app', () => {
    expect(byId(state, 'view.devtools')).toBeUndefined()
    expect(byId(state, 'view.reload')).toBeUndefined()
    expect(byId({ ...state, isPackaged: false }, 'view.devtools')?.role).toBe('toggleDevTools')
  })

  it('gives every item a unique id, and every clickable item a command or a role', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const items = menuItems(appMenuModel({ ...state, platform, isPackaged: false }))
      const ids = items.map((i) => i.id)
      expect(new Set(ids).size).toBe(ids.length)
      for (const item of items) {
        const leaf = item.submenu === undefined && item.type !== 'separator'
        if (leaf) expect(item.command !== undefined || item.role !== undefined, item.id).toBe(true)
      }
    }
  })

  it('About names the versions and where the data lives', () => {
    const text = aboutText({
      appName: 'Watchfloor',
      versions: { app: '1.2.3', electron: '42.11.18', chrome: '142.0', node: '22.20.0' },
      paths: {
        userData: '/home/ops/.config/Watchfloor',
        cache: '/home/ops/.config/Watchfloor/cache.sqlite',
        exports: '/home/ops/.config/Watchfloor/exports',
        settings: '/home/ops/.config/Watchfloor/shell-settings.json',
      },
    })
    expect(text.message).toBe('Watchfloor 1.2.3')
    for (const part of [
      'Electron 42.11.18',
      'Chromium 142.0',
      'Node 22.20.0',
      'cache.sqlite',
      '/exports',
      'shell-settings.json',
    ])
      expect(text.detail).toContain(part)
  })
})

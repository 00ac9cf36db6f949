// The application menu as a pure model (issue 15): File → Export, View → Wall mode / Theme,
// Help → About with versions and data paths. Every item has a stable id (tests and the
// _electron suite find items by id, never by label); `command` says what a click does and
// app-menu.ts maps it to the shell's action. Tested under Node
// (tests/unit/electron-app-menu-model.test.ts).
import { NATIVE_THEMES, type NativeTheme } from './shell-settings.ts'

export type MenuCommand =
  | { readonly kind: 'export' }
  | { readonly kind: 'wall-toggle' }
  | { readonly kind: 'theme'; readonly theme: NativeTheme }
  | { readonly kind: 'open-at-login-toggle' }
  | { readonly kind: 'about' }

/** Electron's built-in menu roles the model uses (edit keys, window keys, quit). */
export type MenuRole =
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'togglefullscreen'
  | 'minimize'
  | 'close'

export interface MenuItemModel {
  readonly id: string
  readonly label?: string
  readonly type?: 'normal' | 'separator' | 'checkbox' | 'radio' | 'submenu'
  readonly role?: MenuRole
  readonly command?: MenuCommand
  readonly checked?: boolean
  readonly enabled?: boolean
  readonly accelerator?: string
  readonly submenu?: readonly MenuItemModel[]
}

export interface MenuState {
  readonly platform: NodeJS.Platform
  readonly appName: string
  readonly isPackaged: boolean
  readonly wallOpen: boolean
  readonly theme: NativeTheme
  readonly openAtLogin: boolean
}

const THEME_LABEL: Readonly<Record<NativeTheme, string>> = {
  system: 'Follow the System',
  light: 'Light',
  dark: 'Dark',
}

const separator = (id: string): MenuItemModel => ({ id, type: 'separator' })

export function appMenuModel(state: MenuState): MenuItemModel[] {
  const mac = state.platform === 'darwin'
  const file: MenuItemModel = {
    id: 'file',
    label: '&File',
    submenu: [
      {
        id: 'file.export',
        label: 'Export…',
        accelerator: 'CmdOrCtrl+E',
        command: { kind: 'export' },
      },
      separator('file.sep-1'),
      {
        id: 'file.open-at-login',
        label: 'Start at Login',
        type: 'checkbox',
        checked: state.openAtLogin,
        command: { kind: 'open-at-login-toggle' },
      },
      ...(mac
        ? []
        : [separator('file.sep-2'), { id: 'file.quit', label: 'Quit', role: 'quit' } as const]),
    ],
  }
  const edit: MenuItemModel = {
    id: 'edit',
    label: '&Edit',
    submenu: (['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll'] as const).map((role) => ({
      id: `edit.${role}`,
      role,
    })),
  }
  const view: MenuItemModel = {
    id: 'view',
    label: '&View',
    submenu: [
      {
        id: 'view.wall',
        label: 'Wall Mode',
        type: 'checkbox',
        checked: state.wallOpen,
        accelerator: 'CmdOrCtrl+Shift+W',
        command: { kind: 'wall-toggle' },
      },
      {
        id: 'view.theme',
        label: 'Theme',
        submenu: NATIVE_THEMES.map((theme) => ({
          id: `view.theme.${theme}`,
          label: THEME_LABEL[theme],
          type: 'radio',
          checked: state.theme === theme,
          command: { kind: 'theme', theme },
        })),
      },
      separator('view.sep-1'),
      { id: 'view.fullscreen', role: 'togglefullscreen' },
      // Reload and the developer tools only in an unpackaged app: a shipped app's page is ours.
      ...(state.isPackaged
        ? []
        : [
            separator('view.sep-2'),
            { id: 'view.reload', role: 'reload' } as const,
            { id: 'view.devtools', role: 'toggleDevTools' } as const,
          ]),
    ],
  }
  const windowMenu: MenuItemModel = {
    id: 'window',
    label: '&Window',
    submenu: [
      { id: 'window.minimize', role: 'minimize' },
      { id: 'window.close', role: 'close' },
    ],
  }
  const help: MenuItemModel = {
    id: 'help',
    label: '&Help',
    submenu: [{ id: 'help.about', label: `About ${state.appName}`, command: { kind: 'about' } }],
  }
  const appMenu: MenuItemModel = {
    id: 'app',
    label: state.appName,
    submenu: [
      { id: 'app.about', label: `About ${state.appName}`, command: { kind: 'about' } },
      separator('app.sep-1'),
      { id: 'app.hide', role: 'hide' },
      { id: 'app.hide-others', role: 'hideOthers' },
      { id: 'app.unhide', role: 'unhide' },
      separator('app.sep-2'),
      { id: 'app.quit', role: 'quit' },
    ],
  }
  return [...(mac ? [appMenu] : []), file, edit, view, windowMenu, help]
}

/** Every item of the model, depth first (tests look items up by id). */
export function menuItems(model: readonly MenuItemModel[]): MenuItemModel[] {
  return model.flatMap((item) => [item, ...menuItems(item.submenu ?? [])])
}

export interface AboutInfo {
  readonly appName: string
  readonly versions: {
    readonly app: string
    readonly electron: string
    readonly chrome: string
    readonly node: string
  }
  readonly paths: {
    readonly userData: string
    readonly cache: string
    readonly exports: string
    readonly settings: string
  }
}

/** Help → About's text: what runs, and where this app keeps its data. */
export function aboutText(info: AboutInfo): { readonly message: string; readonly detail: string } {
  const { versions, paths } = info
  return {
    message: `${info.appName} ${versions.app}`,
    detail: [
      `Electron ${versions.electron} · Chromium ${versions.chrome} · Node ${versions.node}`,
      '',
      `Data folder: ${paths.userData}`,
      `Cache: ${paths.cache}`,
      `Finished exports: ${paths.exports}`,
      `Shell settings: ${paths.settings}`,
    ].join('\n'),
  }
}

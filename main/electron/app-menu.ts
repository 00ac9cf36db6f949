// The application menu, thin: the pure model (app-menu-model.ts) handed to Electron's Menu,
// each `command` turned into the shell's action. Rebuilt when what it shows changes (the wall
// opened or closed, the theme, start at login).
import { Menu, type MenuItemConstructorOptions } from 'electron'
import {
  appMenuModel,
  type MenuCommand,
  type MenuItemModel,
  type MenuState,
} from './app-menu-model.ts'

function templateOf(
  item: MenuItemModel,
  run: (command: MenuCommand) => void,
): MenuItemConstructorOptions {
  const { command, submenu, ...rest } = item
  return {
    ...rest,
    ...(submenu ? { submenu: submenu.map((i) => templateOf(i, run)) } : {}),
    ...(command ? { click: () => run(command) } : {}),
  }
}

export function setAppMenu(state: MenuState, run: (command: MenuCommand) => void): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(appMenuModel(state).map((i) => templateOf(i, run))),
  )
}

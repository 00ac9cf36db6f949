// Start at login on Linux (issue 15, "an option to start at login (wall screens)"). Electron's
// app.setLoginItemSettings covers macOS and Windows only; Linux desktops start what an XDG
// autostart entry names (~/.config/autostart/<name>.desktop, the Desktop Entry Specification).
// The entry is written atomically when the setting is on and removed when it is off. Pure apart
// from those two file operations (tests/unit/electron-login-item.test.ts).
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeTextFileAtomic } from './json-file.ts'
import type { ShellSettings } from './shell-settings.ts'
import { loginItemSettings } from './shell-settings.ts'

export const AUTOSTART_FILE = 'watchfloor.desktop'

/**
 * One argument of a Desktop Entry's Exec key: quoted when it holds anything but plain
 * characters, with `"`, `` ` ``, `$` and `\` escaped inside the quotes, and `%` doubled (a field
 * code otherwise). Newlines cannot be written in a key's value, so such an argument is refused.
 */
export function desktopExecArg(arg: string): string {
  if (/[\r\n\0]/.test(arg)) throw new Error('an autostart argument cannot hold a line break')
  const percent = arg.replaceAll('%', '%%')
  if (/^[A-Za-z0-9_@+=:,./%-]+$/.test(percent)) return percent
  return `"${percent.replace(/(["`$\\])/g, '\\$1')}"`
}

/**
 * The program to start: the AppImage file itself when running from one (process.execPath is
 * then inside its temporary mount, gone at the next login), else the executable.
 */
export const autostartProgram = (execPath: string, appImage: string | undefined): string =>
  appImage !== undefined && appImage !== '' ? appImage : execPath

/** The autostart entry's text for `program` with `args`. */
export function autostartEntry(program: string, args: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Watchfloor',
    'Comment=Operations dashboards and alerts',
    `Exec=${[program, ...args].map(desktopExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

/**
 * Writes or removes the autostart entry in `autostartDir` as `settings` say (the same
 * loginItemSettings the other platforms get: a wall screen's login start opens the wall).
 */
export function applyLinuxAutostart(
  autostartDir: string,
  settings: ShellSettings,
  program: string,
): void {
  const file = join(autostartDir, AUTOSTART_FILE)
  const login = loginItemSettings(settings)
  if (!login.openAtLogin) {
    rmSync(file, { force: true })
    return
  }
  mkdirSync(autostartDir, { recursive: true })
  writeTextFileAtomic(file, autostartEntry(program, login.args))
}

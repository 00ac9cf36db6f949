// Start at login on Linux (main/electron/login-item.ts): the XDG autostart entry written and
// removed as the setting says, on a real folder; the Exec line quoted per the Desktop Entry
// Specification whatever the path holds.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AUTOSTART_FILE,
  applyLinuxAutostart,
  autostartEntry,
  autostartProgram,
  desktopExecArg,
} from '../../main/electron/login-item.ts'
import { DEFAULT_SHELL_SETTINGS } from '../../main/electron/shell-settings.ts'
import { tempDir } from '../support/temp.ts'

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir('watchfloor-autostart-')))
afterEach(() => cleanup())

describe('the Linux autostart entry', () => {
  it('is written when start at login is on, with --wall for a wall screen, and removed when off', () => {
    const autostart = join(dir, 'autostart')
    const on = { ...DEFAULT_SHELL_SETTINGS, openAtLogin: true, wallAtStart: true }
    applyLinuxAutostart(autostart, on, '/opt/Watchfloor/watchfloor')
    const text = readFileSync(join(autostart, AUTOSTART_FILE), 'utf8')
    expect(text).toContain('[Desktop Entry]\nType=Application\n')
    expect(text).toContain('\nExec=/opt/Watchfloor/watchfloor --wall\n')
    expect(readdirSync(autostart)).toEqual([AUTOSTART_FILE])
    applyLinuxAutostart(autostart, { ...on, wallAtStart: false }, '/opt/Watchfloor/watchfloor')
    expect(readFileSync(join(autostart, AUTOSTART_FILE), 'utf8')).toContain(
      '\nExec=/opt/Watchfloor/watchfloor\n',
    )
    applyLinuxAutostart(autostart, DEFAULT_SHELL_SETTINGS, '/opt/Watchfloor/watchfloor')
    expect(existsSync(join(autostart, AUTOSTART_FILE))).toBe(false)
    // Off with nothing there is not an error either.
    applyLinuxAutostart(join(dir, 'never'), DEFAULT_SHELL_SETTINGS, '/x')
  })

  it('starts the AppImage file itself, not its temporary mount', () => {
    expect(
      autostartProgram('/tmp/.mount_WatchfXYZ/watchfloor', '/home/ops/Watchfloor.AppImage'),
    ).toBe('/home/ops/Watchfloor.AppImage')
    expect(autostartProgram('/opt/Watchfloor/watchfloor', undefined)).toBe(
      '/opt/Watchfloor/watchfloor',
    )
    expect(autostartProgram('/opt/Watchfloor/watchfloor', '')).toBe('/opt/Watchfloor/watchfloor')
  })

  it.each([
    ['/opt/Watchfloor/watchfloor', '/opt/Watchfloor/watchfloor'],
    ['/home/o p/Watch floor.AppImage', '"/home/o p/Watch floor.AppImage"'],
    ['/home/$USER/`id`/a"b\\c', '"/home/\\$USER/\\`id\\`/a\\"b\\\\c"'],
    ['/home/ops/100%/w', '/home/ops/100%%/w'],
    ['/home/ops/%f; rm -rf ~', '"/home/ops/%%f; rm -rf ~"'],
  ])('quotes %j as %s', (arg, quoted) => expect(desktopExecArg(arg)).toBe(quoted))

  it('refuses a line break, which would add a key of its own', () => {
    expect(() => desktopExecArg('/opt/w\nExec=/bin/evil')).toThrow(/line break/)
    expect(() => autostartEntry('/opt/w\rX', [])).toThrow()
  })
})

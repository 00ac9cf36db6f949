// The shell's lifecycle decisions under Node: launch arguments (first or second instance), the
// wall window's display and address, the shell settings file and login item, and the reload
// budget for a page that dies or hangs.
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  MAX_RELOADS,
  RELOAD_DELAYS_MS,
  RELOAD_WINDOW_MS,
  RendererRecovery,
} from '../../main/electron/renderer-recovery.ts'
import { handedOverArgs, parseShellArgs } from '../../main/electron/shell-args.ts'
import {
  DEFAULT_SHELL_SETTINGS,
  loginItemSettings,
  readShellSettings,
  writeShellSettings,
} from '../../main/electron/shell-settings.ts'
import {
  NO_WALL_REQUEST,
  chooseWallDisplay,
  isWallExitKey,
  playlistOf,
  wallUrl,
  type KeyInput,
} from '../../main/electron/wall-window.ts'
import type { DisplayLike } from '../../main/electron/window-bounds.ts'
import { isAppUrl } from '../../main/electron/security-policy.ts'
import { tempDir } from '../support/temp.ts'

const electronArgv = ['/opt/Watchfloor/watchfloor', '--no-sandbox-is-not-ours', '.']

describe('launch arguments', () => {
  it('open no wall without --wall, whatever else is there', () => {
    expect(parseShellArgs(electronArgv)).toEqual({ wall: null, problems: [] })
    expect(parseShellArgs([...electronArgv, '--playlist=overview'])).toEqual({
      wall: null,
      problems: [],
    })
  })

  it('read the wall request', () => {
    expect(
      parseShellArgs([
        ...electronArgv,
        '--wall',
        '--wall-display=2',
        '--playlist=overview,revenue',
        '--interval=45s',
      ]),
    ).toEqual({
      wall: { display: '2', playlist: ['overview', 'revenue'], interval: '45s' },
      problems: [],
    })
    expect(parseShellArgs(['--wall'])).toEqual({ wall: NO_WALL_REQUEST, problems: [] })
  })

  it('drop what they cannot read, with a sentence, and never pass it on', () => {
    const args = parseShellArgs([
      '--wall',
      '--wall-display=../../x',
      '--playlist=overview,<script>',
      '--interval=1e9',
    ])
    expect(args.wall).toEqual(NO_WALL_REQUEST)
    expect(args.problems).toHaveLength(3)
  })

  it("of a second instance are the list it handed over, else Electron's argv", () => {
    const argv = ['/opt/watchfloor', '--some-chromium-switch', '.']
    expect(handedOverArgs({ args: ['--wall', '--playlist=a'] }, argv)).toEqual([
      '--wall',
      '--playlist=a',
    ])
    for (const hostile of [undefined, null, 'x', { args: 'x' }, { args: ['--wall', 1] }, []])
      expect(handedOverArgs(hostile, argv)).toBe(argv)
  })

  it('take the last of a repeated value', () => {
    expect(parseShellArgs(['--wall', '--playlist=a', '--playlist=b']).wall?.playlist).toEqual(['b'])
  })
})

describe('the wall window', () => {
  const primary: DisplayLike = {
    id: 10,
    bounds: { x: 0, y: 0, width: 1920, height: 1080 },
    workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  }
  const tv: DisplayLike = {
    id: 2_528_732_444,
    bounds: { x: 1920, y: 0, width: 3840, height: 2160 },
    workArea: { x: 1920, y: 0, width: 3840, height: 2160 },
  }

  it('loads our page in wall mode, with only names and a duration added', () => {
    const url = wallUrl({ display: null, playlist: ['overview', 'revenue'], interval: '30s' })
    expect(isAppUrl(url)).toBe(true)
    const parsed = new URL(url)
    expect(parsed.pathname).toBe('/index.html')
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      mode: 'wall',
      playlist: 'overview,revenue',
      interval: '30s',
    })
    expect(new URL(wallUrl(NO_WALL_REQUEST)).search).toBe('?mode=wall')
    expect(new URL(wallUrl({ ...NO_WALL_REQUEST, interval: '5&mode=desk' })).search).toBe(
      '?mode=wall',
    )
  })

  it('reads playlists of view names only', () => {
    expect(playlistOf('overview, revenue ,trends')).toEqual(['overview', 'revenue', 'trends'])
    expect(playlistOf('')).toBeNull()
    expect(playlistOf(',,')).toBeNull()
    expect(playlistOf('overview&mode=desk')).toBeNull()
    expect(playlistOf(Array.from({ length: 40 }, () => 'overview').join(','))).toBeNull()
  })

  it('goes on the display named, else the first secondary one, else the primary', () => {
    expect(chooseWallDisplay([primary, tv], primary, null)).toBe(tv)
    expect(chooseWallDisplay([primary], primary, null)).toBe(primary)
    expect(chooseWallDisplay([primary, tv], primary, String(tv.id))).toBe(tv)
    expect(chooseWallDisplay([primary, tv], primary, '1')).toBe(primary)
    expect(chooseWallDisplay([primary, tv], primary, '2')).toBe(tv)
    expect(chooseWallDisplay([primary, tv], primary, '7')).toBe(tv)
    expect(chooseWallDisplay([primary, tv], primary, 'x')).toBe(tv)
  })
})

describe('the wall exit key', () => {
  const key = (over: Partial<KeyInput>): KeyInput => ({
    type: 'keyDown',
    key: 'W',
    control: true,
    meta: false,
    shift: true,
    alt: false,
    ...over,
  })
  it('is Ctrl+Shift+W (Cmd on macOS), never Escape or W alone', () => {
    expect(isWallExitKey(key({}), 'linux')).toBe(true)
    expect(isWallExitKey(key({ key: 'w' }), 'win32')).toBe(true)
    expect(isWallExitKey(key({ control: false, meta: true }), 'darwin')).toBe(true)
    expect(isWallExitKey(key({}), 'darwin')).toBe(false)
    expect(isWallExitKey(key({ key: 'Escape', control: false, shift: false }), 'linux')).toBe(false)
    expect(isWallExitKey(key({ shift: false }), 'linux')).toBe(false)
    expect(isWallExitKey(key({ alt: true }), 'linux')).toBe(false)
    expect(isWallExitKey(key({ type: 'keyUp' }), 'linux')).toBe(false)
  })
})

describe('the shell settings', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => ({ dir, cleanup } = tempDir('watchfloor-shell-settings-')))
  afterEach(() => cleanup())

  it('are the defaults when missing, and read back what was written', () => {
    const file = join(dir, 'shell-settings.json')
    expect(readShellSettings(file)).toEqual({ settings: DEFAULT_SHELL_SETTINGS, problem: null })
    expect(DEFAULT_SHELL_SETTINGS).toMatchObject({
      openAtLogin: false,
      allowBasicTextSecrets: false,
      theme: 'system',
    })
    const settings = {
      ...DEFAULT_SHELL_SETTINGS,
      openAtLogin: true,
      wallAtStart: true,
      wall: { display: '2', playlist: ['overview'], interval: '1m' },
      theme: 'dark' as const,
    }
    writeShellSettings(file, settings)
    expect(readShellSettings(file)).toEqual({ settings, problem: null })
    expect(readdirSync(dir)).toEqual(['shell-settings.json'])
  })

  it('are the defaults, with a sentence, when the file is damaged or hostile', () => {
    const file = join(dir, 'shell-settings.json')
    for (const text of [
      '{"openAtLogin": ',
      '{"openAtLogin": "yes"}',
      '{"wall": {"playlist": ["overview&mode=desk"]}}',
      '{"theme": "contrast; rm -rf"}',
    ]) {
      writeFileSync(file, text)
      const read = readShellSettings(file)
      expect(read.settings).toEqual(DEFAULT_SHELL_SETTINGS)
      if (text.endsWith(' ')) expect(read.problem).toBeNull()
      else expect(read.problem).toMatch(/could not be read .* defaults are used/)
    }
  })

  it('say what to register as a login item', () => {
    expect(loginItemSettings(DEFAULT_SHELL_SETTINGS)).toEqual({ openAtLogin: false, args: [] })
    expect(
      loginItemSettings({ ...DEFAULT_SHELL_SETTINGS, openAtLogin: true, wallAtStart: true }),
    ).toEqual({ openAtLogin: true, args: ['--wall'] })
  })
})

describe('a page that dies or hangs', () => {
  it('is reloaded a bounded number of times in a desk window, then left to the person', () => {
    let now = 0
    const recovery = new RendererRecovery(false, () => now)
    const plans = Array.from({ length: MAX_RELOADS }, () => recovery.plan('crashed'))
    expect(plans).toEqual(RELOAD_DELAYS_MS.map((delayMs) => ({ action: 'reload', delayMs })))
    expect(recovery.plan('oom')).toEqual({ action: 'give-up' })
    now += RELOAD_WINDOW_MS + RELOAD_DELAYS_MS.at(-1)!
    expect(recovery.plan('unresponsive')).toEqual({ action: 'reload', delayMs: 0 })
  })

  it('is reloaded for ever in a wall window, at the budget pace', () => {
    let now = 0
    const recovery = new RendererRecovery(true, () => now)
    for (let i = 0; i < MAX_RELOADS; i += 1) expect(recovery.plan('crashed')?.action).toBe('reload')
    const next = recovery.plan('crashed')
    expect(next).toEqual({ action: 'reload', delayMs: RELOAD_WINDOW_MS })
    expect(recovery.recent).toBe(MAX_RELOADS)
    now += 60 * 60_000
    expect(recovery.plan('crashed')).toEqual({ action: 'reload', delayMs: 0 })
  })

  it('is not a failure when the page ended cleanly', () => {
    expect(new RendererRecovery(false).plan('clean-exit')).toBeNull()
  })
})

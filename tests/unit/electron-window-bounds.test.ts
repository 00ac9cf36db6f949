// The desk window's bounds per display (main/electron/window-bounds.ts): restored where they
// were on a display that still exists, clamped into its work area, centred on the primary
// otherwise; the file written atomically and read tolerantly (real files).
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_WINDOW_SIZE,
  EMPTY_WINDOW_STATE,
  MAX_REMEMBERED_DISPLAYS,
  MIN_WINDOW_SIZE,
  clampInto,
  displayFor,
  readWindowState,
  rememberBounds,
  restoreBounds,
  writeWindowState,
  type DisplayLike,
  type Rect,
} from '../../main/electron/window-bounds.ts'
import { tempDir } from '../support/temp.ts'

const display = (id: number, bounds: Rect, taskbar = 40): DisplayLike => ({
  id,
  bounds,
  workArea: { ...bounds, height: bounds.height - taskbar },
})
const laptop = display(1, { x: 0, y: 0, width: 1920, height: 1080 })
const wall = display(2, { x: 1920, y: 0, width: 3840, height: 2160 })
const leftOfLaptop = display(3, { x: -1280, y: 200, width: 1280, height: 1024 })

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir('watchfloor-bounds-')))
afterEach(() => cleanup())

describe('restoring the desk window', () => {
  it('opens centred at the default size on the primary display when nothing is saved', () => {
    expect(restoreBounds(EMPTY_WINDOW_STATE, [laptop, wall], laptop)).toEqual({
      bounds: { x: 240, y: 70, ...DEFAULT_WINDOW_SIZE },
      maximized: false,
    })
  })

  it('comes back where it was on the display it was last on', () => {
    const bounds = { x: 2000, y: 100, width: 1600, height: 1000 }
    const state = rememberBounds(EMPTY_WINDOW_STATE, bounds, true, [laptop, wall], laptop)
    expect(state.lastDisplay).toBe('2')
    expect(restoreBounds(state, [laptop, wall], laptop)).toEqual({ bounds, maximized: true })
  })

  it('opens on the primary display when that display is gone', () => {
    const state = rememberBounds(
      EMPTY_WINDOW_STATE,
      { x: 2000, y: 100, width: 1600, height: 1000 },
      false,
      [laptop, wall],
      laptop,
    )
    expect(restoreBounds(state, [laptop], laptop).bounds).toEqual({
      x: 240,
      y: 70,
      ...DEFAULT_WINDOW_SIZE,
    })
  })

  it('is pulled back inside a display that shrank, and never made smaller than usable', () => {
    const state = rememberBounds(
      EMPTY_WINDOW_STATE,
      { x: 3000, y: 1500, width: 3000, height: 2000 },
      false,
      [laptop, wall],
      laptop,
    )
    const smallerWall = display(2, { x: 1920, y: 0, width: 1280, height: 720 })
    const { bounds } = restoreBounds(state, [laptop, smallerWall], laptop)
    expect(bounds).toEqual({ x: 1920, y: 0, width: 1280, height: 680 })
    expect(clampInto({ x: 10, y: 10, width: 5, height: 5 }, laptop.workArea)).toEqual({
      x: 10,
      y: 10,
      ...MIN_WINDOW_SIZE,
    })
  })

  it('handles displays left of and above the primary (negative coordinates)', () => {
    const bounds = { x: -1200, y: 250, width: 1000, height: 700 }
    const state = rememberBounds(EMPTY_WINDOW_STATE, bounds, false, [laptop, leftOfLaptop], laptop)
    expect(state.lastDisplay).toBe('3')
    expect(restoreBounds(state, [laptop, leftOfLaptop], laptop).bounds).toEqual(bounds)
  })

  it('remembers each display apart, and a bounded number of them', () => {
    let state = rememberBounds(
      EMPTY_WINDOW_STATE,
      { x: 100, y: 100, width: 1000, height: 700 },
      false,
      [laptop, wall],
      laptop,
    )
    state = rememberBounds(
      state,
      { x: 2100, y: 100, width: 2000, height: 1200 },
      false,
      [laptop, wall],
      laptop,
    )
    expect(Object.keys(state.displays).sort()).toEqual(['1', '2'])
    expect(state.displays['1']).toMatchObject({ x: 100, width: 1000 })
    for (let i = 10; i < 40; i += 1) {
      const d = display(i, { x: i * 5000, y: 0, width: 1920, height: 1080 })
      state = rememberBounds(
        state,
        { x: i * 5000 + 10, y: 10, width: 1000, height: 700 },
        false,
        [d],
        d,
      )
    }
    expect(Object.keys(state.displays)).toHaveLength(MAX_REMEMBERED_DISPLAYS)
    expect(state.lastDisplay).toBe('39')
  })

  it('picks the display showing most of the window', () => {
    expect(displayFor({ x: 1800, y: 0, width: 400, height: 300 }, [laptop, wall], laptop)).toBe(
      wall,
    )
    expect(displayFor({ x: 90_000, y: 0, width: 400, height: 300 }, [laptop, wall], laptop)).toBe(
      laptop,
    )
  })
})

describe('the window state file', () => {
  it('is written atomically and read back', () => {
    const file = join(dir, 'window-state.json')
    const state = rememberBounds(
      EMPTY_WINDOW_STATE,
      { x: 10.4, y: 20.6, width: 1000, height: 700 },
      false,
      [laptop],
      laptop,
    )
    writeWindowState(file, state)
    expect(readWindowState(file)).toEqual({
      lastDisplay: '1',
      displays: { '1': { x: 10, y: 21, width: 1000, height: 700, maximized: false } },
    })
    expect(readdirSync(dir)).toEqual(['window-state.json'])
  })

  it.each([
    ['missing', null],
    ['not JSON', '{"lastDisplay": '],
    ['wrong shape', '{"lastDisplay": 1, "displays": []}'],
    [
      'huge numbers',
      '{"lastDisplay":"1","displays":{"1":{"x":1e308,"y":0,"width":10,"height":10,"maximized":false}}}',
    ],
    [
      'negative size',
      '{"lastDisplay":"1","displays":{"1":{"x":0,"y":0,"width":-10,"height":10,"maximized":false}}}',
    ],
    [
      'NaN text',
      '{"lastDisplay":"1","displays":{"1":{"x":"NaN","y":0,"width":10,"height":10,"maximized":false}}}',
    ],
  ])('is nothing saved when %s', (_what, text) => {
    const file = join(dir, 'window-state.json')
    if (text !== null) writeFileSync(file, text)
    expect(readWindowState(file)).toEqual(EMPTY_WINDOW_STATE)
  })
})

// The desk window's size and position, remembered per display (issue 15, "Main process"):
// pure functions over the displays Electron's `screen` reports, so the clamping is tested
// under Node (tests/unit/electron-window-bounds.test.ts). A window comes back on the display
// it was last on, where it was, when that display still exists; always inside a display's
// work area (a monitor unplugged, a resolution lowered, a hand-edited file), never off screen.
import { z } from 'zod'
import { readJsonFile, writeJsonFileAtomic } from './json-file.ts'

export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** The part of Electron's Display used here. */
export interface DisplayLike {
  readonly id: number
  readonly bounds: Rect
  readonly workArea: Rect
}

/** The desk window's size where nothing was remembered, and the least it is given. */
export const DEFAULT_WINDOW_SIZE = { width: 1440, height: 900 } as const
export const MIN_WINDOW_SIZE = { width: 800, height: 560 } as const
/** Displays remembered at most (a laptop docked at many desks). */
export const MAX_REMEMBERED_DISPLAYS = 16

const coordinate = z.number().int().min(-1_000_000).max(1_000_000)
const size = z.number().int().min(1).max(1_000_000)
const savedBoundsSchema = z.object({
  x: coordinate,
  y: coordinate,
  width: size,
  height: size,
  maximized: z.boolean(),
})
export type SavedBounds = z.output<typeof savedBoundsSchema>

const windowStateSchema = z.object({
  /** The display the window was last on (its id, as a string). */
  lastDisplay: z.string().max(32).nullable(),
  /** Per display id: where the window was on it. */
  displays: z.record(z.string().max(32), savedBoundsSchema),
})
export type WindowState = z.output<typeof windowStateSchema>

export const EMPTY_WINDOW_STATE: WindowState = { lastDisplay: null, displays: {} }

const keyOf = (display: DisplayLike): string => String(display.id)

/** The display that shows most of `rect` (the first, the primary, when it shows on none). */
export function displayFor(
  rect: Rect,
  displays: readonly DisplayLike[],
  primary: DisplayLike,
): DisplayLike {
  let best = primary
  let bestArea = 0
  for (const display of displays) {
    const b = display.bounds
    const w = Math.min(rect.x + rect.width, b.x + b.width) - Math.max(rect.x, b.x)
    const h = Math.min(rect.y + rect.height, b.y + b.height) - Math.max(rect.y, b.y)
    const area = w > 0 && h > 0 ? w * h : 0
    if (area > bestArea) {
      best = display
      bestArea = area
    }
  }
  return best
}

/** `rect` moved and shrunk as little as needed to lie wholly inside `area`. */
export function clampInto(rect: Rect, area: Rect): Rect {
  const width = Math.min(
    Math.max(rect.width, Math.min(MIN_WINDOW_SIZE.width, area.width)),
    area.width,
  )
  const height = Math.min(
    Math.max(rect.height, Math.min(MIN_WINDOW_SIZE.height, area.height)),
    area.height,
  )
  const x = Math.min(Math.max(rect.x, area.x), area.x + area.width - width)
  const y = Math.min(Math.max(rect.y, area.y), area.y + area.height - height)
  return { x, y, width, height }
}

/** The default size, centred in `area` (and no larger than it). */
export function centredIn(area: Rect): Rect {
  const width = Math.min(DEFAULT_WINDOW_SIZE.width, area.width)
  const height = Math.min(DEFAULT_WINDOW_SIZE.height, area.height)
  return {
    x: area.x + Math.floor((area.width - width) / 2),
    y: area.y + Math.floor((area.height - height) / 2),
    width,
    height,
  }
}

/**
 * Where the window opens: on the display it was last on, where it was there (clamped into
 * that display's work area), while that display exists; else the default size centred on the
 * primary display.
 */
export function restoreBounds(
  state: WindowState,
  displays: readonly DisplayLike[],
  primary: DisplayLike,
): { readonly bounds: Rect; readonly maximized: boolean } {
  const display = displays.find((d) => keyOf(d) === state.lastDisplay)
  const saved = state.lastDisplay === null ? undefined : state.displays[state.lastDisplay]
  if (display === undefined || saved === undefined)
    return { bounds: centredIn(primary.workArea), maximized: false }
  return { bounds: clampInto(saved, display.workArea), maximized: saved.maximized }
}

/**
 * The state after the window was seen at `bounds` (its normal, unmaximised bounds) and
 * `maximized`: remembered for the display showing most of it, which becomes the last one.
 */
export function rememberBounds(
  state: WindowState,
  bounds: Rect,
  maximized: boolean,
  displays: readonly DisplayLike[],
  primary: DisplayLike,
): WindowState {
  const key = keyOf(displayFor(bounds, displays, primary))
  const rounded = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.max(1, Math.round(bounds.width)),
    height: Math.max(1, Math.round(bounds.height)),
    maximized,
  }
  const others = Object.entries(state.displays).filter(([k]) => k !== key)
  const kept = others.slice(Math.max(0, others.length - (MAX_REMEMBERED_DISPLAYS - 1)))
  return { lastDisplay: key, displays: Object.fromEntries([...kept, [key, rounded]]) }
}

/** The saved state in `file`; a missing, damaged or out-of-range file is nothing saved. */
export function readWindowState(file: string): WindowState {
  const parsed = windowStateSchema.safeParse(readJsonFile(file))
  return parsed.success ? parsed.data : EMPTY_WINDOW_STATE
}

export const writeWindowState = (file: string, state: WindowState): void =>
  writeJsonFileAtomic(file, state)

// The wall (kiosk) window's pure part (issue 15): which display it goes on and the address it
// loads. The page already knows wall mode (`?mode=wall&playlist=…&interval=…`,
// renderer/src/wall/wall-url.ts, which checks the view names and the interval and says why it
// ignored any); the shell passes only what is syntactically a list of names and a duration.
import { APP_ENTRY_URL } from './security-policy.ts'
import type { DisplayLike } from './window-bounds.ts'

/** What a wall is asked to show and where (from `--wall…` arguments or the shell settings). */
export interface WallRequest {
  /** A display id, or its 1-based position in the OS's list; null: the first secondary display. */
  readonly display: string | null
  /** View ids in rotation order; null: the page's default playlist. */
  readonly playlist: readonly string[] | null
  /** `30s`, `2m`, `1h`, `45000`; null: the page's default. */
  readonly interval: string | null
}

export const NO_WALL_REQUEST: WallRequest = { display: null, playlist: null, interval: null }

/** A view id as the page names them: lowercase words with dashes. */
export const VIEW_NAME = /^[a-z][a-z0-9-]{0,31}$/
export const MAX_PLAYLIST = 32
export const INTERVAL_TEXT = /^\d{1,7}(s|m|h)?$/

/** A playlist's text (`overview,revenue`) as names, or null when any part is not a name. */
export function playlistOf(text: string): string[] | null {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')
  if (names.length === 0 || names.length > MAX_PLAYLIST) return null
  return names.every((n) => VIEW_NAME.test(n)) ? names : null
}

/** The wall's address: the app's page in wall mode, its playlist and interval if given. */
export function wallUrl(request: WallRequest): string {
  const url = new URL(APP_ENTRY_URL)
  url.searchParams.set('mode', 'wall')
  if (request.playlist !== null && request.playlist.length > 0)
    url.searchParams.set('playlist', request.playlist.join(','))
  if (request.interval !== null && INTERVAL_TEXT.test(request.interval))
    url.searchParams.set('interval', request.interval)
  return url.href
}

/**
 * The display the wall goes on: the one named (by id first, then by 1-based position), else
 * the first display that is not the primary one (a wall screen beside a desk), else the primary.
 */
export function chooseWallDisplay(
  displays: readonly DisplayLike[],
  primary: DisplayLike,
  wanted: string | null,
): DisplayLike {
  if (wanted !== null && /^\d{1,12}$/.test(wanted)) {
    const byId = displays.find((d) => String(d.id) === wanted)
    if (byId) return byId
    const byPosition = displays[Number(wanted) - 1]
    if (byPosition) return byPosition
  }
  return displays.find((d) => d.id !== primary.id) ?? primary
}

/** Keyboard input as Electron's `before-input-event` reports it (the part used here). */
export interface KeyInput {
  readonly type: string
  readonly key: string
  readonly control: boolean
  readonly meta: boolean
  readonly shift: boolean
  readonly alt: boolean
}

/**
 * The key that closes a wall window: Ctrl+Shift+W (Cmd+Shift+W on macOS), the View → Wall
 * Mode accelerator, which a kiosk without a menu bar would otherwise not hear. Escape alone
 * does not: a passer-by must not end a wall screen with one key.
 */
export function isWallExitKey(input: KeyInput, platform: NodeJS.Platform): boolean {
  const command = platform === 'darwin' ? input.meta : input.control
  return (
    input.type === 'keyDown' &&
    input.key.toLowerCase() === 'w' &&
    command &&
    input.shift &&
    !input.alt
  )
}

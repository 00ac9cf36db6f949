// What a wall screen's address says: `?mode=wall&playlist=overview,revenue&interval=30s`,
// optionally with the desk's `f=` filters. A wall has nobody in front of it to read a notice,
// so a part that cannot be read falls back to its default and says why in the console only.
import type { RangeFilter } from '../../../shared/api/index.ts'
import { readUrl, type Dimensions } from '../lib/url-state.ts'
import { VIEWS, isViewId, type ViewId } from '../lib/views.ts'
import { DEFAULT_RELOAD_MINUTES, formatReloadAt, parseReloadAt } from './daily-reload.ts'

const MODE_PARAM = 'mode'
const WALL_MODE = 'wall'
const PLAYLIST_PARAM = 'playlist'
const INTERVAL_PARAM = 'interval'
const RELOAD_PARAM = 'reload'

/** Shorter than this and a view is gone before anyone across the room has read it. */
export const MIN_INTERVAL_MS = 10_000
/** Longer than this and a wall stops being a rotation. */
export const MAX_INTERVAL_MS = 60 * 60_000
export const DEFAULT_INTERVAL_MS = 30_000

/**
 * Without a playlist a wall shows every dashboard that draws charts: the Activity feed, System
 * health and the Lead scores' call list are lists for someone at a desk (they can still be named
 * in a playlist).
 */
export const DEFAULT_PLAYLIST: readonly ViewId[] = VIEWS.filter(
  (v) => v.id !== 'activity' && v.id !== 'health' && v.id !== 'scores',
).map((v) => v.id)

export interface WallSettings {
  /** The views in rotation order; a view may be named twice to show it more often. */
  readonly playlist: readonly ViewId[]
  readonly intervalMs: number
  /** The desk's filters (`f=`), or the default range (last 30 days) in the viewer's zone. */
  readonly range: RangeFilter
  readonly dimensions: Dimensions
  /** Local minutes past midnight of the daily reload (daily-reload.ts); null: `reload=off`. */
  readonly reloadMinutes: number | null
  /** Why part of the address was ignored or bounded; written to the console, never shown. */
  readonly notices: readonly string[]
}

export function isWallMode(search: string): boolean {
  return new URLSearchParams(search).get(MODE_PARAM) === WALL_MODE
}

/**
 * The address of wall mode for the desk's current address: the same filters (and a LAN
 * `token`), without the desk's tab.
 */
export function wallHref(search: string): string {
  const params = new URLSearchParams(search)
  params.delete('view')
  params.set(MODE_PARAM, WALL_MODE)
  return `?${params.toString()}`
}

export type IntervalReading =
  | { readonly ok: true; readonly ms: number; readonly notice?: string }
  | { readonly ok: false; readonly notice: string }

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000 }

/** "30s", "2m", "1h", "45" (seconds); bounded to [MIN_INTERVAL_MS, MAX_INTERVAL_MS]. */
export function parseInterval(text: string): IntervalReading {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smh])?\s*$/i.exec(text)
  if (match === null) {
    return {
      ok: false,
      notice: `interval "${text}" is not a number of seconds (30s), minutes (2m) or hours (1h)`,
    }
  }
  const ms = Math.round(Number(match[1]) * (UNIT_MS[(match[2] ?? 's').toLowerCase()] ?? 1000))
  const bounded = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, ms))
  if (bounded === ms) return { ok: true, ms }
  return {
    ok: true,
    ms: bounded,
    notice: `interval "${text}" is outside ${MIN_INTERVAL_MS / 1000} s – ${MAX_INTERVAL_MS / 60_000} min; using ${bounded / 1000} s`,
  }
}

export function parsePlaylist(text: string): {
  readonly playlist: readonly ViewId[]
  readonly notices: readonly string[]
} {
  const notices: string[] = []
  const playlist: ViewId[] = []
  for (const raw of text.split(',')) {
    const name = raw.trim()
    if (name === '') continue
    if (isViewId(name)) playlist.push(name)
    else notices.push(`playlist: there is no "${name}" view; left out`)
  }
  if (playlist.length === 0) {
    notices.push('playlist names no view; showing every chart dashboard')
    return { playlist: DEFAULT_PLAYLIST, notices }
  }
  return { playlist, notices }
}

/** Reads a wall address. Every part has a default, so this never fails. */
export function readWallUrl(search: string, localZone: string): WallSettings {
  const params = new URLSearchParams(search)
  const notices: string[] = []

  const playlistText = params.get(PLAYLIST_PARAM)
  let playlist = DEFAULT_PLAYLIST
  if (playlistText !== null) {
    const read = parsePlaylist(playlistText)
    playlist = read.playlist
    notices.push(...read.notices)
  }

  const intervalText = params.get(INTERVAL_PARAM)
  let intervalMs = DEFAULT_INTERVAL_MS
  if (intervalText !== null) {
    const read = parseInterval(intervalText)
    if (read.ok) intervalMs = read.ms
    if (read.notice !== undefined) {
      notices.push(read.ok ? read.notice : `${read.notice}; using ${DEFAULT_INTERVAL_MS / 1000} s`)
    }
  }

  let reloadMinutes: number | null = DEFAULT_RELOAD_MINUTES
  const reloadText = params.get(RELOAD_PARAM)
  if (reloadText !== null) {
    const read = parseReloadAt(reloadText)
    if (read.ok) reloadMinutes = read.minutes
    else notices.push(`${read.notice}; reloading at ${formatReloadAt(DEFAULT_RELOAD_MINUTES)}`)
  }

  // The desk's own reading of `f=`: one parser for the filters, whichever page shows them.
  const { state, problems } = readUrl(search, localZone)
  notices.push(...problems)
  return {
    playlist,
    intervalMs,
    range: state.range,
    dimensions: state.dimensions,
    reloadMinutes,
    notices,
  }
}

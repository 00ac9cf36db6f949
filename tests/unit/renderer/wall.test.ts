// Wall mode's pure parts: the address it reads (playlist, interval, filters), the clock-aligned
// rotation, and the self-healing policy (when to reload, and never in a loop).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RANGE_PRESET, serializeFilters } from '../../../shared/api/index.ts'
import { VIEW_IDS } from '../../../renderer/src/lib/views.ts'
import { progressAt, slotAt } from '../../../renderer/src/wall/rotation.ts'
import {
  FAILED_CHECKS_BEFORE_RELOAD,
  HEALTHY,
  MAX_RELOAD_GAP_MS,
  MIN_RELOAD_GAP_MS,
  RECOVERY_BOUND_MS,
  afterCheck,
  forgetReloads,
  isUnrecovered,
  nextReloadAt,
  readHistory,
  recordReload,
  reloadGapMs,
  type StorageLike,
} from '../../../renderer/src/wall/self-heal.ts'
import {
  DEFAULT_INTERVAL_MS,
  DEFAULT_PLAYLIST,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  isWallMode,
  parseInterval,
  parsePlaylist,
  readWallUrl,
  wallHref,
} from '../../../renderer/src/wall/wall-url.ts'

describe('the wall address', () => {
  it('is wall mode only for mode=wall', () => {
    expect(isWallMode('?mode=wall')).toBe(true)
    expect(isWallMode('?view=overview&mode=wall&playlist=x')).toBe(true)
    expect(isWallMode('?mode=desk')).toBe(false)
    expect(isWallMode('')).toBe(false)
  })

  it('reads the playlist in order, repeats kept, unknown views left out with a notice', () => {
    const read = parsePlaylist('overview, revenue,nope,overview,,funnel')
    expect(read.playlist).toEqual(['overview', 'revenue', 'overview', 'funnel'])
    expect(read.notices).toEqual(['playlist: there is no "nope" view; left out'])
  })

  it('falls back to every chart dashboard when the playlist names none', () => {
    const read = parsePlaylist('nope,,')
    expect(read.playlist).toEqual(DEFAULT_PLAYLIST)
    expect(read.notices).toHaveLength(2)
    expect(DEFAULT_PLAYLIST).not.toContain('activity')
    expect(DEFAULT_PLAYLIST).not.toContain('health')
    expect(DEFAULT_PLAYLIST).toContain('overview')
  })

  it('reads intervals in seconds, minutes and hours', () => {
    expect(parseInterval('30s')).toEqual({ ok: true, ms: 30_000 })
    expect(parseInterval('45')).toEqual({ ok: true, ms: 45_000 })
    expect(parseInterval('2m')).toEqual({ ok: true, ms: 120_000 })
    expect(parseInterval('1.5M')).toEqual({ ok: true, ms: 90_000 })
    expect(parseInterval('1h')).toEqual({ ok: true, ms: 3_600_000 })
    expect(parseInterval('soon').ok).toBe(false)
    expect(parseInterval('-5s').ok).toBe(false)
    expect(parseInterval('').ok).toBe(false)
  })

  it('bounds every interval to 10 s – 1 h and says so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('s', 'm', ''), (n, unit) => {
        const read = parseInterval(`${n}${unit}`)
        if (!read.ok) throw new Error('a number with a unit is always read')
        expect(read.ms).toBeGreaterThanOrEqual(MIN_INTERVAL_MS)
        expect(read.ms).toBeLessThanOrEqual(MAX_INTERVAL_MS)
        const asked = n * (unit === 'm' ? 60_000 : 1000)
        expect(read.notice === undefined).toBe(asked === read.ms)
      }),
    )
  })

  it('defaults, and reads the desk filters of f=', () => {
    const plain = readWallUrl('?mode=wall', 'UTC')
    expect(plain.playlist).toEqual(DEFAULT_PLAYLIST)
    expect(plain.intervalMs).toBe(DEFAULT_INTERVAL_MS)
    expect(plain.range).toEqual({ preset: DEFAULT_RANGE_PRESET, timeZone: 'UTC' })
    expect(plain.dimensions).toEqual({})
    expect(plain.notices).toEqual([])

    const f = serializeFilters({
      range: { preset: 'last7', timeZone: 'UTC' },
      source: ['Nextdoor'],
    })
    const read = readWallUrl(
      `?mode=wall&playlist=revenue,bogus&interval=2s&f=${encodeURIComponent(f)}`,
      'UTC',
    )
    expect(read.playlist).toEqual(['revenue'])
    expect(read.intervalMs).toBe(MIN_INTERVAL_MS)
    expect(read.range.preset).toBe('last7')
    expect(read.dimensions).toEqual({ source: ['Nextdoor'] })
    expect(read.notices).toHaveLength(2)
  })

  it('an unreadable interval or filter falls back with a notice, never a failure', () => {
    const read = readWallUrl('?mode=wall&interval=often&f=%%%', 'UTC')
    expect(read.intervalMs).toBe(DEFAULT_INTERVAL_MS)
    expect(read.range.preset).toBe(DEFAULT_RANGE_PRESET)
    expect(read.notices.length).toBeGreaterThanOrEqual(2)
  })

  it('the desk link keeps the filters and a token, drops the tab', () => {
    const href = wallHref('?view=marketing&f=r-last7&token=abc')
    const params = new URLSearchParams(href)
    expect(params.get('mode')).toBe('wall')
    expect(params.get('f')).toBe('r-last7')
    expect(params.get('token')).toBe('abc')
    expect(params.has('view')).toBe(false)
    expect(isWallMode(href)).toBe(true)
  })
})

describe('the rotation', () => {
  it('walks the playlist in order, one view per interval, from the clock', () => {
    const interval = 30_000
    const start = Date.UTC(2026, 10, 1, 15)
    const seen = Array.from({ length: 7 }, (_, i) => slotAt(start + i * interval, interval, 3))
    const first = seen[0]?.index ?? 0
    expect(seen.map((s) => s.index)).toEqual(seen.map((_, i) => (first + i) % 3))
    for (const [i, s] of seen.entries()) {
      expect(s.nextAt - s.startedAt).toBe(interval)
      expect(s.startedAt).toBeLessThanOrEqual(start + i * interval)
      expect(s.nextAt).toBeGreaterThan(start + i * interval)
    }
  })

  it('any moment is in exactly one slot, and progress runs 0 → 1 across it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: MIN_INTERVAL_MS, max: MAX_INTERVAL_MS }),
        fc.integer({ min: 1, max: VIEW_IDS.length * 2 }),
        (now, interval, length) => {
          const s = slotAt(now, interval, length)
          expect(s.startedAt).toBeLessThanOrEqual(now)
          expect(now).toBeLessThan(s.nextAt)
          expect(s.index).toBeGreaterThanOrEqual(0)
          expect(s.index).toBeLessThan(length)
          expect(slotAt(s.nextAt, interval, length).slot).toBe(s.slot + 1)
          const p = progressAt(now, s)
          expect(p).toBeGreaterThanOrEqual(0)
          expect(p).toBeLessThan(1)
        },
      ),
    )
  })

  it('refuses an empty rotation', () => {
    expect(() => slotAt(0, 30_000, 0)).toThrow(RangeError)
    expect(() => slotAt(0, 0, 3)).toThrow(RangeError)
  })
})

function memoryStorage(): StorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  }
}

describe('self-healing', () => {
  it('a host that fails its checks long enough, several times, is unrecovered', () => {
    let health = HEALTHY
    const t0 = 1_000_000
    for (let i = 0; i < FAILED_CHECKS_BEFORE_RELOAD; i += 1) {
      health = afterCheck(health, false, t0 + i * 10_000)
    }
    expect(health.failingSince).toBe(t0)
    expect(isUnrecovered(health, t0 + RECOVERY_BOUND_MS - 1)).toBe(false)
    expect(isUnrecovered(health, t0 + RECOVERY_BOUND_MS)).toBe(true)
    expect(afterCheck(health, true, t0 + RECOVERY_BOUND_MS)).toEqual(HEALTHY)
  })

  it('a jump of the clock with one failed check is not a reason to reload', () => {
    const health = afterCheck(HEALTHY, false, 0)
    expect(isUnrecovered(health, 7 * 24 * 3_600_000)).toBe(false)
  })

  it('reloads in a row wait twice as long each time, from 30 s up to a cap', () => {
    expect(reloadGapMs(0)).toBe(0)
    expect(reloadGapMs(1)).toBe(MIN_RELOAD_GAP_MS)
    expect(reloadGapMs(2)).toBe(2 * MIN_RELOAD_GAP_MS)
    expect(reloadGapMs(3)).toBe(4 * MIN_RELOAD_GAP_MS)
    expect(reloadGapMs(50)).toBe(MAX_RELOAD_GAP_MS)
  })

  it('never allows two reloads less than 30 s apart, whatever the history', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 4e12 }), (n, at) => {
        expect(nextReloadAt({ count: n, lastAt: at }) - at).toBeGreaterThanOrEqual(
          MIN_RELOAD_GAP_MS,
        )
      }),
    )
    expect(nextReloadAt(null)).toBe(Number.NEGATIVE_INFINITY)
  })

  it('keeps the count of reloads across a reload, and forgets it once well', () => {
    const storage = memoryStorage()
    expect(readHistory(storage)).toBeNull()
    expect(recordReload(storage, 1000)).toEqual({ count: 1, lastAt: 1000 })
    expect(recordReload(storage, 5000)).toEqual({ count: 2, lastAt: 5000 })
    expect(readHistory(storage)).toEqual({ count: 2, lastAt: 5000 })
    forgetReloads(storage)
    expect(readHistory(storage)).toBeNull()
  })

  it('reads a damaged or foreign history as none', () => {
    const storage = memoryStorage()
    storage.setItem('watchfloor.wall.reloads', '{not json')
    expect(readHistory(storage)).toBeNull()
    storage.setItem('watchfloor.wall.reloads', '{"count":"2"}')
    expect(readHistory(storage)).toBeNull()
  })
})

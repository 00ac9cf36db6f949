// The wall's daily reload (renderer/src/wall/daily-reload.ts): when it is due, in the viewer's
// local time (a zone with daylight saving included), and what the address may say.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  DEFAULT_RELOAD_MINUTES,
  MIN_UPTIME_MS,
  formatReloadAt,
  parseReloadAt,
  reloadDueAt,
  reloadsAtBoundary,
} from '../../../renderer/src/wall/daily-reload.ts'
import { readWallUrl } from '../../../renderer/src/wall/wall-url.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('the reload time in the address', () => {
  it('reads a time of day or off', () => {
    expect(parseReloadAt('04:00')).toEqual({ ok: true, minutes: 240 })
    expect(parseReloadAt(' 4:30 ')).toEqual({ ok: true, minutes: 270 })
    expect(parseReloadAt('23:59')).toEqual({ ok: true, minutes: 23 * 60 + 59 })
    expect(parseReloadAt('00:00')).toEqual({ ok: true, minutes: 0 })
    expect(parseReloadAt('OFF')).toEqual({ ok: true, minutes: null })
  })

  it('refuses anything else with a notice', () => {
    for (const text of ['24:00', '12:60', '4', '4pm', '', '-1:00', '04:00:00', '١٢:٠٠', 'off!']) {
      const read = parseReloadAt(text)
      expect(read.ok, text).toBe(false)
    }
  })

  it('writes back what it reads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 * 60 - 1 }), (minutes) => {
        expect(parseReloadAt(formatReloadAt(minutes))).toEqual({ ok: true, minutes })
      }),
    )
  })

  it('a wall reloads at 04:00 unless told otherwise; an unreadable time keeps the default', () => {
    expect(readWallUrl('?mode=wall', 'UTC').reloadMinutes).toBe(DEFAULT_RELOAD_MINUTES)
    expect(readWallUrl('?mode=wall&reload=off', 'UTC').reloadMinutes).toBeNull()
    expect(readWallUrl('?mode=wall&reload=02:15', 'UTC').reloadMinutes).toBe(135)
    const bad = readWallUrl('?mode=wall&reload=noon', 'UTC')
    expect(bad.reloadMinutes).toBe(DEFAULT_RELOAD_MINUTES)
    expect(bad.notices).toEqual([expect.stringContaining('reload "noon"')])
  })
})

/** Runs the block's tests in `zone` (Node reads TZ again when it changes). */
function inZone(zone: string): void {
  beforeAll(() => {
    vi.stubEnv('TZ', zone)
  })
  afterAll(() => {
    vi.unstubAllEnvs()
  })
}

/** Each zone, with its offset from UTC (minutes, as getTimezoneOffset gives it) in July. */
const ZONES = { UTC: 0, 'Europe/London': -60, 'America/New_York': 240, 'Asia/Kolkata': -330 }

for (const [zone, julyOffset] of Object.entries(ZONES)) {
  describe(`when the reload is due, in ${zone}`, () => {
    inZone(zone)

    it('runs in that zone', () => {
      expect(new Date(Date.parse('2026-07-01T12:00:00Z')).getTimezoneOffset()).toBe(julyOffset)
    })

    it('the next time of day at least the minimum uptime after the load', () => {
      const loaded = Date.parse('2026-11-30T12:00:00Z')
      const due = reloadDueAt(loaded, 4 * 60)
      const local = new Date(due)
      expect([local.getHours(), local.getMinutes()]).toEqual([4, 0])
      expect(due - loaded).toBeGreaterThanOrEqual(MIN_UPTIME_MS)
      expect(due - loaded).toBeLessThanOrEqual(MIN_UPTIME_MS + DAY)
    })

    it('a page loaded a little before the hour waits for the next day', () => {
      const loaded = new Date(2026, 10, 30, 3, 30).getTime()
      expect(reloadDueAt(loaded, 4 * 60)).toBe(new Date(2026, 11, 1, 4, 0).getTime())
      const earlier = new Date(2026, 10, 30, 2, 59).getTime()
      expect(reloadDueAt(earlier, 4 * 60)).toBe(new Date(2026, 10, 30, 4, 0).getTime())
    })

    it('for any load and time of day: once in the day after the minimum uptime', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2040-01-01') }),
          fc.integer({ min: 0, max: 24 * 60 - 1 }),
          (loaded, minutes) => {
            const due = reloadDueAt(loaded, minutes)
            expect(due).toBeGreaterThanOrEqual(loaded + MIN_UPTIME_MS)
            // A day, and the hour a daylight saving change can add.
            expect(due).toBeLessThan(loaded + MIN_UPTIME_MS + DAY + HOUR)
            // The reload after this one comes about a day later, never at once (no loop).
            const next = reloadDueAt(due, minutes)
            expect(next - due).toBeGreaterThan(DAY - 2 * HOUR)
          },
        ),
      )
    })
  })
}

describe('at a rotation boundary', () => {
  it('reloads once due, and only with no alert in the banner', () => {
    const due = Date.parse('2026-12-01T04:00:00Z')
    expect(reloadsAtBoundary(due - 1, due, 0)).toBe(false)
    expect(reloadsAtBoundary(due, due, 0)).toBe(true)
    expect(reloadsAtBoundary(due + DAY, due, 0)).toBe(true)
    expect(reloadsAtBoundary(due, due, 1)).toBe(false)
    expect(reloadsAtBoundary(due + HOUR, due, 3)).toBe(false)
  })
})

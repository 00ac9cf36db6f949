// Pure parts of the Redis and Socket.IO sync: entry validation, stream id
// order, gap decisions from XINFO STREAM, and the reconnect schedule.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { detectGap, parseStreamInfo, type StreamInfo } from '../../main/sync/redis/gap-detection.ts'
import { backoffDelay, toSourceStatus } from '../../main/sync/source-state.ts'
import {
  MAX_FIELD_BYTES,
  compareStreamIds,
  parseStreamEntryBytes,
} from '../../main/sync/redis/stream-events.ts'

/** An entry as the reader gets it (bytes, `xreadBuffer`), from its fields as text. */
const parseStreamEntry = (streamId: string, fields: readonly string[], tenant: string) =>
  parseStreamEntryBytes(
    streamId,
    fields.map((f) => Buffer.from(f, 'utf8')),
    tenant,
  )

const T = 'acme'
const fields = (over: Record<string, string | undefined> = {}) => {
  const base: Record<string, string | undefined> = {
    type: 'lead_updated',
    table: 'leads',
    id: '42',
    tenant: T,
    at: '2026-05-01T10:00:00.000Z',
    data: '{"id":42}',
    ...over,
  }
  return Object.entries(base).flatMap(([k, v]) => (v === undefined ? [] : [k, v]))
}

describe('stream entries', () => {
  it('accepts the shape the demo upstream writes', () => {
    const parsed = parseStreamEntry('1-0', fields(), T)
    expect(parsed).toEqual({
      ok: true,
      event: {
        kind: 'change',
        streamId: '1-0',
        type: 'lead_updated',
        table: 'leads',
        id: '42',
        at: Date.parse('2026-05-01T10:00:00.000Z'),
        dataText: '{"id":42}',
      },
    })
  })

  it.each([
    [{ data: 'nope' }, 'data is not JSON'],
    [{ data: '[1]' }, 'data is not a JSON object'],
    [{ type: 'lead_exploded' }, 'unknown type lead_exploded'],
    [{ tenant: undefined }, 'missing field tenant'],
    [{ tenant: 'other' }, 'tenant other is not acme'],
    [{ at: 'yesterday' }, 'at is not a time: yesterday'],
    [{ table: 'projects' }, 'table projects does not match type lead_updated'],
    [{ id: undefined }, 'missing field id'],
    [{ data: 'x'.repeat(MAX_FIELD_BYTES + 1) }, `field data is ${MAX_FIELD_BYTES + 1} bytes`],
  ])('refuses %o: %s', (over, reason) => {
    const parsed = parseStreamEntry('7-1', fields(over), T)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.reason).toContain(reason)
  })

  it('never throws, whatever the fields', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 14 }), (f) => {
        const parsed = parseStreamEntry('1-1', f, T)
        expect(typeof parsed.ok).toBe('boolean')
      }),
    )
  })

  it('orders ids numerically, not as text', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1)
    expect(compareStreamIds('10-2', '10-10')).toBe(-1)
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        (a, b) => {
          expect(compareStreamIds(`${a}-0`, `${b}-0`)).toBe(a < b ? -1 : a > b ? 1 : 0)
        },
      ),
    )
  })
})

const info = (over: Partial<StreamInfo>): StreamInfo => ({
  firstEntry: '100-0',
  lastGeneratedId: '200-0',
  maxDeletedEntryId: '0-0',
  entriesAdded: 101,
  ...over,
})

describe('gap detection', () => {
  it('parses XINFO STREAM as ioredis returns it', () => {
    const reply = [
      'length',
      1,
      'last-generated-id',
      '5-1',
      'max-deleted-entry-id',
      '5-0',
      'entries-added',
      2,
      'first-entry',
      ['5-1', ['a', '2']],
    ]
    expect(parseStreamInfo(reply)).toEqual({
      firstEntry: '5-1',
      lastGeneratedId: '5-1',
      maxDeletedEntryId: '5-0',
      entriesAdded: 2,
    })
  })

  it('sees no gap while our id is still in the stream and nothing after it was deleted', () => {
    expect(detectGap('150-0', info({}), null)).toEqual({ gap: false })
    expect(detectGap('200-0', info({ maxDeletedEntryId: '99-0' }), null)).toEqual({ gap: false })
    expect(detectGap(null, null, null)).toEqual({ gap: false })
    expect(detectGap('0-0', info({ firstEntry: '150-0' }), null)).toEqual({ gap: false })
  })

  it('reports entries trimmed past our id (trimming does not move max-deleted-entry-id)', () => {
    expect(detectGap('50-0', info({}), null)).toMatchObject({
      gap: true,
      kind: 'trimmed',
      firstAvailable: '100-0',
      newPosition: null,
    })
  })

  it('reports an XDEL after our id, once', () => {
    const d = detectGap('150-0', info({ maxDeletedEntryId: '160-0' }), null)
    expect(d).toMatchObject({ gap: true, kind: 'trimmed', maxDeletedId: '160-0' })
    expect(detectGap('150-0', info({ maxDeletedEntryId: '160-0' }), '160-0')).toEqual({
      gap: false,
    })
  })

  it('reports an XDEL between two checks that XREAD skipped, not one of an entry it read', () => {
    const d = info({ maxDeletedEntryId: '160-0' })
    const read = new Set(['170-0'])
    const since = { position: '150-0', wasRead: (id: string) => read.has(id) }
    expect(detectGap('180-0', d, null, since)).toMatchObject({ gap: true, maxDeletedId: '160-0' })
    read.add('160-0')
    expect(detectGap('180-0', d, null, since)).toEqual({ gap: false })
  })

  it('reports a vanished or restarted stream as a reset and rereads it from the start', () => {
    expect(detectGap('150-0', null, null)).toMatchObject({
      gap: true,
      kind: 'reset',
      newPosition: '0-0',
    })
    expect(detectGap('300-0', info({}), null)).toMatchObject({
      gap: true,
      kind: 'reset',
      newPosition: '0-0',
    })
  })

  it('falls back to the first entry on Redis before 7', () => {
    const old = info({ maxDeletedEntryId: null, entriesAdded: null })
    expect(detectGap('50-0', old, null)).toMatchObject({ gap: true, maxDeletedId: '100-0' })
    expect(detectGap('50-0', old, '100-0')).toEqual({ gap: false })
    expect(detectGap('150-0', old, null)).toEqual({ gap: false })
  })
})

describe('reconnect schedule', () => {
  it('waits a uniform share of a doubling ceiling, never above the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, { baseMs: 100, capMs: 10_000, random: () => r })
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThan(Math.min(10_000, 100 * 2 ** attempt))
        },
      ),
    )
    expect(backoffDelay(3, { baseMs: 100, random: () => 0.5 })).toBe(400)
  })

  it('maps conditions onto the api SourceStatus', () => {
    const at = new Date('2026-05-01T10:00:00Z')
    expect(toSourceStatus('Redis', { state: 'offline', nextRetryAt: at, message: 'm' })).toEqual({
      name: 'Redis',
      state: 'offline',
      since: '2026-05-01T10:00:00.000Z',
      message: 'm',
    })
    expect(toSourceStatus('Redis', { state: 'stale', since: at }).since).toBe(at.toISOString())
  })
})

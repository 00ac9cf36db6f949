// The stream writer's order rules on a real cache file (main/sync/redis/stream-writer.ts):
// batches settle in the order given; after a failure, no batch given later is stored until the
// reader, back at its position, resumes, whichever thread would store it. Through the real
// Redis the same is tested end to end in tests/integration/stream-writer-thread.test.ts.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../main/store/index.ts'
import { storeUpstreamAlert } from '../../main/sync/redis/stream-store.ts'
import {
  createStreamWriter,
  OFF_THREAD_MIN_EVENTS,
  SKIPPED_AFTER_FAILURE,
  type RawEntry,
  type StoredEntries,
} from '../../main/sync/redis/stream-writer.ts'
import { tempDir } from '../support/temp.ts'

let dir: string
let cleanup: () => void
let db: Store

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  db = openStore(join(dir, 'cache.sqlite'))
})
afterEach(() => {
  db.close()
  cleanup()
})

/** `count` valid change entries from `first` on, as XREAD's undecoded reply holds them. */
const entries = (first: number, count: number): RawEntry[] =>
  Array.from({ length: count }, (_, i) => {
    const n = first + i
    const fields = {
      type: 'lead_updated',
      table: 'leads',
      id: String(n),
      tenant: 't',
      at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      data: `{"id":${n}}`,
    }
    return [
      Buffer.from(`${n}-0`),
      Object.entries(fields)
        .flat()
        .map((f) => Buffer.from(f)),
    ]
  })

const nothing: StoredEntries = {
  result: { stored: 0, duplicates: 0, tables: [], newAlerts: [] },
  refused: [],
}
const batch = (first: number, count = OFF_THREAD_MIN_EVENTS) => ({
  stream: 's',
  tenant: 't',
  entries: entries(first, count),
  lastId: `${first + count - 1}-0`,
})
const outcome = (p: Promise<StoredEntries>) =>
  p.then(
    (s) => `stored ${s.result.stored}`,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  )

describe('the stream writer', () => {
  it('hands back the batches of a thread that cannot open the cache, in order, none after a failed one', async () => {
    const logs: string[] = []
    const writer = createStreamWriter(db, {
      nativeBinding: join(dir, 'missing.node'),
      log: (l) => logs.push(l),
    })
    const ran: string[] = []
    // Both go to the thread before it says it cannot open the cache.
    const a = writer.store(batch(1_000), () => {
      ran.push('a')
      throw new Error('database is locked')
    })
    const b = writer.store(batch(2_000), () => {
      ran.push('b')
      return nothing
    })
    expect(await outcome(a)).toBe('database is locked')
    expect(await outcome(b)).toBe(SKIPPED_AFTER_FAILURE)
    expect(ran).toEqual(['a'])
    expect(logs.join('\n')).toMatch(/writer thread could not open the cache/)
    // Back at its position the reader resumes: batches are stored (here, from now on).
    writer.resume()
    expect(await outcome(writer.store(batch(1_000), () => nothing))).toBe('stored 0')
    await writer.close()
  })

  it('stores a batch’s alerts on the thread in stream order, notifies new ones, notes a known one’s stream id', async () => {
    const writer = createStreamWriter(db, { log: () => {} })
    const alertOf = (id: string) => ({
      id,
      tenant: 't',
      kind: 'pipeline_drop',
      severity: 'warning' as const,
      message: 'Pipeline dropped',
      value: 3,
      at: '2026-01-01T00:10:00.000Z',
    })
    // Known from pub/sub first: no stream id yet.
    storeUpstreamAlert(db, alertOf('known'), 'pubsub', null, 1)
    const raw = entries(5_000, OFF_THREAD_MIN_EVENTS)
    const alertEntry = (n: number, id: string): RawEntry => [
      Buffer.from(`${n}-1`),
      ['type', 'alert', 'tenant', 't', 'at', '2026-01-01T00:10:00Z', 'data']
        .concat(JSON.stringify(alertOf(id)))
        .map((f) => Buffer.from(f)),
    ]
    raw.splice(10, 0, alertEntry(5_009, 'new-1'))
    raw.splice(100, 0, alertEntry(5_098, 'known'))
    raw.splice(200, 0, alertEntry(5_197, 'new-2'))
    const stored = await writer.store(
      { stream: 's', tenant: 't', entries: raw, lastId: `${5_000 + OFF_THREAD_MIN_EVENTS - 1}-0` },
      () => {
        throw new Error('stored on the reader’s thread')
      },
    )
    expect(stored.result.newAlerts.map((a) => a.id)).toEqual(['new-1', 'new-2'])
    expect(stored.result.stored).toBe(raw.length)
    expect(
      db.prepare('SELECT id, origin, stream_id FROM upstream_alerts ORDER BY id').all(),
    ).toEqual([
      { id: 'known', origin: 'pubsub', stream_id: '5098-1' },
      { id: 'new-1', origin: 'stream', stream_id: '5009-1' },
      { id: 'new-2', origin: 'stream', stream_id: '5197-1' },
    ])
    // Rows in stream order: each alert between the changes around it.
    const order = db.prepare('SELECT stream_id FROM events ORDER BY rowid').pluck().all()
    expect(order).toEqual(raw.map(([id]) => id.toString()))
    await writer.close()
  })

  it('stores on the thread in order, skips what follows a failure until resumed', async () => {
    const writer = createStreamWriter(db, { log: () => {} })
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.stream_id = '1300-0'
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END`)
    const here = () => {
      throw new Error('stored on the reader’s thread')
    }
    const first = writer.store(batch(1_000), here)
    const failing = writer.store(batch(1_256), here)
    const after = writer.store(batch(1_512), here)
    // A small batch (the reader's own thread) given after the failure is not stored either.
    const small = writer.store(batch(1_768, 3), () => {
      throw new Error('must not run')
    })
    expect(await outcome(first)).toBe(`stored ${OFF_THREAD_MIN_EVENTS}`)
    expect(await outcome(failing)).toBe('disk says no')
    expect(await outcome(after)).toBe(SKIPPED_AFTER_FAILURE)
    expect(await outcome(small)).toBe(SKIPPED_AFTER_FAILURE)
    const position = () =>
      (
        db.prepare("SELECT last_stream_id AS id FROM sync_state WHERE source = 'redis'").get() as {
          id: string
        }
      ).id
    expect(position()).toBe(`${1_000 + OFF_THREAD_MIN_EVENTS - 1}-0`)
    // Given before resume(), still skipped; after it, stored.
    expect(await outcome(writer.store(batch(1_256), here))).toBe(SKIPPED_AFTER_FAILURE)
    db.exec('DROP TRIGGER refuse')
    writer.resume()
    expect(await outcome(writer.store(batch(1_256), here))).toBe(`stored ${OFF_THREAD_MIN_EVENTS}`)
    expect(position()).toBe(`${1_256 + OFF_THREAD_MIN_EVENTS - 1}-0`)
    expect((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(
      2 * OFF_THREAD_MIN_EVENTS,
    )
    await writer.close()
  })
})

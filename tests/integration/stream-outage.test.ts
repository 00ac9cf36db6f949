// The Redis reader against a throwaway redis-server of its own (never the
// machine's shared one): killed mid-read it goes offline with the next retry
// time, restarted it comes back live and reports the emptied stream as a gap;
// an unreachable port and a wrong password each give one actionable sentence.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startRedisSync, type RedisSync, type StreamGap } from '../../main/sync/redis/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { startRedisServer } from '../support/redis-server.ts'
import { tempDir } from '../support/temp.ts'
import { freePort } from '../support/wait.ts'

const TENANT = `t${process.pid}${Date.now()}`
const STREAM = `ops:${TENANT}:events`
const FAST = { baseMs: 50, capMs: 400 }

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGKILL')
  await exited
}

let dir: string
let cleanup: () => void
let db: Store
let server: ChildProcess | undefined
let sync: RedisSync | undefined
const logs: string[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  db = openStore(join(dir, 'cache.sqlite'))
  logs.length = 0
})
afterEach(async () => {
  await sync?.stop()
  sync = undefined
  await kill(server)
  server = undefined
  db.close()
  cleanup()
})

const lead = (n: number) => [
  'type',
  'lead_created',
  'table',
  'leads',
  'id',
  String(n),
  'tenant',
  TENANT,
  'at',
  new Date().toISOString(),
  'data',
  JSON.stringify({ id: n }),
]

async function addLeads(redis: Redis, from: number, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let n = from; n < from + count; n++)
    ids.push(String(await redis.xadd(STREAM, '*', ...lead(n))))
  return ids
}

const storedCount = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n

describe('Redis reader outages', () => {
  it('goes offline with the next retry time when its server dies, and resumes live after a restart', async () => {
    const port = await freePort()
    server = await startRedisServer(port)
    const writer = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
    })
    await writer.connect()
    const first = await addLeads(writer, 0, 20)
    writer.disconnect()

    const gaps: StreamGap[] = []
    const statuses: string[] = []
    sync = startRedisSync({
      db,
      redis: { url: `redis://127.0.0.1:${port}` },
      tenant: TENANT,
      log: (line) => logs.push(line),
      onGap: (gap) => gaps.push(gap),
      onStatus: (s) => statuses.push(s.state),
      backoff: FAST,
      blockMs: 100,
    })
    const current = sync
    await vi.waitFor(() => expect(current.stats().lastId).toBe(first.at(-1)))
    expect(current.status().state).toBe('live')

    // Killed while the reader is blocked in XREAD.
    const killedAt = Date.now()
    await kill(server)
    await vi.waitFor(() => expect(current.status().state).toBe('offline'), { timeout: 5_000 })
    const offline = current.status()
    expect(offline.message).toMatch(new RegExp(`^Cannot reach Redis at 127\\.0\\.0\\.1:${port}: `))
    expect(offline.message).not.toMatch(/\n\s+at /)
    expect(Date.parse(offline.since as string)).toBeGreaterThanOrEqual(killedAt)
    await vi.waitFor(() =>
      expect(current.status().message).toBe(
        `Cannot reach Redis at 127.0.0.1:${port}: connection refused`,
      ),
    )

    // Back, empty (no persistence): the reader must notice its position is gone.
    server = await startRedisServer(port)
    await vi.waitFor(() => expect(current.status().state).toBe('live'), { timeout: 5_000 })
    const again = new Redis({ port, host: '127.0.0.1' })
    const after = await addLeads(again, 100, 5)
    await again.quit()
    await vi.waitFor(() => expect(current.stats().lastId).toBe(after.at(-1)))
    expect(storedCount()).toBe(25)
    expect(gaps).toHaveLength(1)
    expect(gaps[0]).toMatchObject({ stream: STREAM, lastId: first.at(-1) })
    expect(
      logs.some((l) => l.includes(`Redis stream ${STREAM}:`) && l.includes('re-pulling')),
    ).toBe(true)
    expect(statuses).toEqual(expect.arrayContaining(['live', 'offline']))
    expect(statuses.at(-1)).toBe('live')
  })

  it('says the connection is refused when nothing listens on the port', async () => {
    const port = await freePort()
    sync = startRedisSync({
      db,
      redis: { url: `redis://127.0.0.1:${port}` },
      tenant: TENANT,
      log: (line) => logs.push(line),
      backoff: FAST,
    })
    const current = sync
    await vi.waitFor(() =>
      expect(current.status()).toMatchObject({
        state: 'offline',
        message: `Cannot reach Redis at 127.0.0.1:${port}: connection refused`,
      }),
    )
    expect(Date.parse(current.status().since as string)).toBeGreaterThan(Date.now() - 1_000)
    // One line per outage, not one per retry.
    await vi.waitFor(() =>
      expect(logs).toEqual([`Cannot reach Redis at 127.0.0.1:${port}: connection refused`]),
    )
  })

  it('says the password was refused, without printing it', async () => {
    const port = await freePort()
    server = await startRedisServer(port, ['--requirepass', 'right-one'])
    sync = startRedisSync({
      db,
      redis: { url: `redis://:wrong-one@127.0.0.1:${port}` },
      tenant: TENANT,
      log: (line) => logs.push(line),
      backoff: FAST,
    })
    const current = sync
    await vi.waitFor(() => expect(current.status().state).toBe('error'))
    const { message } = current.status()
    expect(message).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${port} refused the password`))
    expect(message).not.toContain('wrong-one')
    expect(logs.join('\n')).not.toContain('wrong-one')

    // Without any password, the sentence says one is needed.
    await current.stop()
    sync = startRedisSync({
      db,
      redis: { url: `redis://127.0.0.1:${port}` },
      tenant: TENANT,
      log: (line) => logs.push(line),
      backoff: FAST,
    })
    const second = sync
    await vi.waitFor(() =>
      expect(second.status()).toMatchObject({
        state: 'error',
        message: `Redis at 127.0.0.1:${port} requires a password; add it to the Redis connection settings`,
      }),
    )
  })
})

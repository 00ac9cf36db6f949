// Per-test Redis streams for the stream reader's tests: one client for the file, and for each
// test its own tenant (so its own key, `ops:{tenant}:events`, under this run's prefix), a
// temporary folder for its caches, and cleanup of what it started, opened and wrote.
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import type { Store } from '../../main/store/index.ts'
import type { RedisSync } from '../../main/sync/redis/index.ts'
import { tempDir } from './temp.ts'

export const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'

export interface StreamFixture {
  /** The file's client. */
  readonly redis: Redis
  /** This test's folder. */
  readonly dir: string
  /** This test's tenant and its stream key. */
  readonly tenant: string
  readonly stream: string
  /** Readers stopped and caches closed after the test. */
  readonly running: RedisSync[]
  readonly opened: Store[]
}

/** Registers the hooks; `prefix` starts this run's tenants (a test file's own letter). */
export function useStreamFixture(prefix: string): StreamFixture {
  const run = `${prefix}${process.pid}${Date.now()}`
  let counter = 0
  let redis: Redis | undefined
  let test: { dir: string; cleanup: () => void; tenant: string } | undefined
  const running: RedisSync[] = []
  const opened: Store[] = []
  beforeAll(() => {
    redis = new Redis(REDIS_URL)
  })
  afterAll(async () => {
    await redis?.quit()
  })
  beforeEach(() => {
    test = { ...tempDir(), tenant: `${run}x${++counter}` }
  })
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()))
    if (test) await redis?.del(`ops:${test.tenant}:events`)
    for (const db of opened.splice(0)) if (db.open) db.close()
    test?.cleanup()
  })
  const current = () => {
    if (!test) throw new Error('the stream fixture is only there inside a test')
    return test
  }
  return {
    get redis() {
      if (!redis) throw new Error('the stream fixture is only there inside a test')
      return redis
    },
    get dir() {
      return current().dir
    },
    get tenant() {
      return current().tenant
    },
    get stream() {
      return `ops:${current().tenant}:events`
    },
    running,
    opened,
  }
}

// writeWhenFree (main/store/write-when-free.ts): a write slice that waits for another
// connection's write lock without SQLite's busy wait holding the thread; only a begin that found
// the lock taken is tried again, never work that has started.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, writeWhenFree } from '../../main/store/index.ts'
import { tempDir } from '../support/temp.ts'

function twoConnections() {
  const temp = tempDir('watchfloor-write-when-free-')
  const path = join(temp.dir, 'cache.sqlite')
  const other = openStore(path)
  other.exec('CREATE TABLE t (x INTEGER)')
  const db = openStore(path)
  return {
    db,
    other,
    close() {
      db.close()
      other.close()
      temp.cleanup()
    },
  }
}

describe('a write that waits for the lock', () => {
  it('runs once the other writer commits, keeping the thread free meanwhile', async () => {
    const c = twoConnections()
    try {
      c.other.prepare('BEGIN IMMEDIATE').run()
      c.other.prepare('INSERT INTO t VALUES (1)').run()
      let calls = 0
      let ticks = 0
      const ticker = setInterval(() => ticks++, 10)
      const written = writeWhenFree(c.db, () => {
        calls++
        c.db.prepare('INSERT INTO t VALUES (2)').run()
        return c.db.prepare('SELECT count(*) FROM t').pluck().get()
      })
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(calls).toBe(0)
      c.other.prepare('COMMIT').run()
      expect(await written).toBe(2)
      clearInterval(ticker)
      expect(calls).toBe(1)
      expect(ticks).toBeGreaterThan(10)
      // The connection's own busy timeout is as it was.
      expect(c.db.pragma('busy_timeout', { simple: true })).toBe(5000)
    } finally {
      c.close()
    }
  })

  it('fails with SQLITE_BUSY once its patience ran out, having written nothing', async () => {
    const c = twoConnections()
    try {
      c.other.prepare('BEGIN IMMEDIATE').run()
      let calls = 0
      const failure: unknown = await writeWhenFree(
        c.db,
        () => {
          calls++
        },
        300,
      ).then(
        () => null,
        (error: unknown) => error,
      )
      expect(String((failure as { code?: unknown } | null)?.code)).toMatch(/^SQLITE_BUSY/)
      expect(calls).toBe(0)
      c.other.prepare('ROLLBACK').run()
    } finally {
      c.close()
    }
  })

  it('does not try again work that threw once started, and rolls it back', async () => {
    const c = twoConnections()
    try {
      let calls = 0
      await expect(
        writeWhenFree(c.db, () => {
          calls++
          c.db.prepare('INSERT INTO t VALUES (3)').run()
          throw new Error('the slice failed')
        }),
      ).rejects.toThrow('the slice failed')
      expect(calls).toBe(1)
      expect(c.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0)
    } finally {
      c.close()
    }
  })
})

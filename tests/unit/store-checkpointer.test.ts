// The cache's WAL checkpoints on a thread of their own (main/store/checkpointer.ts), on real files.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WAL_KEEP_BYTES, WRITER_BACKSTOP_PAGES } from '../../main/store/checkpointer.ts'
import { openStore, startCheckpointer, type Store } from '../../main/store/index.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function cacheFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-checkpoint-'))
  dirs.push(dir)
  return join(dir, 'cache.db')
}

const walBytes = (file: string): number => {
  try {
    return statSync(`${file}-wal`).size
  } catch {
    return 0
  }
}

const autocheckpoint = (db: Store) => db.pragma('wal_autocheckpoint', { simple: true }) as number

const PAYLOAD = 'x'.repeat(1_000)

/** `transactions` commits of 100 rows of ~1 KB each (about 100 KB of log apiece). */
async function write(db: Store, transactions: number, pause = 2): Promise<void> {
  db.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)')
  const insert = db.prepare('INSERT INTO filler (payload) VALUES (?)')
  const commit = db.transaction(() => {
    for (let i = 0; i < 100; i++) insert.run(PAYLOAD)
  })
  for (let t = 0; t < transactions; t++) {
    commit()
    // The writer's thread goes on with its other work between commits, as the sync's does.
    await new Promise((resolve) => setTimeout(resolve, pause))
  }
}

describe('the checkpoint thread', () => {
  it('copies the log into the file while the writer commits, and keeps the log bounded', async () => {
    const file = cacheFile()
    const db = openStore(file)
    const checkpointer = startCheckpointer(db, { everyMs: 10 })
    // The writer's own checkpoints wait for 40 MB of log meanwhile.
    expect(autocheckpoint(db)).toBe(WRITER_BACKSTOP_PAGES)
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)')
    let largest = 0
    for (let round = 0; round < 30; round++) {
      await write(db, 10)
      largest = Math.max(largest, walBytes(file))
    }
    // 30 MB written, under the writer's backstop: every page copied was copied by the thread.
    const stats = await checkpointer.stats()
    expect(stats.checkpoints).toBeGreaterThan(0)
    expect(stats.pages).toBeGreaterThan(5_000)
    // Past the backstop the log starts again from its beginning (SQLite restarts a log that was
    // copied whole): it never holds much more than the backstop, however much is written.
    for (let round = 0; round < 40; round++) {
      await write(db, 10, 0)
      largest = Math.max(largest, walBytes(file))
    }
    const pageSize = db.pragma('page_size', { simple: true }) as number
    // Generous beyond the backstop: the writer's own checkpoint is skipped (busy) while the
    // thread's holds the lock, and tried again at the next commit.
    expect(largest).toBeLessThan(WRITER_BACKSTOP_PAGES * pageSize + 32 * 1024 * 1024)
    // Once the thread has copied it all, the next commit starts the log over and gives the file
    // back beyond WAL_KEEP_BYTES.
    await checkpointer.stats()
    await write(db, 1, 0)
    expect(walBytes(file)).toBeLessThanOrEqual(WAL_KEEP_BYTES + 1024 * 1024)
    await checkpointer.stop()
    expect(autocheckpoint(db)).toBe(1_000)
    expect(db.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(70_100)
    db.close()
    const again = openStore(file)
    expect(again.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(70_100)
    expect(again.pragma('quick_check', { simple: true })).toBe('ok')
    again.close()
  })

  it('is no change to other connections: the core hears no data.changed from it', async () => {
    const file = cacheFile()
    const db = openStore(file)
    const other = openStore(file)
    const checkpointer = startCheckpointer(db, { everyMs: 10 })
    await write(db, 20, 0)
    const before = other.pragma('data_version', { simple: true })
    const mine = db.pragma('data_version', { simple: true })
    const { pages } = await checkpointer.stats()
    expect(pages).toBeGreaterThan(0)
    // The log is copied, and neither connection sees a commit from another.
    expect(other.pragma('data_version', { simple: true })).toBe(before)
    expect(db.pragma('data_version', { simple: true })).toBe(mine)
    // A commit on the other connection is seen as one.
    other.prepare('INSERT INTO filler (payload) VALUES (?)').run('y')
    expect(db.pragma('data_version', { simple: true })).not.toBe(mine)
    await checkpointer.stop()
    other.close()
    db.close()
  })

  it('looks less and less often while nothing is committed', async () => {
    // A wall display between syncs: the thread should not wake 20 times a second for months.
    const db = openStore(cacheFile())
    const checkpointer = startCheckpointer(db, { everyMs: 20, idleMs: 400 })
    await write(db, 3, 0)
    const before = await checkpointer.stats()
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const idle = await checkpointer.stats()
    // At 20 ms apart that would be 75 looks; backing off (40, 80, 160, 320, then 400 ms) about 7.
    expect(idle.ticks - before.ticks).toBeLessThan(20)
    expect(idle.checkpoints).toBe(before.checkpoints)
    // A commit after the quiet spell is still copied.
    await write(db, 3, 0)
    expect((await checkpointer.stats()).checkpoints).toBeGreaterThan(idle.checkpoints)
    await checkpointer.stop()
    db.close()
  })

  it('hands checkpoints back to the writer when it cannot open the cache, and says why', async () => {
    const db = openStore(cacheFile())
    const lines: string[] = []
    const checkpointer = startCheckpointer(db, {
      nativeBinding: join(tmpdir(), 'no-such-binding.node'),
      log: (line) => lines.push(line),
    })
    await expect.poll(() => autocheckpoint(db), { timeout: 30_000 }).toBe(1_000)
    expect(lines.join('\n')).toMatch(
      /checkpoint thread could not open the cache.*writer checkpoints/s,
    )
    // Asked after it has gone: what it last said, at once.
    expect(await checkpointer.stats()).toEqual({ ticks: 0, checkpoints: 0, pages: 0 })
    await checkpointer.stop()
    await checkpointer.stop()
    await write(db, 5, 0)
    db.close()
  })

  it('is waited for by a process with nothing else to do, which closes the cache after it', async () => {
    // The CLI's sync at its end: the thread is unreferenced while it runs, so stop() must hold
    // the process open until the last checkpoint, or the close after it never runs.
    const { spawn } = await import('node:child_process')
    const file = cacheFile()
    const store = new URL('../../main/store/index.ts', import.meta.url).href
    const script = `const { openStore, startCheckpointer } = await import(${JSON.stringify(store)})
      const db = openStore(${JSON.stringify(file)})
      const checkpointer = startCheckpointer(db)
      db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)')
      const insert = db.prepare('INSERT INTO filler (payload) VALUES (?)')
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000))
      await checkpointer.stop()
      db.close()
      process.stdout.write('closed')`
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '--eval', script],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let out = ''
      let err = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      child.stderr.on('data', (c: Buffer) => (err += c.toString()))
      child.on('close', (code) => resolve({ code, out, err }))
    })
    expect(run.code, run.err).toBe(0)
    expect(run.out).toBe('closed')
    // Closed: the last connection folded the log into the file and removed it.
    expect(walBytes(file)).toBe(0)
  })

  it('stops once however often asked, and does nothing for an in-memory cache', async () => {
    const db = openStore(cacheFile())
    const checkpointer = startCheckpointer(db)
    await write(db, 3, 0)
    await Promise.all([checkpointer.stop(), checkpointer.stop()])
    const { pages } = await checkpointer.stats()
    expect(pages).toBeGreaterThan(0)
    expect(autocheckpoint(db)).toBe(1_000)
    db.close()

    const memory = openStore(':memory:')
    const none = startCheckpointer(memory)
    expect(await none.stats()).toEqual({ ticks: 0, checkpoints: 0, pages: 0 })
    await none.stop()
    memory.close()
  })
})

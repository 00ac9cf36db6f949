// The intelligence recompute's worker thread runs at a lower priority than the core's own thread
// (issue 14, the live path under load): the thread that applies live commits goes first when
// both want the CPU. Seen from outside, as the kernel reports each thread's nice value
// (/proc/self/task/<tid>/stat), while the recompute is held at its write by a transaction of the
// test's own, so the worker is alive for as long as the test looks. Linux only: elsewhere the
// priority is left alone (main/core/thread-priority.ts).
import { readdirSync, readFileSync } from 'node:fs'
import { getPriority } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { BULK_THREAD_NICE } from '../../main/core/thread-priority.ts'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { createIntelligence } from '../../main/intelligence/service.ts'
import { openStore } from '../../main/store/index.ts'
import type { IntelStatus } from '../../shared/api/intelligence.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const temp = tempDir('watchfloor-intel-priority-')
afterAll(() => temp.cleanup())

/** Each thread of this process with its nice value (field 19 of stat, after the command's parens). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(tid), Number(fields[16]))
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out
}

describe.runIf(process.platform === 'linux')('the intelligence worker', () => {
  it('recomputes at a lower priority than the core’s thread, which keeps its own', async () => {
    const dbPath = join(temp.dir, 'cache.sqlite')
    const db = openStore(dbPath)
    fillCache(
      db,
      generateDemo({ seed: 3, leads: 2_000, endAt: Date.parse('2026-11-27T12:00:00Z') }),
    )
    const before = getPriority(0)
    expect(before).toBeLessThan(BULK_THREAD_NICE)
    const statuses: IntelStatus[] = []
    const intel = createIntelligence({
      db,
      dbPath,
      log: () => undefined,
      emit: (s) => statuses.push(s),
    })
    // Another connection holds the write lock: the recompute computes, then waits at its write.
    const holder = new Database(dbPath)
    holder.exec('BEGIN IMMEDIATE')
    try {
      intel.recompute('demand', true)
      const lowered = await until('a thread at the bulk priority', () =>
        [...threadNices().entries()].find(([, nice]) => nice === BULK_THREAD_NICE),
      )
      expect(lowered[0]).not.toBe(process.pid)
      // The core's thread (this one) and the process's main thread keep theirs.
      expect(getPriority(0)).toBe(before)
      expect(threadNices().get(process.pid)).toBe(before)
    } finally {
      holder.exec('COMMIT')
      holder.close()
    }
    await until('the recompute done', () => statuses.some((s) => s.state === 'done'), 120_000)
    expect(statuses.at(-1)?.state).toBe('done')
    await intel.close()
    db.close()
  }, 180_000)
})

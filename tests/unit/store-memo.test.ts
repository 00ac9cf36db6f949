import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { memoUntilChanged, openStore } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir()
afterAll(temp.cleanup)

describe('answers kept until the cache changes', () => {
  it('are recomputed after a write by this connection or a commit by another, at most once per max age', () => {
    const file = join(temp.dir, 'memo.sqlite')
    const db = openStore(file)
    const other = openStore(file)
    try {
      const count = (now: number) =>
        memoUntilChanged(
          db,
          'count',
          1_000,
          () => db.prepare('SELECT count(*) FROM leads').pluck().get() as number,
          now,
        )
      expect(count(0)).toBe(0)
      insertLeads(db, [lead({ id: 1, created_at: 1 })])
      // Changed, but younger than the max age: the kept answer.
      expect(count(500)).toBe(0)
      expect(count(1_000)).toBe(1)
      // Unchanged: kept however old.
      expect(count(60_000)).toBe(1)
      // Another connection's commit moves data_version.
      insertLeads(other, [lead({ id: 2, created_at: 2 })])
      expect(count(61_000)).toBe(2)
    } finally {
      other.close()
      db.close()
    }
  })
})

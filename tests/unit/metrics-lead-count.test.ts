// The live lead count of app.status and `watchfloor status`: from the
// rollups when they are current, from the raw rows otherwise, the same number.
import { describe, expect, it } from 'vitest'
import { applyLeadChange, liveLeadCount, rebuildRollups } from '../../main/metrics/index.ts'
import { openStore } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const raw = (db: ReturnType<typeof openStore>) =>
  db.prepare('SELECT count(*) FROM leads WHERE deleted_at IS NULL').pluck().get() as number

describe('the live lead count', () => {
  it('reads the rollups when current and agrees with a full count through changes and deletes', () => {
    const db = openStore(':memory:')
    const rows = Array.from({ length: 50 }, (_, i) =>
      lead({ id: i + 1, created_at: Date.parse('2026-01-01T00:00:00Z') + i * 86_400_000 * 7 }),
    )
    insertLeads(db, rows)
    rebuildRollups(db)
    expect(liveLeadCount(db)).toBe(50)
    // A soft delete and a hard delete, each applied with its rollup upkeep.
    const gone = { ...rows[3]!, deleted_at: Date.now() }
    db.transaction(() => {
      db.prepare('UPDATE leads SET deleted_at = ? WHERE id = ?').run(gone.deleted_at, gone.id)
      applyLeadChange(db, rows[3]!, gone)
      db.prepare('DELETE FROM leads WHERE id = ?').run(rows[7]!.id)
      applyLeadChange(db, rows[7]!, null)
    })()
    expect(liveLeadCount(db)).toBe(48)
    expect(liveLeadCount(db)).toBe(raw(db))
    // Invalid rollups (a bulk load in progress): the raw count.
    db.prepare('UPDATE rollup_state SET valid = 0').run()
    insertLeads(db, [lead({ id: 999, created_at: Date.parse('2026-06-01T00:00:00Z') })])
    expect(liveLeadCount(db)).toBe(49)
    db.close()
  })
})

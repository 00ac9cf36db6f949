import { describe, expect, it } from 'vitest'
import { filterValues } from '../../main/metrics/filter-values.ts'
import { rebuildRollups } from '../../main/metrics/index.ts'
import { openStore } from '../../main/store/index.ts'
import { FILTER_VALUES_MAX_AGE_MS } from '../../shared/api/index.ts'
import { insertLeads, lead } from '../support/leads.ts'

const T0 = Date.parse('2026-03-02T15:00:00Z')

describe('filter values', () => {
  it('lists every value the live leads hold, sorted, from the rollups and from raw rows alike', () => {
    const db = openStore(':memory:')
    try {
      insertLeads(db, [
        lead({ id: 1, created_at: T0, city: 'Troy', owner: 'Dana', source: 'Nextdoor' }),
        lead({ id: 2, created_at: T0 + 1, city: 'Ferndale', owner: 'Ali', segment: 'standard' }),
        lead({ id: 3, created_at: T0 + 2, city: "'; DROP TABLE leads; --", owner: 'Zoë' }),
        // Deleted: its values are not offered.
        lead({ id: 4, created_at: T0 + 3, city: 'Gone', owner: 'Ghost', deleted_at: T0 + 9 }),
      ])
      const expected = {
        source: ['Google LSA', 'Nextdoor'],
        segment: ['professional', 'standard'],
        city: ["'; DROP TABLE leads; --", 'Ferndale', 'Troy'],
        temperature: ['hot', 'warm', 'cold'],
        status: ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'],
        owner: ['Ali', 'Dana', 'Zoë'],
      }
      db.prepare('UPDATE rollup_state SET valid = 0').run()
      expect(filterValues(db, 0)).toEqual(expected)
      rebuildRollups(db)
      expect(filterValues(db, 10 * FILTER_VALUES_MAX_AGE_MS)).toEqual(expected)
    } finally {
      db.close()
    }
  })

  it('are kept while the leads are unchanged and follow a change within the maximum age', () => {
    const db = openStore(':memory:')
    try {
      insertLeads(db, [lead({ id: 1, created_at: T0, owner: 'Dana' })])
      rebuildRollups(db)
      const first = filterValues(db, 0)
      expect(filterValues(db, 1)).toBe(first)
      insertLeads(db, [lead({ id: 2, created_at: T0, owner: 'Eve', city: 'Novi' })])
      // Changed, but recomputed at most every FILTER_VALUES_MAX_AGE_MS while a sync writes.
      expect(filterValues(db, 1).owner).toEqual(['Dana'])
      const later = filterValues(db, FILTER_VALUES_MAX_AGE_MS)
      expect(later.owner).toEqual(['Dana', 'Eve'])
      // Unchanged since: the same answer, whatever its age.
      expect(filterValues(db, 2 * FILTER_VALUES_MAX_AGE_MS)).toBe(later)
    } finally {
      db.close()
    }
  })
})

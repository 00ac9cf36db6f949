// Change-log positions compare as numbers everywhere (issue 8): in memory
// (bigint), in SQLite (20-digit padded text) and in what goes to Postgres
// (plain decimal, never the padded form Postgres would read as octal).
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emptyTableState, SyncStateStore } from '../../main/sync/local-cache.ts'
import { PruneStreak } from '../../main/sync/postgres/prune-streak.ts'
import { parseStepPoint } from '../../main/sync/step-points.ts'
import {
  compareXid,
  MAX_XID,
  parseXid,
  readStoredXid,
  storedXid,
} from '../../main/sync/postgres/xid.ts'
import { migrate } from '../../main/store/migrate.ts'

const xid = fc.bigInt({ min: 0n, max: MAX_XID })
const sign = (n: number) => Math.sign(n)

describe('xid positions', () => {
  it('order the same as numbers, as bigints and as stored text', () => {
    fc.assert(
      fc.property(xid, xid, (a, b) => {
        const numeric = a < b ? -1 : a > b ? 1 : 0
        expect(compareXid(a, b)).toBe(numeric)
        const [sa, sb] = [storedXid(a) as string, storedXid(b) as string]
        expect(sign(sa < sb ? -1 : sa > sb ? 1 : 0)).toBe(numeric)
        expect(parseXid(sa)).toBe(a)
        expect(parseXid(a.toString())).toBe(a)
      }),
    )
  })

  it('sort across every power of ten the way the numbers do', () => {
    const around = [9n, 10n, 99_999n, 100_000n, 9_999_999n, 10_000_000n, MAX_XID]
    const stored = around.map((x) => storedXid(x) as string)
    expect([...stored].sort()).toEqual(stored)
    expect([...around].sort(compareXid)).toEqual(around)
  })

  it('are ordered numerically by SQLite too, as sync_state stores them', () => {
    const db = new Database(':memory:')
    migrate(db)
    const store = new SyncStateStore(db, 'postgres:test')
    const values = [100_000n, 99_999n, 10n, 9n, 1_000_000n]
    values.forEach((v, i) => store.put(`t${i}`, { ...emptyTableState(), watermark: v }))
    const ordered = db
      .prepare('SELECT watermark FROM sync_state ORDER BY watermark')
      .all()
      .map((r) => BigInt((r as { watermark: string }).watermark))
    expect(ordered).toEqual([...values].sort(compareXid))
    expect(store.get('t0').watermark).toBe(100_000n)
    db.close()
  })

  it('refuse what is not a position, and read a damaged stored one as missing', () => {
    for (const bad of ['', '-1', '1e5', '0x10', ' 12', '12 ', '18446744073709551616', 'NaN']) {
      expect(() => parseXid(bad), bad).toThrow(/position|largest/)
      expect(readStoredXid(bad)).toBeNull()
    }
    expect(() => storedXid(-1n)).toThrow()
    expect(readStoredXid('00000000000000099999')).toBe(99_999n)
    // Unpadded values written by an earlier version still read right.
    expect(readStoredXid('100000')).toBe(100_000n)
  })

  it('migration 008 pads the cursors an earlier version stored', () => {
    const db = new Database(':memory:')
    migrate(db, { upTo: 7 })
    db.prepare(
      `INSERT INTO sync_state (source, table_name, watermark, snapshot_horizon) VALUES
         ('pg', 'a', '99999', '100000'), ('pg', 'b', 'junk', NULL), ('pg', 'c', NULL, '7')`,
    ).run()
    migrate(db)
    expect(
      db.prepare('SELECT table_name, watermark, snapshot_horizon FROM sync_state ORDER BY 1').all(),
    ).toEqual([
      {
        table_name: 'a',
        watermark: '00000000000000099999',
        snapshot_horizon: '00000000000000100000',
      },
      { table_name: 'b', watermark: 'junk', snapshot_horizon: null },
      { table_name: 'c', watermark: null, snapshot_horizon: '00000000000000000007' },
    ])
    db.close()
  })
})

describe('step points', () => {
  it('parse kill and stop at a named step, and refuse anything else with a sentence', () => {
    expect(parseStepPoint('kill:pull-applied:3')).toEqual({
      action: 'kill',
      step: 'pull-applied',
      nth: 3,
    })
    expect(parseStepPoint('stop:snapshot-begun')).toEqual({
      action: 'stop',
      step: 'snapshot-begun',
      nth: 1,
    })
    for (const bad of [
      'kill',
      'boom:pull-read',
      'kill:nowhere',
      'kill:pull-read:0',
      'kill:pull-read:1:2',
    ]) {
      expect(() => parseStepPoint(bad), bad).toThrow(/WATCHFLOOR_STEP_POINT/)
    }
  })
})

describe('the prune streak', () => {
  it('stops a table copied again and again by prunes, with a sentence', () => {
    const streak = new PruneStreak('ops', 3)
    for (let cycle = 1; cycle <= 3; cycle++) {
      streak.startCycle()
      streak.copied('leads', BigInt(cycle * 100))
      // The pull right after a copy in the same cycle proves nothing.
      streak.pulled('leads')
    }
    streak.startCycle()
    expect(() => streak.copied('leads', 400n)).toThrow(
      'The change log in schema "ops" is pruned faster than leads can be copied (3 copies in a row overtaken, last through xid 400); prune with a longer --older-than',
    )
  })

  it('forgives a table once a later cycle pulls it without meeting a prune', () => {
    const streak = new PruneStreak('ops', 2)
    streak.copied('leads', 1n)
    streak.copied('leads', 2n)
    streak.startCycle()
    streak.pulled('leads')
    streak.copied('leads', 3n)
    streak.copied('leads', 4n)
    expect(() => streak.copied('leads', 5n)).toThrow(/2 copies in a row/)
    // Tables count apart.
    expect(() => streak.copied('customers', 5n)).not.toThrow()
  })
})

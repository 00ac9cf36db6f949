// The real cache the export tests build reports from: a cache file in a temp
// folder, filled by the demo loader up to END_AT, optionally with one lead
// made by hand whose id is past 2^53 (BIG_ID). Reports are built at NOW.
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import type { Cell, Dataset } from '../../main/export/report.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { tempDir } from './temp.ts'

/** Where the demo's data ends. */
export const END_AT = Date.parse('2026-11-01T12:00:00Z')
/** The clock a report is built at: a few hours after the data ends. */
export const NOW = new Date('2026-11-01T15:00:00Z')
export const clock = (): Date => NOW
/** The hand-made lead's id: past 2^53, so a number would lose its last digit. */
export const BIG_ID = '9123456789012345'

export interface DemoCacheOptions {
  /** The demo generator's seed, lead count and span in days (ending at END_AT). */
  readonly seed: number
  readonly leads: number
  readonly days: number
  /**
   * With it, the cache also holds the lead BIG_ID (Google LSA, Troy, won, $12,345.67, created
   * 2026-10-15 14:00 UTC, first response 90 s later), owned by this name.
   */
  readonly bigLeadOwner?: string
}

export interface DemoCache {
  readonly db: Store
  /** The cache file, for another connection to it. */
  readonly file: string
  /** The temp folder the file is in (removed after the tests). */
  readonly dir: string
}

/**
 * Opens and fills the cache before the test file's tests (beforeAll) and closes and removes it
 * after them (afterAll). The fields read only once the tests run.
 */
export function useDemoCache(prefix: string, options: DemoCacheOptions): DemoCache {
  let opened: { db: Store; file: string; dir: string; cleanup: () => void } | undefined
  const get = () => {
    if (!opened) throw new Error('the demo cache is opened in beforeAll: read it inside a test')
    return opened
  }

  beforeAll(() => {
    const temp = tempDir(prefix)
    const file = join(temp.dir, 'cache.sqlite')
    const db = openStore(file)
    opened = { db, file, dir: temp.dir, cleanup: temp.cleanup }
    if (options.bigLeadOwner !== undefined) {
      db.prepare(
        `INSERT INTO leads (id, tenant_id, created_at, updated_at, deleted_at, source, city, segment,
           temperature, status, owner, first_response_at, converted_at, deal_value_cents)
         VALUES (?, 'acme', ?, ?, NULL, 'Google LSA', 'Troy', 'professional', 'hot', 'won', ?,
           ?, ?, 1234567)`,
      ).run(
        BigInt(BIG_ID),
        Date.parse('2026-10-15T14:00:00Z'),
        Date.parse('2026-10-20T14:00:00Z'),
        options.bigLeadOwner,
        Date.parse('2026-10-15T14:01:30Z'),
        Date.parse('2026-10-20T14:00:00Z'),
      )
    }
    // The loader rebuilds the rollups at its end, with the hand-made lead in them.
    fillCache(
      db,
      generateDemo({ seed: options.seed, leads: options.leads, endAt: END_AT, days: options.days }),
    )
  })

  afterAll(() => {
    opened?.db.close()
    opened?.cleanup()
    opened = undefined
  })

  return {
    get db() {
      return get().db
    },
    get file() {
      return get().file
    },
    get dir() {
      return get().dir
    },
  }
}

/** A dataset's rows as its iterator gives them. */
export function rowsOf(dataset: Dataset): (readonly Cell[])[] {
  const rows: (readonly Cell[])[] = []
  const it = dataset.rows()
  for (let next = it.next(); !next.done; next = it.next()) rows.push(next.value)
  return rows
}

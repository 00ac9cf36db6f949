import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  latestVersion,
  openStore,
  openStoreRecovering,
  requestIntegrityCheck,
  StoreError,
} from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { tempDir } from '../support/temp.ts'

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => cleanup())

const version = (file: string) => {
  const db = openStore(file, { readonly: true })
  const v = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v
  db.close()
  return v
}

const tables = (file: string) => {
  const db = openStore(file, { readonly: true })
  const names = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
  ).map((r) => r.name)
  db.close()
  return names
}

describe('store migrations', () => {
  it('creates every table on a fresh file, in WAL mode, and records the version', () => {
    const file = join(dir, 'fresh.sqlite')
    const db = openStore(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
    expect(version(file)).toBe(latestVersion())
    expect(tables(file)).toEqual(
      expect.arrayContaining([
        'leads',
        'customers',
        'projects',
        'appointments',
        'marketing_channels',
        'revenue_targets',
        'market_segments',
        'events',
        'sync_state',
        'settings',
        'filter_presets',
        'alert_rules',
        'alert_state',
        'alert_history',
        'schema_migrations',
      ]),
    )
  })

  for (let earlier = 1; earlier < latestVersion(); earlier += 1) {
    it(`upgrades a file at version ${earlier} and keeps its rows`, () => {
      const file = join(dir, `v${earlier}.sqlite`)
      const old = openStore(file, { migrateUpTo: earlier })
      insertLeads(old, [lead({ id: 1, created_at: 1_700_000_000_000 })])
      old.close()
      expect(version(file)).toBe(earlier)
      const db = openStore(file)
      expect(db.prepare('SELECT count(*) AS n FROM leads').get()).toEqual({ n: 1 })
      db.close()
      expect(version(file)).toBe(latestVersion())
    })
  }

  it('is a no-op on a file already at the latest version', () => {
    const file = join(dir, 'again.sqlite')
    openStore(file).close()
    openStore(file).close()
    expect(version(file)).toBe(latestVersion())
  })

  it('refuses a file written by a newer Watchfloor, and leaves it as it was', () => {
    const file = join(dir, 'newer.sqlite')
    const db = openStore(file)
    db.prepare("INSERT INTO schema_migrations VALUES (99, 'from-the-future', 'x', 0)").run()
    db.close()
    const before = readFileSync(file)
    expect(() => openStore(file)).toThrow(
      /newer Watchfloor \(schema version 99; this build knows up to \d+\)/,
    )
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('refuses a file whose applied migration was edited afterwards', () => {
    const file = join(dir, 'edited.sqlite')
    const db = openStore(file)
    db.prepare("UPDATE schema_migrations SET sha256 = 'tampered' WHERE version = 1").run()
    db.close()
    const error = (() => {
      try {
        openStore(file)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('edited_migration')
  })
})

describe('damaged and unreadable files', () => {
  it('moves a file that is not a database aside, with a clear message, never overwriting it', () => {
    const file = join(dir, 'cache.sqlite')
    writeFileSync(file, 'this is a spreadsheet, not a database'.repeat(200))
    let error: unknown
    try {
      openStore(file)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(StoreError)
    const storeError = error as StoreError
    expect(storeError.code).toBe('corrupt')
    expect(storeError.message).toMatch(
      /is damaged or is not a Watchfloor database .* moved aside to/,
    )
    expect(existsSync(file)).toBe(false)
    expect(readFileSync(storeError.movedTo!, 'utf8')).toContain('this is a spreadsheet')
  })

  it('moves a database with damaged pages aside', () => {
    const file = join(dir, 'damaged.sqlite')
    const db = openStore(file)
    insertLeads(
      db,
      Array.from({ length: 3000 }, (_, i) =>
        lead({ id: i + 1, created_at: 1_700_000_000_000 + i }),
      ),
    )
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const bytes = readFileSync(file)
    // Overwrite the middle pages (past the header and schema page) with noise.
    for (let i = 8192; i < bytes.length - 4096; i += 1) bytes[i] = (i * 7919) & 0xff
    writeFileSync(file, bytes)
    expect(() => openStore(file, { integrityCheck: 'quick' })).toThrow(StoreError)
    expect(readdirSync(dir).some((f) => f.startsWith('damaged.sqlite.corrupt-'))).toBe(true)
  })

  it('checks a large file fully on the next open once a query has met damage', () => {
    const file = join(dir, 'big.sqlite')
    const db = openStore(file)
    insertLeads(
      db,
      Array.from({ length: 3000 }, (_, i) =>
        lead({ id: i + 1, created_at: 1_700_000_000_000 + i }),
      ),
    )
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const bytes = readFileSync(file)
    for (let i = bytes.length - 8 * 4096; i < bytes.length - 4096; i += 1)
      bytes[i] = (i * 7919) & 0xff
    writeFileSync(file, bytes)
    // Large files skip the page-by-page check at open ("header" stands in for that here)…
    openStore(file, { integrityCheck: 'header' }).close()
    // …until the api reports damage, which asks the next open for the full check.
    requestIntegrityCheck(file)
    expect(() => openStore(file, { integrityCheck: 'header' })).toThrow(/moved aside/)
    expect(existsSync(`${file}.check`)).toBe(false)
  })

  it('recovers by starting a fresh cache and saying so', () => {
    const file = join(dir, 'cache.sqlite')
    writeFileSync(file, Buffer.alloc(8192, 0xab))
    const warnings: string[] = []
    const { store, recovered } = openStoreRecovering(file, (m) => warnings.push(m))
    expect(recovered).toBe(true)
    expect(store.prepare('SELECT count(*) AS n FROM leads').get()).toEqual({ n: 0 })
    store.close()
    expect(warnings).toHaveLength(1)
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1)
  })

  it('explains a path that cannot be opened', () => {
    expect(() => openStore(join(dir, 'no', 'such', 'folder', 'cache.sqlite'))).toThrow(
      /Cannot open the cache at .*: .*Check that the folder exists/,
    )
  })
})

describe('a new cache opened by several processes at once', () => {
  it('is migrated once; every process opens it', async () => {
    const { spawn } = await import('node:child_process')
    const file = join(dir, 'shared.sqlite')
    const store = new URL('../../main/store/index.ts', import.meta.url).href
    // Every process loads first, then all open at one agreed instant.
    const at = Date.now() + 2_500
    const script = `const { openStore } = await import(${JSON.stringify(store)})
      while (Date.now() < ${at}) {}
      openStore(${JSON.stringify(file)}).close()`
    const runs = Array.from(
      { length: 6 },
      () =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '--eval', script],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          )
          let err = ''
          child.stderr.on('data', (c: Buffer) => (err += c.toString()))
          child.on('close', (code) => resolve({ code, err }))
        }),
    )
    for (const run of await Promise.all(runs)) expect(run.code, run.err).toBe(0)
    expect(version(file)).toBe(latestVersion())
  })
})

import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { StoreError } from './errors.ts'
import { migrations as allMigrations, type Migration } from './migrations/index.ts'

export const latestVersion = (): number => allMigrations.at(-1)?.version ?? 0

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

interface AppliedRow {
  version: number
  name: string
  sha256: string
}

/**
 * Applies every pending migration in one transaction and records each one's
 * hash. Refuses a file written by a newer build, and a file whose applied
 * migrations no longer match this build's text (an edited migration).
 * `upTo` exists so tests can build files at every earlier version.
 */
export function migrate(
  db: Database.Database,
  options: { upTo?: number; migrations?: readonly Migration[] } = {},
): { from: number; to: number } {
  const migrations = options.migrations ?? allMigrations
  const known = migrations.at(-1)?.version ?? 0
  const target = options.upTo ?? known
  // BEGIN IMMEDIATE: the write lock is taken before reading what is applied,
  // so two processes opening a new cache at once (`sync` and `status`, a
  // wall screen and a script) migrate it once; the second waits (busy
  // timeout), then finds nothing pending. Reading first and locking later
  // made the second apply migration 1 again ("table leads already exists").
  return db
    .transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`)
      const applied = db
        .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
        .all() as AppliedRow[]
      const from = applied.at(-1)?.version ?? 0
      if (from > known) {
        throw new StoreError(
          'newer_schema',
          `This cache was written by a newer Watchfloor (schema version ${from}; this build knows up to ${known}). ` +
            'Update Watchfloor, or start it with another --db file.',
        )
      }
      for (const row of applied) {
        const mine = migrations.find((m) => m.version === row.version)
        if (!mine || sha256(mine.sql) !== row.sha256) {
          throw new StoreError(
            'edited_migration',
            `Migration ${row.version} (${row.name}) differs from the one applied to this cache. ` +
              'Applied migrations must never be edited; add a new migration instead.',
          )
        }
      }
      const pending = migrations.filter((m) => m.version > from && m.version <= target)
      const insert = db.prepare(
        'INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)',
      )
      for (const m of pending) {
        db.exec(m.sql)
        insert.run(m.version, m.name, sha256(m.sql), Date.now())
      }
      return { from, to: pending.at(-1)?.version ?? from }
    })
    .immediate()
}

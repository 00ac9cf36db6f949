import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { StoreError } from './errors.ts'
import { errorCode } from './error-code.ts'
import { migrate } from './migrate.ts'

export interface OpenStoreOptions {
  /** Path to better-sqlite3's .node file built for another ABI (Electron). */
  readonly nativeBinding?: string
  readonly readonly?: boolean
  /** Stop migrating at this version (tests build files at earlier versions). */
  readonly migrateUpTo?: number
  readonly clock?: () => Date
  /**
   * `quick` runs SQLite's quick_check, which reads every page: about 2 s on a
   * million-lead cache. By default it runs only on files under 64 MiB; larger
   * files get the header and schema check, and damage found later by a query
   * is reported by the api as `the cache is damaged` (see dispatch.ts).
   */
  readonly integrityCheck?: 'quick' | 'header' | 'auto'
}

const QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024

export type Store = Database.Database

const corruptCodes = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT'])

const checkMarker = (path: string) => `${path}.check`

/**
 * Asks the next open of this cache to run the full quick_check, whatever the
 * file's size: a query has met a damaged page, so the next start moves the
 * file aside and rebuilds instead of failing query after query.
 */
export function requestIntegrityCheck(path: string): void {
  if (path !== ':memory:') writeFileSync(checkMarker(path), new Date().toISOString())
}

/**
 * Moves a damaged cache and its WAL files aside under a dated name, so that
 * nothing is overwritten and a person can still inspect or recover it.
 */
function moveAside(path: string, now: Date): string {
  const target = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`
  renameSync(path, target)
  for (const suffix of ['-wal', '-shm', '.check']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix)
  }
  return target
}

/**
 * Opens (creating if needed) the SQLite cache in WAL mode and migrates it.
 * A file that is not a SQLite database, or is damaged, is moved aside and a
 * StoreError('corrupt') says where it went; the caller may then open again to
 * start a fresh cache.
 */
/**
 * Switches a new file to WAL. The switch needs an exclusive lock, and SQLite
 * answers SQLITE_BUSY at once, without its busy timeout, when another
 * connection is opening the same new file (a lock upgrade that could
 * deadlock): two processes starting on one new cache met it. So it is
 * retried for up to 5 s. A file already in WAL does not need the lock.
 */
function enableWal(db: Database.Database): void {
  const deadline = Date.now() + 5_000
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (;;) {
    try {
      db.pragma('journal_mode = WAL')
      return
    } catch (error) {
      if (errorCode(error) !== 'SQLITE_BUSY' || Date.now() > deadline) throw error
      Atomics.wait(pause, 0, 0, 20)
    }
  }
}

/**
 * Each connection's page cache, at most (SQLite's default is 2 MiB): it fills only as pages are
 * read. A journey median under a filter (migration 021) looks up one lead per row it walks, in
 * key order unrelated to the walk's; with 2 MiB each lookup was a read from the OS, and a year's
 * Sankey for one owner at a million leads took 90-130 ms (p50); 64 MiB holds the leads table's
 * pages most walks touch (60-65 ms). It costs at most that much memory per connection.
 */
export const PAGE_CACHE_KIB = 65_536

export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const now = options.clock ?? (() => new Date())
  let db: Database.Database
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    })
  } catch (error) {
    throw new StoreError(
      'unreadable',
      `Cannot open the cache at ${path}: ${(error as Error).message}. ` +
        'Check that the folder exists and that this user may read and write it.',
    )
  }
  try {
    // Reading the schema forces SQLite to read the header: this is where a
    // file that is not a database fails.
    db.pragma('schema_version')
    if (path !== ':memory:' && !options.readonly) enableWal(db)
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
    const fileBytes = path === ':memory:' ? 0 : statSync(path).size
    const check = options.integrityCheck ?? 'auto'
    const requested = path !== ':memory:' && existsSync(checkMarker(path))
    if (
      check === 'quick' ||
      requested ||
      (check === 'auto' && fileBytes > 0 && fileBytes <= QUICK_CHECK_MAX_BYTES)
    ) {
      const result = db.pragma('quick_check(1)', { simple: true })
      if (result !== 'ok') {
        const err = new Error(`integrity check failed: ${String(result)}`) as Error & {
          code: string
        }
        err.code = 'SQLITE_CORRUPT'
        throw err
      }
      if (requested) rmSync(checkMarker(path), { force: true })
    }
  } catch (error) {
    db.close()
    const code = errorCode(error)
    if (code && corruptCodes.has(code) && path !== ':memory:') {
      const movedTo = moveAside(path, now())
      throw new StoreError(
        'corrupt',
        `The cache at ${path} is damaged or is not a Watchfloor database (${(error as Error).message}). ` +
          `It was moved aside to ${movedTo}; a fresh cache will be created and filled by the next sync.`,
        movedTo,
      )
    }
    throw new StoreError(
      'unreadable',
      `Cannot read the cache at ${path}: ${(error as Error).message}.`,
    )
  }
  if (!options.readonly) {
    try {
      migrate(db, options.migrateUpTo === undefined ? {} : { upTo: options.migrateUpTo })
    } catch (error) {
      db.close()
      throw error
    }
  }
  return db
}

/**
 * Opens the cache, and if it was damaged, reports that through `warn` and
 * opens a fresh one in its place: an unattended wall screen must come back.
 */
export function openStoreRecovering(
  path: string,
  warn: (message: string) => void,
  options: OpenStoreOptions = {},
): { store: Store; recovered: boolean } {
  try {
    return { store: openStore(path, options), recovered: false }
  } catch (error) {
    if (error instanceof StoreError && error.code === 'corrupt') {
      warn(error.message)
      return { store: openStore(path, options), recovered: true }
    }
    throw error
  }
}

// The sources as the cache last recorded them, for a process that is not
// syncing (`watchfloor status`): which upstreams fed this cache, when each
// last synced, what failed, and what a sync left half done. Read from
// sync_state and stream_gaps, the rows every sync commits with its data.
import type Database from 'better-sqlite3'
import type { SourceStatus } from '../../shared/api/contract.ts'
import { openStreamGaps, REDIS_SOURCE } from './redis/stream-store.ts'

interface StateRow {
  source: string
  table_name: string
  feed: string | null
  phase: string | null
  last_success_at: number | null
  last_error: string | null
}

const POSTGRES_PREFIX = 'postgres:'

export function storedSourceStatuses(db: Database.Database, now = Date.now()): SourceStatus[] {
  const rows = db
    .prepare(
      `SELECT source, table_name, feed, phase, last_success_at, last_error
       FROM sync_state ORDER BY source, table_name`,
    )
    .all() as StateRow[]
  const bySource = new Map<string, StateRow[]>()
  for (const row of rows) {
    const key = row.source === REDIS_SOURCE ? `${row.source}\n${row.table_name}` : row.source
    bySource.set(key, [...(bySource.get(key) ?? []), row])
  }
  const statuses: SourceStatus[] = []
  for (const [key, tables] of bySource) {
    const isRedis = tables[0]?.source === REDIS_SOURCE
    const name = isRedis
      ? `Redis ${tables[0]?.table_name ?? ''}`
      : key.startsWith(POSTGRES_PREFIX)
        ? `Postgres ${key.slice(POSTGRES_PREFIX.length)}`
        : key
    const successes = tables.map((t) => t.last_success_at)
    // The source is as old as its least recently synced table.
    const oldest = successes.includes(null)
      ? null
      : Math.min(...successes.filter((s): s is number => s !== null))
    const errors = tables.filter((t) => t.last_error).map((t) => `${t.table_name}: ${t.last_error}`)
    const unfinished = isRedis
      ? []
      : tables.filter((t) => t.phase !== 'follow').map((t) => t.table_name)
    const gaps = isRedis ? openStreamGaps(db, tables[0]?.table_name) : []
    const notes = [
      ...errors,
      ...(unfinished.length
        ? [`the copy of ${unfinished.join(', ')} stopped part-way; the next sync resumes it`]
        : []),
      ...gaps.map(
        (g) =>
          `entries after ${g.lastId ?? 'the start'} were lost upstream (${g.kind}); ` +
          'the next sync with Postgres repairs them',
      ),
    ]
    statuses.push({
      name,
      state: errors.length ? 'error' : 'stale',
      since: oldest === null ? null : new Date(oldest).toISOString(),
      message: notes.length
        ? notes.join('; ')
        : 'Not syncing now: the cache holds what the last sync brought',
      lagMs: oldest === null ? null : Math.max(0, now - oldest),
      approximate: tables.some((t) => t.feed === 'poll'),
      lastError: errors[0] ?? null,
    })
  }
  return statuses
}

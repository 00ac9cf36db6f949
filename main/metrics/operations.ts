// Activity (the events feed) and system health: not sums over leads, so they
// read their own tables directly.

import { statSync, statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ActivityPage, SourceStatus, SystemHealth } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { dataAsOf } from './freshness.ts'

/** Newest events first, `limit` per page; `before` is the previous page's `next`. */
export function activityPage(db: Store, limit: number, before?: string): ActivityPage {
  const cursor = before ? /^(\d+)_(.*)$/s.exec(before) : null
  const rows = db
    .prepare(
      `SELECT stream_id, type, at, payload FROM events
        WHERE (? IS NULL OR at < ? OR (at = ? AND stream_id < ?))
        ORDER BY at DESC, stream_id DESC LIMIT ?`,
    )
    .all(
      cursor ? 1 : null,
      cursor ? Number(cursor[1]) : 0,
      cursor ? Number(cursor[1]) : 0,
      cursor?.[2] ?? '',
      limit + 1,
    ) as { stream_id: string; type: string; at: number; payload: string }[]
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    asOf: dataAsOf(db),
    noData: page.length === 0,
    events: page.map((r) => {
      let payload: unknown = r.payload
      try {
        payload = JSON.parse(r.payload) as unknown
      } catch {
        // A payload that is not JSON is shown as its text.
      }
      return { id: r.stream_id, type: r.type, at: new Date(r.at).toISOString(), payload }
    }),
    next: rows.length > limit && last ? `${last.at}_${last.stream_id}` : null,
  }
}

const fileSize = (path: string): number => {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

export function systemHealth(
  db: Store,
  clock: () => Date,
  sources: () => readonly SourceStatus[],
): SystemHealth {
  const now = clock().getTime()
  const states = db
    .prepare(`SELECT source, max(last_success_at) AS ok FROM sync_state GROUP BY source`)
    .all() as { source: string; ok: number | null }[]
  const errors = db
    .prepare(
      `SELECT source, table_name, last_error FROM sync_state WHERE last_error IS NOT NULL
        ORDER BY source, table_name LIMIT 20`,
    )
    .all() as { source: string; table_name: string; last_error: string }[]
  const asOf = dataAsOf(db)
  const file = db.name
  const onDisk = file !== ':memory:' && file !== ''
  let free: number | null = null
  if (onDisk) {
    try {
      const fs = statfsSync(dirname(file))
      free = fs.bavail * fs.bsize
    } catch {
      free = null
    }
  }
  const mem = process.memoryUsage()
  return {
    asOf,
    sources: sources().map((s) => {
      const ok = states.find((x) => x.source === s.name)?.ok ?? null
      return {
        ...s,
        lastSuccessAt: ok === null ? null : new Date(ok).toISOString(),
        lagSeconds: ok === null ? null : (now - ok) / 1000,
      }
    }),
    dataAgeSeconds: asOf === null ? null : (now - Date.parse(asOf)) / 1000,
    cacheBytes: onDisk ? fileSize(file) + fileSize(`${file}-wal`) : null,
    freeDiskBytes: free,
    memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
    recentErrors: errors.map((e) => ({
      source: e.source,
      table: e.table_name,
      message: e.last_error,
    })),
  }
}

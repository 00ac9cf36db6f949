// Activity (the events feed) and system health: not sums over leads, so they
// read their own tables directly.

import { statSync, statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ActivityPage, SourceStatus, SystemHealth } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { dataAsOf } from './freshness.ts'

/** One row of the feed before its payload is parsed: an event or an upstream alert. */
interface FeedRow {
  readonly key: string
  readonly type: string
  readonly at: number
  readonly payload: string
}

/**
 * Prefix of an upstream alert's feed key. Its stream copy (an `events` row of
 * type 'alert') is left out and the `upstream_alerts` row shown instead: that
 * table also holds the alerts only published (pub/sub, Socket.IO), once each.
 */
const ALERT_KEY = 'alert:'

/**
 * The feed, newest first, `limit` per page; `before` is the previous page's
 * `next`: `<at>_<key>`, the last item's time and key. Events and upstream
 * alerts are read each in order up to `limit + 1` past the cursor and merged
 * by (time, key), so a page costs two bounded reads whatever the feed's size.
 */
export function activityPage(db: Store, limit: number, before?: string): ActivityPage {
  const cursor = before ? /^(\d+)_(.*)$/s.exec(before) : null
  const at = cursor ? Number(cursor[1]) : 0
  const key = cursor?.[2] ?? ''
  const after = [cursor ? 1 : null, at, at, key, limit + 1]
  const events = db
    .prepare(
      `SELECT stream_id AS key, type, at, payload FROM events
        WHERE type <> 'alert' AND (? IS NULL OR at < ? OR (at = ? AND stream_id < ?))
        ORDER BY at DESC, stream_id DESC LIMIT ?`,
    )
    .all(...after) as FeedRow[]
  const alerts = db
    .prepare(
      `SELECT '${ALERT_KEY}' || id AS key, 'alert' AS type, at,
              json_object('id', id, 'kind', kind, 'severity', severity, 'message', message,
                          'value', value, 'origin', origin) AS payload
         FROM upstream_alerts
        WHERE (? IS NULL OR at < ? OR (at = ? AND '${ALERT_KEY}' || id < ?))
        ORDER BY at DESC, key DESC LIMIT ?`,
    )
    .all(...after) as FeedRow[]
  // SQLite compares keys as bytes; these keys are ASCII, where JS's order is the same.
  const rows = [...events, ...alerts].sort((a, b) =>
    a.at !== b.at ? b.at - a.at : a.key < b.key ? 1 : a.key > b.key ? -1 : 0,
  )
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
      return { id: r.key, type: r.type, at: new Date(r.at).toISOString(), payload }
    }),
    next: rows.length > limit && last ? `${last.at}_${last.key}` : null,
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

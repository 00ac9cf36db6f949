// What a gap in the Redis stream costs (DESIGN.md, "Sync", Redis): entries
// we never read are gone, but they were hints; Postgres is the truth. One
// full pull cycle that starts after the gap was found covers whatever the
// lost entries described (and poll-fed tables compare checksums in it), so
// the gap is marked resolved only once such a cycle has succeeded. Used by
// every process that runs the stream beside the Postgres sync (`serve`, the
// app's core and `watchfloor sync --follow`), so none of them reports the
// same gap again at every restart.
import type Database from 'better-sqlite3'
import type { PostgresSync } from './postgres/engine.ts'
import { resolveStreamGap, type StreamGap } from './redis/index.ts'

/** Between attempts while Postgres cannot be pulled: a failed cycle is retried by the engine itself. */
const RETRY_MS = 5_000

export function repairStreamGap(
  postgres: PostgresSync | undefined,
  db: Database.Database,
  gap: StreamGap,
): void {
  // Without Postgres nothing can re-pull the tables: the gap stays open and shown.
  if (!postgres) return
  postgres.requestReconcile()
  let stopped = false
  postgres.done.then(
    () => (stopped = true),
    () => (stopped = true),
  )
  const attempt = async (): Promise<void> => {
    while (!stopped) {
      try {
        await postgres.synced()
        if (!stopped) resolveStreamGap(db, gap.id)
        return
      } catch {
        // synced() wakes the engine: waiting here keeps an offline source's backoff.
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref())
      }
    }
  }
  attempt().catch(() => undefined)
}

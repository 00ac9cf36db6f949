// The recompute's worker thread (issue 16): it opens its own connection to the cache (WAL lets
// the api's connection go on reading, and the sync's writes wait at most one short transaction),
// recomputes, writes the results, and reports progress and the outcome to the core
// (main/intelligence/service.ts starts it).
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { KpiTargets } from '../../shared/api/index.ts'
import { lowerThisThreadPriority } from '../core/thread-priority.ts'
import { recompute, type RecomputeOutcome } from './compute.ts'
import { rebuildJourneys } from './journeys.ts'

export interface WorkerInput {
  readonly marker: 'watchfloor-intel'
  readonly path: string
  readonly nativeBinding: string | null
  readonly targets: KpiTargets
  readonly force: boolean
  /** recompute: segments, model and scores; journeys: infer every lead's history again. */
  readonly task: 'recompute' | 'journeys'
}

export type WorkerMessage =
  | {
      readonly type: 'progress'
      readonly phase: string
      readonly done: number
      readonly total: number
    }
  | { readonly type: 'done'; readonly outcome: RecomputeOutcome }
  | { readonly type: 'journeys'; readonly leads: number; readonly seconds: number }
  | { readonly type: 'error'; readonly message: string }

const input = workerData as WorkerInput | null
if (parentPort && input?.marker === 'watchfloor-intel') {
  const port = parentPort
  const post = (m: WorkerMessage) => port.postMessage(m)
  // A recompute reads and computes for seconds, then writes in one short transaction: it yields
  // the CPU to the core's thread (live commits, the api). Not the journeys' rebuild, which holds
  // the write lock throughout: slowed, it would hold the sync's writes back longer.
  if (input.task === 'recompute') lowerThisThreadPriority()
  let db: Database.Database | undefined
  try {
    db = new Database(input.path, input.nativeBinding ? { nativeBinding: input.nativeBinding } : {})
    db.pragma('busy_timeout = 30000')
    if (input.task === 'journeys') {
      // One write transaction: the sync's writes wait for it (journeys are inferred once, at
      // the first start after an upgrade or a bulk load).
      const started = Date.now()
      const leads = rebuildJourneys(db)
      post({ type: 'journeys', leads, seconds: (Date.now() - started) / 1000 })
    } else {
      const outcome = recompute(db, {
        targets: input.targets,
        force: input.force,
        progress: (phase, done, total) => post({ type: 'progress', phase, done, total }),
      })
      post({ type: 'done', outcome })
    }
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) })
  } finally {
    db?.close()
  }
}

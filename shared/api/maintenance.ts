// Admin maintenance of the cache (issue 11, "Live and maintenance"): re-sync
// of one table from upstream, a rollup rebuild, and compaction. A job is
// started by `maintenance.start`, which answers at once; its progress comes
// as `maintenance.progress` events and from `maintenance.status`. One job
// runs at a time.
import { z } from 'zod'

export const MAINTENANCE_ACTIONS = ['resync', 'rebuild-rollups', 'compact'] as const
export type MaintenanceAction = (typeof MAINTENANCE_ACTIONS)[number]

/** What each action is called, and what its confirmation says it will do. */
export const MAINTENANCE_ACTION_TEXT: Readonly<
  Record<MaintenanceAction, { readonly label: string; readonly confirm: string }>
> = {
  resync: {
    label: 'Re-sync table',
    confirm:
      'Copies the table again from upstream Postgres and removes rows upstream no longer has. Dashboards keep answering meanwhile.',
  },
  'rebuild-rollups': {
    label: 'Rebuild rollups',
    confirm:
      'Recomputes every KPI rollup from the raw leads. The core is busy for a moment at the end (about 2 s at a million leads).',
  },
  compact: {
    label: 'Compact cache',
    confirm:
      'Checkpoints the write-ahead log and rewrites the cache file without its free pages (VACUUM). The cache is locked for writes meanwhile.',
  },
}

// Its refusal sentence lives with every other in roles.ts (one home of who may call what).

export const maintenanceStartSchema = z
  .object({
    action: z.enum(MAINTENANCE_ACTIONS),
    /** The upstream table to re-sync (`resync` only). */
    table: z.string().min(1).max(128).optional(),
  })
  .strict()
export type MaintenanceStart = z.infer<typeof maintenanceStartSchema>

export const MAINTENANCE_JOB_STATES = ['running', 'done', 'failed'] as const

export const maintenanceJobSchema = z.object({
  id: z.number().int(),
  action: z.enum(MAINTENANCE_ACTIONS),
  table: z.string().nullable(),
  state: z.enum(MAINTENANCE_JOB_STATES),
  /** What the job is doing now, e.g. "Copying leads from Postgres". */
  phase: z.string(),
  /** Rows (or leads) done and in all, where the phase counts them. */
  done: z.number().nullable(),
  total: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** The outcome as a sentence, once done or failed. */
  result: z.string().nullable(),
  /** Compaction: bytes of the cache file and its WAL given back. */
  freedBytes: z.number().nullable(),
})
export type MaintenanceJob = z.infer<typeof maintenanceJobSchema>

export interface MaintenanceStatus {
  /** The running job, or the last one since the core started; null before any. */
  readonly job: MaintenanceJob | null
  /** Tables `resync` accepts (the manifest's upstream names); empty without an upstream. */
  readonly tables: readonly string[]
  /** Why `resync` is not available (demo data, no Postgres), or null. */
  readonly resyncUnavailable: string | null
}

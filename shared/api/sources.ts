// How each upstream source is doing (DESIGN.md, "Sync": every source reports
// its state). Read by the contract's status answers and the health dashboard.
export type SourceState = 'live' | 'syncing' | 'stale' | 'offline' | 'error'

export interface SourceStatus {
  readonly name: string
  readonly state: SourceState
  /** ISO time of the last good sync (stale), or of the next retry (offline). */
  readonly since: string | null
  readonly message: string | null
  /** Throughput while syncing: rows/s for Postgres, events/s for the stream. */
  readonly rate?: { readonly value: number; readonly unit: 'rows/s' | 'events/s' } | null
  /** Milliseconds the cache trails upstream; null before the first sync. */
  readonly lagMs?: number | null
  /** True when a table is fed by the polling fallback rather than the exact change log. */
  readonly approximate?: boolean
  /** The last failure, kept after the source recovers so a person can see what happened. */
  readonly lastError?: string | null
  /** ISO time the source last synced successfully (now while live); null if never. */
  readonly lastGoodSyncAt?: string | null
  /**
   * Not synced from anywhere: demo data generated on this machine. Its
   * `lastGoodSyncAt` is the time the data was generated up to.
   */
  readonly generated?: boolean
}

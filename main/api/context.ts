import type {
  ExportJob,
  ExportRequest,
  MaintenanceJob,
  MaintenanceStart,
  MaintenanceStatus,
  SourceStatus,
} from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import type { AlertEngine } from '../alerts/index.ts'
import type { Intelligence } from '../intelligence/service.ts'
import type { ConnectionProfile } from '../config/connection-profile.ts'

/** What every handler may use: the cache and the platform, injected. */
export interface CoreContext {
  readonly db: Store
  readonly clock: () => Date
  readonly version: string
  /** True while the cache holds generated demo data and no upstream is configured. */
  readonly isDemo: () => boolean
  readonly sources: () => readonly SourceStatus[]
  /**
   * Admin jobs on the cache (main/core/maintenance.ts); absent where only a
   * read of the cache is served. `start` answers at once, or throws an
   * ApiError (conflict, bad_request) saying why not.
   */
  readonly maintenance?: {
    start(input: MaintenanceStart): MaintenanceJob
    status(): MaintenanceStatus
  }
  /**
   * Exports into the core's downloads folder (main/export/job.ts); absent where only a read of
   * the cache is served. `start` answers at once or throws an ApiError (conflict) saying why not;
   * `status` and `cancel` throw one for an id they do not know.
   */
  /**
   * The core's alert engine (main/alerts/engine.ts), evaluating on sync commits and a timer;
   * absent where only a read of the cache is served (the handlers then evaluate once per call).
   */
  readonly alerts?: AlertEngine
  /**
   * The intelligence recompute (main/intelligence/service.ts), run off the api's thread; absent
   * where only a read of the cache is served (the stored results are still read).
   */
  readonly intelligence?: Intelligence
  /**
   * The upstream the core syncs from, secrets and all (issue 15): connections.status masks it,
   * connections.test connects with it. Absent in demo mode and for a cache-only core.
   */
  readonly upstream?: ConnectionProfile
  readonly exports?: {
    start(request: ExportRequest): ExportJob
    status(id: string): ExportJob
    cancel(id: string): ExportJob
  }
}

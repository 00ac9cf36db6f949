import type { EventName, EventPayload, KpiTargets, SourceStatus } from '../../shared/api/index.ts'
import { fillCache } from '../demo/fill-cache.ts'
import { generateDemo } from '../demo/generator.ts'
import {
  getSetting,
  openStoreRecovering,
  requestIntegrityCheck,
  setSetting,
  startCheckpointer,
  type Store,
} from '../store/index.ts'
import { redactProfile, type ConnectionProfile } from '../config/connection-profile.ts'
import { dataAsOf, ensureRollups, registryFor } from '../metrics/index.ts'
import { createApi, type Dispatch } from '../api/index.ts'
import { changedDashboards } from '../../shared/api/index.ts'
import { createExportService, defaultExportsDir } from '../export/index.ts'
import { createMaintenance } from './maintenance.ts'
import { startSources } from './start-sources.ts'
import { createAlertEngine } from '../alerts/index.ts'
import { ensureDefaultRules } from '../alerts/default-rules.ts'
import { journeysStale } from '../intelligence/journeys.ts'
import { createIntelligence } from '../intelligence/service.ts'
import { liveTrace } from './live-trace.ts'

export interface CoreConfig {
  readonly dbPath: string
  /** Fill an empty cache with generated demo data of this size. */
  readonly demo: { readonly leads: number; readonly seed: number } | null
  readonly version: string
  readonly nativeBinding?: string
  /** How often to look for writes by other connections to the cache file. */
  readonly watchIntervalMs?: number
  /** Upstream sources to sync from; absent means demo or cache-only. */
  readonly upstream?: ConnectionProfile
  /** KPI targets other than the registry's defaults (rollups built under others are rebuilt). */
  readonly kpiTargets?: KpiTargets
  /**
   * Where finished exports wait to be downloaded or saved (default: beside the cache,
   * defaultExportsDir). The host serving /exports/<id> and the Electron shell read it too.
   */
  readonly exportsDir?: string
  /**
   * The alert engine's clock and timer (default: the wall clock, every 30 s); tests drive both.
   */
  readonly alerts?: { readonly clock?: () => Date; readonly intervalMs?: number }
}

export interface CoreHooks {
  readonly log: (line: string) => void
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void
  readonly progress?: (phase: string, done: number, total: number) => void
}

export interface CoreService {
  readonly dispatch: Dispatch
  readonly db: Store
  close(): Promise<void>
}

/**
 * The demo data as a source: generated here, never synced, as of the time it
 * was generated up to (not "live" with a last sync of "never").
 */
export function demoSourceStatus(db: Store): SourceStatus {
  const demo = getSetting(db, 'demo') as { endAt?: unknown } | undefined
  const endAt = typeof demo?.endAt === 'number' ? new Date(demo.endAt).toISOString() : null
  return {
    name: 'Demo data',
    state: 'live',
    since: null,
    message: 'Generated demo data; no upstream configured',
    generated: true,
    lastGoodSyncAt: endAt ?? dataAsOf(db),
    lastError: null,
  }
}

/**
 * Starts the core over one cache file: opens (recovering from a damaged
 * file), fills demo data when asked and the cache is empty, serves the api,
 * and reports writes made to the file by any other connection (a sync, the
 * CLI) as `data.changed`.
 */
export function startCore(config: CoreConfig, hooks: CoreHooks): CoreService {
  const { store: db } = openStoreRecovering(
    config.dbPath,
    hooks.log,
    config.nativeBinding ? { nativeBinding: config.nativeBinding } : {},
  )
  // The WAL's checkpoints off the sync's and the api's thread (issue 14).
  const checkpointer = startCheckpointer(db, {
    ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}),
    log: hooks.log,
  })
  if (config.kpiTargets) registryFor(db, config.kpiTargets)
  if (config.demo) {
    const { n } = db.prepare('SELECT count(*) AS n FROM leads').get() as { n: number }
    if (n === 0) {
      const endAt = Date.now()
      hooks.log(
        `Filling an empty cache with ${config.demo.leads.toLocaleString('en-US')} demo leads…`,
      )
      fillCache(db, generateDemo({ seed: config.demo.seed, leads: config.demo.leads, endAt }), {
        onProgress: (done, total) => hooks.progress?.('demo', done, total),
      })
    }
  }
  ensureRollups(db, hooks.log)
  const intelligence = createIntelligence({
    db,
    dbPath: config.dbPath,
    ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}),
    ...(config.kpiTargets ? { targets: config.kpiTargets } : {}),
    log: hooks.log,
    emit: (status) => {
      liveTrace('intel', `${status.state} ${status.phase}`)
      hooks.emit('intel.changed', status)
    },
  })
  // Lead journeys (issue 16): inferred once, off this thread, for leads cached without them (a
  // demo fill, a cache from before intelligence); then kept by the sync's row hooks.
  if (journeysStale(db)) intelligence.rebuildJourneys()
  if (config.upstream) setSetting(db, 'upstream', redactProfile(config.upstream))
  // The ops defaults ship enabled (issue 13): seeded once into an empty rule table.
  ensureDefaultRules(db, Date.now())
  const alerts = createAlertEngine({
    db,
    clock: config.alerts?.clock ?? (() => new Date()),
    // The sources start below; the engine first reads them on its first cycle, after start.
    sources: () => sources(),
    ...(config.alerts?.intervalMs !== undefined ? { intervalMs: config.alerts.intervalMs } : {}),
    changed: (active) => hooks.emit('alerts.changed', { ...active, alerts: [...active.alerts] }),
    log: hooks.log,
  })
  const upstream = config.upstream
    ? startSources(
        db,
        config.upstream,
        {
          log: hooks.log,
          changed: (tables) => {
            liveTrace('data.changed', tables.join(','))
            hooks.emit('data.changed', {
              tables: [...tables],
              at: new Date().toISOString(),
              dashboards: changedDashboards(tables),
            })
            alerts.dataChanged(tables)
          },
          leadRowsChanged: (rows) => intelligence.noteChanges(rows),
          rebuildJourneys: () => intelligence.rebuildJourneys(),
        },
        config.nativeBinding ? { nativeBinding: config.nativeBinding } : {},
      )
    : undefined
  const isDemo = () =>
    getSetting(db, 'demo') !== undefined && getSetting(db, 'upstream') === undefined
  const maintenance = createMaintenance({
    db,
    dbPath: config.dbPath,
    ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}),
    log: hooks.log,
    progress: (job) => hooks.emit('maintenance.progress', job),
    changed: (tables) => {
      hooks.emit('data.changed', {
        tables: [...tables],
        at: new Date().toISOString(),
        dashboards: changedDashboards(tables),
      })
      alerts.dataChanged(tables)
    },
    postgres: () => upstream?.postgres,
    tables: () => upstream?.tables ?? [],
  })
  const sources = () => [
    ...(isDemo() ? [demoSourceStatus(db)] : []),
    ...(upstream?.sources() ?? []),
  ]
  const exports = createExportService({
    db,
    dbPath: config.dbPath,
    ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}),
    dir: config.exportsDir ?? defaultExportsDir(config.dbPath),
    log: hooks.log,
    progress: (job) => hooks.emit('export.progress', job),
    sources,
  })
  // A first cycle at start, so the list is current before the first timer tick.
  alerts.start()
  const dispatch = createApi(
    {
      db,
      clock: () => new Date(),
      alerts,
      version: config.version,
      isDemo,
      sources,
      maintenance,
      exports,
      intelligence,
      // connections.status masks it; connections.test connects with it (issue 15).
      ...(config.upstream ? { upstream: config.upstream } : {}),
    },
    hooks.log,
    () => requestIntegrityCheck(config.dbPath),
  )
  let lastVersion = db.pragma('data_version', { simple: true }) as number
  const timer = setInterval(() => {
    const version = db.pragma('data_version', { simple: true }) as number
    if (version !== lastVersion) {
      lastVersion = version
      hooks.emit('data.changed', { tables: ['leads'], at: new Date().toISOString() })
      alerts.dataChanged(undefined)
    }
  }, config.watchIntervalMs ?? 1000)
  timer.unref()
  return {
    dispatch,
    db,
    async close() {
      clearInterval(timer)
      alerts.stop()
      await intelligence.close()
      // Running exports are cancelled (their temporary files deleted) and downloads removed.
      await exports.close()
      await upstream?.stop()
      await checkpointer.stop()
      db.close()
    },
  }
}

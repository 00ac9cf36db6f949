export {
  openStore,
  PAGE_CACHE_KIB,
  openStoreRecovering,
  requestIntegrityCheck,
  type Store,
  type OpenStoreOptions,
} from './open-store.ts'
export { StoreError, type StoreErrorCode } from './errors.ts'
export { migrate, latestVersion } from './migrate.ts'
export { setSetting, getSetting } from './settings.ts'
export { changeVersion, memoUntilChanged } from './memo.ts'
export { writeWhenFree, WRITE_PATIENCE_MS } from './write-when-free.ts'
export { startCheckpointer, type Checkpointer } from './checkpointer.ts'
export { hasOwnFile, startSqliteWorker, type SqliteWorkerFailed } from './sqlite-worker.ts'

// The Redis sync's public face (DESIGN.md, "Sync", Redis).
export {
  startRedisSync,
  STREAM_BATCH_SIZE,
  type RedisSync,
  type RedisSyncOptions,
  type RedisSyncStats,
} from './redis-sync.ts'
export type { RedisTarget, ClusterNode } from './connection.ts'
export { readMetricSnapshots, type SnapshotResult } from './metric-snapshots.ts'
export {
  openStreamGaps,
  resolveStreamGap,
  storeUpstreamAlert,
  type AlertOrigin,
  type StreamGap,
} from './stream-store.ts'
export {
  upstreamAlertSchema,
  STREAM_TABLES,
  EVENT_TABLES,
  type UpstreamAlert,
} from './stream-events.ts'
export {
  backoffDelay,
  createSourceStateReporter,
  toSourceStatus,
  type BackoffOptions,
  type SourceCondition,
  type SourceStateReporter,
} from '../source-state.ts'

// What the Postgres sync does with each table at the start of a cycle: which
// feed keeps it current, and whether it must be copied again (and why). Pure
// functions of the table's recorded state and what the change log says, so
// every rule is unit-tested without a server.
import type { TableSyncState } from '../local-cache.ts'
import type { ChangeLogInfo } from './change-log.ts'

export type Feed = 'changelog' | 'poll'

/** The reason a table is copied again when the log no longer reaches its position. */
export const PRUNED_PAST = "the change log was pruned past this cache's position"

/**
 * The feed for a table: the exact change log where its trigger is installed
 * (and the poll was not asked for), the approximate poll otherwise; an error
 * sentence when the change log was required and is missing.
 */
export function chooseFeed(
  asked: 'auto' | 'changelog' | 'poll' | undefined,
  info: ChangeLogInfo,
  schema: string,
  table: string,
): { readonly feed: Feed } | { readonly error: string } {
  const triggered = info.epoch !== null && info.triggered.has(table)
  if (asked === 'changelog' && !triggered)
    return {
      error: `the change log is not installed on ${schema}.${table}; run watchfloor upstream install`,
    }
  return { feed: asked === 'poll' || !triggered ? 'poll' : 'changelog' }
}

/**
 * Why a table must be copied again from a fresh snapshot, or null when it can
 * go on from where it is: never copied, a different feed or row filter, a
 * reinstalled change log (changes in between were never logged), or a log
 * pruned past its position.
 */
export function snapshotReason(
  state: Pick<
    TableSyncState,
    'phase' | 'feed' | 'filter' | 'epoch' | 'watermark' | 'snapshotHorizon'
  >,
  feed: Feed,
  filterKey: string,
  info: ChangeLogInfo,
): string | null {
  if (state.phase === null) return 'first sync'
  if (state.feed !== feed) return `feed changed to ${feed}`
  if (state.filter !== filterKey) return 'row filter changed'
  if (feed !== 'changelog') return null
  if (state.epoch !== info.epoch) return 'the change log was reinstalled upstream'
  const cursor = state.phase === 'snapshot' ? state.snapshotHorizon : state.watermark
  if (cursor === null || cursor <= info.prunedThrough) return PRUNED_PAST
  return null
}

/**
 * The pause before the next cycle while change-log entries past the horizon
 * wait on a transaction still open: soon (5 ms), doubling with each cycle that
 * still finds them, never longer than the interval.
 */
export const pendingDelay = (intervalMs: number, cyclesPending: number): number =>
  Math.min(intervalMs, 5 * 2 ** Math.min(cyclesPending, 10))

/**
 * Relative costs of the two ways to catch a table up, per unit, in the time
 * of copying one row again (COPY decoded and compared with the cached row):
 * reading one change-log entry, and fetching one changed key's row and
 * writing it. Measured on the catch-up driver (100k changes to 100k leads,
 * 2 cores): replaying took about as long as copying again (1.4–1.8 s
 * against 1.4–1.6 s), most of it the per-key fetch and write.
 */
export const REPLAY_ENTRY_COST = 0.2
export const REPLAY_KEY_COST = 0.9
/** A copy's fixed cost (its statement, transactions, the sweep of missing keys), in rows. */
export const COPY_FIXED_COST = 5_000

/** What the change log holds for a table between its cursor and the horizon. */
export interface Backlog {
  /** Entries, counted up to a cap. */
  readonly entries: number
  /** Distinct keys among them. */
  readonly keys: number
}

/**
 * The most entries worth counting: past it, reading the entries alone
 * costs more than copying `rows`, so the count can stop there.
 */
export const backlogCap = (rows: number): number =>
  Math.ceil((rows + COPY_FIXED_COST) / REPLAY_ENTRY_COST) + 1

/**
 * After a long offline gap, whether to replay the change log or copy the
 * table again, by estimated cost: replay reads every entry and fetches every
 * changed key once; a copy reads every row (`rows`, the cached count) once.
 * A key updated many times is fetched once, so a large log of few keys still
 * replays; more changed keys than rows copies.
 */
export function catchUpPlan(backlog: Backlog, rows: number): 'replay' | 'copy' {
  const replay = backlog.entries * REPLAY_ENTRY_COST + backlog.keys * REPLAY_KEY_COST
  const copy = rows + COPY_FIXED_COST
  return replay > copy ? 'copy' : 'replay'
}

// Deciding from XINFO STREAM whether entries we never read are gone.
// XREAD from a trimmed or deleted id does not fail — it silently starts at
// the next surviving entry — so the reader must compare for itself
// (DESIGN.md, "Sync", Redis; https://redis.io/docs/latest/commands/xinfo-stream/).
import { compareStreamIds } from './stream-events.ts'

/** The parts of XINFO STREAM we use; null fields were absent (older Redis) or empty. */
export interface StreamInfo {
  readonly firstEntry: string | null
  readonly lastGeneratedId: string | null
  /** Redis 7+: the newest id ever removed by XDEL ("0-0" if none); trimming does not move it. */
  readonly maxDeletedEntryId: string | null
  /** Redis 7+: how many entries were ever added to this stream. */
  readonly entriesAdded: number | null
}

export type GapDecision =
  | { readonly gap: false }
  | {
      readonly gap: true
      readonly kind: 'trimmed' | 'reset'
      readonly firstAvailable: string | null
      readonly maxDeletedId: string | null
      /** Where to read from now: '0-0' for a new incarnation of the stream, else unchanged. */
      readonly newPosition: string | null
    }

const ZERO = '0-0'

/** XINFO STREAM's flat [name, value, …] reply (RESP2 shape, which ioredis gives by default). */
export function parseStreamInfo(reply: unknown): StreamInfo {
  const map = new Map<string, unknown>()
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1])
  }
  const first = map.get('first-entry')
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  const added = map.get('entries-added')
  return {
    firstEntry: Array.isArray(first) ? str(first[0]) : null,
    lastGeneratedId: str(map.get('last-generated-id')),
    maxDeletedEntryId: str(map.get('max-deleted-entry-id')),
    entriesAdded:
      typeof added === 'number' ? added : typeof added === 'string' ? Number(added) : null,
  }
}

/**
 * `position` is the last id stored (null: never read). `info` is null when the
 * key does not exist. `reported` is the newest deletion already reported, so
 * a gap found by one periodic check is not reported again by the next.
 */
export function detectGap(
  position: string | null,
  info: StreamInfo | null,
  reported: string | null,
  /**
   * Where the previous check left us, and whether an id was read since: an
   * entry XDELed between two reads is skipped by XREAD without a trace, and
   * is only caught by seeing that the newest deletion is one we never read.
   */
  since?: { readonly position: string | null; readonly wasRead: (id: string) => boolean },
): GapDecision {
  // Never read, or just reset: there is no position to have a hole after,
  // and the initial snapshot (or the reset's re-pull) covers what came before.
  if (position === null || position === ZERO) return { gap: false }
  const reset = (firstAvailable: string | null): GapDecision => ({
    gap: true,
    kind: 'reset',
    firstAvailable,
    maxDeletedId: null,
    newPosition: ZERO,
  })
  // The key is gone (deleted, or a server restarted without persistence):
  // whatever followed our position is lost, and a new stream starts from 0.
  if (info === null) return reset(null)
  const { firstEntry, lastGeneratedId, maxDeletedEntryId } = info
  // The stream has never reached our id: it is a new incarnation.
  if (lastGeneratedId !== null && compareStreamIds(lastGeneratedId, position) < 0) {
    return reset(firstEntry)
  }
  // Two signs that entries after our position are gone. max-deleted-entry-id
  // (Redis 7+) moves on XDEL but not on trimming (XTRIM, XADD MAXLEN), so a
  // first entry past our id is checked as well: it means everything up to it
  // was trimmed, or the stream is a new incarnation whose ids happen to be
  // larger (a server restarted without persistence). Either way the entries
  // between are unknown. It is a false alarm only when a trim stopped exactly
  // at our id; a needless re-pull costs a query, a missed one wrong numbers.
  const newer = (id: string | null): id is string =>
    id !== null &&
    compareStreamIds(id, position) > 0 &&
    (reported === null || compareStreamIds(id, reported) > 0)
  const deletedUnread =
    maxDeletedEntryId !== null &&
    since?.position != null &&
    compareStreamIds(maxDeletedEntryId, since.position) > 0 &&
    compareStreamIds(maxDeletedEntryId, position) <= 0 &&
    (reported === null || compareStreamIds(maxDeletedEntryId, reported) > 0) &&
    !since.wasRead(maxDeletedEntryId)
  const deleted = newer(maxDeletedEntryId) || deletedUnread ? maxDeletedEntryId : null
  const trimmed = newer(firstEntry) ? firstEntry : null
  if (deleted === null && trimmed === null) return { gap: false }
  const marker =
    deleted !== null && trimmed !== null
      ? compareStreamIds(deleted, trimmed) > 0
        ? deleted
        : trimmed
      : (deleted ?? trimmed)
  return {
    gap: true,
    kind: 'trimmed',
    firstAvailable: firstEntry,
    maxDeletedId: marker,
    newPosition: null,
  }
  return { gap: false }
}

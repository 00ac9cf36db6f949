// How the footer shows one source: its state in words, what it says now,
// its last good sync and a past error, each fact once.
import type { SourceState, SourceStatus } from '../../../shared/api/index.ts'
import { formatAge, formatDateTime, formatIn } from './format.ts'

const stateLabels: Record<SourceState, string> = {
  live: 'Live',
  syncing: 'Syncing',
  stale: 'Stale',
  offline: 'Offline',
  error: 'Error',
}

/** How a source is shown: each fact once (a message that is also the last error is not repeated). */
export interface SourceParts {
  /** "Live", "Offline"… or "Generated" for demo data. */
  readonly label: string
  /** The current message, the stale time or the next retry; null when there is nothing to add. */
  readonly detail: string | null
  /** "last good sync …", "data as of …" for demo data; null while live (it is now). */
  readonly lastGood: string | null
  /** A past failure that differs from what `detail` already says. */
  readonly lastError: string | null
}

export function sourceParts(source: SourceStatus, now: number): SourceParts {
  if (source.generated === true) {
    return {
      label: 'Generated',
      detail: source.message,
      lastGood:
        source.lastGoodSyncAt == null
          ? null
          : `data as of ${formatDateTime(source.lastGoodSyncAt)}`,
      lastError: null,
    }
  }
  const detail = sourceDetail(source, now)
  const good = source.lastGoodSyncAt ?? null
  const lastGood =
    source.state === 'live'
      ? null
      : good === null
        ? 'never synced'
        : `last good sync ${formatDateTime(good)} (${formatAge(good, now)})`
  const error = source.lastError ?? null
  return {
    label: stateLabels[source.state],
    detail,
    lastGood,
    lastError: error === null || error === source.message || error === detail ? null : error,
  }
}

export function sourceDetail(source: SourceStatus, now: number): string | null {
  if (source.state === 'error') return source.message ?? 'failed without a message'
  if (source.state === 'stale' && source.since !== null)
    return `since ${formatDateTime(source.since)} (${formatAge(source.since, now)})`
  if (source.state === 'offline') {
    const retry =
      source.since === null ? 'waiting to retry' : `next retry ${formatIn(source.since, now)}`
    return source.message ? `${source.message}; ${retry}` : retry
  }
  return source.message
}

// What the Postgres sync does with each table at a cycle's start
// (main/sync/postgres/table-plan.ts): its feed, and whether it is copied again.
import { describe, expect, it } from 'vitest'
import type { ChangeLogInfo } from '../../main/sync/postgres/change-log.ts'
import {
  PRUNED_PAST,
  chooseFeed,
  pendingDelay,
  snapshotReason,
} from '../../main/sync/postgres/table-plan.ts'

const info = (over: Partial<ChangeLogInfo> = {}): ChangeLogInfo => ({
  epoch: 'e1',
  prunedThrough: 100n,
  triggered: new Set(['leads']),
  ...over,
})

const following = {
  phase: 'follow' as const,
  feed: 'changelog' as const,
  filter: 'f',
  epoch: 'e1',
  watermark: 500n,
  snapshotHorizon: null,
}

describe('the feed of a table', () => {
  it('is the change log where its trigger is installed, the poll otherwise or when asked', () => {
    expect(chooseFeed('auto', info(), 'ops', 'leads')).toEqual({ feed: 'changelog' })
    expect(chooseFeed(undefined, info(), 'ops', 'customers')).toEqual({ feed: 'poll' })
    expect(chooseFeed('auto', info({ epoch: null }), 'ops', 'leads')).toEqual({ feed: 'poll' })
    expect(chooseFeed('poll', info(), 'ops', 'leads')).toEqual({ feed: 'poll' })
  })

  it('is an error with what to run when the change log was required and is missing', () => {
    expect(chooseFeed('changelog', info(), 'ops', 'customers')).toEqual({
      error: 'the change log is not installed on ops.customers; run watchfloor upstream install',
    })
  })
})

describe('copying a table again', () => {
  it('goes on from where it is when nothing changed', () => {
    expect(snapshotReason(following, 'changelog', 'f', info())).toBeNull()
    expect(snapshotReason({ ...following, feed: 'poll' }, 'poll', 'f', info())).toBeNull()
  })

  it('says why it copies: first sync, another feed or filter, a reinstalled or pruned log', () => {
    expect(snapshotReason({ ...following, phase: null }, 'changelog', 'f', info())).toBe(
      'first sync',
    )
    expect(snapshotReason(following, 'poll', 'f', info())).toBe('feed changed to poll')
    expect(snapshotReason(following, 'changelog', 'g', info())).toBe('row filter changed')
    expect(snapshotReason(following, 'changelog', 'f', info({ epoch: 'e2' }))).toBe(
      'the change log was reinstalled upstream',
    )
    // Pruned through its position exactly: the entry at the cursor may be gone.
    expect(snapshotReason({ ...following, watermark: 100n }, 'changelog', 'f', info())).toBe(
      PRUNED_PAST,
    )
    expect(snapshotReason({ ...following, watermark: 101n }, 'changelog', 'f', info())).toBeNull()
    expect(snapshotReason({ ...following, watermark: null }, 'changelog', 'f', info())).toBe(
      PRUNED_PAST,
    )
  })

  it('measures a copy in progress by its snapshot horizon, not its watermark', () => {
    const copying = { ...following, phase: 'snapshot' as const, watermark: null }
    expect(
      snapshotReason({ ...copying, snapshotHorizon: 101n }, 'changelog', 'f', info()),
    ).toBeNull()
    expect(snapshotReason({ ...copying, snapshotHorizon: 90n }, 'changelog', 'f', info())).toBe(
      PRUNED_PAST,
    )
  })
})

describe('the pause while entries wait on an open transaction', () => {
  it('starts at 5 ms, doubles, and never passes the interval', () => {
    expect([0, 1, 2, 3].map((n) => pendingDelay(5_000, n))).toEqual([5, 10, 20, 40])
    expect(pendingDelay(5_000, 10)).toBe(5_000)
    expect(pendingDelay(5_000, 1_000)).toBe(5_000)
    expect(pendingDelay(1_000, 9)).toBe(1_000)
  })
})

// The Postgres source's status, a pure function of what the engine knows
// (main/sync/postgres/status.ts): every rule a person reads in the footer
// and on the Health tab, without a server.
import { describe, expect, it } from 'vitest'
import {
  derivePostgresStatus,
  postgresSourceStatus,
  type PostgresFacts,
  type TableFacts,
} from '../../main/sync/postgres/status.ts'
import { toSourceStatus } from '../../main/sync/source-state.ts'

const NOW = Date.parse('2026-11-30T12:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

const table = (over: Partial<TableFacts> = {}): TableFacts => ({
  table: 'leads',
  error: null,
  copying: false,
  following: true,
  lastSuccessAt: NOW - 1_000,
  feed: 'changelog',
  rowsApplied: 10,
  rowsRejected: 0,
  ...over,
})

const facts = (over: Partial<PostgresFacts> = {}): PostgresFacts => ({
  name: 'Postgres',
  condition: { state: 'live' },
  tables: [table(), table({ table: 'customers' })],
  lastSuccessAt: NOW - 1_000,
  caughtUpAt: NOW - 2_000,
  pendingSince: null,
  rowsPerSecond: 0,
  staleAfterMs: 60_000,
  now: NOW,
  ...over,
})

describe('the Postgres source status', () => {
  it('is syncing while it connects, every table with it', () => {
    const s = derivePostgresStatus(
      facts({
        condition: { state: 'syncing', message: 'Connecting' },
        tables: [table({ following: false, lastSuccessAt: null })],
        lastSuccessAt: null,
        caughtUpAt: null,
      }),
    )
    expect(s).toMatchObject({ state: 'syncing', message: 'Connecting', since: null, lagMs: null })
    expect(s.tables[0]).toMatchObject({ state: 'syncing', since: null })
  })

  it('is live when caught up: since its last good sync, lag from the last catch-up', () => {
    const s = derivePostgresStatus(facts())
    expect(s).toMatchObject({
      state: 'live',
      message: null,
      since: iso(NOW - 1_000),
      lagMs: 2_000,
      approximate: false,
      nextRetryAt: null,
    })
    expect(s.tables.map((t) => t.state)).toEqual(['live', 'live'])
  })

  it('shows a table being copied as syncing while the others are live', () => {
    const s = derivePostgresStatus(facts({ tables: [table({ copying: true }), table()] }))
    expect(s.tables.map((t) => t.state)).toEqual(['syncing', 'live'])
  })

  it('turns stale only when changes have waited past the horizon longer than the limit', () => {
    expect(derivePostgresStatus(facts({ pendingSince: NOW - 60_000 })).state).toBe('live')
    const s = derivePostgresStatus(facts({ pendingSince: NOW - 60_001 }))
    expect(s).toMatchObject({
      state: 'stale',
      since: iso(NOW - 2_000),
      message: 'Upstream changes are held back by a long-running transaction',
    })
  })

  it('is offline until its next retry, tables included', () => {
    const retry = new Date(NOW + 4_000)
    const s = derivePostgresStatus(
      facts({
        condition: { state: 'offline', nextRetryAt: retry, message: 'Cannot reach Postgres' },
        tables: [table({ following: false }), table()],
      }),
    )
    expect(s).toMatchObject({
      state: 'offline',
      since: retry.toISOString(),
      nextRetryAt: retry.toISOString(),
      message: 'Cannot reach Postgres',
    })
    expect(s.tables.map((t) => t.state)).toEqual(['offline', 'offline'])
  })

  it('names the broken tables while the others stay live, and is in error when all are', () => {
    const one = derivePostgresStatus(
      facts({ tables: [table({ error: 'column leads.owner is missing' }), table()] }),
    )
    expect(one).toMatchObject({ state: 'live', message: 'column leads.owner is missing' })
    expect(one.tables.map((t) => t.state)).toEqual(['error', 'live'])
    const all = derivePostgresStatus(
      facts({
        tables: [table({ error: 'first problem' }), table({ error: 'second problem' })],
      }),
    )
    expect(all).toMatchObject({ state: 'error', message: 'first problem' })
    // Unreachable stays offline: the server is the thing to fix first.
    const offline = derivePostgresStatus(
      facts({
        condition: { state: 'offline', nextRetryAt: new Date(NOW), message: 'down' },
        tables: [table({ error: 'first problem' })],
      }),
    )
    expect(offline.state).toBe('offline')
  })

  it('says it is approximate when a table is polled, unless something more urgent is said', () => {
    const s = derivePostgresStatus(facts({ tables: [table({ feed: 'poll' }), table()] }))
    expect(s).toMatchObject({
      state: 'live',
      approximate: true,
      message: 'No change log upstream: polling, approximate until reconciled',
    })
    const broken = derivePostgresStatus(
      facts({ tables: [table({ feed: 'poll', error: 'gone' }), table()] }),
    )
    expect(broken.message).toBe('gone')
  })

  it('keeps the next retry of an error, and maps onto the contract like every source', () => {
    const retry = new Date(NOW + 9_000)
    const s = derivePostgresStatus(
      facts({ condition: { state: 'error', message: 'login refused', nextRetryAt: retry } }),
    )
    expect(s).toMatchObject({ state: 'error', nextRetryAt: retry.toISOString() })
    expect(postgresSourceStatus(s)).toEqual({
      name: 'Postgres',
      state: 'error',
      since: iso(NOW - 1_000),
      message: 'login refused',
      rate: { value: 0, unit: 'rows/s' },
      lagMs: 2_000,
      approximate: false,
      lastGoodSyncAt: iso(NOW - 1_000),
    })
    // The same condition model and map serve the Redis stream and Socket.IO.
    expect(toSourceStatus('Redis stream', { state: 'error', message: 'login refused' })).toEqual({
      name: 'Redis stream',
      state: 'error',
      since: null,
      message: 'login refused',
    })
  })
})

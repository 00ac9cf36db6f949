// The page's honest status in parts: reachability read from every call's
// answer and from the socket, each source's facts said once, and Health's
// current errors listed once each.
import { describe, expect, it } from 'vitest'
import type {
  ApiMethods,
  ApiResult,
  SourceStatus,
  SystemHealth,
  WatchfloorBridge,
} from '../../../shared/api/index.ts'
import { methodNames } from '../../../shared/api/index.ts'
import { createApiClient } from '../../../renderer/src/api/client.ts'
import { currentErrors } from '../../../renderer/src/lib/current-errors.ts'
import { offlineSentence } from '../../../renderer/src/lib/offline.ts'
import { sourceParts } from '../../../renderer/src/lib/source-parts.ts'

const NOW = Date.parse('2026-11-01T15:00:00Z')

/** A bridge whose every method answers what the test says, and whose socket the test drops. */
function bridge() {
  let answer: ApiResult<unknown> = { ok: true, value: {} }
  const connection = new Set<(open: boolean) => void>()
  const methods = Object.fromEntries(
    methodNames.map((m) => [m, () => Promise.resolve(answer)]),
  ) as unknown as ApiMethods
  const b: WatchfloorBridge & { onConnection(l: (open: boolean) => void): () => void } = {
    transport: 'websocket',
    methods,
    on: () => () => {},
    deliverExport: () => Promise.resolve({ saved: false }),
    onConnection(listener) {
      connection.add(listener)
      return () => connection.delete(listener)
    },
  }
  return {
    b,
    answer: (a: ApiResult<unknown>) => (answer = a),
    drop: () => connection.forEach((l) => l(false)),
    open: () => connection.forEach((l) => l(true)),
  }
}

describe('reachability', () => {
  it('is lost when the socket drops or a call meets an unavailable core, and back on an answer', async () => {
    const s = bridge()
    const client = createApiClient(s.b, () => NOW)
    let told = 0
    client.onReachability(() => (told += 1))
    expect(client.reachability()).toEqual({ reachable: true, lostAt: null })

    s.drop()
    expect(client.reachability()).toEqual({ reachable: false, lostAt: NOW })
    // A socket that opens again is not yet a core that answers.
    s.open()
    expect(client.reachability().reachable).toBe(false)
    await client.call('app.status', {})
    expect(client.reachability()).toEqual({ reachable: true, lostAt: null })
    expect(told).toBe(2)

    // The host answers but its core does not (crashed, restarting).
    s.answer({ ok: false, error: { code: 'unavailable', message: 'the core is restarting' } })
    await expect(client.call('app.status', {})).rejects.toThrow('restarting')
    expect(client.reachability().reachable).toBe(false)
    // Any answer of the core's, even a refusal, means it is there.
    s.answer({ ok: false, error: { code: 'bad_request', message: 'no' } })
    await expect(client.call('app.status', {})).rejects.toThrow('no')
    expect(client.reachability().reachable).toBe(true)
    // Unchanged reachability is not news, and the same object is kept.
    const same = client.reachability()
    await expect(client.call('app.status', {})).rejects.toThrow()
    expect(client.reachability()).toBe(same)
    expect(told).toBe(4)
  })

  it('says offline with the time of the data still shown', () => {
    expect(offlineSentence('2026-11-01T12:00:00Z')).toMatch(/^Offline — showing data as of .*2026/)
    expect(offlineSentence(null)).toBe('Offline — no data received yet')
  })
})

const source = (s: Partial<SourceStatus>): SourceStatus => ({
  name: 'Postgres',
  state: 'live',
  since: null,
  message: null,
  ...s,
})

describe('a source in the footer', () => {
  it('says an offline source’s error once, with its next retry and its last good sync', () => {
    const refused = 'Cannot reach Postgres at 127.0.0.1:5433: connection refused'
    const parts = sourceParts(
      source({
        state: 'offline',
        since: new Date(NOW + 30_000).toISOString(),
        message: refused,
        lastError: refused,
        lastGoodSyncAt: new Date(NOW - 5 * 60_000).toISOString(),
      }),
      NOW,
    )
    expect(parts.label).toBe('Offline')
    expect(parts.detail).toMatch(new RegExp(`^${refused}; next retry in`))
    expect(parts.lastError).toBeNull()
    expect(parts.lastGood).toMatch(/^last good sync .* \(5 min ago\)$/)
    const never = sourceParts(source({ state: 'error', message: 'login refused' }), NOW)
    expect(never).toMatchObject({
      label: 'Error',
      detail: 'login refused',
      lastGood: 'never synced',
    })
  })

  it('keeps a past error apart from a recovered source’s state, and says nothing extra while live', () => {
    const parts = sourceParts(source({ lastError: 'timeout', lastGoodSyncAt: null }), NOW)
    expect(parts).toEqual({ label: 'Live', detail: null, lastGood: null, lastError: 'timeout' })
  })

  it('calls demo data generated, as of when, never live with a last sync of never', () => {
    const parts = sourceParts(
      source({
        name: 'Demo data',
        generated: true,
        message: 'Generated demo data; no upstream configured',
        lastGoodSyncAt: '2026-11-01T12:00:00Z',
      }),
      NOW,
    )
    expect(parts.label).toBe('Generated')
    expect(parts.lastGood).toMatch(/^data as of .*2026/)
    expect(JSON.stringify(parts)).not.toMatch(/live|never/i)
  })
})

describe('Health’s current errors', () => {
  type HealthSource = SystemHealth['sources'][number]
  const row = (s: Partial<HealthSource>): HealthSource => ({
    ...source(s),
    lastSuccessAt: null,
    lagSeconds: null,
  })

  it('lists what fails now, each sentence once, and nothing for healthy sources', () => {
    const refused = 'Cannot reach Postgres at 127.0.0.1:5433: connection refused'
    const errors = currentErrors({
      sources: [
        row({ state: 'offline', message: refused, lastError: refused }),
        row({ name: 'Redis', state: 'error', message: 'NOAUTH' }),
        row({ name: 'Operations server', state: 'live', lastError: 'old news' }),
        row({ name: 'Stream', state: 'stale', message: 'no heartbeat' }),
      ],
      recentErrors: [
        { source: 'postgres:127.0.0.1:5433/test/public', table: 'leads', message: refused },
        { source: 'postgres:127.0.0.1:5433/test/public', table: 'widgets', message: 'gone' },
      ],
    })
    expect(errors).toEqual([
      { source: 'Postgres', table: null, message: refused },
      { source: 'Redis', table: null, message: 'NOAUTH' },
      { source: 'postgres:127.0.0.1:5433/test/public', table: 'widgets', message: 'gone' },
    ])
    expect(currentErrors({ sources: [row({})], recentErrors: [] })).toEqual([])
  })
})
